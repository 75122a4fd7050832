import { launchBuild } from '../services/buildLauncher';
import type { Services } from '../services/services';
import { buildIdOf, noBuildMessage, pickBuild } from './target';

/** "Rebuild": starts a new build with exactly the parameters of the original one. */
export async function rebuild(s: Services, arg?: unknown): Promise<string | undefined> {
  const id = buildIdOf(arg);
  const original = id ? s.store.get(id) : await pickBuild(s.store.list(), 'Rebuild Codemagic Build');
  if (!original) {
    if (!id && s.store.list().length === 0) noBuildMessage('rebuild');
    return undefined;
  }
  return launchBuild(s, original.request, {
    appName: original.appName,
    workflowName: original.workflowName,
    folder: original.folder,
  });
}
