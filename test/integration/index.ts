// Loaded by the extension host through extensionTestsPath: the main integration suite.
import { runMochaIn } from './mochaRun';

export function run(): Promise<void> {
  return runMochaIn(__dirname, 'integration');
}
