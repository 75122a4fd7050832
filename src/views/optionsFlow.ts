import * as vscode from 'vscode';
import { SOFTWARE_NAMES, type SoftwareName, type StartBuildRequest } from '../api/types';
import {
  describeRequest,
  INSTANCE_TYPES,
  parseAssignment,
  parseLabels,
  toStartRequest,
  type BuildOptions,
} from '../core/buildOptions';
import { checkRefName, type BuildRef } from '../core/refs';
import type { YamlWorkflow } from '../core/workflows';
import { MultiStepInput, type Step } from './multiStep';

const TOTAL = 7;

export interface OptionsContext {
  appId: string;
  workflowId: string;
  workflowName: string;
  /** The checked-out branch, when there is one. */
  currentBranch?: string;
  branches: string[];
  tags: string[];
  /** The workflow as codemagic.yaml declares it: suggestions and defaults. */
  yaml?: YamlWorkflow;
  /** The options used last time for this workflow. */
  remembered?: Partial<BuildOptions>;
  defaultLabels: string[];
}

interface State {
  ctx: OptionsContext;
  o: BuildOptions;
  start: boolean;
}

type Item<V> = vscode.QuickPickItem & { value: V };

const title = (s: State) => `Start Build with Options: ${s.ctx.workflowName}`;
const pos = (s: State, step: number) => ({ title: title(s), step, totalSteps: TOTAL });

const target: Step<State> = async (input, s) => {
  const cur = s.ctx.currentBranch;
  const items: Item<'current' | 'branch' | 'tag'>[] = [
    ...(cur ? [{ label: `$(git-branch) Current branch`, description: cur, value: 'current' as const }] : []),
    { label: '$(git-branch) Another branch…', value: 'branch' as const },
    { label: '$(tag) A tag…', value: 'tag' as const },
  ];
  const active = s.o.ref.tag
    ? items.find((i) => i.value === 'tag')
    : s.o.ref.branch === cur
      ? items[0]
      : items.find((i) => i.value === 'branch');
  const [choice] = await input.pick({
    ...pos(s, 1),
    placeholder: 'What should Codemagic build?',
    items,
    activeItem: active,
  });
  if (choice.value === 'current' && cur) {
    s.o.ref = { branch: cur };
    return variables;
  }
  const isTag = choice.value === 'tag';
  const known = isTag ? s.ctx.tags : s.ctx.branches;
  const typeItem: Item<string | undefined> = {
    label: `$(edit) Enter a ${isTag ? 'tag' : 'branch'} name…`,
    value: undefined,
  };
  const [ref] = await input.pick({
    ...pos(s, 1),
    placeholder: `Pick the ${isTag ? 'tag' : 'branch'} to build`,
    items: [...known.map((k) => ({ label: k, value: k })), typeItem],
  });
  let name = ref.value;
  if (!name) {
    name = await input.input({
      ...pos(s, 1),
      prompt: `The ${isTag ? 'tag' : 'branch'} on the remote repository`,
      value: (isTag ? s.o.ref.tag : s.o.ref.branch) ?? '',
      validate: checkRefName,
    });
  }
  s.o.ref = isTag ? { tag: name } : { branch: name };
  return variables;
};

const REMOVE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Remove' };

const variables: Step<State> = async (input, s) => {
  for (;;) {
    const vars = Object.keys(s.o.variables);
    const items: Item<string>[] = [
      {
        label: '$(arrow-right) Continue',
        description: vars.length ? `${vars.length} variable(s)` : 'no extra variables',
        value: ':continue',
      },
      { label: '$(add) Add variable…', description: 'NAME=value', value: ':add' },
      ...vars.map((name) => ({ label: name, description: '= ••••  (select to edit)', value: name, buttons: [REMOVE] })),
    ];
    let removed: string | undefined;
    const [choice] = await input.pick({
      ...pos(s, 2),
      placeholder: 'Environment variables for this build (values are kept in SecretStorage)',
      items,
      onItemButton: (e) => {
        removed = e.item.value;
        delete s.o.variables[e.item.value];
        // Re-render the step without the removed variable.
        void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      },
    });
    if (removed) continue;
    if (choice.value === ':continue') return groups;
    const editing = choice.value === ':add' ? undefined : choice.value;
    const text = await input.input({
      ...pos(s, 2),
      prompt: 'NAME=value, e.g. API_BASE_URL=https://staging.example.com',
      value: editing ? `${editing}=${s.o.variables[editing]}` : '',
      validate: (v) => {
        const r = parseAssignment(v);
        return 'error' in r ? r.error : undefined;
      },
    });
    const r = parseAssignment(text);
    if ('error' in r) continue;
    if (editing && editing !== r.name) delete s.o.variables[editing];
    s.o.variables[r.name] = r.value;
  }
};

const groups: Step<State> = async (input, s) => {
  const names = [...new Set([...(s.ctx.yaml?.groups ?? []), ...s.o.groups])];
  const items: Item<string>[] = names.map((g) => ({
    label: g,
    description: s.ctx.yaml?.groups?.includes(g) ? 'from codemagic.yaml' : undefined,
    value: g,
  }));
  const picked = await input.pick({
    ...pos(s, 3),
    placeholder: 'Variable groups (type a name and press Enter to add one)',
    items,
    canSelectMany: true,
    selectedItems: items.filter((i) => s.o.groups.includes(i.value)),
    onFreeEntry: (v) => (/^[\w.-]+$/.test(v) ? { label: v, description: 'added', value: v } : undefined),
  });
  s.o.groups = picked.map((p) => p.value);
  return software;
};

const software: Step<State> = async (input, s) => {
  for (;;) {
    const items: Item<SoftwareName | ':continue'>[] = [
      { label: '$(arrow-right) Continue', value: ':continue' },
      ...SOFTWARE_NAMES.map((n) => ({
        label: n,
        description:
          s.o.software[n] ?? (s.ctx.yaml?.software?.[n] ? `workflow: ${s.ctx.yaml.software[n]}` : 'workflow default'),
        value: n,
      })),
    ];
    const [choice] = await input.pick({ ...pos(s, 4), placeholder: 'Software versions (pick one to set it)', items });
    if (choice.value === ':continue') return labels;
    const name = choice.value;
    const v = await input.input({
      ...pos(s, 4),
      prompt: `${name} version for this build; empty for the workflow's default`,
      value: s.o.software[name] ?? '',
      placeholder: s.ctx.yaml?.software?.[name] ?? 'e.g. latest, stable, 3.24.0',
      validate: (x) => (/^[\w.+-]*$/.test(x) ? undefined : 'A version has only letters, digits and . + - _'),
    });
    if (v) s.o.software[name] = v;
    else delete s.o.software[name];
  }
};

const labels: Step<State> = async (input, s) => {
  const text = await input.input({
    ...pos(s, 5),
    prompt: `Labels, separated by commas${s.ctx.defaultLabels.length ? ` (always added: ${s.ctx.defaultLabels.join(', ')})` : ''}`,
    value: s.o.labels.join(', '),
    placeholder: 'e.g. release, qa',
    validate: (v) => (/^[\w.,\s-]*$/.test(v) ? undefined : 'Labels have only letters, digits and . - _'),
  });
  s.o.labels = parseLabels(text);
  return instance;
};

const instance: Step<State> = async (input, s) => {
  const fromYaml = s.ctx.yaml?.instanceType;
  const items: Item<string | undefined>[] = [
    { label: 'Workflow default', description: fromYaml ?? 'as configured in Codemagic', value: undefined },
    ...INSTANCE_TYPES.map((t) => ({
      label: t,
      description: t === fromYaml ? 'codemagic.yaml' : undefined,
      value: t,
    })),
  ];
  const current = s.o.instanceType ?? fromYaml;
  const [choice] = await input.pick({
    ...pos(s, 6),
    placeholder: 'Build machine',
    items,
    activeItem: items.find((i) => i.value === current) ?? items[0],
  });
  s.o.instanceType = choice.value;
  return summary;
};

const summary: Step<State> = async (input, s) => {
  const req = toStartRequest(s.ctx.appId, s.ctx.workflowId, s.o, s.ctx.defaultLabels);
  const items: Item<boolean>[] = [
    { label: '$(play) Start build', description: `${s.ctx.workflowName}`, value: true },
    { label: '', kind: vscode.QuickPickItemKind.Separator, value: false },
    ...describeRequest(req).map((line) => ({ label: line, value: false })),
  ];
  const [choice] = await input.pick({ ...pos(s, 7), placeholder: 'This is exactly what will be sent', items });
  if (!choice.value) return summary;
  s.start = true;
  return undefined;
};

/**
 * "Start Build with Options…": target, variables, groups, software, labels, instance type, then a summary
 * of exactly what will be sent. Resolves to the request (with variable values), or undefined if dismissed.
 */
export async function askBuildOptions(
  ctx: OptionsContext,
): Promise<{ request: StartBuildRequest; options: BuildOptions } | undefined> {
  const r = ctx.remembered ?? {};
  const ref: BuildRef = r.ref ?? (ctx.currentBranch ? { branch: ctx.currentBranch } : { branch: 'main' });
  const state: State = {
    ctx,
    start: false,
    o: {
      ref: ctx.currentBranch && !r.ref?.tag ? { branch: ctx.currentBranch } : ref,
      variables: { ...r.variables },
      groups: [...(r.groups ?? [])],
      software: { ...r.software },
      labels: [...(r.labels ?? [])],
      instanceType: r.instanceType,
    },
  };
  const done = await MultiStepInput.run(target, state);
  if (!done || !state.start) return undefined;
  return { request: toStartRequest(ctx.appId, ctx.workflowId, state.o, ctx.defaultLabels), options: state.o };
}
