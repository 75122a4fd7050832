import type { BuildStore } from '../core/buildStore';
import { buildIdOf } from './target';

/** "Remove from List": forgets a build here; nothing changes on Codemagic. */
export async function removeBuild(store: BuildStore, arg: unknown): Promise<void> {
  const id = buildIdOf(arg);
  if (id) await store.remove(id);
}
