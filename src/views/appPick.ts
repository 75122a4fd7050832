import * as vscode from 'vscode';
import type { App } from '../api/types';
import { appsMatchingRemotes } from '../core/remotes';
import { askText, pickOne, type PickItem } from './quickPick';

type AppChoice = App | 'manual';

/**
 * The app to build. When exactly one app's repository matches one of the folder's git remotes it is
 * taken without asking (if the apps are slow to load, the busy pick closes as they arrive); otherwise
 * a pick (matching or remembered app pre-selected) with manual entry.
 */
export async function chooseApp(
  apps: Promise<App[]>,
  remotes: string[],
  rememberedId: string | undefined,
): Promise<App | undefined> {
  // Apps already at hand go to the pick as a list, so a single match is taken (acceptOnLoad) before it
  // shows; slower ones arrive in the busy pick.
  const ready = await Promise.race([apps, new Promise<undefined>((r) => setTimeout(r, 50, undefined))]);
  let matchIds = new Set<string>();
  const isMatch = (v: AppChoice | undefined) => typeof v === 'object' && matchIds.has(v.id);
  const itemsOf = (list: App[]): PickItem<AppChoice>[] => {
    matchIds = new Set(appsMatchingRemotes(list, remotes).map((a) => a.id));
    const ordered = [...list].sort((a, b) => Number(matchIds.has(b.id)) - Number(matchIds.has(a.id)));
    return [
      ...ordered.map((app) => ({
        label: app.name,
        description: app.id,
        detail: matchIds.has(app.id) ? '$(repo) Matches this folder’s git remote' : app.repositoryUrl,
        value: app,
      })),
      {
        label: 'Enter app ID…',
        iconPath: new vscode.ThemeIcon('edit'),
        value: 'manual',
        alwaysShow: true,
      },
    ];
  };
  const picked = await pickOne<AppChoice>({
    title: 'Start Codemagic Build: App',
    placeholder: 'Pick the Codemagic app to build',
    items: ready ? itemsOf(ready) : apps.then(itemsOf),
    acceptOnLoad: (items) => (matchIds.size === 1 ? items.find((i) => isMatch(i.value)) : undefined),
    isActive: (i) => (matchIds.size ? isMatch(i.value) : typeof i.value === 'object' && i.value.id === rememberedId),
  });
  const value = picked?.value;
  if (value !== 'manual') return value;
  const id = await askText({
    title: 'Start Codemagic Build: App ID',
    prompt: 'The app ID, from the app’s URL in Codemagic: codemagic.io/app/<app ID>',
    validate: (v) => (/^[\w-]+$/.test(v) ? undefined : 'An app ID has only letters, digits, - and _.'),
  });
  return id ? { id, name: id, workflows: [] } : undefined;
}
