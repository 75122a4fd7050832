#!/usr/bin/env node
// `npm test`: the plain-Node unit suite, then the integration suite in the real VS Code extension host,
// then the end-to-end UI tests. Every suite runs; the exit code is non-zero when any failed.
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const suites = [
  ['unit', process.execPath, [path.join(__dirname, 'run-unit.js')]],
  ['integration', process.execPath, [path.join(__dirname, 'run-integration.js')]],
  ['e2e', process.execPath, [path.join(__dirname, 'run-e2e.js')]],
];
const only = process.env.SUITES ? process.env.SUITES.split(',') : undefined;
const results = [];
for (const [name, cmd, args] of suites) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout.toString();
  process.stdout.write(out);
  // Each runner ends a phase with "<phase>: N passed, N failed".
  let passed = 0;
  let failed = 0;
  for (const m of out.matchAll(/^[\w-]+: (\d+) passed, (\d+) failed/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  results.push({ name, code: r.status ?? 1, secs: ((Date.now() - t0) / 1000).toFixed(1), passed, failed });
}
console.log('\n=== summary ===');
for (const r of results) {
  console.log(
    `${r.name}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`}, ${r.passed} passed, ${r.failed} failed, in ${r.secs}s`,
  );
}
const failedSuites = results.filter((r) => r.code !== 0).length;
const total = (k) => results.reduce((n, r) => n + r[k], 0);
// A failed suite counts as a failure even when it could not report its tests.
console.log(`${total('passed')} passed, ${Math.max(total('failed'), failedSuites)} failed`);
process.exit(failedSuites > 0 ? 1 : 0);
