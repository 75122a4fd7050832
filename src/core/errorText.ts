import { CodemagicApiError } from '../api/errors';
import { UnsafeSettingError } from './urls';

/** Next steps the UI can offer as buttons. */
export type ErrorAction = 'setToken' | 'openSettings' | 'retry' | 'showLog';

export interface ErrorText {
  message: string;
  actions: ErrorAction[];
}

function when(ms: number, now: number): string {
  const at = new Date(now + ms);
  const secs = Math.ceil(ms / 1000);
  const wait = secs < 120 ? `${secs} s` : `${Math.ceil(secs / 60)} min`;
  return `${at.toLocaleTimeString()} (in ${wait})`;
}

/**
 * A sentence a person understands, and what they can do next, for any error an action met.
 * `doing` completes "Could not …", e.g. "start the build".
 */
export function describeError(e: unknown, doing: string, now = Date.now()): ErrorText {
  if (e instanceof UnsafeSettingError) return { message: e.message, actions: ['openSettings'] };
  if (!(e instanceof CodemagicApiError)) {
    const detail = e instanceof Error ? e.message : String(e);
    return { message: `Could not ${doing}: ${detail}`, actions: ['showLog'] };
  }
  switch (e.kind) {
    case 'noToken':
      return { message: `Set your Codemagic API token to ${doing}.`, actions: ['setToken'] };
    case 'network':
      return {
        message: `Could not ${doing}: Codemagic could not be reached. Check your internet connection and proxy settings (http.proxy), then try again.`,
        actions: ['retry', 'openSettings'],
      };
    case 'timeout':
      return {
        message: `Could not ${doing}: Codemagic did not answer in time. Check your connection or proxy, then try again.`,
        actions: ['retry', 'showLog'],
      };
    case 'parse':
      return {
        message: `Could not ${doing}: Codemagic sent an answer the extension could not read. Try again; if it persists, check the Codemagic log.`,
        actions: ['retry', 'showLog'],
      };
    case 'http':
      break;
  }
  const server = e.serverMessage ? ` Codemagic says: "${e.serverMessage}".` : '';
  switch (e.status) {
    case 400:
      return {
        message: `Could not ${doing}: Codemagic refused the request.${server || ' Check the app, workflow and branch.'}`,
        actions: ['showLog'],
      };
    case 401:
      return {
        message: `Could not ${doing}: Codemagic rejected your API token. Set a new token to continue.`,
        actions: ['setToken'],
      };
    case 403:
    case 404:
      return {
        message: `Could not ${doing}: Codemagic does not know this app or build, or your token has no access to it (HTTP ${e.status}). Check the app ID, or use a token of the team that owns the app.${server}`,
        actions: ['setToken', 'showLog'],
      };
    case 429:
      return {
        message: `Could not ${doing}: Codemagic's rate limit was reached. Try again after ${when(e.retryAfterMs ?? 60_000, now)}.`,
        actions: ['retry'],
      };
    default:
      return {
        message: `Could not ${doing}: Codemagic had a problem (HTTP ${e.status ?? '?'}). Try again in a few minutes.${server}`,
        actions: ['retry', 'showLog'],
      };
  }
}
