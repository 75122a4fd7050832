import * as vscode from 'vscode';
import { buildIdOf } from './target';

/** "Copy Build ID" from the tree's context menu. */
export async function copyBuildId(arg: unknown): Promise<void> {
  const id = buildIdOf(arg);
  if (!id) return;
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`Copied build ID ${id}`, 3000);
}
