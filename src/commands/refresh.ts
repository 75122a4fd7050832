import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { BUILDS_VIEW } from './ids';

/** "Refresh": polls every running build now, with progress on the Builds view. */
export async function refresh(s: Services): Promise<void> {
  await vscode.window.withProgress({ location: { viewId: BUILDS_VIEW } }, () => s.poller.refreshNow());
}
