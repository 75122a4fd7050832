#!/usr/bin/env node
// `npm run test:desktop`: the same integration suite in desktop VS Code, downloaded by
// @vscode/test-electron. Needs internet access to download VS Code (not available on our CI machines,
// which use run-integration.js and the VS Code server instead). Without the browser UI driver, the
// tests that drive quick picks and read notifications are left out: see test/integration/mochaRun.ts.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '../..');

async function main() {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-desktop-'));
  try {
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      launchArgs: [workspace, '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('[desktop] failed:', e.message || e);
  process.exit(1);
});
