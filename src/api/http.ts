/**
 * The parts of undici the client uses, required one by one: undici's index also loads fetch, WebSocket,
 * caching and mocking, which tripled our bundle. Pinned undici version: see package.json.
 */
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
const requestOn = require('undici/lib/api/api-request.js') as (
  this: Dispatcher,
  opts: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentType;
export const EnvHttpProxyAgent =
  require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof EnvHttpProxyAgentType;
/* eslint-enable @typescript-eslint/no-require-imports */

export type { Dispatcher };

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Dispatcher.HttpMethod;
  dispatcher: Dispatcher;
};

/** undici's request(url, opts) on an explicit dispatcher. */
export function request(url: string | URL, opts: RequestOptions): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  const { dispatcher, ...rest } = opts;
  return requestOn.call(dispatcher, { ...rest, origin: u.origin, path: `${u.pathname}${u.search}` });
}
