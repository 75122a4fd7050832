import * as assert from 'assert';
import { BuildStore, type KeyValueStorage, type TrackedBuild } from '../../src/core/buildStore';

const KEY = 'codemagic.trackedBuilds';

/** A vscode.Memento look-alike: values go through JSON like the real one, writes are counted. */
class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  writes = 0;
  get<T>(key: string): T | undefined {
    const s = this.data.get(key);
    return s === undefined ? undefined : (JSON.parse(s) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
  /** Puts a raw value as if an older or broken version had written it. */
  seed(value: unknown): this {
    this.data.set(KEY, JSON.stringify(value));
    return this;
  }
}

class MemoryLog {
  readonly warnings: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
}

let seq = 0;
function build(id: string, status = 'building', extra: Partial<TrackedBuild> = {}): TrackedBuild {
  seq++;
  return {
    id,
    appId: 'app1',
    workflowId: 'ios-release',
    branch: 'main',
    status,
    trackedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, seq)).toISOString(),
    request: { appId: 'app1', workflowId: 'ios-release', branch: 'main' },
    ...extra,
  };
}

function ids(store: BuildStore): string[] {
  return store.list().map((b) => b.id);
}

function setup(cap = 50, storage = new MemoryStorage(), writeDelayMs?: number) {
  const log = new MemoryLog();
  let capValue = cap;
  const store = new BuildStore(storage, log, () => capValue, writeDelayMs);
  return { store, storage, log, setCap: (n: number) => (capValue = n) };
}

/** What a window reload would show: the first store flushes (as on deactivate), a second one loads. */
async function reopen(first: BuildStore, storage: MemoryStorage, cap = 50) {
  await first.flush();
  return setup(cap, storage);
}

suite('core/buildStore: BuildStore', () => {
  test('starts empty with nothing stored, without a warning', () => {
    const { store, log } = setup();
    assert.deepStrictEqual(store.list(), []);
    assert.deepStrictEqual(store.active(), []);
    assert.deepStrictEqual(log.warnings, []);
  });

  test('add keeps the newest first', async () => {
    const { store } = setup();
    await store.add(build('b1'));
    await store.add(build('b2'));
    await store.add(build('b3'));
    assert.deepStrictEqual(ids(store), ['b3', 'b2', 'b1']);
    assert.strictEqual(store.get('b2')?.id, 'b2');
    assert.strictEqual(store.get('nope'), undefined);
  });

  test('re-adding an id replaces it and moves it to the front, without a duplicate', async () => {
    const { store } = setup();
    await store.add(build('b1'));
    await store.add(build('b2'));
    await store.add(build('b3'));
    await store.add(build('b1', 'queued', { branch: 'develop' }));
    assert.deepStrictEqual(ids(store), ['b1', 'b3', 'b2']);
    assert.strictEqual(store.get('b1')?.branch, 'develop');
    assert.strictEqual(store.get('b1')?.status, 'queued');
  });

  test('update patches one build in place, keeps the order and returns the new value', async () => {
    const { store } = setup();
    await store.add(build('b1'));
    await store.add(build('b2'));
    const next = await store.update('b1', {
      status: 'finished',
      finishedAt: '2024-01-01T01:00:00.000Z',
      index: 42,
    });
    assert.strictEqual(next?.status, 'finished');
    assert.strictEqual(next?.index, 42);
    assert.strictEqual(next?.workflowId, 'ios-release', 'untouched fields are kept');
    assert.deepStrictEqual(ids(store), ['b2', 'b1']);
    assert.deepStrictEqual(store.get('b1'), next);
  });

  test('update does not mutate the object that was added', async () => {
    const { store } = setup();
    const original = build('b1');
    await store.add(original);
    await store.update('b1', { status: 'failed' });
    assert.strictEqual(original.status, 'building');
  });

  test('update of an unknown id returns undefined, changes nothing and writes nothing', async () => {
    const { store, storage } = setup();
    await store.add(build('b1'));
    const writes = storage.writes;
    let fired = 0;
    store.onDidChange(() => fired++);
    assert.strictEqual(await store.update('nope', { status: 'failed' }), undefined);
    assert.deepStrictEqual(ids(store), ['b1']);
    assert.strictEqual(storage.writes, writes);
    assert.strictEqual(fired, 0);
  });

  test('remove drops one build; removing an unknown id is harmless', async () => {
    const { store } = setup();
    await store.add(build('b1'));
    await store.add(build('b2'));
    await store.remove('b1');
    assert.deepStrictEqual(ids(store), ['b2']);
    await store.remove('nope');
    assert.deepStrictEqual(ids(store), ['b2']);
  });

  test('clearFinished keeps only builds in progress (unknown status without finishedAt counts as in progress)', async () => {
    const { store } = setup();
    await store.add(build('queued', 'queued'));
    await store.add(build('done', 'finished'));
    await store.add(build('failed', 'failed'));
    await store.add(build('warn', 'warning'));
    await store.add(build('new-status', 'uploading'));
    await store.add(build('new-status-done', 'uploading', { finishedAt: '2024-01-01T00:00:00Z' }));
    await store.add(build('publishing', 'publishing'));
    await store.clearFinished();
    assert.deepStrictEqual(ids(store), ['publishing', 'new-status', 'queued']);
  });

  test('active() lists the builds in progress, newest first', async () => {
    const { store } = setup();
    await store.add(build('b1', 'building'));
    await store.add(build('b2', 'canceled'));
    await store.add(build('b3', 'initializing'));
    await store.add(build('b4', 'timeout'));
    assert.deepStrictEqual(
      store.active().map((b) => b.id),
      ['b3', 'b1'],
    );
    await store.update('b3', { status: 'finished' });
    assert.deepStrictEqual(
      store.active().map((b) => b.id),
      ['b1'],
    );
  });

  test('onDidChange fires on add, update, remove and clearFinished, and stops after dispose', async () => {
    const { store } = setup();
    let fired = 0;
    const sub = store.onDidChange(() => fired++);
    await store.add(build('b1'));
    assert.strictEqual(fired, 1);
    await store.update('b1', { status: 'finished' });
    assert.strictEqual(fired, 2);
    await store.add(build('b2'));
    await store.remove('b2');
    assert.strictEqual(fired, 4);
    await store.clearFinished();
    assert.strictEqual(fired, 5);
    sub.dispose();
    await store.add(build('b3'));
    assert.strictEqual(fired, 5);
  });

  test('a listener sees the new state when it is called', async () => {
    const { store } = setup();
    const seen: string[][] = [];
    store.onDidChange(() => seen.push(ids(store)));
    await store.add(build('b1'));
    await store.add(build('b2'));
    assert.deepStrictEqual(seen, [['b1'], ['b2', 'b1']]);
  });

  test('several listeners are all called', async () => {
    const { store } = setup();
    const calls: string[] = [];
    store.onDidChange(() => calls.push('a'));
    store.onDidChange(() => calls.push('b'));
    await store.add(build('b1'));
    assert.deepStrictEqual(calls.sort(), ['a', 'b']);
  });

  test('persistence: a new store over the same storage sees the same builds, in order, with every field', async () => {
    const storage = new MemoryStorage();
    const first = setup(50, storage).store;
    await first.add(
      build('b1', 'finished', {
        appName: 'Demo',
        workflowName: 'iOS Release',
        index: 7,
        startedAt: '2024-01-01T00:00:10.000Z',
        finishedAt: '2024-01-01T00:05:00.000Z',
        folder: 'file:///work/demo',
        request: {
          appId: 'app1',
          workflowId: 'ios-release',
          tag: 'v1.0.0',
          environment: { groups: ['g'], softwareVersions: { xcode: '15.4' } },
          labels: ['x'],
          instanceType: 'mac_mini_m2',
        },
        steps: [{ id: 's1', name: 'Build', status: 'success' }],
        artifacts: [{ name: 'app.ipa', size: 123 }],
      }),
    );
    await first.add(build('b2', 'building', { tag: 'v1.0.1', branch: undefined }));
    await first.update('b2', { status: 'publishing' });

    const { store: second, log } = await reopen(first, storage);
    assert.deepStrictEqual(log.warnings, []);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(second.list())), JSON.parse(JSON.stringify(first.list())));
    assert.deepStrictEqual(ids(second), ['b2', 'b1']);
    assert.strictEqual(second.get('b2')?.status, 'publishing');
    assert.deepStrictEqual(second.get('b1')?.request.environment?.softwareVersions, { xcode: '15.4' });
    assert.deepStrictEqual(
      second.active().map((b) => b.id),
      ['b2'],
    );
  });

  test('persistence after remove and clearFinished', async () => {
    const storage = new MemoryStorage();
    const first = setup(50, storage).store;
    await first.add(build('b1', 'finished'));
    await first.add(build('b2', 'building'));
    await first.add(build('b3', 'failed'));
    await first.remove('b2');
    assert.deepStrictEqual(ids((await reopen(first, storage)).store), ['b3', 'b1']);
    await first.clearFinished();
    assert.deepStrictEqual(ids((await reopen(first, storage)).store), []);
  });

  test('the stored value is versioned: {schema: 1, builds: [...]}', async () => {
    const { store, storage } = setup();
    await store.add(build('b1'));
    await store.flush();
    const raw = storage.get<{ schema: number; builds: { id: string }[] }>(KEY);
    assert.strictEqual(raw?.schema, 1);
    assert.deepStrictEqual(
      raw?.builds.map((b) => b.id),
      ['b1'],
    );
  });

  suite('writes to storage', () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    test('listeners hear at once; the changes of one burst become one write, after the delay, with the final state', async () => {
      const { store, storage } = setup(50, new MemoryStorage(), 40);
      let fired = 0;
      store.onDidChange(() => fired++);
      await store.add(build('b1'));
      await store.add(build('b2'));
      await store.update('b1', { status: 'finished' });
      await store.remove('b2');
      assert.strictEqual(fired, 4);
      assert.strictEqual(storage.writes, 0, 'nothing written yet');
      await sleep(80);
      assert.strictEqual(storage.writes, 1);
      const raw = storage.get<{ builds: TrackedBuild[] }>(KEY);
      assert.deepStrictEqual(
        raw?.builds.map((b) => [b.id, b.status]),
        [['b1', 'finished']],
      );
      await store.add(build('b3'));
      await sleep(80);
      assert.strictEqual(storage.writes, 2, 'a later change is a new write');
    });

    test('flush writes now, once, and a second flush writes nothing', async () => {
      const { store, storage } = setup(50, new MemoryStorage(), 10_000);
      await store.add(build('b1'));
      await store.flush();
      assert.strictEqual(storage.writes, 1);
      await store.flush();
      assert.strictEqual(storage.writes, 1);
    });

    test('dispose writes what is pending, and changes after it are written at once (deactivate)', async () => {
      const { store, storage } = setup(50, new MemoryStorage(), 10_000);
      await store.add(build('b1'));
      store.dispose();
      await sleep(0);
      assert.strictEqual(storage.writes, 1);
      await store.update('b1', { status: 'finished' });
      assert.strictEqual(storage.writes, 2);
      assert.strictEqual(storage.get<{ builds: TrackedBuild[] }>(KEY)?.builds[0].status, 'finished');
    });

    test('a failing write is a warning, not an unhandled rejection, and the next write still happens', async () => {
      const storage = new MemoryStorage();
      const { store, log } = setup(50, storage, 10_000);
      const real = storage.update.bind(storage);
      storage.update = () => Promise.reject(new Error('disk full'));
      await store.add(build('b1'));
      await store.flush();
      assert.deepStrictEqual(log.warnings, ['Could not save the tracked builds: Error: disk full']);
      storage.update = real;
      await store.add(build('b2'));
      await store.flush();
      assert.deepStrictEqual(ids((await reopen(store, storage)).store), ['b2', 'b1']);
    });
  });

  suite('the history cap', () => {
    test('under or at the cap nothing is dropped', async () => {
      const { store } = setup(3);
      await store.add(build('b1', 'finished'));
      await store.add(build('b2', 'finished'));
      await store.add(build('b3', 'finished'));
      assert.deepStrictEqual(ids(store), ['b3', 'b2', 'b1']);
    });

    test('over the cap the oldest finished builds are dropped first', async () => {
      const { store } = setup(3);
      await store.add(build('f1', 'finished'));
      await store.add(build('r1', 'building'));
      await store.add(build('f2', 'failed'));
      await store.add(build('f3', 'canceled'));
      // f1 is the oldest finished one; r1 is older than f2 and f3 but still running.
      assert.deepStrictEqual(ids(store), ['f3', 'f2', 'r1']);
      await store.add(build('f4', 'finished'));
      assert.deepStrictEqual(ids(store), ['f4', 'f3', 'r1']);
    });

    test('running builds are never dropped, even when they alone exceed the cap', async () => {
      const { store } = setup(2);
      await store.add(build('f1', 'finished'));
      await store.add(build('r1', 'building'));
      await store.add(build('r2', 'queued'));
      await store.add(build('r3', 'preparing'));
      await store.add(build('u1', 'some-new-status'));
      assert.deepStrictEqual(ids(store), ['u1', 'r3', 'r2', 'r1']);
      // A finished build added now is itself the one over the cap.
      await store.add(build('f2', 'finished'));
      assert.deepStrictEqual(ids(store), ['u1', 'r3', 'r2', 'r1']);
    });

    test('the cap is read at each add, and a cap below 1 counts as 1', async () => {
      const { store, setCap } = setup(10);
      for (let i = 1; i <= 5; i++) await store.add(build(`f${i}`, 'finished'));
      assert.strictEqual(store.list().length, 5);
      setCap(0);
      await store.add(build('f6', 'finished'));
      assert.deepStrictEqual(ids(store), ['f6']);
    });

    test('the dropped builds are gone from storage too', async () => {
      const storage = new MemoryStorage();
      const { store } = setup(2, storage);
      await store.add(build('f1', 'finished'));
      await store.add(build('f2', 'finished'));
      await store.add(build('f3', 'finished'));
      assert.deepStrictEqual(ids((await reopen(store, storage, 2)).store), ['f3', 'f2']);
    });
  });

  suite('corrupt stored data is dropped with a warning, never thrown', () => {
    const unknownFormats: [string, unknown][] = [
      ['a string', 'hello'],
      ['a number', 42],
      ['null', null],
      ['an array', [{ id: 'b1' }]],
      ['a wrong schema number', { schema: 2, builds: [] }],
      ['no schema', { builds: [] }],
      ['builds not an array', { schema: 1, builds: { b1: {} } }],
      ['builds missing', { schema: 1 }],
    ];
    for (const [what, value] of unknownFormats) {
      test(`${what}: empty store, one warning`, async () => {
        const storage = new MemoryStorage().seed(value);
        const { store, log } = setup(50, storage);
        assert.deepStrictEqual(store.list(), []);
        assert.strictEqual(log.warnings.length, 1);
        assert.match(log.warnings[0], /unknown format/);
        // The store still works and overwrites the bad value.
        await store.add(build('b1'));
        assert.deepStrictEqual(ids((await reopen(store, storage)).store), ['b1']);
      });
    }

    test('invalid entries are dropped, valid ones kept in order, with one warning counting them', () => {
      const good1 = build('good1', 'finished');
      const good2 = build('good2', 'building');
      const storage = new MemoryStorage().seed({
        schema: 1,
        builds: [
          good1,
          null,
          'b2',
          { ...build('no-request'), request: undefined },
          { ...build('null-request'), request: null },
          { ...build('numeric-id'), id: 5 },
          { ...build('no-status'), status: undefined },
          { ...build('no-app'), appId: undefined },
          { ...build('no-workflow'), workflowId: undefined },
          { ...build('no-tracked-at'), trackedAt: undefined },
          good2,
        ],
      });
      const { store, log } = setup(50, storage);
      assert.deepStrictEqual(ids(store), ['good1', 'good2']);
      assert.deepStrictEqual(log.warnings, ['Dropped 9 unreadable stored build(s).']);
    });

    test('valid stored data loads without a warning', () => {
      const storage = new MemoryStorage().seed({ schema: 1, builds: [build('b1')] });
      const { store, log } = setup(50, storage);
      assert.deepStrictEqual(ids(store), ['b1']);
      assert.deepStrictEqual(log.warnings, []);
    });
  });
});
