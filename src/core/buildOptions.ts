import { SOFTWARE_NAMES, type SoftwareName, type StartBuildRequest } from '../api/types';
import type { BuildRef } from './refs';

/** Everything "Start Build with Options…" lets the user set, before it becomes a request. */
export interface BuildOptions {
  ref: BuildRef;
  variables: Record<string, string>;
  groups: string[];
  software: Partial<Record<SoftwareName, string>>;
  labels: string[];
  instanceType?: string;
}

export const INSTANCE_TYPES = ['mac_mini_m2', 'mac_mini_m4', 'linux_x2', 'linux_x4', 'windows_x2'] as const;

/** What a POSIX shell accepts as a variable name. */
export function checkVariableName(name: string): string | undefined {
  if (!name) return 'Give the variable a name: NAME=value.';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `"${name}" is not a valid variable name: use letters, digits and _, not starting with a digit.`;
  }
  return undefined;
}

/** Parses `NAME=value` (the value may be empty or contain `=`). */
export function parseAssignment(text: string): { name: string; value: string } | { error: string } {
  const eq = text.indexOf('=');
  if (eq < 0) return { error: 'Write the variable as NAME=value.' };
  const name = text.slice(0, eq).trim();
  const error = checkVariableName(name);
  return error ? { error } : { name, value: text.slice(eq + 1) };
}

export function isSoftwareName(s: string): s is SoftwareName {
  return (SOFTWARE_NAMES as readonly string[]).includes(s);
}

function unique(list: string[]): string[] {
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

/** Labels as typed: comma or whitespace separated. */
export function parseLabels(text: string): string[] {
  return unique(text.split(/[,\s]+/));
}

/**
 * The POST /builds body for these options. Empty options are left out entirely (no `environment: {}`),
 * and the default labels are added to the user's.
 */
export function toStartRequest(
  appId: string,
  workflowId: string,
  o: Partial<BuildOptions> & { ref: BuildRef },
  defaultLabels: string[] = [],
): StartBuildRequest {
  const req: StartBuildRequest = { appId, workflowId, ...o.ref };
  const labels = unique([...(o.labels ?? []), ...defaultLabels]);
  const variables = o.variables && Object.keys(o.variables).length ? o.variables : undefined;
  const uniqueGroups = unique(o.groups ?? []);
  const groups = uniqueGroups.length ? uniqueGroups : undefined;
  const software = Object.fromEntries(Object.entries(o.software ?? {}).filter(([, v]) => !!v?.trim()));
  const softwareVersions = Object.keys(software).length ? software : undefined;
  if (labels.length) req.labels = labels;
  if (variables || groups || softwareVersions) {
    req.environment = {
      ...(variables ? { variables } : {}),
      ...(groups ? { groups } : {}),
      ...(softwareVersions ? { softwareVersions } : {}),
    };
  }
  if (o.instanceType) req.instanceType = o.instanceType;
  return req;
}

/** One line per thing that will be sent, for the summary step. Variable values are masked. */
export function describeRequest(req: StartBuildRequest): string[] {
  const lines = [req.tag ? `Tag: ${req.tag}` : `Branch: ${req.branch ?? ''}`];
  const env = req.environment;
  if (env?.variables) {
    lines.push(
      `Variables: ${Object.keys(env.variables)
        .map((k) => `${k}=••••`)
        .join(', ')}`,
    );
  }
  if (env?.groups) lines.push(`Variable groups: ${env.groups.join(', ')}`);
  if (env?.softwareVersions) {
    lines.push(
      `Software: ${Object.entries(env.softwareVersions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  if (req.labels) lines.push(`Labels: ${req.labels.join(', ')}`);
  if (req.instanceType) lines.push(`Instance type: ${req.instanceType}`);
  return lines;
}
