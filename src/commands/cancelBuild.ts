import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { showError } from '../views/errors';
import { buildIdOf, noBuildMessage, pickBuild } from './target';

/** "Cancel Build": from the tree's inline button or context menu, or the palette (picks a running build). */
export async function cancelBuild(s: Services, arg?: unknown): Promise<void> {
  const id = buildIdOf(arg) ?? (await pickBuild(s.store.active(), 'Cancel Codemagic Build'))?.id;
  if (!id) {
    if (!arg && s.store.active().length === 0) noBuildMessage('cancel: none is running');
    return;
  }
  // Even when we think it ended, ask Codemagic: it answers 208 then, and our view may be stale.
  let alreadyFinished: boolean;
  try {
    ({ alreadyFinished } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Cancelling Codemagic build ${id}…` },
      () => s.codemagic.client().cancelBuild(id),
    ));
  } catch (e) {
    void showError(s.log, e, `cancel build ${id}`);
    return;
  }
  if (alreadyFinished) {
    s.log.info(`Build ${id} had already finished when cancel was asked.`);
    void vscode.window.showInformationMessage(`Build ${id} had already finished: there was nothing to cancel.`);
    await s.poller.refreshNow();
    return;
  }
  s.log.info(`Cancelled build ${id}.`);
  await s.store.update(id, { status: 'canceled', finishedAt: new Date().toISOString() });
  void vscode.window.showInformationMessage(`Build ${id} cancelled.`);
}
