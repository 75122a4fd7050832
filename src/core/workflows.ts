import type { Document, LineCounter } from 'yaml';

/** The yaml library, loaded on first use so that activating the extension does not pay for it. */

let yamlLib: typeof import('yaml') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = () => (yamlLib ??= require('yaml') as typeof import('yaml'));

/** A workflow as codemagic.yaml declares it, with anchors and merge keys resolved. */
export interface YamlWorkflow {
  id: string;
  name: string;
  /** 1-based line of the workflow's key, for CodeLens. */
  line: number;
  instanceType?: string;
  labels?: string[];
  groups?: string[];
  /** environment.{xcode, flutter, ...} as strings. */
  software?: Record<string, string>;
}

export interface WorkflowsResult {
  workflows: YamlWorkflow[];
  /** Set when the file could not be read as YAML or has no usable `workflows:` map. */
  error?: { message: string; line?: number };
}

export const CODEMAGIC_YAML_NAMES = ['codemagic.yaml', 'codemagic.yml'] as const;

/** Bigger files are refused before parsing: a real codemagic.yaml is a few KB. */
export const MAX_YAML_BYTES = 1024 * 1024;

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map(asString).filter((s): s is string => !!s);
  return out.length ? out : undefined;
}

const SOFTWARE_KEYS = ['xcode', 'flutter', 'cocoapods', 'node', 'npm', 'ndk', 'java', 'ruby'];

/**
 * Reads the workflows of a codemagic.yaml with a real YAML parser. Aliases are expanded with the
 * parser's own bound (maxAliasCount), so an alias bomb is an error, not a hang.
 */
export function readWorkflows(text: string): WorkflowsResult {
  if (text.length > MAX_YAML_BYTES) {
    return { workflows: [], error: { message: `the file is larger than ${MAX_YAML_BYTES / 1024} KB` } };
  }
  const { LineCounter: Counter, parseDocument } = yaml();
  const lineCounter = new Counter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = lineCounter.linePos(err.pos[0]).line;
    return { workflows: [], error: { message: firstLine(err.message), line } };
  }
  const unresolved = firstUnresolvedAlias(doc, lineCounter);
  if (unresolved) {
    const { name, line } = unresolved;
    return { workflows: [], error: { message: `the anchor &${name} is not defined before *${name}`, line } };
  }
  keepNumberSource(doc);
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { workflows: [], error: { message: firstLine(e instanceof Error ? e.message : String(e)) } };
  }
  const root = js && typeof js === 'object' ? (js as Record<string, unknown>) : undefined;
  const workflows = root?.workflows;
  if (!workflows || typeof workflows !== 'object' || Array.isArray(workflows)) {
    return { workflows: [], error: { message: 'it has no `workflows:` section' } };
  }
  const lines = workflowKeyLines(doc.contents, lineCounter);
  const result: YamlWorkflow[] = [];
  for (const [id, raw] of Object.entries(workflows as Record<string, unknown>)) {
    const w = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const env = w.environment && typeof w.environment === 'object' ? (w.environment as Record<string, unknown>) : {};
    const software: Record<string, string> = {};
    for (const k of SOFTWARE_KEYS) {
      const v = asString(env[k]);
      if (v) software[k] = v;
    }
    result.push({
      id,
      name: asString(w.name) ?? id,
      line: lines.get(id) ?? 1,
      instanceType: asString(w.instance_type),
      labels: stringList(w.labels),
      groups: stringList(env.groups),
      ...(Object.keys(software).length ? { software } : {}),
    });
  }
  return { workflows: result };
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function workflowKeyLines(contents: unknown, lc: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const { isMap, isScalar } = yaml();
  if (!isMap(contents)) return lines;
  const wf = contents.items.find((p) => isScalar(p.key) && p.key.value === 'workflows');
  if (!wf || !isMap(wf.value)) return lines;
  for (const pair of wf.value.items) {
    if (isScalar(pair.key) && pair.key.range) {
      lines.set(String(pair.key.value), lc.linePos(pair.key.range[0]).line);
    }
  }
  return lines;
}

/** Numbers keep their written form: `flutter: 3.10` is Flutter 3.10, not 3.1; `xcode: 16.0`, not 16. */
function keepNumberSource(doc: Document): void {
  yaml().visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
    },
  });
}

/** yaml 2 reports an alias to an unknown (or later) anchor only from toJS(), without a position. */
function firstUnresolvedAlias(doc: Document, lc: LineCounter): { name: string; line: number } | undefined {
  const anchors = new Set<string>();
  let found: { name: string; line: number } | undefined;
  const { visit, isAlias } = yaml();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        found = { name: node.source, line: lc.linePos(node.range?.[0] ?? 0).line };
        return visit.BREAK;
      }
    } else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return found;
}
