// Loaded by the extension host through extensionTestsPath: runs every *.test.js beside it in mocha.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { hasUi, ui } from './ui';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  const only = process.env.CODEMAGIC_TEST_GREP;
  if (only) mocha.grep(only);
  // A failed test leaves a screenshot of the workbench behind, to see what the user would have seen.
  mocha.rootHooks({
    async afterEach(this: Mocha.Context) {
      const t = this.currentTest;
      if (t?.state !== 'failed' || !hasUi) return;
      const dir = path.resolve(__dirname, '../../../test-results');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(
        dir,
        `${t
          .fullTitle()
          .replace(/[^\w]+/g, '-')
          .slice(0, 80)}.png`,
      );
      await ui.screenshot(file).catch(() => undefined);
      console.log(`  screenshot: ${file}; ui: ${JSON.stringify(await ui.messages().catch(() => undefined))}`);
    },
  });
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = { tests: runner.stats?.tests ?? 0, passes: runner.stats?.passes ?? 0, failures };
      console.log(`integration: ${summary.passes} passed, ${failures} failed`);
      if (process.env.CODEMAGIC_TEST_RESULT)
        fs.writeFileSync(process.env.CODEMAGIC_TEST_RESULT, JSON.stringify(summary));
      if (failures > 0) reject(new Error(`${failures} integration tests failed.`));
      else resolve();
    });
  });
}
