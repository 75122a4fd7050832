/**
 * Unit tests of the build poller (src/core/poller.ts) in plain Node: a real BuildStore over an
 * in-memory storage, a hand-driven fake clock (timers fire only when a test says so, Date.now is
 * stubbed to the fake time) and a fake client that counts requests and can hold or fail them.
 */
import * as assert from 'assert';
import { CodemagicApiError } from '../../src/api/errors';
import type { Build, BuildStep } from '../../src/api/types';
import { BuildStore, type KeyValueStorage, type TrackedBuild } from '../../src/core/buildStore';
import {
  BURST_MS,
  BURST_POLLS,
  MAX_BACKOFF_MS,
  Poller,
  UNFOCUSED_FACTOR,
  type PollClient,
  type Timers,
} from '../../src/core/poller';

const INTERVAL = 30_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A vscode.Memento look-alike: values round-trip through JSON like the real one. */
class MemoryStorage implements KeyValueStorage {
  private readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const s = this.data.get(key);
    return s === undefined ? undefined : (JSON.parse(s) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

/** Lets every pending promise continuation run (no real timers are involved in a poll). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface FakeTimer {
  id: number;
  fn: () => void;
  ms: number;
  at: number;
  state: 'pending' | 'cleared' | 'fired';
}

/** Timers that fire only on fire(); every scheduled delay is recorded. */
class FakeClock implements Timers {
  now = Date.UTC(2024, 5, 1, 12, 0, 0);
  readonly timers: FakeTimer[] = [];
  readonly cleared: unknown[] = [];
  private seq = 0;

  set(fn: () => void, ms: number): unknown {
    const t: FakeTimer = { id: ++this.seq, fn, ms, at: this.now + ms, state: 'pending' };
    this.timers.push(t);
    return t.id;
  }

  clear(handle: unknown): void {
    this.cleared.push(handle);
    const t = this.timers.find((x) => x.id === handle);
    if (t && t.state === 'pending') t.state = 'cleared';
  }

  /** Every delay ever scheduled, in order. */
  get delays(): number[] {
    return this.timers.map((t) => t.ms);
  }

  pending(): FakeTimer[] {
    return this.timers.filter((t) => t.state === 'pending');
  }

  /** The delay of the one pending timer (fails when there is not exactly one). */
  pendingDelay(): number {
    const p = this.pending();
    assert.strictEqual(p.length, 1, `expected exactly one pending timer, got ${p.length}`);
    return p[0].ms;
  }

  /** Advances the clock to the earliest pending timer, fires it and lets the poll run to its end. */
  async fire(): Promise<number> {
    const p = this.pending().sort((a, b) => a.at - b.at);
    assert.ok(p.length > 0, 'no timer is pending');
    const t = p[0];
    this.now = Math.max(this.now, t.at);
    t.state = 'fired';
    t.fn();
    await settle();
    return t.ms;
  }

  advance(ms: number): void {
    this.now += ms;
  }
}

type Answer = Partial<Build> | Error;

/** A PollClient whose answers are set per build id; counts calls and concurrency; can hold getBuild. */
class FakeClient implements PollClient {
  readonly answers = new Map<string, Answer>();
  readonly buildCalls: string[] = [];
  readonly stepCalls: string[] = [];
  hold = false;
  inFlight = 0;
  maxInFlight = 0;
  private readonly waiting: Array<() => void> = [];

  set(id: string, answer: Answer): this {
    this.answers.set(id, answer);
    return this;
  }

  /** Lets every held getBuild go on. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  get held(): number {
    return this.waiting.length;
  }

  private enter(): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  async getBuild(id: string): Promise<Build> {
    this.buildCalls.push(id);
    this.enter();
    try {
      if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
      const a = this.answers.get(id);
      if (a instanceof Error) throw a;
      return { id, status: 'building', labels: [], artifacts: [], ...a };
    } finally {
      this.inFlight--;
    }
  }

  async getBuildSteps(id: string): Promise<BuildStep[]> {
    this.stepCalls.push(id);
    this.enter();
    try {
      await Promise.resolve();
      const n = this.stepCalls.filter((x) => x === id).length;
      return [{ id: `${id}-step`, name: `Step fetch #${n}`, status: 'success' }];
    } finally {
      this.inFlight--;
    }
  }
}

let seq = 0;
function tracked(id: string, status = 'queued', extra: Partial<TrackedBuild> = {}): TrackedBuild {
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

const apiError = {
  network: () => new CodemagicApiError('network', 'socket hang up'),
  http: (status: number, retryAfterMs?: number) =>
    new CodemagicApiError('http', `HTTP ${status}`, { status, retryAfterMs }),
  noToken: () => new CodemagicApiError('noToken', 'No API token is set'),
};

interface HarnessOptions {
  interval?: number;
  focused?: boolean;
}

/** Builds are added oldest first, so store.active() (newest first) lists them in reverse. */
async function harness(builds: TrackedBuild[], opts: HarnessOptions = {}) {
  const clock = new FakeClock();
  const client = new FakeClient();
  const warnings: string[] = [];
  const store = new BuildStore(new MemoryStorage(), { warn: (m) => warnings.push(m) }, () => 50);
  for (const b of builds) await store.add(b);
  const finals: TrackedBuild[] = [];
  const unauthorized: CodemagicApiError[] = [];
  const state = { interval: opts.interval ?? INTERVAL, focused: opts.focused ?? true, clientCalls: 0 };
  const poller = new Poller({
    store,
    client: () => {
      state.clientCalls++;
      return client;
    },
    intervalMs: () => state.interval,
    focused: () => state.focused,
    onFinal: (b) => finals.push(b),
    onUnauthorized: (e) => unauthorized.push(e),
    log: { info: () => undefined, warn: (m) => warnings.push(m) },
    timers: clock,
  });
  return { clock, client, store, poller, finals, unauthorized, warnings, state };
}

let realNow: () => number;
let current: Awaited<ReturnType<typeof harness>> | undefined;

/** Creates the harness and points Date.now at its fake clock for the rest of the test. */
async function setup(builds: TrackedBuild[], opts: HarnessOptions = {}) {
  const h = await harness(builds, opts);
  Date.now = () => h.clock.now;
  current = h;
  return h;
}

suite('core/poller: Poller', () => {
  suiteSetup(() => {
    realNow = Date.now;
  });

  teardown(() => {
    current?.poller.dispose();
    current = undefined;
    Date.now = realNow;
  });

  suite('idle', () => {
    test('no timer and no request when nothing is tracked', async () => {
      const { clock, client, poller } = await setup([]);
      poller.kick();
      poller.kick({ burst: true });
      poller.kick({ soonMs: 0 });
      await poller.refreshNow();
      await settle();
      assert.deepStrictEqual(clock.timers, []);
      assert.strictEqual(poller.scheduled, false);
      assert.deepStrictEqual(client.buildCalls, []);
      assert.deepStrictEqual(client.stepCalls, []);
    });

    test('no timer and no request when every tracked build is final, even after kick()', async () => {
      const { clock, client, poller, finals, state } = await setup([
        tracked('f1', 'finished'),
        tracked('f2', 'failed'),
        tracked('f3', 'canceled'),
        tracked('f4', 'mystery', { finishedAt: '2024-01-01T00:10:00.000Z' }),
      ]);
      poller.kick();
      poller.kick({ burst: true });
      poller.kick({ soonMs: 500 });
      await poller.refreshNow();
      await settle();
      assert.deepStrictEqual(clock.timers, []);
      assert.strictEqual(poller.scheduled, false);
      assert.deepStrictEqual(client.buildCalls, []);
      assert.deepStrictEqual(client.stepCalls, []);
      assert.strictEqual(state.clientCalls, 0, 'not even a client is asked for');
      assert.deepStrictEqual(finals, []);
    });
  });

  suite('scheduling', () => {
    test('kick() schedules one poll at the interval; a second kick does not add a timer', async () => {
      const { clock, poller, client } = await setup([tracked('b1')]);
      poller.kick();
      assert.strictEqual(poller.scheduled, true);
      assert.deepStrictEqual(clock.delays, [INTERVAL]);
      poller.kick();
      assert.deepStrictEqual(clock.delays, [INTERVAL], 'a later-or-equal kick keeps the timer');
      assert.deepStrictEqual(client.buildCalls, [], 'nothing is requested before the timer fires');
    });

    test('an earlier kick replaces a later timer', async () => {
      const { clock, poller } = await setup([tracked('b1')]);
      poller.kick();
      poller.kick({ soonMs: 1000 });
      assert.strictEqual(clock.pendingDelay(), 1000);
      assert.strictEqual(clock.timers[0].state, 'cleared');
    });

    test(`kick({burst}) polls every BURST_MS for BURST_POLLS polls, then at the interval`, async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')]);
      client.set('b1', { status: 'building' });
      poller.kick({ burst: true });
      assert.deepStrictEqual(clock.delays, [BURST_MS]);
      for (let i = 0; i < BURST_POLLS + 2; i++) await clock.fire();
      assert.strictEqual(client.buildCalls.length, BURST_POLLS + 2);
      assert.deepStrictEqual(clock.delays, [
        ...Array<number>(BURST_POLLS).fill(BURST_MS),
        INTERVAL,
        INTERVAL,
        INTERVAL,
      ]);
    });

    test('unfocused multiplies the interval by UNFOCUSED_FACTOR; focus brings it back', async () => {
      const { clock, poller, state } = await setup([tracked('b1', 'building')], { focused: false });
      poller.kick();
      assert.deepStrictEqual(clock.delays, [INTERVAL * UNFOCUSED_FACTOR]);
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), INTERVAL * UNFOCUSED_FACTOR);
      state.focused = true;
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), INTERVAL);
    });

    test('the interval is read on every poll', async () => {
      const { clock, poller, state } = await setup([tracked('b1', 'building')]);
      poller.kick();
      state.interval = 45_000;
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 45_000);
    });
  });

  suite('requests never overlap', () => {
    test('refreshNow() during a poll in flight waits for it, then polls once more', async () => {
      const { clock, poller, client, store } = await setup([tracked('b1', 'queued'), tracked('b2', 'queued')]);
      client.set('b1', { status: 'building' }).set('b2', { status: 'building' });
      client.hold = true;
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b2'], 'the first poll is held in its first request');

      const refresh = poller.refreshNow();
      const refresh2 = poller.refreshNow();
      await settle();
      assert.deepStrictEqual(client.buildCalls, ['b2'], 'refreshNow() did not start a request of its own');

      client.hold = false;
      client.release();
      await Promise.all([refresh, refresh2]);
      await settle();

      assert.strictEqual(client.maxInFlight, 1);
      assert.deepStrictEqual(client.buildCalls, ['b2', 'b1', 'b2', 'b1'], 'the held poll, then exactly one more');
      assert.strictEqual(store.get('b1')?.status, 'building');
      assert.strictEqual(store.get('b2')?.status, 'building');
      assert.strictEqual(clock.pending().length, 1, 'one timer is left for the next poll');
    });

    test('a timer firing while a poll is in flight does not start a second one', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')]);
      client.hold = true;
      const refresh = poller.refreshNow();
      await settle();
      assert.strictEqual(client.held, 1);
      poller.kick({ soonMs: 0 });
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b1']);
      client.hold = false;
      client.release();
      await refresh;
      await settle();
      assert.deepStrictEqual(client.buildCalls, ['b1']);
      assert.strictEqual(client.maxInFlight, 1);
      assert.strictEqual(clock.pending().length, 1);
    });

    test('refreshNow() replaces the pending timer with an immediate poll', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')]);
      poller.kick();
      const first = clock.timers[0];
      await poller.refreshNow();
      await settle();
      assert.strictEqual(first.state, 'cleared');
      assert.deepStrictEqual(client.buildCalls, ['b1']);
      assert.strictEqual(clock.pendingDelay(), INTERVAL);
    });
  });

  suite('status, steps and finishing', () => {
    test('updates land in the store; steps only on a status change; onFinal exactly once; then it stops', async () => {
      const { clock, poller, client, store, finals } = await setup([
        tracked('b1', 'queued', { workflowName: 'iOS release' }),
      ]);
      client.set('b1', {
        status: 'building',
        index: 42,
        startedAt: '2024-06-01T12:00:10.000Z',
        workflowName: 'server name',
        artifacts: [{ name: 'app.ipa', url: 'https://example.com/app.ipa' }],
      });
      poller.kick();
      await clock.fire();
      let b = store.get('b1')!;
      assert.strictEqual(b.status, 'building');
      assert.strictEqual(b.index, 42);
      assert.strictEqual(b.startedAt, '2024-06-01T12:00:10.000Z');
      assert.strictEqual(b.workflowName, 'iOS release', 'the tracked workflow name is kept');
      assert.strictEqual(b.artifacts?.length, 1);
      assert.deepStrictEqual(client.stepCalls, ['b1'], 'status changed: steps fetched');
      assert.strictEqual(b.steps?.[0].name, 'Step fetch #1');

      // Same status twice: no steps request, the stored steps are kept.
      await clock.fire();
      await clock.fire();
      assert.strictEqual(client.buildCalls.length, 3);
      assert.deepStrictEqual(client.stepCalls, ['b1']);
      b = store.get('b1')!;
      assert.strictEqual(b.steps?.[0].name, 'Step fetch #1');
      assert.strictEqual(b.index, 42);

      client.set('b1', { status: 'publishing', index: 42 });
      await clock.fire();
      assert.strictEqual(store.get('b1')?.status, 'publishing');
      assert.strictEqual(client.stepCalls.length, 2);
      assert.strictEqual(store.get('b1')?.startedAt, '2024-06-01T12:00:10.000Z', 'not lost when not sent');
      assert.strictEqual(finals.length, 0);

      client.set('b1', { status: 'finished', index: 42, finishedAt: '2024-06-01T12:09:00.000Z' });
      await clock.fire();
      b = store.get('b1')!;
      assert.strictEqual(b.status, 'finished');
      assert.strictEqual(b.finishedAt, '2024-06-01T12:09:00.000Z');
      assert.strictEqual(client.stepCalls.length, 3, 'final: steps fetched');
      assert.strictEqual(b.steps?.[0].name, 'Step fetch #3');
      assert.strictEqual(finals.length, 1);
      assert.strictEqual(finals[0].id, 'b1');
      assert.strictEqual(finals[0].status, 'finished');
      assert.strictEqual(finals[0].steps?.[0].name, 'Step fetch #3');

      assert.deepStrictEqual(clock.pending(), [], 'no timer once nothing runs');
      assert.strictEqual(poller.scheduled, false);
      poller.kick();
      poller.kick({ burst: true });
      await poller.refreshNow();
      await settle();
      assert.deepStrictEqual(clock.pending(), []);
      assert.strictEqual(client.buildCalls.length, 5);
      assert.strictEqual(finals.length, 1, 'onFinal is not called again');
    });

    test('steps are fetched on the first poll of a build that has none yet, even with the same status', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')]);
      poller.kick();
      await clock.fire();
      await clock.fire();
      assert.deepStrictEqual(client.stepCalls, ['b1']);
      assert.strictEqual(client.buildCalls.length, 2);
    });

    test('a build with an unknown status that gets a finish time is final: steps fetched, onFinal once', async () => {
      const { clock, poller, client, store, finals } = await setup([tracked('b1', 'mystery', { steps: [] })]);
      client.set('b1', { status: 'mystery' });
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.stepCalls, [], 'same status, steps already there');
      client.set('b1', { status: 'mystery', finishedAt: '2024-06-01T13:00:00.000Z' });
      await clock.fire();
      assert.deepStrictEqual(client.stepCalls, ['b1']);
      assert.strictEqual(store.get('b1')?.finishedAt, '2024-06-01T13:00:00.000Z');
      assert.strictEqual(finals.length, 1);
      assert.deepStrictEqual(clock.pending(), []);
    });

    test('steps carried in the build (legacy API) cost no extra request', async () => {
      const { clock, poller, client, store } = await setup([tracked('b1', 'queued')]);
      client.set('b1', { status: 'building', steps: [{ id: 's', name: 'Legacy step' }] });
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.stepCalls, []);
      assert.strictEqual(store.get('b1')?.steps?.[0].name, 'Legacy step');
    });

    test('several builds: each finishes on its own, polling stops after the last', async () => {
      const { clock, poller, client, finals } = await setup([tracked('old', 'building'), tracked('new', 'building')]);
      client.set('old', { status: 'building' }).set('new', { status: 'failed' });
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['new', 'old']);
      assert.deepStrictEqual(
        finals.map((b) => b.id),
        ['new'],
      );
      assert.strictEqual(clock.pendingDelay(), INTERVAL);
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['new', 'old', 'old'], 'the final one is not polled again');
      client.set('old', { status: 'canceled' });
      await clock.fire();
      assert.deepStrictEqual(
        finals.map((b) => b.id),
        ['new', 'old'],
      );
      assert.deepStrictEqual(clock.pending(), []);
    });

    test('a new build tracked after polling stopped is polled after a kick', async () => {
      const { clock, poller, client, store } = await setup([tracked('b1', 'building')]);
      client.set('b1', { status: 'finished' });
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(clock.pending(), []);
      await store.add(tracked('b2', 'queued'));
      poller.kick({ burst: true });
      assert.strictEqual(clock.pendingDelay(), BURST_MS);
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b1', 'b2']);
    });
  });

  suite('errors', () => {
    for (const [name, make] of [
      ['network error', apiError.network],
      ['HTTP 503', () => apiError.http(503)],
      ['HTTP 500', () => apiError.http(500)],
    ] as const) {
      test(`${name}: the delay doubles per failure up to MAX_BACKOFF_MS, and resets after a success`, async () => {
        const { clock, poller, client, unauthorized, store } = await setup([tracked('b1', 'building')]);
        client.set('b1', make());
        poller.kick();
        const expected = [INTERVAL];
        for (let n = 1; n <= 6; n++) {
          await clock.fire();
          expected.push(Math.min(MAX_BACKOFF_MS, INTERVAL * 2 ** n));
        }
        assert.deepStrictEqual(clock.delays, expected);
        assert.ok(
          expected.slice(-2).every((ms) => ms === MAX_BACKOFF_MS),
          'the cap was reached',
        );
        assert.strictEqual(store.get('b1')?.status, 'building', 'the build is kept as it was');
        assert.deepStrictEqual(unauthorized, []);

        client.set('b1', { status: 'building' });
        await clock.fire();
        assert.strictEqual(clock.pendingDelay(), INTERVAL, 'back to the interval after a success');
        client.set('b1', make());
        await clock.fire();
        assert.strictEqual(clock.pendingDelay(), INTERVAL * 2, 'the streak starts over');
      });
    }

    test('backoff applies on top of the unfocused interval, still capped', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')], { focused: false, interval: 20_000 });
      client.set('b1', apiError.network());
      poller.kick();
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 20_000 * UNFOCUSED_FACTOR * 2);
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), Math.min(MAX_BACKOFF_MS, 20_000 * UNFOCUSED_FACTOR * 4));
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), MAX_BACKOFF_MS);
    });

    test('a failing request ends the poll: the other builds are not asked in vain', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building'), tracked('b2', 'building')]);
      client.set('b2', apiError.http(502));
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b2']);
    });

    test('429 waits retryAfterMs without growing the backoff, even when kicked', async () => {
      const { clock, poller, client, unauthorized } = await setup([tracked('b1', 'building')], { interval: 10_000 });
      client.set('b1', apiError.http(429, 30_000));
      poller.kick();
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 30_000);
      assert.strictEqual(client.buildCalls.length, 1);
      assert.deepStrictEqual(unauthorized, []);

      // A kick asking for an earlier poll still waits out the rest of the 30 s.
      clock.advance(10_000);
      poller.kick({ soonMs: 0 });
      poller.kick({ burst: true });
      const pending = clock.pending();
      assert.strictEqual(pending.length, 1);
      assert.strictEqual(pending[0].at, clock.now + 20_000, 'due when the 30 s are over');

      client.set('b1', { status: 'building' });
      await clock.fire();
      assert.strictEqual(client.buildCalls.length, 2);
      assert.strictEqual(clock.pendingDelay(), BURST_MS, 'the requested burst goes on once the wait is over');
    });

    test('429 after the interval: the next poll is at the interval, not later than asked', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')], { interval: 60_000 });
      client.set('b1', apiError.http(429, 5_000));
      poller.kick();
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 60_000);
      client.set('b1', { status: 'building' });
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 60_000, 'no backoff was added by the 429');
    });

    test('429 without Retry-After waits a minute', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building')], { interval: 10_000 });
      client.set('b1', apiError.http(429));
      poller.kick();
      await clock.fire();
      assert.strictEqual(clock.pendingDelay(), 60_000);
    });

    for (const [name, make] of [
      ['401', () => apiError.http(401)],
      ['noToken', apiError.noToken],
    ] as const) {
      test(`${name}: polling pauses (a plain kick, e.g. on focus, does not resume it), resume() does`, async () => {
        const { clock, poller, client, unauthorized, store } = await setup([
          tracked('b1', 'building'),
          tracked('b2', 'building'),
        ]);
        const err = make();
        client.set('b1', err).set('b2', err);
        poller.kick();
        await clock.fire();
        assert.deepStrictEqual(client.buildCalls, ['b2'], 'the second build is not tried with the same token');
        assert.strictEqual(unauthorized.length, 1);
        assert.strictEqual(unauthorized[0], err);
        assert.deepStrictEqual(clock.pending(), [], 'paused: nothing scheduled');
        assert.strictEqual(poller.scheduled, false);
        assert.strictEqual(store.get('b1')?.status, 'building');
        assert.strictEqual(store.get('b2')?.status, 'building');
        await settle();
        assert.strictEqual(unauthorized.length, 1);

        poller.kick();
        assert.deepStrictEqual(clock.pending(), [], 'a focus kick does not retry a rejected token');
        client.set('b1', { status: 'building' }).set('b2', { status: 'building' });
        poller.resume();
        assert.strictEqual(clock.pendingDelay(), 500, 'resumed soon after the token changed');
        await clock.fire();
        assert.deepStrictEqual(client.buildCalls, ['b2', 'b2', 'b1']);
        assert.strictEqual(clock.pendingDelay(), INTERVAL);
        assert.strictEqual(unauthorized.length, 1);
      });
    }

    test('401 while paused: a held timer firing makes no request', async () => {
      const { clock, poller, client, unauthorized } = await setup([tracked('b1', 'building')]);
      client.set('b1', apiError.http(401));
      client.hold = true;
      const refresh = poller.refreshNow();
      await settle();
      poller.kick({ soonMs: 100 }); // scheduled while the doomed request is in flight
      client.hold = false;
      client.release();
      await refresh;
      await settle();
      assert.strictEqual(unauthorized.length, 1);
      const calls = client.buildCalls.length;
      while (clock.pending().length) await clock.fire();
      assert.strictEqual(client.buildCalls.length, calls, 'no request while paused');
      assert.deepStrictEqual(clock.pending(), []);
      assert.strictEqual(unauthorized.length, 1);
    });

    test('404: that build is marked final (unknown, with finishedAt), the other builds are still polled', async () => {
      const { clock, poller, client, store, warnings } = await setup([
        tracked('kept', 'building'),
        tracked('gone', 'building'),
      ]);
      client.set('gone', apiError.http(404)).set('kept', { status: 'building' });
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['gone', 'kept'], 'the 404 did not end the poll');
      const gone = store.get('gone')!;
      assert.strictEqual(gone.status, 'unknown');
      assert.match(gone.finishedAt ?? '', ISO);
      assert.ok(
        store.list().some((b) => b.id === 'gone'),
        'still listed',
      );
      assert.deepStrictEqual(
        store.active().map((b) => b.id),
        ['kept'],
      );
      assert.ok(warnings.some((w) => w.includes('gone')));
      assert.strictEqual(clock.pendingDelay(), INTERVAL, 'a 404 is no reason to back off');

      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['gone', 'kept', 'kept'], 'the gone build is not polled again');
    });

    test('404 of the only build: polling stops', async () => {
      const { clock, poller, client, store } = await setup([tracked('b1', 'building')]);
      client.set('b1', apiError.http(404));
      poller.kick();
      await clock.fire();
      assert.strictEqual(store.get('b1')?.status, 'unknown');
      assert.deepStrictEqual(clock.pending(), []);
      poller.kick();
      assert.deepStrictEqual(clock.pending(), []);
      assert.strictEqual(client.buildCalls.length, 1);
    });
  });

  suite('dispose', () => {
    test('dispose() clears the timer and nothing runs afterwards', async () => {
      const { clock, poller, client, finals } = await setup([tracked('b1', 'building')]);
      poller.kick();
      const handle = clock.timers[0].id;
      poller.dispose();
      assert.deepStrictEqual(clock.cleared, [handle]);
      assert.deepStrictEqual(clock.pending(), []);
      assert.strictEqual(poller.scheduled, false);

      poller.kick();
      poller.kick({ burst: true });
      poller.kick({ soonMs: 0 });
      await poller.refreshNow();
      await settle();
      assert.deepStrictEqual(clock.pending(), []);
      assert.deepStrictEqual(client.buildCalls, []);
      assert.deepStrictEqual(finals, []);
    });

    test('dispose() during a poll: the remaining builds are not polled and nothing is scheduled', async () => {
      const { clock, poller, client } = await setup([tracked('b1', 'building'), tracked('b2', 'building')]);
      client.hold = true;
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b2']);
      poller.dispose();
      client.hold = false;
      client.release();
      await settle();
      assert.deepStrictEqual(client.buildCalls, ['b2'], 'b1 is not asked for');
      assert.deepStrictEqual(clock.pending(), []);
    });

    // Regression: pollOne() does not look at `disposed` after its `await client.getBuild()`: a poll in flight at
    // dispose() still sends GET steps, writes to the store and calls onFinal (a notification after deactivate).
    test('dispose() during a request: no steps request, no store write, no onFinal afterwards', async () => {
      const { clock, poller, client, store, finals } = await setup([tracked('b1', 'building')]);
      client.set('b1', { status: 'finished', finishedAt: '2024-06-01T12:09:00.000Z' });
      client.hold = true;
      poller.kick();
      await clock.fire();
      assert.deepStrictEqual(client.buildCalls, ['b1']);
      poller.dispose();
      client.hold = false;
      client.release();
      await settle();
      assert.deepStrictEqual(client.stepCalls, [], 'no request after dispose()');
      assert.strictEqual(store.get('b1')?.status, 'building', 'no store write after dispose()');
      assert.deepStrictEqual(finals, [], 'no onFinal after dispose()');
      assert.deepStrictEqual(clock.pending(), []);
    });
  });
});
