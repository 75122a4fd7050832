import * as path from 'path';
import * as vscode from 'vscode';
import { getGitApi, repositoryFor, type GitRepository } from './gitApi';

/** Where a build is started from: a folder (the repository root when there is one) and its repo. */
export interface StartContext {
  /** The repository root, or the workspace folder when there is no repository. */
  root: vscode.Uri;
  /** Stable key for per-folder memory. */
  key: string;
  repo?: GitRepository;
}

/**
 * The folder in play: the given one, else the active editor's, else the only workspace folder, else
 * the one the user picks. Undefined when there is none or the user dismissed the pick.
 */
export async function resolveStartContext(folder?: string | vscode.Uri): Promise<StartContext | undefined> {
  let uri: vscode.Uri | undefined;
  if (folder) {
    uri = typeof folder === 'string' ? toUri(folder) : folder;
  } else {
    const doc = vscode.window.activeTextEditor?.document.uri;
    const ws = doc && vscode.workspace.getWorkspaceFolder(doc);
    if (doc && ws) {
      uri = doc.with({ path: path.posix.dirname(doc.path) });
    } else {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 1) uri = folders[0].uri;
      else if (folders.length > 1) {
        uri = (
          await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Start a Codemagic build for which folder?' })
        )?.uri;
      }
    }
  }
  if (!uri) return undefined;
  const git = await getGitApi();
  const repo = git && (await repositoryFor(git, uri));
  const root = repo?.rootUri ?? vscode.workspace.getWorkspaceFolder(uri)?.uri ?? uri;
  return { root, key: root.toString(), repo };
}

function toUri(folder: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]*:/i.test(folder) && !/^[a-z]:[\\/]/i.test(folder)
    ? vscode.Uri.parse(folder)
    : vscode.Uri.file(folder);
}
