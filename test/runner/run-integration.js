#!/usr/bin/env node
// Runs the compiled integration suite (out/test/integration/index.js) inside the real VS Code Node
// extension host served by code-server, with the workbench open in headless Chromium.
// Exit code: the suite's (0 pass, 1 fail); 1 on timeout, crash, or when no test ran.
const path = require('path');
const util = require('util');
const fs = require('fs');
const { startCodeServer, ROOT } = require('./code-server');
const { startUiDriver, recordAlerts } = require('./ui-driver');

const NOISE =
  /\[AgentHost|authentication provider 'github'|open-vsx\.org|AccountPolicyGate|ChatModelSelection|connection token|Creating a socket|grace time|builtin extensions cache|Service Worker|^\s+at |chat|Chat|copilot|Copilot|marketplace|gallery/;

// The main suite, then a second phase after a window reload (tracked builds must survive it).
const PHASES = [
  { name: 'integration', tests: 'out/test/integration/index.js' },
  { name: 'after-restart', tests: 'out/test/integration/restart/index.js' },
];

// Tests use API tokens that start with this mark: if one reaches the test output, the run fails.
const TOKEN_MARK = /cmtok_SECRET/;
let leaked = false;

async function main() {
  const t0 = Date.now();
  const timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 600000);
  let page;
  const driver = await startUiDriver(() => page);
  const resultFile = path.join(require('os').tmpdir(), `cm-result-${process.pid}.json`);
  const cs = await startCodeServer({ env: { CODEMAGIC_TEST_UI: driver.url, CODEMAGIC_TEST_RESULT: resultFile } });
  process.env.CODEMAGIC_TEST_TMP = cs.tmp;
  let done = false;
  const finish = async (code, why) => {
    if (done) return;
    done = true;
    const summaries = PHASES.map((p) => {
      try {
        return JSON.parse(fs.readFileSync(`${resultFile}.${p.name}`, 'utf8'));
      } catch {
        return undefined;
      }
    });
    if (code === 0 && summaries.some((x) => !x || x.tests === 0)) {
      why += `; but a phase ran no test (${PHASES.map((p, i) => `${p.name}: ${summaries[i]?.tests ?? 0}`).join(', ')})`;
      code = 1;
    }
    if (leaked) {
      why += '; but an API token appeared in the test output (redacted above)';
      code = 1;
    }
    console.log(`[integration] ${why}; exit ${code} after ${Date.now() - t0}ms`);
    driver.close();
    await cs.stop();
    for (const p of PHASES) fs.rmSync(`${resultFile}.${p.name}`, { force: true });
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void finish(130, sig));
  cs.server.on('exit', (c) => void finish(1, `VS Code server exited unexpectedly (${c})\n${cs.output().slice(-4000)}`));
  const timer = setTimeout(
    () => void finish(1, `TIMEOUT after ${timeoutMs}ms\n${cs.output().slice(-4000)}`),
    timeoutMs,
  );

  page = await cs.browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => process.env.VERBOSE && console.error('[page error]', e.message));
  await page.addInitScript(recordAlerts);
  page.on('crash', () => void finish(1, 'browser page crashed'));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    let s = util.format(...args);
    if (TOKEN_MARK.test(s)) {
      leaked = true;
      s = s.replace(new RegExp(TOKEN_MARK.source + '\\w*', 'g'), '[REDACTED TOKEN]');
    }
    if (process.env.VERBOSE || !NOISE.test(s)) (console[type] || console.log)(s);
  });
  const open = (phase) =>
    page.goto(
      cs.workbenchUrl([
        ['extensionDevelopmentPath', cs.rem(ROOT)],
        ['extensionTestsPath', cs.rem(path.join(ROOT, phase.tests))],
        ['skipWelcome', 'true'],
      ]),
    );
  let phase = 0;
  await page.exposeFunction('codeAutomationExit', (code) => {
    if (code === 0 && phase + 1 < PHASES.length) {
      // Reload the window: a new extension host, the same browser storage and server.
      phase++;
      console.log(`[integration] reloading the window for the "${PHASES[phase].name}" phase`);
      setTimeout(() => open(PHASES[phase]).catch((e) => void finish(1, `reload failed: ${e.message}`)), 500);
      return;
    }
    clearTimeout(timer);
    void finish(code, 'tests finished');
  });
  await open(PHASES[0]);
}

main().catch((e) => {
  console.error('[integration] fatal', e);
  process.exit(1);
});
