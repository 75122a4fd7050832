import * as vscode from 'vscode';

/**
 * The part of the built-in git extension's API (vscode.git, API version 1) that we use. Declared here
 * instead of vendoring git.d.ts: we read only these fields and treat every one as optional.
 */
export interface GitRef {
  type: 0 | 1 | 2; // Head, RemoteHead, Tag
  name?: string;
  commit?: string;
  remote?: string;
}
export const RefType = { Head: 0, RemoteHead: 1, Tag: 2 } as const;

export interface GitBranch extends GitRef {
  upstream?: { remote: string; name: string };
  ahead?: number;
  behind?: number;
}

export interface GitRemote {
  name: string;
  fetchUrl?: string;
  pushUrl?: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: GitBranch | undefined;
    readonly remotes: GitRemote[];
    readonly refs?: GitRef[];
  };
  getRefs?(query?: object): Promise<GitRef[]>;
  status?(): Promise<void>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The git API, or undefined when the git extension is missing or disabled. */
export async function getGitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (!exports?.enabled) return undefined;
    const api = exports.getAPI(1);
    if (api.state !== 'initialized') {
      await new Promise<void>((resolve) => {
        const sub = api.onDidChangeState((s) => {
          if (s === 'initialized') {
            sub.dispose();
            resolve();
          }
        });
        setTimeout(() => {
          sub.dispose();
          resolve();
        }, 5000);
      });
    }
    return api;
  } catch {
    return undefined;
  }
}

/** The repository holding `uri`, opening it when git has not discovered it yet. */
export async function repositoryFor(api: GitApi, uri: vscode.Uri): Promise<GitRepository | undefined> {
  let repo: GitRepository | undefined;
  try {
    repo = api.getRepository(uri) ?? (await api.openRepository?.(uri)) ?? undefined;
  } catch {
    return undefined;
  }
  // A repository git has just opened has no HEAD until its first status run.
  if (repo && !repo.state.HEAD && repo.status) {
    await Promise.race([repo.status().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  }
  return repo;
}

/** Local branches and tags, for the ref pick. */
export async function branchesAndTags(repo: GitRepository): Promise<{ branches: string[]; tags: string[] }> {
  let refs: GitRef[] = [];
  try {
    refs = repo.getRefs ? await repo.getRefs({}) : (repo.state.refs ?? []);
  } catch {
    refs = repo.state.refs ?? [];
  }
  const names = (type: number) =>
    [...new Set(refs.filter((r) => r.type === type && r.name).map((r) => r.name as string))].sort();
  return { branches: names(RefType.Head), tags: names(RefType.Tag) };
}

export function remoteUrls(repo: GitRepository): string[] {
  return repo.state.remotes.flatMap((r) => [r.fetchUrl, r.pushUrl]).filter((u): u is string => !!u);
}
