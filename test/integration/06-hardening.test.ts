import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Fault, FakeCodemagic } from '../fake-codemagic';
import { closeQuickInput, extension, signIn, signOut, startFake } from './helpers';
import { startTestProxy } from './proxyServer';
import { allSettingsText, extensionLogFiles, filesContaining } from './secrets';
import { ui, waitFor } from './ui';
import * as fs from 'fs';

const TOKEN = 'cmtok_SECRET_hardening_e77f';
const APP = '60a1b2c3d4e5f6a7b8c9d0e1';
const args = { appId: APP, workflowId: 'ios-release', branch: 'main' };
const cfg = (section = 'codemagic') => vscode.workspace.getConfiguration(section);
const G = vscode.ConfigurationTarget.Global;

/** The faults of the matrix and the message each must produce. */
const FAULTS: { name: string; fault: Fault; message: RegExp }[] = [
  { name: 'connection reset', fault: { kind: 'reset' }, message: /could not be reached|may have started/ },
  {
    name: 'reset mid-body',
    fault: { kind: 'resetMidBody' },
    message: /could not be reached|may have started|could not read/,
  },
  { name: '500', fault: { kind: 'status', status: 500 }, message: /had a problem \(HTTP 500\)/ },
  { name: '502', fault: { kind: 'status', status: 502 }, message: /had a problem \(HTTP 502\)/ },
  { name: '503', fault: { kind: 'status', status: 503 }, message: /had a problem \(HTTP 503\)/ },
  {
    name: '429 with rate-limit headers',
    fault: { kind: 'rateLimit', resetSeconds: 120 },
    message: /rate limit was reached\. Try again after/,
  },
  { name: 'malformed JSON', fault: { kind: 'malformed' }, message: /could not read|may have started/ },
  { name: 'an HTML error page', fault: { kind: 'html' }, message: /had a problem \(HTTP 502\)/ },
  { name: 'an empty body', fault: { kind: 'empty' }, message: /could not read|may have started/ },
];

/**
 * Runs an action that fails: waits until the fake got the request and the message showed, then
 * dismisses the message and waits for the action to end, so no request of it leaks into the next case.
 */
async function expectFailure(
  fake: FakeCodemagic,
  action: () => Thenable<unknown>,
  sent: () => boolean,
  message: RegExp,
  timeoutMs = 10_000,
): Promise<void> {
  const done = Promise.resolve(action());
  await waitFor('the request to reach the fake', () => Promise.resolve(sent()), timeoutMs);
  await ui.waitMessage(message, timeoutMs);
  await ui.clearMessages();
  await Promise.race([
    done,
    new Promise((_, rej) => setTimeout(() => rej(new Error('the action did not end')), 10_000)),
  ]);
  void fake;
}

suite('Hardening: faults, bad input, token safety', () => {
  let fake: FakeCodemagic;
  const rejections: unknown[] = [];
  const onRejection = (r: unknown) => rejections.push(r);

  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN });
    await signIn(TOKEN);
    await vscode.commands.executeCommand('codemagic.refresh');
    await vscode.commands.executeCommand('codemagic.clearFinished');
    process.on('unhandledRejection', onRejection);
    await vscode.commands.executeCommand('codemagic.builds.focus');
  });
  suiteTeardown(async () => {
    process.off('unhandledRejection', onRejection);
    await signOut();
    await fake.close();
  });
  setup(async () => {
    fake.clearFaults();
    fake.clearRequests();
    await ui.clearMessages();
    await closeQuickInput();
  });

  suite('start: a clear message and never two builds from one start', () => {
    for (const f of [
      ...FAULTS,
      { name: 'a slow server (timeout)', fault: { kind: 'hang' } as Fault, message: /may have started/ },
    ]) {
      test(f.name, async function () {
        if (f.fault.kind === 'hang') this.timeout(60_000);
        const before = fake.builds().length;
        fake.addFault({ method: 'POST', path: '/builds', fault: f.fault });
        await expectFailure(
          fake,
          () => vscode.commands.executeCommand('codemagic.startBuild', args),
          () => fake.requestsTo('POST', '/builds').length > 0,
          f.message,
          f.fault.kind === 'hang' ? 45_000 : 10_000,
        );
        assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1, 'exactly one POST /builds');
        // resetMidBody lets the fake create the build before cutting the answer: at most one build.
        assert.ok(fake.builds().length - before <= 1);
      });
    }
    test('connection refused', async () => {
      await cfg().update('apiUrl', 'http://127.0.0.1:9', G);
      try {
        void vscode.commands.executeCommand('codemagic.startBuild', args);
        await ui.waitMessage(/could not be reached/);
      } finally {
        await cfg().update('apiUrl', fake.url, G);
      }
    });
  });

  suite('cancel', () => {
    let running: string;
    suiteSetup(async () => {
      running = (await vscode.commands.executeCommand<string>('codemagic.startBuild', args))!;
    });
    for (const f of FAULTS) {
      test(f.name, async () => {
        fake.addFault({ method: 'POST', path: /\/cancel$/, fault: f.fault });
        await expectFailure(
          fake,
          () => vscode.commands.executeCommand('codemagic.cancelBuild', running),
          () => fake.requestsTo('POST', /\/cancel$/).length > 0,
          f.fault.kind === 'malformed' || f.fault.kind === 'empty' ? /cancelled|could not read/ : f.message,
        );
        const cancels = fake.requestsTo('POST', /\/cancel$/);
        assert.ok(cancels.length <= 1, `cancel is not retried: ${cancels.map((r) => `${r.path}@${r.at}`).join(', ')}`);
        if (fake.build(running)!.status === 'canceled') {
          // The fault answered after the cancel took effect (or the body was unreadable): start another.
          running = (await vscode.commands.executeCommand<string>('codemagic.startBuild', args))!;
        }
      });
    }
  });

  suite('token check and app list', () => {
    for (const f of FAULTS) {
      test(`token check: ${f.name}`, async function () {
        this.timeout(40_000);
        fake.addFault({ method: 'GET', path: /\/user$/, fault: f.fault });
        await expectFailure(
          fake,
          async () => {
            const done = vscode.commands.executeCommand('codemagic.setToken');
            await ui.waitQuickInput('the token input', (s) => s.inputType === 'password');
            await ui.type(TOKEN);
            await ui.press('Enter');
            await done;
          },
          () => fake.requestsTo('GET', /\/user$/).length > 0,
          /check the API token \(it was not saved\)/,
          30_000,
        );
      });
      test(`app list: ${f.name}`, async function () {
        this.timeout(40_000);
        // Changing an API setting drops the cached app list, so the next pick asks Codemagic again.
        await cfg().update('apiV3Url', `${fake.v3Url}${fake.requests.length % 2 ? '/' : ''}`, G);
        fake.addFault({ method: 'GET', path: '/apps', fault: f.fault });
        await expectFailure(
          fake,
          () => vscode.commands.executeCommand('codemagic.startBuild', { workflowId: 'ios-release', branch: 'main' }),
          () => fake.requestsTo('GET', '/apps').length > 0,
          new RegExp(`Could not start a Codemagic build: .*(?:${f.message.source})`),
          30_000,
        );
        assert.strictEqual(fake.requestsTo('POST', '/builds').length, 0);
      });
    }
  });

  test('polling survives faults, keeps tracked builds, and recovers on its own', async function () {
    this.timeout(60_000);
    await cfg().update('pollIntervalSeconds', 5, G);
    const id = await vscode.commands.executeCommand<string>('codemagic.startBuild', args);
    fake.addFault({ method: 'GET', path: /\/builds\/[^/]+$/, fault: { kind: 'status', status: 503 } });
    fake.tick(2);
    await vscode.commands.executeCommand('codemagic.refresh');
    await waitFor('the build still listed', async () => (await ui.buildRows()).some((r) => r.ariaLabel.includes(id)));
    fake.clearFaults();
    await waitFor(
      'the poller to recover',
      async () => (await ui.buildRows()).find((r) => r.ariaLabel.includes(id) && r.ariaLabel.includes('building')),
      40_000,
    );
  });

  test('unknown fields and an unknown status: shown as running, no crash', async () => {
    const id = fake.createBuild({ appId: APP, status: 'levitating' });
    const started = await vscode.commands.executeCommand<string>('codemagic.startBuild', args);
    assert.ok(started && id);
    await vscode.commands.executeCommand('codemagic.refresh');
    await waitFor('the build listed', async () => (await ui.buildRows()).some((r) => r.ariaLabel.includes(started)));
  });

  test('a huge (5 MB) codemagic.yaml gives a message, not a hang', async function () {
    this.timeout(30_000);
    const { makeRepo, openIn } = await import('./repos');
    const big = 'workflows:\n  w:\n    name: W\n' + `# ${'x'.repeat(100)}\n`.repeat(50_000);
    const dir = makeRepo({ 'codemagic.yaml': big }, 'feature/huge');
    await openIn(dir);
    void vscode.commands.executeCommand('codemagic.startBuild', { appId: APP });
    await ui.clickNotificationButton('Branch "feature/huge" has no upstream', 'Build anyway').catch(async () => {
      await ui.waitMessage('has no upstream');
      await ui.clickNotificationButton('Branch "feature/huge" has no upstream', 'Build anyway');
    });
    const pick = await ui.waitQuickInput('the workflow pick', (s) => /Workflow/.test(s.title ?? ''));
    assert.ok(
      pick.rows.some((r) => /larger than/.test(r.label)),
      pick.rows.map((r) => r.label).join(' | '),
    );
    await closeQuickInput();
  });

  test('build ids with slashes, spaces, # and ? are URL-encoded into paths', async () => {
    await vscode.commands.executeCommand('codemagic.cancelBuild', 'a/b c#d?e');
    await ui.waitMessage(/does not know this app or build/);
    const req = fake.requestsTo('POST', /\/cancel$/)[0];
    assert.ok(req, 'one cancel request');
    assert.ok(['/builds/a%2Fb%20c%23d%3Fe/cancel', '/builds/a/b c#d?e/cancel'].includes(req.path), req.path);
  });

  test('plain http:// API URLs are refused except on loopback', async () => {
    await cfg().update('apiUrl', 'http://api.example.com', G);
    try {
      void vscode.commands.executeCommand('codemagic.startBuild', args);
      await ui.waitMessage(/must use https:\/\//);
      // (The poller may still be asking the fake about running builds: the start itself sent nothing.)
      assert.strictEqual(fake.requestsTo('POST', '/builds').length, 0);
    } finally {
      await cfg().update('apiUrl', fake.url, G);
    }
  });

  test('requests go through the proxy of http.proxy', async () => {
    const proxy = await startTestProxy();
    await cfg('http').update('proxy', proxy.url, G);
    try {
      const id = await vscode.commands.executeCommand<string>('codemagic.startBuild', args);
      assert.ok(id);
      assert.ok(proxy.targets.includes(new URL(fake.url).host), `proxy saw: ${proxy.targets.join(', ')}`);
      assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1);
    } finally {
      await cfg('http').update('proxy', undefined, G);
      await proxy.close();
    }
  });

  test('no unhandled promise rejection came from the extension', () => {
    const ours = rejections.filter((r) => /codemagic|Codemagic/.test(String((r as Error)?.stack ?? r)));
    assert.deepStrictEqual(ours.map(String), []);
  });

  test('after all of it, the token is in no log, setting, browser storage or server file', async () => {
    const logText = extensionLogFiles()
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    assert.match(logText, /Could not start/, 'the log holds the errors above');
    assert.ok(!logText.includes(TOKEN), 'token in the log');
    assert.ok(!allSettingsText().includes(TOKEN), 'token in settings');
    assert.ok(!(await ui.storageDump()).includes(TOKEN), 'token in the browser storage (workspace/global state)');
    assert.deepStrictEqual(filesContaining(TOKEN), []);
  });
});
