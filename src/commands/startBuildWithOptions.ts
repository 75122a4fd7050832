import { getGitApi, branchesAndTags } from '../git/gitApi';
import { resolveStartContext } from '../git/folder';
import { launchBuild } from '../services/buildLauncher';
import type { Services } from '../services/services';
import { showError } from '../views/errors';
import { askBuildOptions } from '../views/optionsFlow';
import { PickLoadError } from '../views/quickPick';
import { confirmPushed } from '../views/refPick';
import { argsOf, chooseAppAndWorkflow, ensureToken } from './startBuild';

/**
 * "Start Build with Options…": app and workflow as for a plain start, then the multi-step options input
 * (target, variables, groups, software, labels, instance type, summary). The options are remembered for
 * the workflow, variable values in SecretStorage.
 */
export async function startBuildWithOptions(s: Services, rawArgs?: unknown): Promise<string | undefined> {
  const args = argsOf(rawArgs);
  if (!(await ensureToken(s, 'start builds'))) return undefined;
  try {
    s.codemagic.client();
    const ctx = await resolveStartContext(args.folder);
    const chosen = await chooseAppAndWorkflow(s, args, ctx);
    if (!chosen) return undefined;
    const repo = ctx?.repo;
    const head = repo?.state.HEAD;
    const refs = repo ? await branchesAndTags(repo) : { branches: [], tags: [] };
    if (!repo && !(await getGitApi())) s.log.info('Git is not available: the branch has to be typed.');
    const answer = await askBuildOptions({
      appId: chosen.appId,
      workflowId: chosen.workflowId,
      workflowName: chosen.workflowName ?? chosen.workflowId,
      currentBranch: head?.type === 0 ? head.name : undefined,
      branches: refs.branches,
      tags: refs.tags,
      yaml: chosen.yamlWorkflow,
      remembered: await s.options.lastOptions(chosen.appId, chosen.workflowId),
      defaultLabels: s.settings.defaultLabels(),
    });
    if (!answer || !(await confirmPushed(repo, answer.options.ref))) return undefined;
    await s.options.rememberOptions(chosen.appId, chosen.workflowId, answer.options);
    return await launchBuild(s, answer.request, {
      appName: chosen.appName,
      workflowName: chosen.workflowName,
      folder: ctx?.key,
    });
  } catch (e) {
    void showError(s.log, e instanceof PickLoadError ? e.cause : e, 'start a Codemagic build');
    return undefined;
  }
}
