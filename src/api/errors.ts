/** What went wrong, in terms a caller can turn into a sentence and a next step. */
export type ApiErrorKind =
  /** No token is stored: nothing was sent. */
  | 'noToken'
  /** The server answered with a non-success status. */
  | 'http'
  /** The request did not reach the server or the connection broke. */
  | 'network'
  /** No complete answer within the timeout. */
  | 'timeout'
  /** The server answered 2xx with a body that is not the JSON we expect. */
  | 'parse';

const MAX_SERVER_MESSAGE = 300;

/**
 * The one error type of the client. Its message never holds the token or a raw response body:
 * only the server's own short `{error}` / `{detail}` text.
 */
export class CodemagicApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  /** For 429: how long the server asked us to wait. */
  readonly retryAfterMs?: number;
  /** For network errors: the request certainly never reached the server (refused, unknown host). */
  readonly notSent: boolean;

  constructor(
    kind: ApiErrorKind,
    message: string,
    opts: { status?: number; serverMessage?: string; retryAfterMs?: number; notSent?: boolean } = {},
  ) {
    super(message);
    this.name = 'CodemagicApiError';
    this.kind = kind;
    this.status = opts.status;
    this.serverMessage = opts.serverMessage?.slice(0, MAX_SERVER_MESSAGE);
    this.retryAfterMs = opts.retryAfterMs;
    this.notSent = opts.notSent ?? kind === 'noToken';
  }

  get isUnauthorized(): boolean {
    return this.kind === 'noToken' || this.status === 401;
  }

  get isRateLimited(): boolean {
    return this.status === 429;
  }
}

export function isApiError(e: unknown): e is CodemagicApiError {
  return e instanceof CodemagicApiError;
}

/** Pulls the server's message out of a legacy `{error}` or v3 `{detail}` body. */
export function serverMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const key of ['error', 'detail', 'message']) {
    const v = b[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}
