import type * as vscode from 'vscode';
import type { BuildsNode, BuildsTreeProvider } from '../views/buildsTree';

/** Shows a build in the Builds view (the status bar item's click, "Show Artifacts"). */
export async function revealBuild(
  view: vscode.TreeView<BuildsNode>,
  tree: BuildsTreeProvider,
  buildId: unknown,
  opts?: unknown,
): Promise<void> {
  if (typeof buildId !== 'string') return;
  const expand = !!(opts && typeof opts === 'object' && (opts as { expand?: boolean }).expand);
  await view.reveal(tree.buildNode(buildId), { select: true, focus: true, expand });
}
