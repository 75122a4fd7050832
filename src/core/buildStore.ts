import type { Artifact, BuildStep, StartBuildRequest } from '../api/types';
import { isFinal } from './status';

/** A build this extension started (or was told to track), as kept across reloads. */
export interface TrackedBuild {
  id: string;
  appId: string;
  appName?: string;
  workflowId: string;
  workflowName?: string;
  branch?: string;
  tag?: string;
  status: string;
  index?: number;
  /** When this extension started tracking it (ISO). */
  trackedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The workspace folder it was started from, for per-folder memory. */
  folder?: string;
  /** What was sent to POST /builds, for Rebuild (variable values are not kept here). */
  request: StartBuildRequest;
  steps?: BuildStep[];
  artifacts?: Artifact[];
}

/** The subset of vscode.Memento the store needs: so it runs in plain Node tests. */
export interface KeyValueStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface StoreLog {
  warn(message: string): void;
}

const STORAGE_KEY = 'codemagic.trackedBuilds';
const SCHEMA = 1;

interface Stored {
  schema: number;
  builds: TrackedBuild[];
}

function isTrackedBuild(v: unknown): v is TrackedBuild {
  const b = v as TrackedBuild;
  return (
    !!b &&
    typeof b === 'object' &&
    typeof b.id === 'string' &&
    typeof b.appId === 'string' &&
    typeof b.workflowId === 'string' &&
    typeof b.status === 'string' &&
    typeof b.trackedAt === 'string' &&
    !!b.request &&
    typeof b.request === 'object'
  );
}

type Listener = () => void;

/**
 * Tracked builds, newest first, persisted per workspace. The tree and the status bar render it.
 *
 * Listeners hear of a change at once; the write to storage follows within `writeDelayMs`, one write
 * for every change made meanwhile. Writing means serializing the whole history (hundreds of builds
 * with their steps), which is too slow to do on the path from a click to the tree showing it.
 * `flush()` writes now; `dispose()` (on deactivate) flushes. Nothing is lost on reload only if that
 * write finishes before the extension host goes: the extension's storage writes synchronously for this.
 */
export class BuildStore {
  private builds: TrackedBuild[];
  private byId: Map<string, TrackedBuild> | undefined;
  private readonly listeners = new Set<Listener>();
  private disposed = false;
  private pending: { timer: ReturnType<typeof setTimeout>; done: Promise<void>; write: () => void } | undefined;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly log: StoreLog,
    private readonly cap: () => number,
    private readonly writeDelayMs = 250,
  ) {
    this.builds = this.load();
  }

  private load(): TrackedBuild[] {
    const raw = this.storage.get<unknown>(STORAGE_KEY);
    if (raw === undefined) return [];
    const stored = raw as Stored;
    if (!stored || typeof stored !== 'object' || stored.schema !== SCHEMA || !Array.isArray(stored.builds)) {
      this.log.warn('Stored Codemagic builds were in an unknown format and were dropped.');
      return [];
    }
    const valid = stored.builds.filter(isTrackedBuild);
    if (valid.length !== stored.builds.length) {
      this.log.warn(`Dropped ${stored.builds.length - valid.length} unreadable stored build(s).`);
    }
    return valid;
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  list(): readonly TrackedBuild[] {
    return this.builds;
  }

  get(id: string): TrackedBuild | undefined {
    this.byId ??= new Map(this.builds.map((b) => [b.id, b]));
    return this.byId.get(id);
  }

  active(): TrackedBuild[] {
    return this.builds.filter((b) => !isFinal(b));
  }

  async add(build: TrackedBuild): Promise<void> {
    this.builds = [build, ...this.builds.filter((b) => b.id !== build.id)];
    const cap = Math.max(1, this.cap());
    if (this.builds.length > cap) {
      // Drop the oldest finished builds first; never forget one that is still running.
      const keep = new Set(this.builds.filter((b) => !isFinal(b)).map((b) => b.id));
      for (const b of this.builds) if (keep.size < cap) keep.add(b.id);
      this.builds = this.builds.filter((b) => keep.has(b.id));
    }
    await this.save();
  }

  async update(id: string, patch: Partial<Omit<TrackedBuild, 'id'>>): Promise<TrackedBuild | undefined> {
    const i = this.builds.findIndex((b) => b.id === id);
    if (i < 0) return undefined;
    const next = { ...this.builds[i], ...patch };
    this.builds = [...this.builds.slice(0, i), next, ...this.builds.slice(i + 1)];
    await this.save();
    return next;
  }

  async remove(id: string): Promise<void> {
    this.builds = this.builds.filter((b) => b.id !== id);
    await this.save();
  }

  async clearFinished(): Promise<void> {
    this.builds = this.builds.filter((b) => !isFinal(b));
    await this.save();
  }

  /** Writes a change still waiting for its write now; resolves when storage has it. */
  flush(): Promise<void> {
    const p = this.pending;
    if (!p) return Promise.resolve();
    clearTimeout(p.timer);
    p.write();
    return p.done;
  }

  /** Flushes; changes made after this (a poll finishing during shutdown) are written at once. */
  dispose(): void {
    this.disposed = true;
    void this.flush();
  }

  private save(): Promise<void> {
    this.byId = undefined;
    for (const l of this.listeners) l();
    if (!this.pending) {
      let write!: () => void;
      const done = new Promise<void>((resolve) => {
        write = () => {
          this.pending = undefined;
          // The state as it is when written, not as it was when the first change was scheduled.
          Promise.resolve(this.storage.update(STORAGE_KEY, { schema: SCHEMA, builds: this.builds } satisfies Stored))
            .catch((e: unknown) => this.log.warn(`Could not save the tracked builds: ${String(e)}`))
            .finally(resolve);
        };
      });
      this.pending = { timer: setTimeout(write, this.writeDelayMs), done, write };
    }
    return this.disposed ? this.flush() : Promise.resolve();
  }
}
