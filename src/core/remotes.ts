/**
 * Git remote URLs in their three common styles — https://host/owner/repo(.git),
 * ssh://git@host(:port)/owner/repo(.git) and scp-style git@host:owner/repo(.git) — reduced to one
 * comparable key: "host/owner/repo", lower-case.
 */
export function repoKey(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const s = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(s);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    host = scp[1];
    path = scp[2];
  } else {
    try {
      const u = new URL(s);
      host = u.hostname;
      path = u.pathname;
    } catch {
      return undefined;
    }
  }
  const clean = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
  if (!host || !clean) return undefined;
  return `${host.toLowerCase()}/${clean.toLowerCase()}`;
}

/** The apps whose repository matches one of the remotes. */
export function appsMatchingRemotes<T extends { repositoryUrl?: string }>(apps: T[], remoteUrls: string[]): T[] {
  const keys = new Set(remoteUrls.map(repoKey).filter((k): k is string => !!k));
  return apps.filter((a) => {
    const k = repoKey(a.repositoryUrl);
    return !!k && keys.has(k);
  });
}
