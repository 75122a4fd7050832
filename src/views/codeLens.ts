import * as path from 'path';
import * as vscode from 'vscode';
import type { BuildStore, TrackedBuild } from '../core/buildStore';
import { statusLabel } from '../core/status';
import { CODEMAGIC_YAML_NAMES, readWorkflows } from '../core/workflows';
import { Commands } from '../commands/ids';

export const CODEMAGIC_YAML_SELECTOR: vscode.DocumentSelector = CODEMAGIC_YAML_NAMES.map((name) => ({
  pattern: `**/${name}`,
}));

/**
 * Above each workflow of a codemagic.yaml: "Start build", "Start with options…", and the latest tracked
 * build of that workflow from this folder ("#12 building").
 */
export class WorkflowCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: BuildStore) {
    this.subscription = store.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const { workflows } = readWorkflows(doc.getText());
    const folder = doc.uri.with({ path: path.posix.dirname(doc.uri.path) });
    const lenses: vscode.CodeLens[] = [];
    for (const w of workflows) {
      const range = new vscode.Range(w.line - 1, 0, w.line - 1, 0);
      const args = { workflowId: w.id, folder: folder.toString() };
      lenses.push(
        new vscode.CodeLens(range, { title: '$(play) Start build', command: Commands.startBuild, arguments: [args] }),
        new vscode.CodeLens(range, {
          title: 'Start with options…',
          command: Commands.startBuildWithOptions,
          arguments: [args],
        }),
      );
      const latest = this.latest(w.id, folder.toString());
      if (latest) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `${latest.index !== undefined ? `#${latest.index} ` : ''}${statusLabel(latest.status)}`,
            tooltip: `Latest build of ${w.name} started here: ${latest.id}`,
            command: Commands.revealBuild,
            arguments: [latest.id],
          }),
        );
      }
    }
    return lenses;
  }

  private latest(workflowId: string, folder: string): TrackedBuild | undefined {
    const key = vscode.Uri.parse(folder).toString();
    return this.store.list().find((b) => b.workflowId === workflowId && (!b.folder || b.folder === key));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
