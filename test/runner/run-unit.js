#!/usr/bin/env node
// The plain-Node unit suite (mocha over out/test/unit/*.test.js), ending with "unit: N passed, N failed".
const fs = require('fs');
const path = require('path');
const mochaModule = require('mocha');
const Mocha = mochaModule.default ?? mochaModule;

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'out/test/unit');
const mocha = new Mocha({ ui: 'tdd', timeout: 10000, reporter: 'spec' });
for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
const runner = mocha.run((failures) => {
  const passed = runner.stats?.passes ?? 0;
  console.log(`unit: ${passed} passed, ${failures} failed`);
  process.exitCode = failures > 0 || passed === 0 ? 1 : 0;
});
