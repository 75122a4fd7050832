#!/usr/bin/env node
// End-to-end tests: the real workbench in headless Chromium, driven like a person would, with the
// extension loaded against the fake Codemagic (running in this process). Saves README screenshots to media/.
const path = require('path');
const fs = require('fs');
const os = require('os');
const assert = require('assert');
const { startCodeServer, ROOT } = require('./code-server');
const { createDemoWorkspace, demoSettings } = require('./demo-workspace');
const { FakeCodemagic } = require(path.join(ROOT, 'out/test/fake-codemagic'));

const TOKEN = 'cmtok_SECRET_e2e_91c2';
const MEDIA = path.join(ROOT, 'media');
const RESULTS = path.join(ROOT, 'test-results');

async function runCommand(page, title) {
  // Right after start-up the palette may not list the extension's commands yet: try again.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 300 } });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (attempt >= 4) throw e;
    }
  }
}

const row = (page, text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('palette -> "Start Codemagic build" -> pick workflow -> the fake gets the POST -> the status bar shows the ID', async ({
  page,
  fake,
}) => {
  await runCommand(page, 'Codemagic: Set API Token');
  const input = page.locator('.quick-input-widget input[type=password]');
  await input.waitFor();
  await input.fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.getByText('Codemagic API token saved').first().waitFor({ state: 'attached' });

  await runCommand(page, 'Start Codemagic build');
  // The origin remote matches the "Flutter Shop" app: the app pick is skipped, the workflow pick is next.
  await row(page, 'Android Debug').waitFor();
  await row(page, 'iOS Release').waitFor();
  await page.screenshot({ path: path.join(MEDIA, 'screenshot-start-build.png') });
  await row(page, 'iOS Release').click();

  const deadline = Date.now() + 15000;
  while (fake.requestsTo('POST', '/builds').length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const posts = fake.requestsTo('POST', '/builds');
  assert.strictEqual(posts.length, 1, 'one POST /builds');
  assert.deepStrictEqual(posts[0].body, {
    appId: '60a1b2c3d4e5f6a7b8c9d0e1',
    workflowId: 'ios-release',
    branch: 'feature/checkout-v2',
  });
  const buildId = fake.builds().find((b) => b.workflowId === 'ios-release').id;
  const item = page.locator('.statusbar-item', { hasText: buildId });
  await item.first().waitFor();
  await page.screenshot({ path: path.join(MEDIA, 'screenshot-status-bar.png') });
});

async function startFromPalette(page, fake, workflowLabel) {
  const before = fake.requestsTo('POST', '/builds').length;
  await runCommand(page, 'Start Codemagic build');
  await row(page, workflowLabel).click();
  await waitUntil(() => fake.requestsTo('POST', '/builds').length > before, 'the POST /builds');
  return fake.builds().sort((a, b) => b.createdAt - a.createdAt)[0].id;
}

async function waitUntil(check, what, ms = 15000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the Builds view: live statuses, and the inline cancel button of a running build reaches the fake', async ({
  page,
  fake,
}) => {
  fake.tick(3); // the build of the first test finishes
  const building = await startFromPalette(page, fake, 'Android Debug');
  fake.tick(2);
  const queued = await startFromPalette(page, fake, 'iOS Release');
  await page.locator('.activitybar [aria-label^="Codemagic"]').first().click();
  const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Builds' }) });
  await runCommand(page, 'Codemagic: Refresh Builds');
  const buildRow = (id) => tree.locator(`.monaco-list-row[aria-label*="${id}"]`).first();
  await tree.locator('.monaco-list-row[aria-label*="finished"]').first().waitFor();
  await buildRow(building).locator('.codicon-sync').waitFor();
  // Expand the finished build: its steps and artifacts.
  await tree.locator('.monaco-list-row[aria-label*="finished"]').first().click();
  await tree.locator('.monaco-list-row', { hasText: 'app-release.apk' }).first().waitFor();
  await buildRow(queued).hover();
  await page.screenshot({ path: path.join(MEDIA, 'screenshot-builds.png') });
  const cancel = buildRow(queued).locator('.action-label[aria-label="Cancel Build"]');
  await cancel.waitFor();
  await cancel.click();
  await waitUntil(() => fake.requestsTo('POST', `/builds/${queued}/cancel`).length === 1, 'the cancel request');
  await buildRow(queued).locator('.codicon-circle-slash').waitFor();
  assert.strictEqual(fake.requestsTo('POST', `/builds/${queued}/cancel`).length, 1, 'exactly one cancel');
  assert.strictEqual(fake.build(queued).status, 'canceled');
});

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(RESULTS, { recursive: true });
  const fake = await FakeCodemagic.start({ token: TOKEN });
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-e2e-'));
  const workspace = createDemoWorkspace(parent);
  const cs = await startCodeServer({ mode: 'cli', workspace, userSettings: demoSettings(fake.url) });
  let passed = 0;
  let failed = 0;
  const overall = setTimeout(
    () => {
      console.error('[e2e] TIMEOUT');
      process.exit(1);
    },
    Number(process.env.E2E_TIMEOUT_MS || 300000),
  );
  try {
    const page = await cs.browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.setDefaultTimeout(20000);
    await page.goto(
      cs.workbenchUrl([
        ['extensionDevelopmentPath', cs.rem(ROOT)],
        ['skipWelcome', 'true'],
      ]),
    );
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.statusbar').waitFor();
    await page.locator('.activitybar [aria-label^="Codemagic"]').first().waitFor();
    for (const t of tests) {
      try {
        await t.fn({ page, fake, cs });
        passed++;
        console.log(`  ✔ ${t.name}`);
      } catch (e) {
        failed++;
        console.log(`  ✘ ${t.name}\n    ${String(e.message).replace(/cmtok_SECRET\w*/g, '[REDACTED TOKEN]')}`);
        await page.screenshot({ path: path.join(RESULTS, `e2e-${tests.indexOf(t)}.png`) }).catch(() => {});
      }
    }
  } finally {
    clearTimeout(overall);
    await cs.stop();
    await fake.close();
    fs.rmSync(parent, { recursive: true, force: true });
  }
  console.log(`e2e took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((e) => {
  console.error('[e2e] fatal', e);
  process.exit(1);
});
