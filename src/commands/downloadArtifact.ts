import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Artifact } from '../api/types';
import type { Services } from '../services/services';
import type { BuildsNode } from '../views/buildsTree';
import { formatBytes } from '../views/buildsTree';
import { showError } from '../views/errors';

const LAST_FOLDER = 'codemagic.lastDownloadFolder';

/** Only the file name: an artifact name never decides where outside the chosen folder we write. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[<>:"|?*\u0000-\u001f]/g, '_');
  return base && base !== '.' && base !== '..' ? base : 'artifact';
}

/**
 * "Download Artifact": to a folder the user picks, with cancellable progress. A short-lived public URL
 * is fetched without the token; the legacy URL on the Codemagic API host with it.
 */
export async function downloadArtifact(
  s: Services,
  state: vscode.Memento,
  node: unknown,
): Promise<vscode.Uri | undefined> {
  const n = node as BuildsNode | undefined;
  if (n?.kind !== 'artifact') return undefined;
  const artifact: Artifact = n.artifact;
  const url = artifact.publicUrl ?? artifact.url;
  if (!url) {
    void vscode.window.showErrorMessage(
      `Codemagic gave no download address for ${artifact.name}. Open the build in Codemagic to get it.`,
    );
    return undefined;
  }
  const last = state.get<string>(LAST_FOLDER);
  const folders = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Download Here',
    title: `Download ${artifact.name}`,
    defaultUri: last ? vscode.Uri.parse(last) : vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  const folder = folders?.[0];
  if (!folder) return undefined;
  await state.update(LAST_FOLDER, folder.toString());
  const target = path.join(folder.fsPath, safeFileName(artifact.name));
  const controller = new AbortController();
  try {
    const bytes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${artifact.name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        return s.codemagic.client().download(url, fs.createWriteStream(target), {
          signal: controller.signal,
          onProgress: (received, total) => {
            if (!total) return progress.report({ message: formatBytes(received) });
            const pct = (received / total) * 100;
            progress.report({
              increment: pct - reported,
              message: `${formatBytes(received)} of ${formatBytes(total)}`,
            });
            reported = pct;
          },
        });
      },
    );
    s.log.info(`Downloaded ${artifact.name} (${bytes} bytes) to ${target}.`);
    const uri = vscode.Uri.file(target);
    void vscode.window
      .showInformationMessage(`Downloaded ${artifact.name} (${formatBytes(bytes)}).`, 'Reveal in Explorer')
      .then((c) => {
        if (c) void vscode.commands.executeCommand('revealInExplorer', uri);
      });
    return uri;
  } catch (e) {
    fs.rmSync(target, { force: true });
    if (controller.signal.aborted) {
      void vscode.window.showInformationMessage(`Download of ${artifact.name} cancelled.`);
      return undefined;
    }
    void showError(s.log, e, `download ${artifact.name}`);
    return undefined;
  }
}
