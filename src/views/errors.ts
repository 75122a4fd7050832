import * as vscode from 'vscode';
import { describeError, type ErrorAction } from '../core/errorText';
import { Commands } from '../commands/ids';

const LABELS: Record<ErrorAction, string> = {
  setToken: 'Set API Token',
  openSettings: 'Open Settings',
  retry: 'Retry',
  showLog: 'Show Log',
};

/**
 * Shows an error as a sentence with next steps, logs its detail (never the token: our errors do not
 * carry it), and runs the chosen step. Resolves to true when the user asked to retry.
 */
export async function showError(log: vscode.LogOutputChannel, e: unknown, doing: string): Promise<boolean> {
  const { message, actions } = describeError(e, doing);
  log.error(`Could not ${doing}: ${e instanceof Error ? e.message : String(e)}`);
  const choice = await vscode.window.showErrorMessage(message, ...actions.map((a) => LABELS[a]));
  const action = actions.find((a) => LABELS[a] === choice);
  switch (action) {
    case 'setToken':
      await vscode.commands.executeCommand(Commands.setToken);
      return false;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'codemagic');
      return false;
    case 'showLog':
      log.show(true);
      return false;
    case 'retry':
      return true;
    default:
      return false;
  }
}
