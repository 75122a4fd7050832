import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

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
 * HTTPS_PROXY / HTTP_PROXY environment, minus NO_PROXY / http.noProxy hosts. Undefined when there is
 * no proxy (undici's default then). undici does not see the proxy VS Code patches into Node's http.
 */
export function proxyDispatcher(p: ProxySettings): Dispatcher | undefined {
  const httpsProxy = p.proxy || envVar(p.env, 'HTTPS_PROXY') || envVar(p.env, 'HTTP_PROXY');
  const httpProxy = p.proxy || envVar(p.env, 'HTTP_PROXY') || httpsProxy;
  if (!httpsProxy && !httpProxy) return undefined;
  const noProxy = [...p.noProxy, ...(envVar(p.env, 'NO_PROXY') ?? '').split(',')]
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
  return new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy,
    requestTls: { rejectUnauthorized: p.strictSSL },
    proxyTls: { rejectUnauthorized: p.strictSSL },
  });
}

/** A proxy URL without its user name and password, for logs. */
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
