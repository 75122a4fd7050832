/** The project's own shapes. Raw API JSON never leaves src/api: see normalize.ts. */

export interface Workflow {
  id: string;
  name: string;
}

export interface App {
  id: string;
  name: string;
  /** Workflows set up in Codemagic's workflow editor. Apps configured by codemagic.yaml list none. */
  workflows: Workflow[];
  repositoryUrl?: string;
  branches?: string[];
}

export interface Artifact {
  name: string;
  type?: string;
  size?: number;
  /** Legacy artefact URL on the Codemagic API host: needs the token. */
  url?: string;
  /** v3 short-lived URL: needs no token and must never be sent one. */
  publicUrl?: string;
  /** The path of `url` after /artifacts/, used by POST /artifacts/:secureFilename/public-url. */
  secureFilename?: string;
}

export interface BuildStep {
  id: string;
  name: string;
  /** success, failed, skipped, canceled (v3) or a build status (legacy); undefined while running. */
  status?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface Commit {
  hash?: string;
  message?: string;
  author?: string;
  url?: string;
}

export interface Build {
  id: string;
  appId?: string;
  workflowId?: string;
  workflowName?: string;
  branch?: string;
  tag?: string;
  status: string;
  /** The per-app build number. */
  index?: number;
  labels: string[];
  instanceType?: string;
  /** ISO 8601 timestamps. */
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  commit?: Commit;
  artifacts: Artifact[];
  /** Present when the response carried them (legacy buildActions). */
  steps?: BuildStep[];
}

export interface BuildEnvironment {
  variables?: Record<string, string>;
  groups?: string[];
  softwareVersions?: Partial<Record<SoftwareName, string>>;
}

export const SOFTWARE_NAMES = ['xcode', 'flutter', 'cocoapods', 'node', 'npm', 'ndk', 'java', 'ruby'] as const;
export type SoftwareName = (typeof SOFTWARE_NAMES)[number];

/** Body of POST /builds: exactly one of branch and tag. */
export interface StartBuildRequest {
  appId: string;
  workflowId: string;
  branch?: string;
  tag?: string;
  environment?: BuildEnvironment;
  labels?: string[];
  instanceType?: string;
}

export interface CancelResult {
  /** True on 208: the build had already finished, nothing was cancelled. */
  alreadyFinished: boolean;
}

export interface User {
  id?: string;
  name?: string;
  email?: string;
}

export interface PublicUrl {
  url: string;
  expiresAt?: number;
}
