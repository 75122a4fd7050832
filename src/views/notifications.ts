import * as vscode from 'vscode';
import type { TrackedBuild } from '../core/buildStore';
import { isFailure, statusLabel } from '../core/status';
import { Commands } from '../commands/ids';

/** Tells the user a tracked build ended, as the codemagic.notifyOnFinish setting asks. */
export async function notifyFinished(build: TrackedBuild, mode: 'always' | 'failuresOnly' | 'never'): Promise<void> {
  const failed = isFailure(build.status);
  if (mode === 'never' || (mode === 'failuresOnly' && !failed)) return;
  const name = `${build.workflowName ?? build.workflowId}${build.index !== undefined ? ` #${build.index}` : ''}`;
  const message = `Codemagic build ${name} ${statusLabel(build.status)} (${build.tag ? `tag ${build.tag}` : build.branch}).`;
  const actions = ['Open in Codemagic', ...((build.artifacts?.length ?? 0) > 0 ? ['Show Artifacts'] : [])];
  const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(message, ...actions);
  if (choice === 'Open in Codemagic') await vscode.commands.executeCommand(Commands.openInCodemagic, build.id);
  if (choice === 'Show Artifacts')
    await vscode.commands.executeCommand(Commands.revealBuild, build.id, { expand: true });
}
