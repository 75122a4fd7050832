#!/usr/bin/env node
// `npm run bench`: figures, not a test. Runs the production bundle in the real VS Code extension host
// (VS Code server + headless Chromium) against the fake Codemagic and prints a table of medians and
// spreads. The machine is shared and noisy: compare medians, not single runs.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');
const { startCodeServer, ROOT } = require('../runner/code-server');
const { startUiDriver } = require('../runner/ui-driver');

const RUNS = Number(process.env.CODEMAGIC_BENCH_RUNS || 5);
const TARGETS = {
  'activation, as VS Code reports it (ms)': ['<=', 50],
  'first quick pick, apps cached (ms)': ['<=', 100],
  'requests/min, 0 running, focused': ['<=', 0],
  'requests/min, 0 running, unfocused': ['<=', 0],
  'requests/min, 1 running, focused': ['<=', 6],
  'requests/min, 1 running, unfocused': ['<=', 6],
  'requests/min, 5 running, focused': ['<=', 30],
  'requests/min, 5 running, unfocused': ['<=', 30],
  'Builds view refresh, 500 builds (ms)': ['<=', 50],
  'dist/extension.js (KB)': ['<=', 720],
  'VSIX (KB)': ['<=', 240],
};

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { median: mid, min: v[0], max: v[v.length - 1], n: v.length };
}

async function main() {
  const results = path.join(os.tmpdir(), `cm-bench-${process.pid}.json`);
  fs.rmSync(results, { force: true });
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
  const vsixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-vsix-'));
  const vsix = path.join(vsixDir, 'codemagic.vsix');
  execFileSync(path.join(ROOT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '-o', vsix], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const sizes = {
    'dist/extension.js (KB)': fs.statSync(path.join(ROOT, 'dist/extension.js')).size / 1024,
    'VSIX (KB)': fs.statSync(vsix).size / 1024,
  };
  fs.rmSync(vsixDir, { recursive: true, force: true });

  let page;
  const driver = await startUiDriver(() => page);
  const cs = await startCodeServer({ env: { CODEMAGIC_TEST_UI: driver.url, CODEMAGIC_BENCH_RESULT: results } });
  let load = 0;
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('benchmark timed out')), 20 * 60_000);
    const open = () => {
      fs.writeFileSync(`${results}.phase`, load === RUNS - 1 ? 'full' : 'activation');
      return page.goto(
        cs.workbenchUrl([
          ['extensionDevelopmentPath', cs.rem(ROOT)],
          ['extensionTestsPath', cs.rem(path.join(ROOT, 'out/test/bench/index.js'))],
          ['skipWelcome', 'true'],
        ]),
      );
    };
    (async () => {
      page = await cs.browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.exposeFunction('codeAutomationLog', (type, args) => {
        const s = require('util').format(...args);
        if (process.env.VERBOSE || /^\[bench\]|^Error: /.test(s))
          console.log(s.replace(/cmtok_SECRET\w*/g, '[REDACTED]'));
      });
      await page.exposeFunction('codeAutomationExit', (code) => {
        if (code !== 0) return reject(new Error(`benchmark load ${load} failed (${code})`));
        if (++load < RUNS) return void open();
        clearTimeout(timer);
        resolve();
      });
      await open();
    })().catch(reject);
  });
  try {
    await done;
  } finally {
    driver.close();
    await cs.stop();
  }
  const measured = JSON.parse(fs.readFileSync(results, 'utf8'));
  for (const f of [results, `${results}.phase`]) fs.rmSync(f, { force: true });
  for (const [k, v] of Object.entries(sizes)) measured[k] = [v];

  const rows = Object.entries(measured).map(([name, values]) => {
    const s = stats(values);
    const t = TARGETS[name];
    const ok = t ? (s.median <= t[1] ? 'yes' : 'NO') : '';
    const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
    return [
      name,
      fmt(s.median),
      s.n > 1 ? `${fmt(s.min)}–${fmt(s.max)}` : '',
      String(s.n),
      t ? `${t[0]} ${t[1]}` : '',
      ok,
    ];
  });
  const head = ['measure', 'median', 'spread (min–max)', 'runs', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(['', line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

main().catch((e) => {
  console.error('[bench]', e.message);
  process.exit(1);
});
