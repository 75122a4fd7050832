import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { hasUi, ui } from './ui';

/**
 * Runs every *.test.js of `dir` in mocha inside the extension host, writes a summary for the runner
 * (which fails the run when no test ran), and leaves a screenshot for each failed test.
 */
export function runMochaIn(dir: string, phase: string): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  const only = process.env.CODEMAGIC_TEST_GREP;
  if (only) mocha.grep(only);
  else if (!hasUi) {
    // Desktop VS Code (test:desktop) has no browser UI driver: run the suites that need none.
    console.log('No UI driver (desktop run): running the Foundation suite only.');
    mocha.grep('Foundation');
  }
  mocha.rootHooks({
    async afterEach(this: Mocha.Context) {
      const t = this.currentTest;
      if (t?.state !== 'failed' || !hasUi) return;
      const out = path.resolve(__dirname, '../../../test-results');
      fs.mkdirSync(out, { recursive: true });
      const file = path.join(
        out,
        `${t
          .fullTitle()
          .replace(/[^\w]+/g, '-')
          .slice(0, 80)}.png`,
      );
      await ui.screenshot(file).catch(() => undefined);
      if (process.env.CM_DEBUG_HTML)
        console.log(
          JSON.stringify(
            await (ui as unknown as { html(s: string): Promise<unknown> }).html(process.env.CM_DEBUG_HTML),
          ),
        );
      console.log(`  screenshot: ${file}; ui: ${JSON.stringify(await ui.messages().catch(() => undefined))}`);
    },
  });
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = { tests: runner.stats?.tests ?? 0, passes: runner.stats?.passes ?? 0, failures };
      console.log(`${phase}: ${summary.passes} passed, ${failures} failed`);
      const result = process.env.CODEMAGIC_TEST_RESULT;
      if (result) fs.writeFileSync(`${result}.${phase}`, JSON.stringify(summary));
      if (failures > 0) reject(new Error(`${failures} ${phase} tests failed.`));
      else resolve();
    });
  });
}
