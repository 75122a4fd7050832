import * as vscode from 'vscode';
import { FakeCodemagic, type FakeOptions } from '../fake-codemagic';
import { hasUi, ui, waitFor } from './ui';

export const EXTENSION_ID = 'codemagic-tools.codemagic';

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return ext;
}

/** Starts a fake Codemagic in this process and points the extension's settings at it. */
export async function startFake(opts: FakeOptions = {}): Promise<FakeCodemagic> {
  const fake = await FakeCodemagic.start(opts);
  const cfg = vscode.workspace.getConfiguration('codemagic');
  await cfg.update('apiUrl', fake.url, vscode.ConfigurationTarget.Global);
  await cfg.update('apiV3Url', fake.v3Url, vscode.ConfigurationTarget.Global);
  return fake;
}

/** Runs "Codemagic: Set API Token" and types the token into the real password box. */
export async function signIn(token: string): Promise<void> {
  const done = vscode.commands.executeCommand<boolean>('codemagic.setToken');
  await ui.waitQuickInput('the token input', (s) => s.inputType === 'password');
  await ui.type(token);
  await ui.press('Enter');
  await done;
}

export async function signOut(): Promise<void> {
  await vscode.commands.executeCommand('codemagic.clearToken');
}

/** Closes any quick input and, with the UI driver, waits until the page no longer shows one. */
export async function closeQuickInput(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  if (hasUi) await waitFor('the quick input to close', async () => !(await ui.quickInput()).visible);
}

export async function statusBarText(match: RegExp): Promise<string> {
  return waitFor(`status bar text ${String(match)}`, async () =>
    (await ui.messages()).statusBar.find((t) => match.test(t)),
  );
}
