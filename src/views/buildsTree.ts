import * as vscode from 'vscode';
import type { Artifact, BuildStep } from '../api/types';
import type { BuildStore, TrackedBuild } from '../core/buildStore';
import { isFinal, statusLabel } from '../core/status';
import { BUILDS_VIEW } from '../commands/ids';
import { statusIcon, stepIcon } from './icons';

export type BuildsNode =
  | { kind: 'build'; id: string }
  | { kind: 'step'; buildId: string; step: BuildStep }
  | { kind: 'artifact'; buildId: string; artifact: Artifact };

function durationText(b: TrackedBuild, now: number): string | undefined {
  const start = Date.parse(b.startedAt ?? '');
  if (Number.isNaN(start)) return undefined;
  const end = b.finishedAt ? Date.parse(b.finishedAt) : now;
  const secs = Math.max(0, Math.round((end - start) / 1000));
  return secs < 60 ? `${secs}s` : `${Math.floor(secs / 60)}m ${secs % 60}s`;
}

// One formatter each: toLocale*String builds a new one per call, which shows with hundreds of rows.
// Made on first use: the first Intl formatter loads locale data, which costs milliseconds at activation.
let formats: { time: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat } | undefined;

function timeText(iso: string, now: Date): string {
  formats ??= {
    time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
    dateTime: new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }),
  };
  const d = new Date(iso);
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return (sameDay ? formats.time : formats.dateTime).format(d);
}

function buildItem(b: TrackedBuild, now: Date): vscode.TreeItem {
  const number = b.index !== undefined ? `#${b.index} ` : '';
  const item = new vscode.TreeItem(
    `${number}${b.workflowName ?? b.workflowId}`,
    (b.steps?.length ?? 0) > 0 || (isFinal(b) && (b.artifacts?.length ?? 0) > 0)
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  item.id = b.id;
  item.description = [
    b.tag ? `tag ${b.tag}` : b.branch,
    statusLabel(b.status),
    timeText(b.startedAt ?? b.trackedAt, now),
    durationText(b, now.getTime()),
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = statusIcon(b);
  item.contextValue = `build${isFinal(b) ? ':final' : ':cancelable'}`;
  item.accessibilityInformation = {
    label: `Build ${b.id}, ${b.workflowName ?? b.workflowId}, ${statusLabel(b.status)}`,
  };
  return item;
}

/** Renders the build store; nothing else. Node ids are stable so selection and reveal survive updates. */
export class BuildsTreeProvider implements vscode.TreeDataProvider<BuildsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BuildsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private readonly nodes = new Map<string, BuildsNode>();
  private readonly items = new WeakMap<TrackedBuild, { item: vscode.TreeItem; day: string }>();

  constructor(private readonly store: BuildStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  /** The same object for the same build, as TreeView.reveal needs. */
  buildNode(id: string): BuildsNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = { kind: 'build', id };
      this.nodes.set(id, n);
    }
    return n;
  }

  getChildren(node?: BuildsNode): BuildsNode[] {
    if (!node) {
      const ids = new Set(this.store.list().map((b) => b.id));
      for (const k of this.nodes.keys()) if (!ids.has(k)) this.nodes.delete(k);
      return this.store.list().map((b) => this.buildNode(b.id));
    }
    if (node.kind !== 'build') return [];
    const b = this.store.get(node.id);
    if (!b) return [];
    return [
      ...(b.steps ?? []).map((step) => ({ kind: 'step' as const, buildId: b.id, step })),
      ...(isFinal(b) ? (b.artifacts ?? []) : []).map((artifact) => ({
        kind: 'artifact' as const,
        buildId: b.id,
        artifact,
      })),
    ];
  }

  getParent(node: BuildsNode): BuildsNode | undefined {
    return node.kind === 'build' ? undefined : this.buildNode(node.buildId);
  }

  getTreeItem(node: BuildsNode): vscode.TreeItem {
    if (node.kind === 'step') {
      const b = this.store.get(node.buildId);
      const item = new vscode.TreeItem(node.step.name);
      item.id = `${node.buildId}/step/${node.step.id}`;
      item.iconPath = stepIcon(node.step.status, !!b && isFinal(b));
      item.description = node.step.status ?? (b && isFinal(b) ? '' : 'running');
      item.contextValue = 'step';
      return item;
    }
    if (node.kind === 'artifact') {
      const item = new vscode.TreeItem(node.artifact.name);
      item.id = `${node.buildId}/artifact/${node.artifact.name}`;
      item.iconPath = new vscode.ThemeIcon('package');
      item.description = node.artifact.size !== undefined ? formatBytes(node.artifact.size) : undefined;
      item.contextValue = 'artifact';
      return item;
    }
    const b = this.store.get(node.id);
    if (!b) return new vscode.TreeItem(node.id);
    // The store replaces a build's object when it changes, so an item made for a finished build stays
    // right until the day turns (its time shows a date then). A refresh re-asks for every row.
    const now = new Date();
    const day = now.toDateString();
    const cached = this.items.get(b);
    if (cached && cached.day === day) return cached.item;
    const item = buildItem(b, now);
    if (isFinal(b)) this.items.set(b, { item, day });
    return item;
  }

  /** Tooltips are built only when hovered. */
  resolveTreeItem(item: vscode.TreeItem, node: BuildsNode): vscode.TreeItem {
    if (node.kind !== 'build') return item;
    const b = this.store.get(node.id);
    if (!b) return item;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${b.workflowName ?? b.workflowId}**${b.index !== undefined ? ` #${b.index}` : ''}\n\n`);
    md.appendMarkdown(`- Build ID: \`${b.id}\`\n- App: ${b.appName ?? b.appId}\n`);
    md.appendMarkdown(
      `- ${b.tag ? `Tag: ${b.tag}` : `Branch: ${b.branch ?? '?'}`}\n- Status: ${statusLabel(b.status)}\n`,
    );
    if (b.startedAt) md.appendMarkdown(`- Started: ${new Date(b.startedAt).toLocaleString()}\n`);
    if (b.finishedAt) md.appendMarkdown(`- Finished: ${new Date(b.finishedAt).toLocaleString()}\n`);
    const d = durationText(b, Date.now());
    if (d) md.appendMarkdown(`- Duration: ${d}\n`);
    item.tooltip = md;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function createBuildsView(provider: BuildsTreeProvider): vscode.TreeView<BuildsNode> {
  return vscode.window.createTreeView(BUILDS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
}
