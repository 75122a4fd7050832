import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { CodemagicService } from '../services/codemagic';
import type { TokenStore } from '../services/tokenStore';
import { showError } from '../views/errors';

/**
 * "Codemagic: Set API Token": asks for the token in a password box, checks it with a cheap
 * authenticated request, and only then stores it in SecretStorage. Resolves to true when stored.
 */
export async function setToken(
  tokens: TokenStore,
  codemagic: CodemagicService,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  const token = (
    await vscode.window.showInputBox({
      title: 'Codemagic API Token',
      prompt:
        'Paste your Codemagic API token (Codemagic → Teams → Personal account → Integrations → Codemagic API → Show).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The token cannot be empty.'),
    })
  )?.trim();
  if (!token) return false;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Checking the Codemagic API token…' },
      () => codemagic.clientWithToken(token).checkToken(),
    );
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      log.warn('The API token was rejected by Codemagic; it was not saved.');
      const retry = await vscode.window.showErrorMessage(
        'Codemagic rejected this API token, so it was not saved. Copy the token again from Codemagic and retry.',
        'Try Again',
      );
      return retry ? setToken(tokens, codemagic, log) : false;
    }
    void showError(log, e, 'check the API token (it was not saved)');
    return false;
  }
  await tokens.set(token);
  log.info('API token verified and saved in SecretStorage.');
  void vscode.window.showInformationMessage('Codemagic API token saved.');
  return true;
}

/** "Codemagic: Clear API Token": removes the token from SecretStorage. */
export async function clearToken(tokens: TokenStore, log: vscode.LogOutputChannel): Promise<void> {
  await tokens.clear();
  log.info('API token removed.');
  void vscode.window.showInformationMessage('Codemagic API token removed.');
}
