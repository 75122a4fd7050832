/**
 * The parts of undici the client uses, required one by one and only on first use: undici's index also
 * loads fetch, WebSocket, caching and mocking (it tripled our bundle), and loading any of it at
 * activation would slow VS Code's start-up. Pinned undici version: see package.json.
 */
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

interface Undici {
  requestOn: (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  Agent: typeof AgentType;
  EnvHttpProxyAgent: typeof EnvHttpProxyAgentType;
}

let loaded: Undici | undefined;
function undici(): Undici {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (!loaded) {
    // What undici's index does: the proxy agents call connect() and request() on their dispatchers.
    const dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
    Object.assign(dispatcher.prototype, require('undici/lib/api/index.js') as object);
  }
  loaded ??= {
    requestOn: require('undici/lib/api/api-request.js') as Undici['requestOn'],
    Agent: require('undici/lib/dispatcher/agent.js') as Undici['Agent'],
    EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent.js') as Undici['EnvHttpProxyAgent'],
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

export type { Dispatcher };

export function createAgent(opts?: AgentType.Options): Dispatcher {
  return new (undici().Agent)(opts);
}

export function createEnvProxyAgent(opts: EnvHttpProxyAgentType.Options): Dispatcher {
  return new (undici().EnvHttpProxyAgent)(opts);
}

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Dispatcher.HttpMethod;
  dispatcher: Dispatcher;
};

/** undici's request(url, opts) on an explicit dispatcher. */
export function request(url: string | URL, opts: RequestOptions): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  const { dispatcher, ...rest } = opts;
  return undici().requestOn.call(dispatcher, { ...rest, origin: u.origin, path: `${u.pathname}${u.search}` });
}
