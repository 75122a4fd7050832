import type * as vscode from 'vscode';
import type { BuildOptions } from '../core/buildOptions';

const OPTIONS_KEY = 'codemagic.workflowOptions';
const BUILD_VARS_INDEX = 'codemagic.buildsWithVariables';
const workflowSecret = (appId: string, workflowId: string) => `codemagic.vars/${appId}/${workflowId}`;
const buildSecret = (buildId: string) => `codemagic.buildVars/${buildId}`;

type StoredOptions = Omit<BuildOptions, 'variables'> & { variableNames: string[] };

/**
 * Remembers the options last used per workflow, and the variables of each tracked build for Rebuild.
 * Variable values can be secrets: they go to SecretStorage only; workspace state keeps their names.
 */
export class OptionsMemory {
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  async lastOptions(appId: string, workflowId: string): Promise<Partial<BuildOptions> | undefined> {
    const all = this.state.get<Record<string, StoredOptions>>(OPTIONS_KEY) ?? {};
    const stored = all[`${appId}/${workflowId}`];
    if (!stored || typeof stored !== 'object') return undefined;
    const { variableNames, ...rest } = stored;
    const values = await this.readVars(workflowSecret(appId, workflowId));
    // Only the variables of the last start: names kept in workspace state, values from SecretStorage.
    const variables = Object.fromEntries(variableNames.filter((n) => n in values).map((n) => [n, values[n]]));
    return { ...rest, variables };
  }

  async rememberOptions(appId: string, workflowId: string, o: BuildOptions): Promise<void> {
    const all = this.state.get<Record<string, StoredOptions>>(OPTIONS_KEY) ?? {};
    const { variables, ...rest } = o;
    await this.state.update(OPTIONS_KEY, {
      ...all,
      [`${appId}/${workflowId}`]: { ...rest, variableNames: Object.keys(variables) },
    });
    await this.writeVars(workflowSecret(appId, workflowId), variables);
  }

  /** The variable values a tracked build was started with. */
  buildVariables(buildId: string): Promise<Record<string, string>> {
    return this.readVars(buildSecret(buildId));
  }

  async rememberBuildVariables(buildId: string, variables: Record<string, string>): Promise<void> {
    if (!Object.keys(variables).length) return;
    await this.writeVars(buildSecret(buildId), variables);
    const index = this.state.get<string[]>(BUILD_VARS_INDEX) ?? [];
    await this.state.update(BUILD_VARS_INDEX, [...new Set([...index, buildId])]);
  }

  /** Forgets the variables of builds that are no longer tracked. */
  async prune(trackedIds: ReadonlySet<string>): Promise<void> {
    const index = this.state.get<string[]>(BUILD_VARS_INDEX) ?? [];
    const gone = index.filter((id) => !trackedIds.has(id));
    if (!gone.length) return;
    for (const id of gone) await this.secrets.delete(buildSecret(id));
    await this.state.update(
      BUILD_VARS_INDEX,
      index.filter((id) => trackedIds.has(id)),
    );
  }

  private async readVars(key: string): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse((await this.secrets.get(key)) ?? '{}') as unknown;
      if (!parsed || typeof parsed !== 'object') return {};
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string'));
    } catch {
      return {};
    }
  }

  private async writeVars(key: string, vars: Record<string, string>): Promise<void> {
    if (Object.keys(vars).length) await this.secrets.store(key, JSON.stringify(vars));
    else await this.secrets.delete(key);
  }
}
