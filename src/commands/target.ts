import * as vscode from 'vscode';
import type { TrackedBuild } from '../core/buildStore';
import { statusLabel } from '../core/status';
import type { BuildsNode } from '../views/buildsTree';
import { pickOne } from '../views/quickPick';

/** The build a command was run on: a tree node, a build ID (status bar, keybinding), or none. */
export function buildIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as BuildsNode | undefined;
  if (node?.kind === 'build') return node.id;
  if (node?.kind === 'step' || node?.kind === 'artifact') return node.buildId;
  return undefined;
}

/** From the palette: let the user pick one of `builds`; undefined when dismissed or there are none. */
export async function pickBuild(builds: readonly TrackedBuild[], title: string): Promise<TrackedBuild | undefined> {
  if (builds.length === 0) return undefined;
  const picked = await pickOne<TrackedBuild>({
    title,
    placeholder: 'Pick a build',
    items: builds.map((b) => ({
      label: `${b.workflowName ?? b.workflowId}${b.index !== undefined ? ` #${b.index}` : ''}`,
      description: `${b.tag ? `tag ${b.tag}` : b.branch} · ${statusLabel(b.status)}`,
      detail: b.id,
      value: b,
    })),
  });
  return picked?.value;
}

export function noBuildMessage(what: string): void {
  void vscode.window.showInformationMessage(`There is no Codemagic build to ${what}.`);
}
