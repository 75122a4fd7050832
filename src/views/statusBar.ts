import * as vscode from 'vscode';
import type { BuildStore, TrackedBuild } from '../core/buildStore';
import { refLabel } from '../core/refs';
import { isFinal, statusLabel } from '../core/status';
import { Commands } from '../commands/ids';
import { statusIconId } from './icons';

/** The status bar item: the most recent active build (or the latest one) and how many are running. */
export class BuildStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('codemagic.build', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: BuildStore) {
    this.item.name = 'Codemagic Build';
    this.subscription = store.onDidChange(() => this.render());
    this.render();
  }

  private render(): void {
    const active = this.store.active();
    const build: TrackedBuild | undefined = active[0] ?? this.store.list()[0];
    if (!build) {
      this.item.hide();
      return;
    }
    const more = active.length > 1 ? ` (+${active.length - 1} running)` : '';
    this.item.text = `$(${statusIconId(build)}) Codemagic ${build.id}${more}`;
    this.item.accessibilityInformation = { label: `Codemagic build ${build.id} ${statusLabel(build.status)}${more}` };
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**Codemagic build** \`${build.id}\`\n\n`);
    tip.appendMarkdown(`Workflow: ${build.workflowName ?? build.workflowId}\n\n`);
    tip.appendMarkdown(`${refLabel(build).replace(/^./, (c) => c.toUpperCase())}\n\n`);
    tip.appendMarkdown(`Status: ${statusLabel(build.status)}${isFinal(build) ? '' : ' …'}\n\n`);
    if (active.length > 1) tip.appendMarkdown(`${active.length} builds running\n\n`);
    tip.appendMarkdown('Click to show it in the Builds view.');
    this.item.tooltip = tip;
    this.item.command = { title: 'Show Build', command: Commands.revealBuild, arguments: [build.id] };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
