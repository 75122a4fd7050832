/**
 * A fake Codemagic over real HTTP (127.0.0.1), serving both APIs from one server:
 * - legacy REST API at the root (what `codemagic.apiUrl` points to),
 * - v3 API under `/api/v3` (what `codemagic.apiV3Url` points to),
 * and optionally a second "third-party storage" server for tokenless artifact URLs.
 *
 * Follows /work/shared/codemagic-api.md. Never writes to stdout/stderr.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { DEMO_TEAM_ID, demoApps } from './demo';

// ---------------------------------------------------------------------------------------------
// Public types

export type BuildStatus = string;
export type BuildOutcome = 'finished' | 'failed' | 'warning';
export type StepStatus = 'success' | 'failed' | 'skipped' | 'canceled';

export const IN_PROGRESS_STATUSES: readonly string[] = [
  'initializing',
  'queued',
  'preparing',
  'fetching',
  'testing',
  'building',
  'publishing',
  'finishing',
];
export const FINAL_STATUSES: readonly string[] = ['finished', 'failed', 'canceled', 'timeout', 'skipped', 'warning'];

export interface FakeApp {
  id: string;
  name: string;
  workflows?: Record<string, { name: string }>;
  branches?: string[];
  repositoryUrl?: string;
  /** Team owning the app (v3 team builds). Default: the fake's teamId. */
  teamId?: string;
  /** App-level environment variables (secrets included) copied into every build's `environment`. */
  variables?: Record<string, string>;
  /** Names of the 2 artifacts a successful build produces. Default app-release.apk + app-release.aab. */
  artifactNames?: string[];
}

export interface RecordedRequest {
  method: string;
  /** Raw path, without the query string (not percent-decoded). */
  path: string;
  query: Record<string, string>;
  /** Lowercase header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON when possible, else the raw string, or undefined when empty. */
  body: unknown;
  rawBody: string;
  at: number;
}

export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rateLimit'; resetSeconds: number; retryAfter?: boolean }
  | { kind: 'malformed' }
  | { kind: 'html'; status?: number }
  | { kind: 'empty'; status?: number }
  | { kind: 'reset' }
  | { kind: 'resetMidBody' }
  | { kind: 'hang' };

export interface FaultRule {
  method?: string;
  /** Matched against the path without query (exact string or RegExp). */
  path?: string | RegExp;
  /** How many times the rule fires. Default: unlimited. */
  times?: number;
  /** Restrict to API requests or to tokenless storage downloads. Default: both. */
  host?: 'api' | 'storage';
  fault: Fault;
}

export interface FakeUser {
  id: string;
  email: string;
  name: string;
}

export interface FakeOptions {
  /** Default 'test-token'. */
  token?: string;
  /** Default demoApps(). */
  apps?: FakeApp[];
  /** Default 0 (any free port). */
  port?: number;
  /** Auto-advance builds every tickMs. Default: off. */
  tickMs?: number;
  /** Serve tokenless artifact URLs from a second server (another port). */
  artifactHostSeparate?: boolean;
  /** Team id for v3 `/teams/{teamId}/builds`. Default DEMO_TEAM_ID. */
  teamId?: string;
  user?: FakeUser;
}

export interface FakeStep {
  id: string;
  name: string;
  type: string;
  /** null while running. */
  status: StepStatus | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface FakeArtifact {
  name: string;
  type: string;
  /** e.g. `<uuid>/<uuid>/app-release.apk` (contains slashes, like the real ones). */
  secureFilename: string;
  size: number;
  md5: string;
}

export interface FakeCommit {
  hash: string;
  message: string;
  authorName: string;
  authorEmail: string;
  url: string | null;
}

export interface FakeBuild {
  id: string;
  appId: string;
  workflowId: string;
  workflowSource: 'ui' | 'file';
  workflowName: string;
  branch: string | null;
  tag: string | null;
  status: BuildStatus;
  /** Final status this build reaches when ticked to the end. */
  outcome: BuildOutcome;
  index: number;
  labels: string[];
  instanceType: string;
  environment: {
    variables: Record<string, string>;
    groups: string[];
    softwareVersions: Record<string, string>;
  };
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  steps: FakeStep[];
  artifacts: FakeArtifact[];
  commit: FakeCommit | null;
  /** Creation order, for stable sorting. */
  seq: number;
}

export interface BuildSeed {
  /** Default: a new id. A test that restarts the extension re-creates its builds under their old ids. */
  id?: string;
  /** Default: the first app. */
  appId?: string;
  /** Default: the app's first UI workflow, else 'default-workflow' (a yaml workflow). */
  workflowId?: string;
  workflowName?: string;
  /** Default branch 'main' when neither branch nor tag is given. */
  branch?: string | null;
  tag?: string | null;
  /** Default 'queued'. Any status (final, in progress or unknown) is accepted. */
  status?: BuildStatus;
  outcome?: BuildOutcome;
  labels?: string[];
  instanceType?: string;
  variables?: Record<string, string>;
  groups?: string[];
  softwareVersions?: Record<string, string>;
  createdAt?: Date | number | string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const JSON_TYPE = 'application/json; charset=utf-8';
const SOFTWARE_KEYS = ['xcode', 'flutter', 'cocoapods', 'node', 'npm', 'ndk', 'java', 'ruby'];
const POST_BUILD_KEYS = ['appId', 'workflowId', 'branch', 'tag', 'environment', 'labels', 'instanceType'];
const ENV_KEYS = ['variables', 'groups', 'softwareVersions'];
const STEP_PLAN: ReadonlyArray<{ name: string; type: string }> = [
  { name: 'Preparing build machine', type: 'preparing' },
  { name: 'Fetching app sources', type: 'fetching' },
  { name: 'Building', type: 'script' },
  { name: 'Publishing', type: 'publishing' },
];
const COMMIT_MESSAGES = [
  'Fix crash on checkout screen',
  'Bump version to 2.4.1',
  'Add dark mode toggle',
  'Update dependencies',
  'Refactor networking layer',
];

type Style = 'legacy' | 'v3' | 'storage';

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function sha(algo: string, input: string | Buffer): Buffer {
  return crypto.createHash(algo).update(input).digest();
}

function uuidFrom(seed: string): string {
  const h = sha('sha256', seed).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Size in bytes of an artifact, deterministic from build id and name (16 KiB .. ~80 KiB). */
function artifactSize(buildId: string, name: string): number {
  return 16 * 1024 + (sha('sha256', `size:${buildId}/${name}`).readUInt32BE(0) % (64 * 1024));
}

/** Deterministic artifact content, derived from the build id and the artifact name. */
export function artifactBytes(buildId: string, name: string): Buffer {
  const size = artifactSize(buildId, name);
  const out = Buffer.alloc(size);
  let off = 0;
  for (let i = 0; off < size; i++) {
    const block = sha('sha256', `bytes:${buildId}/${name}/${i}`);
    off += block.copy(out, off, 0, Math.min(block.length, size - off));
  }
  return out;
}

function legacyTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace('Z', '+0000');
}

function v3Time(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function artifactType(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith('.dsym.zip')) return 'dsym';
  const dot = lower.lastIndexOf('.');
  return dot >= 0 ? lower.slice(dot + 1) : 'file';
}

function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

function emptyReply(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: Buffer.alloc(0) };
}

function errorReply(style: Style, status: number, detail: string, extra: unknown = null): Reply {
  if (style === 'v3') return jsonReply(status, { status_code: status, detail, extra });
  if (style === 'storage') {
    const code = status === 403 ? 'AccessDenied' : status === 404 ? 'NoSuchKey' : 'Error';
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${detail}</Message></Error>`,
      ),
    };
  }
  return jsonReply(status, { error: detail });
}

function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? 'Error';
}

function isFinal(status: BuildStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** 0 = not started, 1 = preparing, 2 = sources fetched and building (or any other running status). */
function stageOf(status: BuildStatus): number {
  if (status === 'initializing' || status === 'queued') return 0;
  if (status === 'preparing') return 1;
  return 2;
}

function parsePositiveInt(v: string | undefined, dflt: number): number | undefined {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// The fake

interface TokenlessLink {
  buildId: string;
  name: string;
  expiresAt: number; // unix ms
}

export class FakeCodemagic {
  readonly url: string;
  readonly v3Url: string;
  /** Base URL of the separate storage server, when artifactHostSeparate; else undefined. */
  readonly storageUrl: string | undefined;
  readonly requests: RecordedRequest[] = [];
  /** Requests received by the separate storage server (artifactHostSeparate only). */
  readonly storageRequests: RecordedRequest[] = [];
  readonly teamId: string;
  readonly user: FakeUser;
  token: string;
  v3Enabled = true;

  private readonly initialToken: string;
  private readonly seedApps: FakeApp[];
  private apps: FakeApp[];
  private readonly buildMap = new Map<string, FakeBuild>();
  private readonly indexByApp = new Map<string, number>();
  private readonly links = new Map<string, TokenlessLink>();
  private faults: FaultRule[] = [];
  private nextOutcome: BuildOutcome = 'finished';
  private seq = 0;
  private idCounter = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly server: http.Server,
    private readonly storageServer: http.Server | undefined,
    opts: FakeOptions,
  ) {
    const addr = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
    this.v3Url = `${this.url}/api/v3`;
    this.storageUrl = storageServer ? `http://127.0.0.1:${(storageServer.address() as AddressInfo).port}` : undefined;
    this.token = this.initialToken = opts.token ?? 'test-token';
    this.teamId = opts.teamId ?? DEMO_TEAM_ID;
    this.user = opts.user ?? { id: '5e9f8a7b6c5d4e3f2a1b0c9d', email: 'dev@acme.example', name: 'Demo Developer' };
    this.seedApps = (opts.apps ?? demoApps()).map((a) => ({ ...a }));
    this.apps = this.seedApps.map((a) => ({ ...a }));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res, 'api'));
    storageServer?.on('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
      this.onRequest(req, res, 'storage'),
    );
    if (opts.tickMs && opts.tickMs > 0) {
      this.interval = setInterval(() => this.tick(), opts.tickMs);
      this.interval.unref();
    }
  }

  static async start(opts: FakeOptions = {}): Promise<FakeCodemagic> {
    const listen = (port: number): Promise<http.Server> =>
      new Promise((resolve, reject) => {
        const s = http.createServer();
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          s.off('error', reject);
          s.on('error', () => undefined);
          resolve(s);
        });
      });
    const server = await listen(opts.port ?? 0);
    let storage: http.Server | undefined;
    if (opts.artifactHostSeparate) {
      try {
        storage = await listen(0);
      } catch (e) {
        server.close();
        throw e;
      }
    }
    return new FakeCodemagic(server, storage, opts);
  }

  // --- test controls --------------------------------------------------------------------------

  addApp(app: FakeApp): void {
    const i = this.apps.findIndex((a) => a.id === app.id);
    if (i >= 0) this.apps[i] = { ...app };
    else this.apps.push({ ...app });
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults = [];
  }

  setNextOutcome(outcome: BuildOutcome): void {
    this.nextOutcome = outcome;
  }

  /** Advance every non-final build one status step per tick: queued -> preparing -> building -> outcome. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      for (const b of this.buildMap.values()) {
        if (!isFinal(b.status)) this.advance(b, now);
      }
    }
  }

  /** Seed a build directly, in any status. Returns its id. */
  createBuild(partial: BuildSeed = {}): string {
    const app = partial.appId !== undefined ? this.findApp(partial.appId) : this.apps[0];
    if (!app) throw new Error(`FakeCodemagic.createBuild: unknown app ${partial.appId ?? '(no apps)'}`);
    const uiIds = Object.keys(app.workflows ?? {});
    const workflowId = partial.workflowId ?? uiIds[0] ?? 'default-workflow';
    let branch = partial.branch ?? null;
    const tag = partial.tag ?? null;
    if (branch === null && tag === null) branch = 'main';
    const createdAt = partial.createdAt === undefined ? Date.now() : new Date(partial.createdAt).getTime();
    const b = this.newBuild(app, {
      id: partial.id,
      workflowId,
      workflowName: partial.workflowName,
      branch,
      tag,
      labels: partial.labels ?? [],
      instanceType: partial.instanceType ?? 'mac_mini_m2',
      variables: partial.variables ?? {},
      groups: partial.groups ?? [],
      softwareVersions: partial.softwareVersions ?? {},
      outcome: partial.outcome ?? this.nextOutcome,
      createdAt,
    });
    const target = partial.status ?? 'queued';
    // Walk the build through the lifecycle with plausible timestamps, then pin the exact status.
    if (target === 'skipped') {
      b.status = 'skipped';
      b.finishedAt = createdAt + 1000;
    } else if (isFinal(target)) {
      this.advance(b, createdAt + 5_000);
      this.advance(b, createdAt + 40_000);
      if (target === 'canceled') this.cancelBuild(b, createdAt + 120_000);
      else this.finish(b, target, createdAt + 300_000);
    } else {
      const stage = stageOf(target);
      if (stage >= 1) this.advance(b, createdAt + 5_000);
      if (stage >= 2) this.advance(b, createdAt + 40_000);
      b.status = target;
    }
    return b.id;
  }

  build(id: string): FakeBuild | undefined {
    return this.buildMap.get(id);
  }

  builds(): FakeBuild[] {
    return [...this.buildMap.values()].sort((a, b) => a.seq - b.seq);
  }

  artifactBytes(buildId: string, name: string): Buffer {
    return artifactBytes(buildId, name);
  }

  requestsTo(method: string, pathOrRegex: string | RegExp): RecordedRequest[] {
    const m = method.toUpperCase();
    return this.requests.filter(
      (r) => r.method === m && (typeof pathOrRegex === 'string' ? r.path === pathOrRegex : pathOrRegex.test(r.path)),
    );
  }

  clearRequests(): void {
    this.requests.length = 0;
    this.storageRequests.length = 0;
  }

  /** Apps, builds, faults, requests, next outcome, token and v3Enabled back to the seed state. */
  reset(): void {
    this.apps = this.seedApps.map((a) => ({ ...a }));
    this.buildMap.clear();
    this.indexByApp.clear();
    this.links.clear();
    this.faults = [];
    this.clearRequests();
    this.nextOutcome = 'finished';
    this.token = this.initialToken;
    this.v3Enabled = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const stop = (s: http.Server): Promise<void> =>
      new Promise((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    await Promise.all([stop(this.server), ...(this.storageServer ? [stop(this.storageServer)] : [])]);
  }

  // --- build lifecycle ------------------------------------------------------------------------

  private newId(): string {
    const secs = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    const rnd = crypto.randomBytes(5).toString('hex');
    const cnt = (++this.idCounter % 0xffffff).toString(16).padStart(6, '0');
    return `${secs}${rnd}${cnt}`;
  }

  private findApp(id: string): FakeApp | undefined {
    return this.apps.find((a) => a.id === id);
  }

  private newBuild(
    app: FakeApp,
    p: {
      id?: string;
      workflowId: string;
      workflowName?: string;
      branch: string | null;
      tag: string | null;
      labels: string[];
      instanceType: string;
      variables: Record<string, string>;
      groups: string[];
      softwareVersions: Record<string, string>;
      outcome: BuildOutcome;
      createdAt: number;
    },
  ): FakeBuild {
    const ui = app.workflows?.[p.workflowId];
    const index = (this.indexByApp.get(app.id) ?? 0) + 1;
    this.indexByApp.set(app.id, index);
    const b: FakeBuild = {
      id: p.id ?? this.newId(),
      appId: app.id,
      workflowId: p.workflowId,
      workflowSource: ui ? 'ui' : 'file',
      workflowName: p.workflowName ?? ui?.name ?? p.workflowId,
      branch: p.branch,
      tag: p.tag,
      status: 'queued',
      outcome: p.outcome,
      index,
      labels: [...p.labels],
      instanceType: p.instanceType,
      environment: {
        variables: { ...(app.variables ?? {}), ...p.variables },
        groups: [...p.groups],
        softwareVersions: { ...p.softwareVersions },
      },
      createdAt: p.createdAt,
      startedAt: null,
      finishedAt: null,
      steps: [],
      artifacts: [],
      commit: null,
      seq: ++this.seq,
    };
    this.buildMap.set(b.id, b);
    return b;
  }

  private newStep(b: FakeBuild, i: number, startedAt: number | null): FakeStep {
    const plan = STEP_PLAN[i];
    return {
      id: uuidFrom(`step:${b.id}:${i}`),
      name: plan.name,
      type: plan.type,
      status: null,
      startedAt,
      finishedAt: null,
    };
  }

  private advance(b: FakeBuild, now: number): void {
    const stage = stageOf(b.status);
    if (stage === 0) {
      b.status = 'preparing';
      b.startedAt = now;
      b.steps.push(this.newStep(b, 0, now));
    } else if (stage === 1) {
      b.status = 'building';
      this.endRunning(b, 'success', now);
      const fetch = this.newStep(b, 1, now);
      fetch.status = 'success';
      fetch.finishedAt = now;
      b.steps.push(fetch, this.newStep(b, 2, now));
      b.commit = this.makeCommit(b);
    } else {
      this.finish(b, b.outcome, now);
    }
  }

  private makeCommit(b: FakeBuild): FakeCommit {
    const app = this.findApp(b.appId);
    const hash = sha('sha1', `commit:${b.id}`).toString('hex');
    return {
      hash,
      message: COMMIT_MESSAGES[b.index % COMMIT_MESSAGES.length],
      authorName: 'Jane Developer',
      authorEmail: 'jane@acme.example',
      url: app?.repositoryUrl ? `${app.repositoryUrl}/commit/${hash}` : null,
    };
  }

  private endRunning(b: FakeBuild, status: StepStatus, now: number): void {
    for (const s of b.steps) {
      if (s.status === null) {
        s.status = status;
        s.finishedAt = now;
      }
    }
  }

  /** Steps not started yet become 'skipped' (only when the build had started at all). */
  private skipRest(b: FakeBuild): void {
    if (b.steps.length === 0) return;
    for (let i = b.steps.length; i < STEP_PLAN.length; i++) {
      const s = this.newStep(b, i, null);
      s.status = 'skipped';
      b.steps.push(s);
    }
  }

  private finish(b: FakeBuild, status: BuildStatus, now: number): void {
    if (status === 'finished' || status === 'warning') {
      this.endRunning(b, 'success', now);
      const publish = this.newStep(b, 3, now);
      publish.status = status === 'warning' ? 'failed' : 'success';
      publish.finishedAt = now;
      b.steps.push(publish);
      const app = this.findApp(b.appId);
      const names = app?.artifactNames ?? ['app-release.apk', 'app-release.aab'];
      const folder = uuidFrom(`folder:${b.id}`);
      b.artifacts = names.map((name) => ({
        name,
        type: artifactType(name),
        secureFilename: `${folder}/${uuidFrom(`file:${b.id}/${name}`)}/${name}`,
        size: artifactSize(b.id, name),
        md5: sha('md5', artifactBytes(b.id, name)).toString('hex'),
      }));
    } else {
      this.endRunning(b, 'failed', now);
      this.skipRest(b);
    }
    b.status = status;
    b.finishedAt = now;
  }

  private cancelBuild(b: FakeBuild, now: number): void {
    this.endRunning(b, 'canceled', now);
    this.skipRest(b);
    b.status = 'canceled';
    b.finishedAt = now;
  }

  // --- HTTP plumbing ---------------------------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, host: 'api' | 'storage'): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('end', () => {
      try {
        this.dispatch(req, res, Buffer.concat(chunks), host);
      } catch {
        if (!res.headersSent && !res.destroyed) this.send(res, jsonReply(500, { error: 'Internal Server Error' }));
      }
    });
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, host: 'api' | 'storage'): void {
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const path = qi >= 0 ? rawUrl.slice(0, qi) : rawUrl;
    const query: Record<string, string> = {};
    if (qi >= 0) for (const [k, v] of new URLSearchParams(rawUrl.slice(qi + 1))) query[k] = v;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const rawBody = raw.toString('utf8');
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const rec: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query,
      headers,
      body,
      rawBody,
      at: Date.now(),
    };
    (host === 'storage' ? this.storageRequests : this.requests).push(rec);

    const isStorage = host === 'storage' || (!this.storageUrl && path.startsWith('/storage/'));
    const style: Style = isStorage ? 'storage' : path === '/api/v3' || path.startsWith('/api/v3/') ? 'v3' : 'legacy';
    const fault = this.takeFault(rec, isStorage ? 'storage' : 'api');
    const handle = (): Reply => {
      try {
        return this.handle(rec, style);
      } catch {
        return errorReply(style, 500, 'Internal Server Error');
      }
    };
    if (!fault) {
      this.send(res, handle());
      return;
    }
    switch (fault.kind) {
      case 'delay': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.send(res, handle());
        }, fault.ms);
        this.timers.add(t);
        return;
      }
      case 'status': {
        const base =
          fault.body !== undefined
            ? jsonReply(fault.status, fault.body)
            : errorReply(style, fault.status, statusText(fault.status));
        this.send(res, { ...base, headers: { ...base.headers, ...(fault.headers ?? {}) } });
        return;
      }
      case 'rateLimit': {
        const reply = errorReply(style, 429, style === 'legacy' ? 'Rate limit exceeded' : 'Too Many Requests');
        reply.headers['ratelimit-limit'] = '5000';
        reply.headers['ratelimit-remaining'] = '0';
        reply.headers['ratelimit-reset'] = String(fault.resetSeconds);
        if (fault.retryAfter) reply.headers['retry-after'] = String(fault.resetSeconds);
        this.send(res, reply);
        return;
      }
      case 'malformed': {
        const text = style === 'legacy' ? '{"applications":[{"_id":"60a1b2c3' : '{"data":{"id":"60a1b2c3';
        this.send(res, { status: 200, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(text) });
        return;
      }
      case 'html': {
        const status = fault.status ?? 502;
        const title = `${status} ${statusText(status)}`;
        const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
        this.send(res, { status, headers: { 'content-type': 'text/html' }, body: Buffer.from(html) });
        return;
      }
      case 'empty': {
        this.send(res, emptyReply(fault.status ?? 200, { 'content-type': JSON_TYPE }));
        return;
      }
      case 'reset': {
        req.socket.destroy();
        return;
      }
      case 'resetMidBody': {
        // The request is handled for real (side effects included), then the response is cut short.
        let reply = handle();
        if (reply.body.length < 2) reply = jsonReply(reply.status, { padding: 'x'.repeat(2048) });
        const partial = reply.body.subarray(0, Math.floor(reply.body.length / 2));
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
        res.write(partial, () => res.socket?.destroy());
        return;
      }
      case 'hang':
        // Never answer; close() destroys the socket.
        return;
    }
  }

  private takeFault(rec: RecordedRequest, host: 'api' | 'storage'): Fault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const r = this.faults[i];
      if (r.host && r.host !== host) continue;
      if (r.method && r.method.toUpperCase() !== rec.method) continue;
      if (r.path !== undefined && (typeof r.path === 'string' ? r.path !== rec.path : !r.path.test(rec.path))) continue;
      if (r.times !== undefined) {
        if (r.times <= 0) continue;
        r.times--;
        if (r.times <= 0) this.faults.splice(i, 1);
      }
      return r.fault;
    }
    return undefined;
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent || res.socket?.destroyed) return;
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
    res.end(reply.body);
  }

  // --- routing ---------------------------------------------------------------------------------

  private handle(rec: RecordedRequest, style: Style): Reply {
    if (style === 'storage') return this.handleStorage(rec);
    if (style === 'v3' && !this.v3Enabled) return errorReply('v3', 404, 'Not Found');
    if (rec.headers['x-auth-token'] !== this.token) {
      return style === 'v3'
        ? errorReply('v3', 401, 'Authentication credentials were not provided or are invalid')
        : errorReply('legacy', 401, 'Unauthorized');
    }
    return style === 'v3' ? this.handleV3(rec, rec.path.slice('/api/v3'.length)) : this.handleLegacy(rec);
  }

  private handleLegacy(rec: RecordedRequest): Reply {
    const { method, path } = rec;
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/builds') return this.postBuild(rec);
    if (method === 'GET' && path === '/apps') {
      return jsonReply(200, { applications: this.apps.map((a) => this.legacyApp(a, false)) });
    }
    if (method === 'GET' && (m = path.match(/^\/apps\/([^/]+)$/))) {
      const app = this.findApp(safeDecode(m[1]) ?? '');
      return app
        ? jsonReply(200, { application: this.legacyApp(app, true) })
        : errorReply('legacy', 404, 'Application not found');
    }
    if (method === 'GET' && (m = path.match(/^\/builds\/([^/]+)$/))) {
      const b = this.buildMap.get(safeDecode(m[1]) ?? '');
      const app = b && this.findApp(b.appId);
      if (!b || !app) return errorReply('legacy', 404, 'Build not found');
      return jsonReply(200, { application: this.legacyApp(app, true), build: this.legacyBuild(b) });
    }
    if (method === 'POST' && (m = path.match(/^\/builds\/([^/]+)\/cancel$/))) {
      const b = this.buildMap.get(safeDecode(m[1]) ?? '');
      if (!b) return errorReply('legacy', 404, 'Build not found');
      if (isFinal(b.status)) return emptyReply(208);
      this.cancelBuild(b, Date.now());
      return jsonReply(200, {});
    }
    if (method === 'POST' && (m = path.match(/^\/artifacts\/(.+)\/public-url$/))) {
      return this.publicUrl(rec, m[1]);
    }
    if (method === 'GET' && (m = path.match(/^\/artifacts\/(.+)$/))) {
      const found = this.findArtifact(m[1]);
      if (!found) return errorReply('legacy', 404, 'Artifact not found');
      return this.bytesReply(found.build.id, found.artifact.name);
    }
    if (method === 'GET' && (m = path.match(/^\/logs\/([^/]+)\/([^/]+)$/))) {
      const b = this.buildMap.get(m[1]);
      const step = b?.steps.find((s) => s.id === m![2]);
      if (!b || !step || step.startedAt === null) return errorReply('legacy', 404, 'Log not found');
      const text = `== ${step.name} ==\n$ echo "fake log for build ${b.index}"\nfake log for build ${b.index}\n`;
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(text) };
    }
    return errorReply('legacy', 404, 'Not Found');
  }

  private postBuild(rec: RecordedRequest): Reply {
    const bad = (msg: string): Reply => errorReply('legacy', 400, msg);
    const ct = rec.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(ct)) {
      return bad('Request body must be JSON: send it with content-type: application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(rec.rawBody);
    } catch {
      return bad('Request body is not valid JSON');
    }
    if (!isPlainObject(body)) return bad('Request body must be a JSON object');
    for (const k of Object.keys(body)) {
      if (!POST_BUILD_KEYS.includes(k)) return bad(`Unknown field "${k}" in request body`);
    }
    for (const k of ['appId', 'workflowId']) {
      if (body[k] === undefined) return bad(`${k} is required`);
      if (!isNonEmptyString(body[k])) return bad(`${k} must be a non-empty string`);
    }
    for (const k of ['branch', 'tag']) {
      if (body[k] !== undefined && !isNonEmptyString(body[k])) return bad(`${k} must be a non-empty string`);
    }
    if (body.branch !== undefined && body.tag !== undefined) return bad('Specify either branch or tag, not both');
    if (body.branch === undefined && body.tag === undefined) return bad('Either branch or tag is required');
    const env = body.environment;
    if (env !== undefined) {
      if (!isPlainObject(env)) return bad('environment must be an object');
      for (const k of Object.keys(env)) {
        if (!ENV_KEYS.includes(k)) return bad(`Unknown field "environment.${k}"`);
      }
      if (env.variables !== undefined) {
        if (!isPlainObject(env.variables)) return bad('environment.variables must be an object of strings');
        for (const [k, v] of Object.entries(env.variables)) {
          if (typeof v !== 'string') return bad(`environment.variables.${k} must be a string`);
        }
      }
      if (env.groups !== undefined) {
        if (!Array.isArray(env.groups) || !env.groups.every((g) => typeof g === 'string')) {
          return bad('environment.groups must be an array of strings');
        }
      }
      if (env.softwareVersions !== undefined) {
        if (!isPlainObject(env.softwareVersions)) return bad('environment.softwareVersions must be an object');
        for (const [k, v] of Object.entries(env.softwareVersions)) {
          if (!SOFTWARE_KEYS.includes(k)) {
            return bad(`environment.softwareVersions.${k} is not supported (allowed: ${SOFTWARE_KEYS.join(', ')})`);
          }
          if (typeof v !== 'string') return bad(`environment.softwareVersions.${k} must be a string`);
        }
      }
    }
    if (body.labels !== undefined) {
      if (!Array.isArray(body.labels) || !body.labels.every((l) => typeof l === 'string')) {
        return bad('labels must be an array of strings');
      }
    }
    if (body.instanceType !== undefined && !isNonEmptyString(body.instanceType)) {
      return bad('instanceType must be a non-empty string');
    }
    const app = this.findApp(body.appId as string);
    if (!app) return errorReply('legacy', 404, 'Application not found');
    const e = (env ?? {}) as {
      variables?: Record<string, string>;
      groups?: string[];
      softwareVersions?: Record<string, string>;
    };
    const b = this.newBuild(app, {
      workflowId: body.workflowId as string,
      branch: (body.branch as string | undefined) ?? null,
      tag: (body.tag as string | undefined) ?? null,
      labels: body.labels ?? [],
      instanceType: body.instanceType ?? 'mac_mini_m2',
      variables: e.variables ?? {},
      groups: e.groups ?? [],
      softwareVersions: e.softwareVersions ?? {},
      outcome: this.nextOutcome,
      createdAt: Date.now(),
    });
    return jsonReply(200, { buildId: b.id });
  }

  private publicUrl(rec: RecordedRequest, secureFilename: string): Reply {
    const found = this.findArtifact(secureFilename);
    if (!found) return errorReply('legacy', 404, 'Artifact not found');
    const ct = rec.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(ct)) {
      return errorReply('legacy', 400, 'Request body must be JSON: send it with content-type: application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(rec.rawBody);
    } catch {
      return errorReply('legacy', 400, 'Request body is not valid JSON');
    }
    const expiresAt = isPlainObject(body) ? body.expiresAt : undefined;
    if (typeof expiresAt !== 'number' || !Number.isInteger(expiresAt)) {
      return errorReply('legacy', 400, 'expiresAt must be an integer (unix timestamp in seconds)');
    }
    if (expiresAt <= Math.floor(Date.now() / 1000)) {
      return errorReply('legacy', 400, 'expiresAt must be in the future (unix timestamp in seconds)');
    }
    const url = this.makeTokenlessUrl(found.build.id, found.artifact.name, expiresAt * 1000);
    return jsonReply(200, { url, expiresAt });
  }

  private findArtifact(rawSecure: string): { build: FakeBuild; artifact: FakeArtifact } | undefined {
    const secure = safeDecode(rawSecure);
    if (secure === undefined) return undefined;
    for (const b of this.buildMap.values()) {
      const a = b.artifacts.find((x) => x.secureFilename === secure || x.secureFilename === rawSecure);
      if (a) return { build: b, artifact: a };
    }
    return undefined;
  }

  private bytesReply(buildId: string, name: string): Reply {
    return {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${name}"`,
      },
      body: artifactBytes(buildId, name),
    };
  }

  private makeTokenlessUrl(buildId: string, name: string, expiresAtMs: number): string {
    if (this.links.size > 5000) {
      const now = Date.now();
      for (const [k, l] of this.links) if (l.expiresAt < now) this.links.delete(k);
    }
    const key = crypto.randomBytes(16).toString('hex');
    this.links.set(key, { buildId, name, expiresAt: expiresAtMs });
    const base = this.storageUrl ?? this.url;
    const sig = sha('sha256', `sig:${key}`).toString('hex').slice(0, 32);
    return `${base}/storage/${key}/${encodeURIComponent(name)}?Expires=${Math.floor(expiresAtMs / 1000)}&Signature=${sig}`;
  }

  private handleStorage(rec: RecordedRequest): Reply {
    const m = rec.path.match(/^\/storage\/([^/]+)\/([^/]+)$/);
    if (rec.method !== 'GET' || !m) return errorReply('storage', 404, 'Not Found');
    const link = this.links.get(m[1]);
    if (!link || safeDecode(m[2]) !== link.name || !this.buildMap.has(link.buildId)) {
      return errorReply('storage', 404, 'The specified key does not exist.');
    }
    if (Date.now() > link.expiresAt) return errorReply('storage', 403, 'Request has expired');
    return this.bytesReply(link.buildId, link.name);
  }

  private handleV3(rec: RecordedRequest, path: string): Reply {
    if (rec.method !== 'GET') return errorReply('v3', 404, 'Not Found');
    let m: RegExpMatchArray | null;
    if (path === '/user') return jsonReply(200, { data: { ...this.user } });
    if (path === '/user/apps') {
      const page = parsePositiveInt(rec.query.page, 1);
      const size = parsePositiveInt(rec.query.page_size, 20);
      if (page === undefined) return this.v3Invalid('page', 'must be a positive integer');
      if (size === undefined || size > 100) return this.v3Invalid('page_size', 'must be an integer between 1 and 100');
      const total = Math.ceil(this.apps.length / size);
      const data = this.apps.slice((page - 1) * size, page * size).map((a) => ({
        id: a.id,
        name: a.name,
        ...(a.repositoryUrl ? { repository_url: a.repositoryUrl } : {}),
      }));
      return jsonReply(200, { data, page_size: size, current_page: page, total_pages: total });
    }
    if ((m = path.match(/^\/builds\/([^/]+)$/))) {
      const b = this.buildMap.get(safeDecode(m[1]) ?? '');
      return b ? jsonReply(200, { data: this.v3Build(b) }) : errorReply('v3', 404, 'Build not found');
    }
    if ((m = path.match(/^\/builds\/([^/]+)\/actions$/))) {
      const b = this.buildMap.get(safeDecode(m[1]) ?? '');
      if (!b) return errorReply('v3', 404, 'Build not found');
      return jsonReply(200, {
        data: b.steps.map((s) => ({
          id: s.id,
          name: s.name,
          type: s.type,
          status: s.status,
          started_at: v3Time(s.startedAt),
          finished_at: v3Time(s.finishedAt),
          log_url: `${this.url}/logs/${b.id}/${s.id}`,
        })),
      });
    }
    if ((m = path.match(/^\/teams\/([^/]+)\/builds$/))) return this.teamBuilds(rec, safeDecode(m[1]) ?? '');
    return errorReply('v3', 404, 'Not Found');
  }

  private v3Invalid(param: string, msg: string): Reply {
    return errorReply('v3', 422, 'Validation error', [{ loc: ['query', param], msg }]);
  }

  private teamBuilds(rec: RecordedRequest, teamId: string): Reply {
    const teamApps = this.apps.filter((a) => (a.teamId ?? this.teamId) === teamId);
    if (teamId !== this.teamId && teamApps.length === 0) return errorReply('v3', 404, 'Team not found');
    const q = rec.query;
    const size = parsePositiveInt(q.page_size, 20);
    if (size === undefined || size > 100) return this.v3Invalid('page_size', 'must be an integer between 1 and 100');
    let offset = 0;
    if (q.cursor !== undefined && q.cursor !== '') {
      const decoded = Buffer.from(q.cursor, 'base64url').toString('utf8');
      const mm = decoded.match(/^offset:(\d+)$/);
      if (!mm) return this.v3Invalid('cursor', 'invalid cursor');
      offset = Number(mm[1]);
    }
    const appIds = new Set(teamApps.map((a) => a.id));
    const all = [...this.buildMap.values()]
      .filter(
        (b) =>
          appIds.has(b.appId) &&
          (q.app_id === undefined || b.appId === q.app_id) &&
          (q.workflow_id === undefined || b.workflowId === q.workflow_id) &&
          (q.branch === undefined || b.branch === q.branch) &&
          (q.tag === undefined || b.tag === q.tag) &&
          (q.status === undefined || b.status === q.status) &&
          (q.label === undefined || b.labels.includes(q.label)),
      )
      .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? Buffer.from(`offset:${offset + size}`).toString('base64url') : null;
    return jsonReply(200, { data: page.map((b) => this.v3Build(b)), page_size: size, cursor: next });
  }

  // --- payloads --------------------------------------------------------------------------------

  private legacyApp(app: FakeApp, detailed: boolean): Record<string, unknown> {
    const workflows = app.workflows ?? {};
    return {
      _id: app.id,
      appName: app.name,
      ...(detailed ? { branches: [...(app.branches ?? [])] } : {}),
      workflowIds: Object.keys(workflows),
      workflows: Object.fromEntries(Object.entries(workflows).map(([k, v]) => [k, { name: v.name }])),
      ...(app.repositoryUrl
        ? { repository: { htmlUrl: app.repositoryUrl, provider: 'github', defaultBranch: app.branches?.[0] ?? 'main' } }
        : {}),
      // Unknown extra fields: clients must ignore them.
      archived: false,
      settingsSource: Object.keys(workflows).length > 0 ? 'ui' : 'yaml',
    };
  }

  private legacyBuild(b: FakeBuild): Record<string, unknown> {
    return {
      _id: b.id,
      appId: b.appId,
      ...(b.workflowSource === 'ui' ? { workflowId: b.workflowId } : { fileWorkflowId: b.workflowId }),
      branch: b.branch,
      tag: b.tag,
      status: b.status,
      index: b.index,
      message: b.commit?.message ?? null,
      instanceType: b.instanceType,
      labels: [...b.labels],
      createdAt: legacyTime(b.createdAt),
      startedAt: legacyTime(b.startedAt),
      finishedAt: legacyTime(b.finishedAt),
      artefacts: b.artifacts.map((a) => ({
        name: a.name,
        type: a.type,
        url: `${this.url}/artifacts/${a.secureFilename}`,
        size: a.size,
        md5: a.md5,
        versionName: '2.4.1',
      })),
      buildActions: b.steps.map((s) => ({
        _id: s.id,
        name: s.name,
        type: s.type,
        status: s.status,
        startedAt: legacyTime(s.startedAt),
        finishedAt: legacyTime(s.finishedAt),
        logUrl: s.startedAt === null ? null : `${this.url}/logs/${b.id}/${s.id}`,
      })),
      ...(b.commit
        ? {
            commit: {
              hash: b.commit.hash,
              commitMessage: b.commit.message,
              authorName: b.commit.authorName,
              authorEmail: b.commit.authorEmail,
              url: b.commit.url,
              branch: b.branch,
            },
          }
        : {}),
      // The real payload carries the app's environment, secrets included.
      environment: {
        variables: { ...b.environment.variables },
        groups: [...b.environment.groups],
        softwareVersions: { ...b.environment.softwareVersions },
      },
      // Unknown extra fields: clients must ignore them.
      config: { buildSettings: { flutterMode: 'release' }, version: 3 },
      startedBy: 'api',
    };
  }

  private v3Build(b: FakeBuild): Record<string, unknown> {
    const expires = Date.now() + 60 * 60 * 1000;
    return {
      id: b.id,
      app_id: b.appId,
      workflow: { id: b.workflowId, source: b.workflowSource, name: b.workflowName },
      status: b.status,
      index: b.index,
      branch: b.branch,
      tag: b.tag,
      labels: [...b.labels],
      created_at: v3Time(b.createdAt),
      started_at: v3Time(b.startedAt),
      finished_at: v3Time(b.finishedAt),
      commit: b.commit
        ? { hash: b.commit.hash, message: b.commit.message, author_name: b.commit.authorName, url: b.commit.url }
        : null,
      artifacts: b.artifacts.map((a) => ({
        name: a.name,
        size_in_bytes: a.size,
        type: a.type,
        short_lived_download_url: this.makeTokenlessUrl(b.id, a.name, expires),
      })),
      // Unknown extra fields: clients must ignore them.
      instance_type: b.instanceType,
      triggered_by: { type: 'api' },
    };
  }
}
