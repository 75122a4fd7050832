import * as vscode from 'vscode';
import type { BuildStore } from '../core/buildStore';
import { buildPageUrl } from '../core/urls';
import type { BuildsNode } from '../views/buildsTree';

/** Opens a build's page on codemagic.io. */
export async function openInCodemagic(store: BuildStore, node: BuildsNode | string | undefined): Promise<void> {
  const id = typeof node === 'string' ? node : node?.kind === 'build' ? node.id : node?.buildId;
  const b = id ? store.get(id) : store.list()[0];
  if (!b) return;
  await vscode.env.openExternal(vscode.Uri.parse(buildPageUrl(b.appId, b.id)));
}
