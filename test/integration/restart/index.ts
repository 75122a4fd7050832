// Second phase, in a reloaded window (a new extension host): checks what the first phase left behind.
import { runMochaIn } from '../mochaRun';

export function run(): Promise<void> {
  return runMochaIn(__dirname, 'after-restart');
}
