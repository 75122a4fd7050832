import { createAgent, createEnvProxyAgent, type Dispatcher } from './http';

export interface ProxySettings {
  /** VS Code's http.proxy; empty when unset. */
  proxy?: string;
  /** VS Code's http.proxyStrictSSL. */
  strictSSL: boolean;
  /** VS Code's http.noProxy entries. */
  noProxy: string[];
  /** The process environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms). */
  env: Record<string, string | undefined>;
}

const envVar = (env: ProxySettings['env'], name: string) => env[name] ?? env[name.toLowerCase()];

/**
 * The dispatcher for Codemagic requests: through the proxy of VS Code's http.proxy setting, or of the
 * HTTPS_PROXY / HTTP_PROXY environment, minus NO_PROXY / http.noProxy hosts; else a plain agent of our
 * own. Never undici's global dispatcher: the host may have replaced it (with retries of its own, which
 * must never resend POST /builds), and undici does not see the proxy VS Code patches into Node's http.
 */
export function proxyDispatcher(p: ProxySettings): Dispatcher {
  const httpsProxy = p.proxy || envVar(p.env, 'HTTPS_PROXY') || envVar(p.env, 'HTTP_PROXY');
  const httpProxy = p.proxy || envVar(p.env, 'HTTP_PROXY') || httpsProxy;
  if (!httpsProxy && !httpProxy) return createAgent({ connect: { rejectUnauthorized: p.strictSSL } });
  const noProxy = [...p.noProxy, ...(envVar(p.env, 'NO_PROXY') ?? '').split(',')]
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
  return createEnvProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy,
    requestTls: { rejectUnauthorized: p.strictSSL },
    proxyTls: { rejectUnauthorized: p.strictSSL },
  });
}

/** A proxy URL without its user name and password, for logs. */
export function hasProxy(p: ProxySettings): boolean {
  return !!(p.proxy || envVar(p.env, 'HTTPS_PROXY') || envVar(p.env, 'HTTP_PROXY'));
}

export function redactProxy(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid proxy URL)';
  }
}
