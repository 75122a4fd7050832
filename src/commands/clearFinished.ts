import type { BuildStore } from '../core/buildStore';

/** "Clear Finished": drops every build that has ended from the list. */
export async function clearFinished(store: BuildStore): Promise<void> {
  await store.clearFinished();
}
