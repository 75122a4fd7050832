import { pipeline } from 'stream/promises';
import { Transform, type Writable } from 'stream';
import { createAgent, request, type Dispatcher } from './http';
import { CodemagicApiError, serverMessageOf } from './errors';
import { normalizeApp, normalizeBuild, normalizeSteps, normalizeUser } from './normalize';
import type { App, Build, BuildStep, CancelResult, PublicUrl, StartBuildRequest, User } from './types';

export interface ClientOptions {
  /** Legacy REST API base, e.g. https://api.codemagic.io */
  apiUrl: string;
  /** v3 API base, e.g. https://codemagic.io/api/v3 */
  v3Url: string;
  getToken: () => Promise<string | undefined> | string | undefined;
  /** undici dispatcher, e.g. a proxy agent; default: a plain agent of the client's own. */
  dispatcher?: Dispatcher;
  /** Per attempt, headers and body together. */
  timeoutMs?: number;
  /** Extra attempts for GETs on network errors, 5xx and 429. POST /builds is never retried. */
  maxRetries?: number;
  /** First backoff delay; doubles with each attempt. */
  retryBaseMs?: number;
  /** A 429 asking us to wait longer than this fails at once, carrying retryAfterMs. */
  maxRetryWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

type Api = 'legacy' | 'v3';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (received: number, total?: number) => void;
}

interface Call {
  method: 'GET' | 'POST';
  api: Api;
  path: string;
  body?: unknown;
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  json: unknown;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** v3 answers these when it is not there for this host or token: fall back to the legacy API. */
const V3_MISSING = new Set([404, 405, 501]);

const enc = encodeURIComponent;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Codemagic's two REST APIs behind one method per endpoint. Pure: no `vscode` here. */
export class CodemagicClient {
  private readonly opts: Required<Omit<ClientOptions, 'userAgent'>> & Pick<ClientOptions, 'userAgent'>;
  /** Set once v3 said 404 for a build the legacy API knows: skip v3 from then on. */
  private v3Missing = false;

  constructor(options: ClientOptions) {
    this.opts = {
      timeoutMs: 15_000,
      maxRetries: 3,
      retryBaseMs: 500,
      maxRetryWaitMs: 10_000,
      sleep: defaultSleep,
      ...options,
      dispatcher: options.dispatcher ?? createAgent(),
      apiUrl: options.apiUrl.replace(/\/+$/, ''),
      v3Url: options.v3Url.replace(/\/+$/, ''),
    };
  }

  /** POST /builds — starts a build; never retried, a retry could start a second build. */
  async startBuild(req: StartBuildRequest, signal?: AbortSignal): Promise<string> {
    const { json } = await this.send({ method: 'POST', api: 'legacy', path: '/builds', body: req, signal }, false);
    const buildId = (json as { buildId?: unknown } | undefined)?.buildId;
    if (typeof buildId !== 'string' || !buildId) {
      throw new CodemagicApiError('parse', 'Codemagic accepted the build request but sent no build ID.');
    }
    return buildId;
  }

  /** POST /builds/:id/cancel — 208 means it had already finished. */
  async cancelBuild(buildId: string, signal?: AbortSignal): Promise<CancelResult> {
    const { status } = await this.send(
      { method: 'POST', api: 'legacy', path: `/builds/${enc(buildId)}/cancel`, signal },
      false,
    );
    return { alreadyFinished: status === 208 };
  }

  /** GET /apps */
  async listApps(signal?: AbortSignal): Promise<App[]> {
    const { json } = await this.get('legacy', '/apps', signal);
    const list = (json as { applications?: unknown } | undefined)?.applications;
    if (!Array.isArray(list)) throw this.shapeError('GET /apps');
    return list.map(normalizeApp).filter((a): a is App => !!a);
  }

  /** GET /apps/:id */
  async getApp(appId: string, signal?: AbortSignal): Promise<App> {
    const { json } = await this.get('legacy', `/apps/${enc(appId)}`, signal);
    const app = normalizeApp((json as { application?: unknown } | undefined)?.application);
    if (!app) throw this.shapeError('GET /apps/:id');
    return app;
  }

  /** v3 GET /builds/{id}, or legacy GET /builds/:id where v3 is not available. */
  async getBuild(buildId: string, signal?: AbortSignal): Promise<Build> {
    const json = await this.withV3Fallback(
      () => this.get('v3', `/builds/${enc(buildId)}`, signal).then((a) => (a.json as { data?: unknown })?.data),
      () => this.get('legacy', `/builds/${enc(buildId)}`, signal).then((a) => (a.json as { build?: unknown })?.build),
    );
    const build = normalizeBuild(json);
    if (!build) throw this.shapeError('GET /builds/:id');
    return build;
  }

  /** v3 GET /builds/{id}/actions, or the legacy build's buildActions. */
  async getBuildSteps(buildId: string, signal?: AbortSignal): Promise<BuildStep[]> {
    return this.withV3Fallback(
      async () => {
        const { json } = await this.get('v3', `/builds/${enc(buildId)}/actions`, signal);
        const data = (json as { data?: unknown } | undefined)?.data;
        if (!Array.isArray(data)) throw this.shapeError('GET /builds/{id}/actions');
        return normalizeSteps(data);
      },
      async () => (await this.getLegacyBuild(buildId, signal)).steps ?? [],
    );
  }

  /** v3 GET /user, or legacy GET /apps: a cheap request that fails with 401 on a bad token. */
  async checkToken(signal?: AbortSignal): Promise<User> {
    return this.withV3Fallback(
      async () => {
        const data = ((await this.get('v3', '/user', signal)).json as { data?: unknown } | undefined)?.data;
        if (!data || typeof data !== 'object') throw this.shapeError('GET /user');
        return normalizeUser(data);
      },
      async () => {
        await this.listApps(signal);
        return {};
      },
    );
  }

  /** POST /artifacts/:secureFilename/public-url — a link that works without the token until expiresAt. */
  async createPublicUrl(secureFilename: string, expiresAt: number, signal?: AbortSignal): Promise<PublicUrl> {
    const { json } = await this.send(
      {
        method: 'POST',
        api: 'legacy',
        path: `/artifacts/${secureFilename.split('/').map(enc).join('/')}/public-url`,
        body: { expiresAt: Math.floor(expiresAt) },
        signal,
      },
      false,
    );
    const raw = json as { url?: unknown; expiresAt?: unknown } | undefined;
    if (typeof raw?.url !== 'string') throw this.shapeError('POST /artifacts/:secureFilename/public-url');
    return { url: raw.url, expiresAt: typeof raw.expiresAt === 'number' ? raw.expiresAt : undefined };
  }

  /**
   * Streams a file to `sink` and resolves to the byte count. The token goes only to the configured
   * Codemagic hosts: never to a pre-signed or third-party URL, nor along a redirect that leaves them.
   */
  async download(url: string, sink: Writable, opts: DownloadOptions = {}): Promise<number> {
    try {
      return await this.downloadOnce(url, sink, opts);
    } catch (e) {
      // Failing before the body flowed leaves the sink open otherwise (a file descriptor).
      if (!sink.destroyed) sink.destroy();
      throw e;
    }
  }

  private async downloadOnce(url: string, sink: Writable, opts: DownloadOptions): Promise<number> {
    let target = new URL(url);
    // The first request and up to five redirects.
    for (let hop = 0; hop <= 5; hop++) {
      const headers: Record<string, string> = {};
      let token: string | undefined;
      if (this.isCodemagicHost(target)) {
        token = await this.opts.getToken();
        if (!token) throw new CodemagicApiError('noToken', 'No Codemagic API token is set.');
        headers['x-auth-token'] = token;
      }
      if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(target, {
          method: 'GET',
          headers,
          signal: opts.signal,
          dispatcher: this.opts.dispatcher,
          headersTimeout: this.opts.timeoutMs,
          bodyTimeout: this.opts.timeoutMs,
        });
      } catch (e) {
        throw this.transportError(e, 'the download', opts.signal);
      }
      const location = header(res.headers, 'location');
      if (res.statusCode >= 300 && res.statusCode < 400 && location) {
        await res.body.dump();
        target = new URL(location, target);
        continue;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await res.body.text().catch(() => '');
        const parsed = parseJson(text);
        const echoed = parsed === INVALID ? undefined : serverMessageOf(parsed);
        const serverMessage = token ? echoed?.split(token).join('[token]') : echoed;
        throw new CodemagicApiError('http', `The download failed with HTTP ${res.statusCode}.`, {
          status: res.statusCode,
          serverMessage,
        });
      }
      const total = Number(header(res.headers, 'content-length')) || undefined;
      let received = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          opts.onProgress?.(received, total);
          done(null, chunk);
        },
      });
      try {
        await pipeline(res.body, counter, sink, { signal: opts.signal });
      } catch (e) {
        throw this.transportError(e, 'the download', opts.signal);
      }
      return received;
    }
    throw new CodemagicApiError('network', 'The download was redirected too many times.');
  }

  /** Is this URL on one of the configured Codemagic API hosts (the only ones that get the token)? */
  isCodemagicHost(url: URL | string): boolean {
    const origin = new URL(url).origin;
    return origin === new URL(this.opts.apiUrl).origin || origin === new URL(this.opts.v3Url).origin;
  }

  /** Legacy GET /builds/:id: artefacts there carry the secure file names that public links need. */
  async getLegacyBuild(buildId: string, signal?: AbortSignal): Promise<Build> {
    const { json } = await this.get('legacy', `/builds/${enc(buildId)}`, signal);
    const build = normalizeBuild((json as { build?: unknown } | undefined)?.build);
    if (!build) throw this.shapeError('GET /builds/:id');
    return build;
  }

  private async withV3Fallback<T>(v3: () => Promise<T>, legacy: () => Promise<T>): Promise<T> {
    if (this.v3Missing) return legacy();
    try {
      return await v3();
    } catch (e) {
      if (!(e instanceof CodemagicApiError) || e.kind !== 'http' || !V3_MISSING.has(e.status ?? 0)) throw e;
      const result = await legacy();
      this.v3Missing = true;
      return result;
    }
  }

  /** A GET whose answer must be a JSON body: an empty one is as unreadable as broken JSON. */
  private async get(api: Api, path: string, signal?: AbortSignal): Promise<Answer> {
    const answer = await this.send({ method: 'GET', api, path, signal }, true);
    if (answer.json === undefined) {
      throw new CodemagicApiError('parse', `Codemagic sent an empty answer to GET ${path}.`, { status: answer.status });
    }
    return answer;
  }

  private shapeError(endpoint: string): CodemagicApiError {
    return new CodemagicApiError('parse', `Codemagic sent an unexpected answer to ${endpoint}.`);
  }

  private async send(call: Call, retry: boolean): Promise<Answer> {
    const token = await this.opts.getToken();
    if (!token) throw new CodemagicApiError('noToken', 'No Codemagic API token is set.');
    const attempts = retry ? this.opts.maxRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(call, token);
      } catch (e) {
        const err = e as CodemagicApiError;
        const retryable =
          err.kind === 'network' ||
          err.kind === 'timeout' ||
          (err.kind === 'http' && RETRYABLE_STATUS.has(err.status ?? 0));
        if (attempt >= attempts || !retryable || call.signal?.aborted) throw err;
        const backoff = this.opts.retryBaseMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.2);
        const wait = err.retryAfterMs ?? backoff;
        if (wait > this.opts.maxRetryWaitMs) throw err;
        await this.opts.sleep(wait);
      }
    }
  }

  private async attempt(call: Call, token: string): Promise<Answer> {
    const base = call.api === 'v3' ? this.opts.v3Url : this.opts.apiUrl;
    const label = `${call.method} ${call.path}`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', 'x-auth-token': token };
    if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    let resHeaders: Record<string, string | string[] | undefined>;
    try {
      const res = await request(base + call.path, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
        dispatcher: this.opts.dispatcher,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      status = res.statusCode;
      resHeaders = res.headers;
      text = await res.body.text();
    } catch (e) {
      throw this.transportError(e, label, call.signal);
    }
    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      if (json === INVALID)
        throw new CodemagicApiError('parse', `Codemagic sent a response to ${label} that is not valid JSON.`, {
          status,
        });
      return { status, json };
    }
    // Defensive: a server that echoes the token back must not put it into our messages.
    const serverMessage = (json === INVALID ? undefined : serverMessageOf(json))?.split(token).join('[token]');
    throw new CodemagicApiError(
      'http',
      `Codemagic answered ${status} to ${label}${serverMessage ? `: ${serverMessage}` : '.'}`,
      { status, serverMessage, retryAfterMs: status === 429 ? retryAfterMs(resHeaders) : undefined },
    );
  }

  private transportError(e: unknown, label: string, userSignal?: AbortSignal): CodemagicApiError {
    const err = e as { name?: string; code?: string; cause?: { code?: string } };
    if (userSignal?.aborted) return new CodemagicApiError('network', `${label} was cancelled.`);
    const code = err.code ?? err.cause?.code;
    // Never connected: the request certainly did not reach Codemagic.
    const notSent = [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'UND_ERR_CONNECT_TIMEOUT',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ].includes(code ?? '');
    const timedOut =
      !notSent &&
      (err.name === 'TimeoutError' ||
        err.name === 'AbortError' ||
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT');
    if (timedOut) return new CodemagicApiError('timeout', `Codemagic did not answer ${label} in time.`);
    return new CodemagicApiError('network', `Could not reach Codemagic for ${label}${code ? ` (${code})` : ''}.`, {
      notSent,
    });
  }
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `retry-after` (seconds or HTTP date) or `ratelimit-reset` (seconds from now, or a Unix time). */
export function retryAfterMs(h: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const retryAfter = header(h, 'retry-after');
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const resetText = header(h, 'ratelimit-reset')?.trim();
  const reset = resetText ? Number(resetText) : NaN;
  if (Number.isFinite(reset) && reset >= 0) {
    return reset > 1e9 ? Math.max(0, reset * 1000 - now) : reset * 1000;
  }
  return undefined;
}
