import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** Real git repositories made by the tests inside the workspace folder. */
export function workspaceRoot(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('the integration tests need an open folder');
  return f.uri.fsPath;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

let n = 0;
/** A fresh repository with one commit on main, then on `branch` when given. */
export function makeRepo(files: Record<string, string> = {}, branch?: string): string {
  const dir = path.join(workspaceRoot(), `repo-${process.pid}-${++n}`);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'README.md'), '# test\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  if (branch) git(dir, 'checkout', '-q', '-b', branch);
  return dir;
}

/** Opens a file of the repository so that it is the folder in play. */
export async function openIn(dir: string, file = 'README.md'): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, file)));
  await vscode.window.showTextDocument(doc);
}
