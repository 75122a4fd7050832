import * as fs from 'fs';
import * as path from 'path';
import { workspaceRoot } from './repos';

/** What the first phase leaves for the phase that runs after the window reload. */
export interface RestartState {
  token: string;
  running: { id: string; appId: string; workflowId: string; status: string }[];
  finished: { id: string; appId: string; workflowId: string }[];
}

const file = () => path.join(workspaceRoot(), '.restart-state.json');

export function saveRestartState(s: RestartState): void {
  fs.writeFileSync(file(), JSON.stringify(s));
}

export function loadRestartState(): RestartState {
  return JSON.parse(fs.readFileSync(file(), 'utf8')) as RestartState;
}
