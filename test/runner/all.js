#!/usr/bin/env node
// `npm test`: the plain-Node unit suite, then the integration suite in the real VS Code extension host,
// then the end-to-end UI tests. Every suite runs; the exit code is non-zero when any failed.
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const suites = [
  ['unit', process.execPath, [path.join(root, 'node_modules/mocha/bin/mocha.js')]],
  ['integration', process.execPath, [path.join(__dirname, 'run-integration.js')]],
  ['e2e', process.execPath, [path.join(__dirname, 'run-e2e.js')]],
];
const only = process.env.SUITES ? process.env.SUITES.split(',') : undefined;
const results = [];
for (const [name, cmd, args] of suites) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  results.push({ name, code: r.status ?? 1, secs: ((Date.now() - t0) / 1000).toFixed(1) });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.name}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} in ${r.secs}s`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
