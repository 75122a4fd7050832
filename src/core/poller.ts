import { CodemagicApiError } from '../api/errors';
import type { Build, BuildStep } from '../api/types';
import type { BuildStore, TrackedBuild } from './buildStore';
import { isFinal } from './status';

export interface PollClient {
  getBuild(id: string): Promise<Build>;
  getBuildSteps(id: string): Promise<BuildStep[]>;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface PollerOptions {
  store: BuildStore;
  client: () => PollClient;
  /** The user's interval (already clamped to the minimum). */
  intervalMs: () => number;
  focused: () => boolean;
  /** A tracked build reached a final status. */
  onFinal: (build: TrackedBuild) => void;
  /** Polling stopped because there is no token or it was rejected; it resumes on the next kick. */
  onUnauthorized: (e: CodemagicApiError) => void;
  log: { info(m: string): void; warn(m: string): void };
  timers?: Timers;
}

/** Right after a start or cancel the status changes fast: poll this often, this many times. */
export const BURST_MS = 3_000;
export const BURST_POLLS = 3;
/** While the window is unfocused the interval is multiplied by this. */
export const UNFOCUSED_FACTOR = 4;
export const MAX_BACKOFF_MS = 5 * 60_000;

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * One poller for all tracked builds: a setTimeout chain (requests never overlap) that runs only while
 * some build is not final, so it makes no request at all when nothing runs. Polls in a short burst
 * after start and cancel, slower while the window is unfocused, backs off on errors and waits as
 * long as a 429 asks.
 */
export class Poller {
  private timer: unknown;
  private dueAt = Infinity;
  private inFlight?: Promise<void>;
  private burstLeft = 0;
  private errorStreak = 0;
  private rateLimitedUntil = 0;
  private paused = false;
  private disposed = false;
  private readonly timers: Timers;

  constructor(private readonly o: PollerOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /** Something changed (a start, a cancel, focus): make sure a poll is scheduled. */
  kick(opts: { burst?: boolean; soonMs?: number } = {}): void {
    if (opts.burst) this.paused = false; // a start or cancel just worked: the token is good
    if (opts.burst) this.burstLeft = BURST_POLLS;
    this.schedule(opts.soonMs ?? (opts.burst ? BURST_MS : this.nextDelay()));
  }

  /** The token changed: polling that paused on a missing or rejected token may go on. */
  resume(): void {
    this.paused = false;
    this.kick({ soonMs: 500 });
  }

  /** Polls now (after any poll in flight): for Refresh and after a 208. */
  async refreshNow(): Promise<void> {
    this.paused = false;
    if (this.inFlight) await this.inFlight;
    this.clearTimer();
    await this.poll();
  }

  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  private nextDelay(): number {
    if (this.burstLeft > 0) return BURST_MS;
    let ms = this.o.intervalMs();
    if (!this.o.focused()) ms *= UNFOCUSED_FACTOR;
    if (this.errorStreak > 0) ms = Math.min(MAX_BACKOFF_MS, ms * 2 ** this.errorStreak);
    return Math.max(ms, this.rateLimitedUntil - Date.now());
  }

  private schedule(ms: number): void {
    if (this.disposed || this.paused || this.o.store.active().length === 0) return;
    ms = Math.max(ms, this.rateLimitedUntil - Date.now(), 0);
    const due = Date.now() + ms;
    if (this.timer !== undefined && this.dueAt <= due) return;
    this.clearTimer();
    this.dueAt = due;
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      void this.poll();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
  }

  private poll(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.pollActive().finally(() => {
      this.inFlight = undefined;
      if (this.burstLeft > 0) this.burstLeft--;
      this.schedule(this.nextDelay());
    });
    return this.inFlight;
  }

  private async pollActive(): Promise<void> {
    for (const tracked of this.o.store.active()) {
      if (this.disposed || this.paused) return;
      try {
        await this.pollOne(tracked);
        this.errorStreak = 0;
      } catch (e) {
        this.onError(tracked, e);
        if (e instanceof CodemagicApiError && e.status !== 404) return; // the next build would fail alike
      }
    }
  }

  private async pollOne(tracked: TrackedBuild): Promise<void> {
    const client = this.o.client();
    const build = await client.getBuild(tracked.id);
    if (this.disposed) return;
    const statusChanged = build.status !== tracked.status;
    const final = isFinal(build);
    // Steps cost a request of their own (v3): fetch them only when something moved.
    const steps =
      build.steps ??
      (statusChanged || final || !tracked.steps ? await client.getBuildSteps(tracked.id) : tracked.steps);
    const updated = await this.o.store.update(tracked.id, {
      status: build.status,
      index: build.index ?? tracked.index,
      startedAt: build.startedAt ?? tracked.startedAt,
      finishedAt: build.finishedAt ?? tracked.finishedAt,
      workflowName: tracked.workflowName ?? build.workflowName,
      artifacts: build.artifacts,
      steps,
    });
    if (updated && final && !isFinal(tracked) && !this.disposed) this.o.onFinal(updated);
  }

  private onError(tracked: TrackedBuild, e: unknown): void {
    if (this.disposed) return;
    const err = e instanceof CodemagicApiError ? e : undefined;
    if (err?.status === 404) {
      // Gone from Codemagic (or another team's): stop polling it, keep it listed.
      this.o.log.warn(`Build ${tracked.id} was not found on Codemagic; it is no longer tracked live.`);
      void this.o.store.update(tracked.id, { status: 'unknown', finishedAt: new Date().toISOString() });
      return;
    }
    if (err?.isUnauthorized) {
      this.o.log.warn(
        `${err.kind === 'noToken' ? 'No API token is set' : 'Codemagic rejected the API token'}: build status updates are paused.`,
      );
      this.paused = true;
      this.o.onUnauthorized(err);
      return;
    }
    if (err?.isRateLimited) {
      this.rateLimitedUntil = Date.now() + (err.retryAfterMs ?? 60_000);
      this.o.log.warn(
        `Codemagic's rate limit was reached; polling resumes in ${Math.ceil((err.retryAfterMs ?? 60_000) / 1000)} s.`,
      );
      return;
    }
    this.errorStreak++;
    this.o.log.warn(`Could not refresh build ${tracked.id}: ${e instanceof Error ? e.message : String(e)}`);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }
}
