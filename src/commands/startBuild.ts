import * as vscode from 'vscode';
import { toStartRequest } from '../core/buildOptions';
import type { BuildRef } from '../core/refs';
import type { YamlWorkflow } from '../core/workflows';
import { getGitApi, remoteUrls } from '../git/gitApi';
import { resolveStartContext, type StartContext } from '../git/folder';
import { launchBuild } from '../services/buildLauncher';
import type { Services } from '../services/services';
import { chooseApp } from '../views/appPick';
import { showError } from '../views/errors';
import { PickLoadError } from '../views/quickPick';
import { chooseRef, confirmPushed, refProblem } from '../views/refPick';
import { chooseWorkflow, readYamlIn } from '../views/workflowPick';
import { Commands } from './ids';

/** Keybindings and tasks may pass these to start a build without prompts. */
export interface StartBuildArgs {
  appId?: string;
  workflowId?: string;
  branch?: string;
  tag?: string;
  folder?: string;
}

export function argsOf(a: unknown): StartBuildArgs {
  if (!a || typeof a !== 'object' || a instanceof vscode.Uri) return {};
  const r = a as Record<string, unknown>;
  const s = (k: string) => (typeof r[k] === 'string' && r[k] ? r[k] : undefined);
  return { appId: s('appId'), workflowId: s('workflowId'), branch: s('branch'), tag: s('tag'), folder: s('folder') };
}

/** Makes sure a token is stored, offering to set one. Resolves to false when there is still none. */
export async function ensureToken(s: Services, doing: string): Promise<boolean> {
  if (await s.tokens.get()) return true;
  const choice = await vscode.window.showWarningMessage(`Set your Codemagic API token to ${doing}.`, 'Set API Token');
  if (choice !== 'Set API Token') return false;
  return (await vscode.commands.executeCommand<boolean>(Commands.setToken)) === true;
}

/** The app and workflow a build is for, and where they were chosen. */
export interface AppAndWorkflow {
  ctx?: StartContext;
  appId: string;
  appName?: string;
  workflowId: string;
  workflowName?: string;
  yamlWorkflow?: YamlWorkflow;
}

/** App (from args, the remote, or a pick) then workflow (from args or a pick); remembered per folder. */
export async function chooseAppAndWorkflow(
  s: Services,
  args: StartBuildArgs,
  ctx: StartContext | undefined,
): Promise<AppAndWorkflow | undefined> {
  const memory = ctx ? s.memory.get(ctx.key) : {};
  let appId = args.appId;
  let appName: string | undefined;
  let apiWorkflows: { id: string; name: string }[] = [];
  if (!appId) {
    const app = await chooseApp(s.codemagic.listApps(), ctx?.repo ? remoteUrls(ctx.repo) : [], memory.appId);
    if (!app) return undefined;
    ({ id: appId, name: appName, workflows: apiWorkflows } = app);
  }
  const yaml = ctx ? await readYamlIn(ctx.root) : undefined;
  if (yaml?.result.error) s.log.warn(`Could not read ${yaml.uri.toString(true)}: ${yaml.result.error.message}`);
  let workflowId = args.workflowId;
  let workflowName: string | undefined;
  if (!workflowId) {
    const workflow = await chooseWorkflow(yaml, apiWorkflows, memory.workflowId);
    if (!workflow) return undefined;
    ({ id: workflowId, name: workflowName } = workflow);
  }
  const yamlWorkflow = yaml?.result.workflows.find((w) => w.id === workflowId);
  workflowName ??= yamlWorkflow?.name;
  if (ctx) await s.memory.remember(ctx.key, { appId, workflowId });
  return { ctx, appId, appName, workflowId, workflowName, yamlWorkflow };
}

/**
 * "Start Codemagic Build": folder -> branch (from git) -> app -> workflow -> POST /builds.
 * Resolves to the new build's ID, or undefined when nothing was started.
 */
export async function startBuild(s: Services, rawArgs?: unknown): Promise<string | undefined> {
  const args = argsOf(rawArgs);
  if (args.branch && args.tag) {
    void vscode.window.showErrorMessage('Give either a branch or a tag to start a Codemagic build, not both.');
    return undefined;
  }
  if (!(await ensureToken(s, 'start builds'))) return undefined;
  try {
    s.codemagic.client(); // fail early on unsafe API settings
    const ctx = await resolveStartContext(args.folder);
    const repo = ctx?.repo;
    let ref: BuildRef | undefined = args.tag ? { tag: args.tag } : args.branch ? { branch: args.branch } : undefined;
    if (!ref) {
      ref = await chooseRef(repo, refProblem(repo, !!(await getGitApi())));
      if (!ref || !(await confirmPushed(repo, ref))) return undefined;
    }
    const chosen = await chooseAppAndWorkflow(s, args, ctx);
    if (!chosen) return undefined;
    const request = toStartRequest(chosen.appId, chosen.workflowId, { ref }, s.settings.defaultLabels());
    return await launchBuild(s, request, {
      appName: chosen.appName,
      workflowName: chosen.workflowName,
      folder: ctx?.key,
    });
  } catch (e) {
    const retry = await showError(s.log, e instanceof PickLoadError ? e.cause : e, 'start a Codemagic build');
    return retry ? startBuild(s, rawArgs) : undefined;
  }
}
