import type { App, Artifact, Build, BuildStep, Commit, User, Workflow } from './types';

/**
 * Turns legacy (`_id`, `artefacts`, `fileWorkflowId`, `+0000` timestamps) and v3 (`id`, `artifacts`,
 * `workflow.id`) JSON into our own types. Unknown fields are dropped here, so secrets that a build
 * response may carry (its environment) never reach the rest of the extension.
 */

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function strings(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/** `2020-09-08T07:18:02.203+0000` and ISO strings alike -> ISO 8601 in UTC, or undefined. */
export function normalizeTimestamp(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const fixed = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(fixed);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function workflowsOf(raw: Json): Workflow[] {
  const named = obj(raw.workflows) ?? {};
  const ids = new Set([...strings(raw.workflowIds), ...Object.keys(named)]);
  return [...ids].map((id) => ({ id, name: str(obj(named[id])?.name) ?? id }));
}

/** A legacy `GET /apps` entry or `GET /apps/:id` application, or a v3 app. */
export function normalizeApp(v: unknown): App | undefined {
  const raw = obj(v);
  const id = raw && (str(raw._id) ?? str(raw.id));
  if (!raw || !id) return undefined;
  const repo = obj(raw.repository);
  const branches = raw.branches === undefined ? undefined : strings(raw.branches);
  return {
    id,
    name: str(raw.appName) ?? str(raw.name) ?? id,
    workflows: workflowsOf(raw),
    repositoryUrl: str(repo?.htmlUrl) ?? str(repo?.url) ?? str(raw.repository_url),
    ...(branches ? { branches } : {}),
  };
}

/** Codemagic's secure file name is the whole path after /artifacts/ (`<uuid>/<uuid>/app.apk`). */
function secureFilenameOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const m = /^\/artifacts\/(.+)$/.exec(new URL(url).pathname);
    return m ? m[1].split('/').map(decodeURIComponent).join('/') : undefined;
  } catch {
    return undefined;
  }
}

function normalizeArtifact(v: unknown): Artifact | undefined {
  const raw = obj(v);
  const name = raw && str(raw.name);
  if (!raw || !name) return undefined;
  const url = str(raw.url);
  return {
    name,
    type: str(raw.type),
    size: num(raw.size) ?? num(raw.size_in_bytes),
    url,
    publicUrl: str(raw.short_lived_download_url),
    secureFilename: secureFilenameOf(url),
  };
}

function normalizeCommit(v: unknown): Commit | undefined {
  const raw = obj(v);
  if (!raw) return undefined;
  return {
    hash: str(raw.hash),
    message: str(raw.commitMessage) ?? str(raw.message),
    author: str(raw.authorName) ?? str(raw.author_name),
    url: str(raw.url),
  };
}

/** A legacy buildAction or a v3 action. */
export function normalizeStep(v: unknown): BuildStep | undefined {
  const raw = obj(v);
  const id = raw && (str(raw._id) ?? str(raw.id) ?? (num(raw.id) !== undefined ? String(raw.id) : undefined));
  if (!raw || !id) return undefined;
  return {
    id,
    name: str(raw.name) ?? id,
    status: str(raw.status)?.toLowerCase(),
    startedAt: normalizeTimestamp(raw.startedAt ?? raw.started_at),
    finishedAt: normalizeTimestamp(raw.finishedAt ?? raw.finished_at),
  };
}

export function normalizeSteps(v: unknown): BuildStep[] {
  return arr(v)
    .map(normalizeStep)
    .filter((s): s is BuildStep => !!s);
}

/** A legacy `build` object or a v3 `Build`. */
export function normalizeBuild(v: unknown): Build | undefined {
  const raw = obj(v);
  const id = raw && (str(raw._id) ?? str(raw.id));
  if (!raw || !id) return undefined;
  const workflow = obj(raw.workflow);
  const artifacts = (Array.isArray(raw.artifacts) ? raw.artifacts : arr(raw.artefacts))
    .map(normalizeArtifact)
    .filter((a): a is Artifact => !!a);
  return {
    id,
    appId: str(raw.appId) ?? str(raw.app_id),
    workflowId: str(workflow?.id) ?? str(raw.fileWorkflowId) ?? str(raw.workflowId),
    workflowName: str(workflow?.name),
    branch: str(raw.branch),
    tag: str(raw.tag),
    status: str(raw.status)?.toLowerCase() ?? 'unknown',
    index: num(raw.index),
    labels: strings(raw.labels),
    instanceType: str(raw.instanceType) ?? str(raw.instance_type),
    createdAt: normalizeTimestamp(raw.createdAt ?? raw.created_at),
    startedAt: normalizeTimestamp(raw.startedAt ?? raw.started_at),
    finishedAt: normalizeTimestamp(raw.finishedAt ?? raw.finished_at),
    commit: normalizeCommit(raw.commit),
    artifacts,
    ...(Array.isArray(raw.buildActions) ? { steps: normalizeSteps(raw.buildActions) } : {}),
  };
}

export function normalizeUser(v: unknown): User {
  const raw = obj(v) ?? {};
  return { id: str(raw.id) ?? str(raw._id), name: str(raw.name), email: str(raw.email) };
}
