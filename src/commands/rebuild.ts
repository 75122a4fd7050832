import * as vscode from 'vscode';
import { launchBuild } from '../services/buildLauncher';
import type { Services } from '../services/services';
import { buildIdOf, noBuildMessage, pickBuild } from './target';

/** "Rebuild Last Build": the most recent tracked build, again. */
export function rebuildLast(s: Services): Promise<string | undefined> {
  const last = s.store.list()[0];
  if (!last) {
    noBuildMessage('rebuild');
    return Promise.resolve(undefined);
  }
  return rebuild(s, last.id);
}

/** "Rebuild": starts a new build with exactly the parameters of the original one. */
export async function rebuild(s: Services, arg?: unknown): Promise<string | undefined> {
  const id = buildIdOf(arg);
  const original = id ? s.store.get(id) : await pickBuild(s.store.list(), 'Rebuild Codemagic Build');
  if (!original) {
    if (!id && s.store.list().length === 0) noBuildMessage('rebuild');
    return undefined;
  }
  // The stored request keeps variable names only; their values wait in SecretStorage.
  const names = Object.keys(original.request.environment?.variables ?? {});
  let request = original.request;
  if (names.length) {
    const values = await s.options.buildVariables(original.id);
    const missing = names.filter((n) => values[n] === undefined);
    if (missing.length) {
      void vscode.window.showErrorMessage(
        `The values of ${missing.join(', ')} from build ${original.id} are no longer stored, so it cannot be rebuilt exactly. Use "Start Build with Options…" to enter them again.`,
      );
      return undefined;
    }
    request = {
      ...request,
      environment: { ...request.environment, variables: Object.fromEntries(names.map((n) => [n, values[n] ?? ''])) },
    };
  }
  return launchBuild(s, request, {
    appName: original.appName,
    workflowName: original.workflowName,
    folder: original.folder,
  });
}
