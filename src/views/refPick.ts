import * as vscode from 'vscode';
import { checkRefName, type BuildRef } from '../core/refs';
import { branchesAndTags, type GitRepository } from '../git/gitApi';
import { askText, pickOne } from './quickPick';

type RefChoice = BuildRef | 'typeBranch' | 'typeTag';

/**
 * The branch to build: the checked-out branch when there is one; otherwise (detached HEAD, no
 * repository, git disabled) a pick of the repository's branches and tags, or typing one.
 * Undefined when the user dismissed it.
 */
export async function chooseRef(repo: GitRepository | undefined, reason: string): Promise<BuildRef | undefined> {
  const head = repo?.state.HEAD;
  if (head?.name && head.type === 0) return { branch: head.name };
  const { branches, tags } = repo ? await branchesAndTags(repo) : { branches: [], tags: [] };
  const items = [
    ...branches.map((b) => ({
      label: b,
      iconPath: new vscode.ThemeIcon('git-branch'),
      description: 'branch',
      value: { branch: b },
    })),
    ...tags.map((t) => ({
      label: t,
      iconPath: new vscode.ThemeIcon('tag'),
      description: 'tag',
      value: { tag: t },
    })),
    {
      label: 'Enter branch name…',
      iconPath: new vscode.ThemeIcon('edit'),
      value: 'typeBranch' as RefChoice,
      alwaysShow: true,
    },
    { label: 'Enter tag…', iconPath: new vscode.ThemeIcon('edit'), value: 'typeTag' as RefChoice, alwaysShow: true },
  ];
  const picked = await pickOne<RefChoice>({
    title: 'Start Codemagic Build: Branch or Tag',
    placeholder: `${reason} Pick the branch or tag Codemagic should build.`,
    items,
  });
  const choice = picked?.value;
  if (!choice) return undefined;
  if (choice === 'typeBranch' || choice === 'typeTag') {
    const isTag = choice === 'typeTag';
    const name = await askText({
      title: `Start Codemagic Build: ${isTag ? 'Tag' : 'Branch'}`,
      prompt: `The ${isTag ? 'tag' : 'branch'} on the remote repository that Codemagic should build.`,
      validate: checkRefName,
    });
    if (!name) return undefined;
    return isTag ? { tag: name } : { branch: name };
  }
  return choice;
}

/** Why the ref could not be read from git, for the pick's placeholder. */
export function refProblem(repo: GitRepository | undefined, gitAvailable: boolean): string {
  if (!gitAvailable) return 'Git is not available.';
  if (!repo) return 'This folder is not a git repository.';
  return 'HEAD is detached.';
}

/**
 * Codemagic builds what is on the remote: warn when the branch has no upstream or unpushed commits.
 * Resolves to false when the user cancelled.
 */
export async function confirmPushed(repo: GitRepository | undefined, ref: BuildRef): Promise<boolean> {
  const head = repo?.state.HEAD;
  if (!ref.branch || !head || head.name !== ref.branch) return true;
  let problem: string | undefined;
  if (!head.upstream) problem = `Branch "${ref.branch}" has no upstream: it may not exist on the remote yet.`;
  else if ((head.ahead ?? 0) > 0) problem = `Branch "${ref.branch}" has ${head.ahead} commit(s) that are not pushed.`;
  if (!problem) return true;
  const choice = await vscode.window.showWarningMessage(
    `${problem} Codemagic builds what is on the remote, not your local changes.`,
    'Build anyway',
    'Cancel',
  );
  return choice === 'Build anyway';
}
