import * as vscode from 'vscode';
import { isFinal } from '../core/status';

const COLORS: Record<string, string> = {
  finished: 'testing.iconPassed',
  failed: 'testing.iconFailed',
  timeout: 'testing.iconFailed',
  canceled: 'disabledForeground',
  skipped: 'disabledForeground',
  warning: 'list.warningForeground',
};
const ICONS: Record<string, string> = {
  finished: 'pass',
  failed: 'error',
  timeout: 'watch',
  canceled: 'circle-slash',
  skipped: 'debug-step-over',
  warning: 'warning',
  queued: 'clock',
  initializing: 'clock',
};

/** Codicon id for a build status; in-progress ones spin. */
export function statusIconId(b: { status: string; finishedAt?: string }): string {
  if (isFinal(b)) return ICONS[b.status] ?? 'circle-filled';
  return ICONS[b.status] ?? 'sync~spin';
}

export function statusIcon(b: { status: string; finishedAt?: string }): vscode.ThemeIcon {
  const color = COLORS[b.status];
  return new vscode.ThemeIcon(statusIconId(b), color ? new vscode.ThemeColor(color) : undefined);
}

/** Step statuses: success/failed/skipped/canceled, or a build status, or none while running. */
export function stepIcon(status: string | undefined, buildFinal: boolean): vscode.ThemeIcon {
  switch (status) {
    case 'success':
    case 'finished':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'skipped':
      return new vscode.ThemeIcon('debug-step-over');
    case 'canceled':
      return new vscode.ThemeIcon('circle-slash');
    case undefined:
      return new vscode.ThemeIcon(buildFinal ? 'circle-outline' : 'loading~spin');
    default:
      return new vscode.ThemeIcon('loading~spin');
  }
}
