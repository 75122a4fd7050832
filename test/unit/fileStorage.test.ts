import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as vscode from 'vscode';
import { BuildStore } from '../../src/core/buildStore';
import { JsonFileStorage } from '../../src/services/fileStorage';

const KEY = 'codemagic.trackedBuilds';

/** workspaceState as an older version left it. */
class LegacyMemento {
  readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
    return Promise.resolve();
  }
}

const asMemento = (m: LegacyMemento) => m as unknown as vscode.Memento;
const stored = (id: string) => ({
  schema: 1,
  builds: [
    {
      id,
      appId: 'app1',
      workflowId: 'w',
      status: 'building',
      trackedAt: '2026-01-01T00:00:00.000Z',
      request: { appId: 'app1', workflowId: 'w', branch: 'main' },
    },
  ],
});
const silent = { warn: () => undefined };

suite('services/fileStorage: JsonFileStorage', () => {
  let dir: string;
  setup(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cm-filestorage-')), 'not-yet-made');
  });
  teardown(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  test('a value written is read back by a new instance; the folder is made on first write', async () => {
    assert.strictEqual(new JsonFileStorage(dir).get(KEY), undefined);
    await new JsonFileStorage(dir).update(KEY, stored('b1'));
    assert.deepStrictEqual(new JsonFileStorage(dir).get(KEY), stored('b1'));
    assert.deepStrictEqual(
      fs.readdirSync(dir),
      ['codemagic.trackedBuilds.json'],
      'one file per key, no temp file left behind',
    );
  });

  test('undefined removes the value', async () => {
    const s = new JsonFileStorage(dir);
    await s.update(KEY, stored('b1'));
    await s.update(KEY, undefined);
    assert.strictEqual(new JsonFileStorage(dir).get(KEY), undefined);
  });

  test('a damaged file reads as null, so the store drops it with a warning instead of throwing', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${KEY}.json`), '{"schema":1,"builds":[{"id"');
    assert.strictEqual(new JsonFileStorage(dir).get(KEY), null);
    const warnings: string[] = [];
    const store = new BuildStore(new JsonFileStorage(dir), { warn: (m) => warnings.push(m) }, () => 50);
    assert.deepStrictEqual(store.list(), []);
    assert.strictEqual(warnings.length, 1);
  });

  test('builds an older version kept in workspaceState are read, and moved out of it on the first write', async () => {
    const legacy = new LegacyMemento();
    legacy.data.set(KEY, stored('old1'));
    const store = new BuildStore(new JsonFileStorage(dir, asMemento(legacy)), silent, () => 50, 0);
    assert.deepStrictEqual(
      store.list().map((b) => b.id),
      ['old1'],
    );
    await store.remove('nothing-like-this');
    await store.flush();
    assert.strictEqual(legacy.get(KEY), undefined, 'workspaceState no longer holds the builds');
    assert.deepStrictEqual(
      new BuildStore(new JsonFileStorage(dir), silent, () => 50).list().map((b) => b.id),
      ['old1'],
    );
  });

  test('a write that fails rejects (the store logs it) and leaves the last good file in place', async () => {
    const s = new JsonFileStorage(dir);
    await s.update(KEY, stored('good'));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await assert.rejects(s.update(KEY, circular), TypeError);
    assert.deepStrictEqual(new JsonFileStorage(dir).get(KEY), stored('good'));
  });

  test('the store disposed right after a change has it on disk when dispose returns (a window reload)', () => {
    const store = new BuildStore(new JsonFileStorage(dir), silent, () => 50, 60_000);
    void store.add({
      id: 'last',
      appId: 'app1',
      workflowId: 'w',
      status: 'canceled',
      trackedAt: '2026-01-01T00:00:00.000Z',
      request: { appId: 'app1', workflowId: 'w', branch: 'main' },
    });
    assert.strictEqual(new JsonFileStorage(dir).get(KEY), undefined, 'the write waits for its batch');
    store.dispose();
    // No await: the extension host may exit straight after deactivation.
    const again = new BuildStore(new JsonFileStorage(dir), silent, () => 50);
    assert.deepStrictEqual(
      again.list().map((b) => [b.id, b.status]),
      [['last', 'canceled']],
    );
  });
});
