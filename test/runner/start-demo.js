#!/usr/bin/env node
// `npm start`: a real VS Code (the VS Code server from code-server, in your browser) with this extension
// loaded, talking to the fake Codemagic with demo apps, on a demo Flutter project. Nothing reaches
// the real Codemagic. Ctrl+C stops everything.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { startCodeServer, ROOT } = require('./code-server');
const { createDemoWorkspace, demoSettings } = require('./demo-workspace');
const { FakeCodemagic } = require(path.join(ROOT, 'out/test/fake-codemagic'));

async function main() {
  const port = Number(process.env.PORT || 8080);
  const fake = await FakeCodemagic.start({
    token: 'demo-token',
    tickMs: Number(process.env.TICK_MS || 5000),
    port: Number(process.env.FAKE_PORT || 3131),
  });
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-demo-'));
  const workspace = createDemoWorkspace(parent);
  const cs = await startCodeServer({
    mode: 'cli',
    port,
    workspace,
    userSettings: demoSettings(fake.url),
    browser: false,
  });
  const url = cs.workbenchUrl([
    ['extensionDevelopmentPath', cs.rem(ROOT)],
    ['skipWelcome', 'true'],
  ]);
  console.log(`
Codemagic for VS Code — demo
  Fake Codemagic:  ${fake.url}  (API token: demo-token)
  Open VS Code:    ${url}

In VS Code: "Codemagic: Set API Token" -> demo-token, then "Start Codemagic Build".
Builds advance every ${(Number(process.env.TICK_MS || 5000) / 1000).toFixed(0)} s. Ctrl+C to stop.`);
  const stop = async () => {
    await cs.stop();
    await fake.close();
    fs.rmSync(parent, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
