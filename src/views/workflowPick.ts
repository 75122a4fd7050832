import * as vscode from 'vscode';
import type { Workflow } from '../api/types';
import { CODEMAGIC_YAML_NAMES, MAX_YAML_BYTES, readWorkflows, type WorkflowsResult } from '../core/workflows';
import { askText, pickOne } from './quickPick';

export interface YamlFile {
  uri: vscode.Uri;
  result: WorkflowsResult;
}

/** The folder's codemagic.yaml (or .yml), read and parsed; undefined when there is none. */
export async function readYamlIn(root: vscode.Uri): Promise<YamlFile | undefined> {
  for (const name of CODEMAGIC_YAML_NAMES) {
    const uri = vscode.Uri.joinPath(root, name);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      continue;
    }
    if (stat.size > MAX_YAML_BYTES) {
      return {
        uri,
        result: { workflows: [], error: { message: `the file is larger than ${MAX_YAML_BYTES / 1024} KB` } },
      };
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    return { uri, result: readWorkflows(text) };
  }
  return undefined;
}

export function yamlProblem(file: YamlFile): string | undefined {
  const err = file.result.error;
  if (!err) return undefined;
  const name = file.uri.path.split('/').pop();
  return `${name}${err.line ? ` line ${err.line}` : ''}: ${err.message}`;
}

type WorkflowChoice = Workflow | 'manual' | 'openYaml';

/**
 * The workflow to build: those of the folder's codemagic.yaml and those the API lists for the app
 * (workflow editor), the last one used in this folder first, and manual entry. A broken
 * codemagic.yaml shows up as an item naming the problem and its line.
 */
export async function chooseWorkflow(
  yaml: YamlFile | undefined,
  apiWorkflows: Workflow[],
  lastUsed: string | undefined,
): Promise<Workflow | undefined> {
  const fromYaml = yaml?.result.workflows ?? [];
  const seen = new Set(fromYaml.map((w) => w.id));
  const all = [
    ...fromYaml.map((w) => ({ id: w.id, name: w.name, source: 'codemagic.yaml' })),
    ...apiWorkflows.filter((w) => !seen.has(w.id)).map((w) => ({ ...w, source: 'Workflow Editor' })),
  ];
  all.sort((a, b) => Number(b.id === lastUsed) - Number(a.id === lastUsed));
  const problem = yaml && yamlProblem(yaml);
  if (!all.length && !problem) return askWorkflowId('No workflows were found in codemagic.yaml or for this app.');
  const picked = await pickOne<WorkflowChoice>({
    title: 'Start Codemagic Build: Workflow',
    placeholder: problem ? 'codemagic.yaml has a problem: pick a workflow or enter its ID' : 'Pick the workflow to run',
    items: [
      ...(problem
        ? [
            {
              label: `$(warning) ${problem}`,
              detail: 'Open the file at that line',
              value: 'openYaml' as WorkflowChoice,
              alwaysShow: true,
            },
          ]
        : []),
      ...all.map((w) => ({
        label: w.name,
        description: w.name === w.id ? w.source : `${w.id} · ${w.source}`,
        detail: w.id === lastUsed ? '$(history) Last used in this folder' : undefined,
        value: { id: w.id, name: w.name },
      })),
      {
        label: 'Enter workflow ID…',
        iconPath: new vscode.ThemeIcon('edit'),
        value: 'manual',
        alwaysShow: true,
      },
    ],
    isActive: (i) => typeof i.value === 'object',
  });
  const value = picked?.value;
  if (value === 'openYaml' && yaml) {
    const line = Math.max(0, (yaml.result.error?.line ?? 1) - 1);
    await vscode.window.showTextDocument(yaml.uri, { selection: new vscode.Range(line, 0, line, 0) });
    return undefined;
  }
  if (value === 'manual') return askWorkflowId();
  return typeof value === 'object' ? value : undefined;
}

async function askWorkflowId(note?: string): Promise<Workflow | undefined> {
  const id = await askText({
    title: 'Start Codemagic Build: Workflow ID',
    prompt: `${note ? note + ' ' : ''}The workflow ID: a key under "workflows:" in codemagic.yaml.`,
  });
  return id ? { id, name: id } : undefined;
}
