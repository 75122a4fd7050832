import type * as vscode from 'vscode';
import type { BuildsNode, BuildsTreeProvider } from '../views/buildsTree';

/** Shows a build in the Builds view (the status bar item's click). */
export async function revealBuild(
  view: vscode.TreeView<BuildsNode>,
  tree: BuildsTreeProvider,
  buildId: unknown,
): Promise<void> {
  if (typeof buildId !== 'string') return;
  await view.reveal(tree.buildNode(buildId), { select: true, focus: true });
}
