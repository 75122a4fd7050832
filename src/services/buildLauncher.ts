import * as vscode from 'vscode';
import type { StartBuildRequest } from '../api/types';
import { refLabel } from '../core/refs';
import { CodemagicApiError } from '../api/errors';
import { appPageUrl, buildPageUrl } from '../core/urls';
import { showError } from '../views/errors';
import type { Services } from './services';

export interface LaunchMeta {
  appName?: string;
  workflowName?: string;
  folder?: string;
}

/**
 * Sends POST /builds once, behind a progress notification. On success the build is tracked and the
 * user told; on failure they get a sentence with a next step. "Retry" is a new, explicit start.
 * Resolves to the build ID, or undefined when no build was started.
 */
export async function launchBuild(
  s: Services,
  request: StartBuildRequest,
  meta: LaunchMeta,
): Promise<string | undefined> {
  const what = `${meta.workflowName ?? request.workflowId} on ${refLabel(request)}`;
  let buildId: string;
  try {
    buildId = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Starting Codemagic build: ${what}…` },
      () => s.codemagic.client().startBuild(request),
    );
  } catch (e) {
    if (mayHaveStarted(e)) {
      // The request may have reached Codemagic: never offer a blind retry that could start a second build.
      s.log.error(`Start request for ${what}: ${e instanceof Error ? e.message : String(e)}`);
      const open = await vscode.window.showWarningMessage(
        `The answer to the start request (${what}) was lost: the build may have started. Check Codemagic before starting it again.`,
        'Open Codemagic',
      );
      if (open) void vscode.env.openExternal(vscode.Uri.parse(appPageUrl(request.appId)));
      return undefined;
    }
    const retry = await showError(s.log, e, `start the build (${what})`);
    return retry ? launchBuild(s, request, meta) : undefined;
  }
  s.log.info(`Started build ${buildId}: app ${request.appId}, ${what}.`);
  await s.options.rememberBuildVariables(buildId, request.environment?.variables ?? {});
  await s.store.add({
    id: buildId,
    appId: request.appId,
    appName: meta.appName,
    workflowId: request.workflowId,
    workflowName: meta.workflowName,
    branch: request.branch,
    tag: request.tag,
    status: 'queued',
    trackedAt: new Date().toISOString(),
    folder: meta.folder,
    request: withoutVariableValues(request),
  });
  s.poller.kick({ burst: true });
  void vscode.window.showInformationMessage(`Build ${buildId} started: ${what}.`, 'Open in Codemagic').then((c) => {
    if (c) void vscode.env.openExternal(vscode.Uri.parse(buildPageUrl(request.appId, buildId)));
  });
  return buildId;
}

/** A lost answer (timeout, broken connection, unreadable body) after the request was sent. */
function mayHaveStarted(e: unknown): boolean {
  if (!(e instanceof CodemagicApiError)) return false;
  if (e.kind === 'timeout' || e.kind === 'parse') return true;
  return e.kind === 'network' && !e.notSent;
}

/** Variable values can be secrets: the stored copy keeps only their names. */
function withoutVariableValues(r: StartBuildRequest): StartBuildRequest {
  const vars = r.environment?.variables;
  if (!vars) return r;
  return {
    ...r,
    environment: { ...r.environment, variables: Object.fromEntries(Object.keys(vars).map((k) => [k, ''])) },
  };
}
