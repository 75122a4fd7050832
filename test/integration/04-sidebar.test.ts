import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FakeCodemagic } from '../fake-codemagic';
import { closeQuickInput, extension, signIn, signOut, startFake } from './helpers';
import { sleep, ui, waitFor, type TreeRow } from './ui';

const TOKEN = 'cmtok_SECRET_sidebar_2b7c';
const APP = '60a1b2c3d4e5f6a7b8c9d0e1'; // Flutter Shop in the fake's demo apps

const cfg = () => vscode.workspace.getConfiguration('codemagic');

function start(workflowId = 'ios-release'): Thenable<string | undefined> {
  return vscode.commands.executeCommand<string>('codemagic.startBuild', { appId: APP, workflowId, branch: 'main' });
}

async function row(id: string, match: (r: TreeRow) => boolean = () => true, what = ''): Promise<TreeRow> {
  return waitFor(`the tree row of ${id} ${what}`, async () =>
    (await ui.buildRows()).find((r) => r.ariaLabel.includes(id) && match(r)),
  );
}

async function advance(fake: FakeCodemagic, ticks = 1): Promise<void> {
  fake.tick(ticks);
  await vscode.commands.executeCommand('codemagic.refresh');
}

suite('Builds sidebar', () => {
  let fake: FakeCodemagic;

  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN, artifactHostSeparate: true });
    await cfg().update('pollIntervalSeconds', 5, vscode.ConfigurationTarget.Global);
    await cfg().update('notifyOnFinish', 'always', vscode.ConfigurationTarget.Global);
    await signIn(TOKEN);
    // Builds tracked by earlier suites belong to fakes that are gone: let them end, then clear them.
    await vscode.commands.executeCommand('codemagic.refresh');
    await vscode.commands.executeCommand('codemagic.clearFinished');
    await vscode.commands.executeCommand('codemagic.builds.focus');
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('codemagic.clearFinished');
    await signOut();
    await fake.close();
  });
  setup(async () => {
    fake.clearFaults();
    await ui.clearMessages();
    await closeQuickInput();
  });

  test('a started build appears, changes icon through its statuses, and ends finished with its artifacts', async () => {
    const id = (await start())!;
    let r = await row(id, (x) => x.ariaLabel.includes('queued'), 'queued');
    assert.match(r.icon, /codicon-clock/);
    await advance(fake);
    r = await row(id, (x) => x.ariaLabel.includes('preparing'), 'preparing');
    assert.match(r.icon, /codicon-sync/);
    assert.match(r.icon, /spin/);
    await advance(fake);
    r = await row(id, (x) => x.ariaLabel.includes('building'), 'building');
    assert.match(r.icon, /spin/);
    await advance(fake);
    r = await row(id, (x) => x.ariaLabel.includes('finished'), 'finished');
    assert.match(r.icon, /codicon-pass/);
    assert.ok(!/spin/.test(r.icon));
    await vscode.commands.executeCommand('codemagic.revealBuild', id, { expand: true });
    const names = fake.build(id)!.artifacts.map((a) => a.name);
    const children = await waitFor('artifact rows', async () => {
      const rows = await ui.buildRows();
      return names.every((n) => rows.some((x) => x.label === n)) ? rows : undefined;
    });
    assert.ok(
      children.some((x) => x.label === 'Building' || /Fetching|Preparing/.test(x.label)),
      'steps listed',
    );
    await ui.waitMessage(/Codemagic build .* finished/);
  });

  test('cancel sends exactly one cancel request and the node shows canceled at once', async () => {
    const id = (await start())!;
    await advance(fake);
    await row(id, (x) => x.ariaLabel.includes('preparing'));
    fake.clearRequests();
    await vscode.commands.executeCommand('codemagic.cancelBuild', { kind: 'build', id });
    assert.strictEqual(fake.requestsTo('POST', `/builds/${id}/cancel`).length, 1);
    const r = await row(id, (x) => x.ariaLabel.includes('canceled'), 'canceled');
    assert.match(r.icon, /codicon-circle-slash/);
    assert.strictEqual(fake.build(id)!.status, 'canceled');
  });

  test('cancelling a build that already finished (208) says so and shows it finished', async () => {
    const id = (await start())!;
    fake.tick(4); // finished at Codemagic; not yet seen here
    fake.clearRequests();
    await vscode.commands.executeCommand('codemagic.cancelBuild', { kind: 'build', id });
    await ui.waitMessage(`Build ${id} had already finished`);
    assert.strictEqual(fake.requestsTo('POST', `/builds/${id}/cancel`).length, 1);
    await row(id, (x) => x.ariaLabel.includes('finished'), 'finished');
  });

  test('the palette cancel picks among running builds', async () => {
    const id = (await start())!;
    const done = vscode.commands.executeCommand('codemagic.cancelBuild');
    await ui.waitQuickInput('the running builds pick', (s) =>
      s.rows.some((r) => r.detail.includes(id) || r.ariaLabel.includes(id)),
    );
    await ui.press('Enter');
    await done;
    assert.strictEqual(fake.requestsTo('POST', `/builds/${id}/cancel`).length, 1);
  });

  test('with every tracked build final, no request is made over a full poll period', async () => {
    await vscode.commands.executeCommand('codemagic.refresh');
    fake.clearRequests();
    await sleep(6_000); // pollIntervalSeconds is 5
    assert.deepStrictEqual(
      fake.requests.map((r) => `${r.method} ${r.path}`),
      [],
    );
    // ...while a running build is polled within the same period on its own.
    const id = (await start())!;
    fake.clearRequests();
    await sleep(6_000);
    assert.ok(fake.requestsTo('GET', new RegExp(`/builds/${id}$`)).length >= 1, 'the running build was polled');
    await vscode.commands.executeCommand('codemagic.cancelBuild', id);
  });

  test('the finish notification follows codemagic.notifyOnFinish', async () => {
    await cfg().update('notifyOnFinish', 'failuresOnly', vscode.ConfigurationTarget.Global);
    try {
      fake.setNextOutcome('finished');
      const ok = (await start('android-debug'))!;
      fake.setNextOutcome('failed');
      const bad = (await start('android-release'))!;
      await advance(fake, 3);
      await ui.waitMessage(/Codemagic build android-release.* failed/);
      await sleep(500);
      const alerts = (await ui.messages()).alerts.join('\n');
      assert.ok(!/android-debug.* finished/.test(alerts), 'no notification for a success in failuresOnly');
      await row(ok, (x) => x.ariaLabel.includes('finished'));
      await row(bad, (x) => x.ariaLabel.includes('failed'));
      await cfg().update('notifyOnFinish', 'never', vscode.ConfigurationTarget.Global);
      await ui.clearMessages();
      fake.setNextOutcome('failed');
      const silent = (await start('never-workflow'))!;
      await advance(fake, 3);
      await row(silent, (x) => x.ariaLabel.includes('failed'));
      await sleep(500);
      assert.ok(
        !(await ui.messages()).alerts.some((a) => /Codemagic build never-workflow/.test(a)),
        'no notification with never',
      );
    } finally {
      fake.setNextOutcome('finished');
      await cfg().update('notifyOnFinish', 'always', vscode.ConfigurationTarget.Global);
    }
  });

  test('an artifact download from the tree writes the file the fake served, byte for byte, without sending the token to the storage host', async () => {
    const id = (await start())!;
    await advance(fake, 3);
    await row(id, (x) => x.ariaLabel.includes('finished'));
    await vscode.commands.executeCommand('codemagic.revealBuild', id, { expand: true });
    const artifact = fake.build(id)!.artifacts[0];
    await waitFor('the artifact row', async () => (await ui.buildRows()).some((x) => x.label === artifact.name));
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-dl-'));
    fake.storageRequests.length = 0;
    await ui.hover('.monaco-list-row', artifact.name);
    await ui.click(`.monaco-list-row[aria-label*="${artifact.name}"] .action-label[aria-label^="Download Artifact"]`);
    // VS Code's own folder dialog (a quick input in this workbench): type the folder, accept.
    await ui.waitQuickInput('the folder dialog', (s) => s.visible && (s.title ?? '').includes('Download'));
    await ui.type(dest + '/');
    await sleep(300);
    await ui.press('Enter');
    const file = path.join(dest, artifact.name);
    await waitFor(
      'the downloaded file',
      async () => {
        const ok = fs.existsSync(file) && fs.statSync(file).size === artifact.size;
        if (!ok) {
          const qi = await ui.quickInput();
          if (qi.visible && (qi.title ?? '').includes('Download')) await ui.press('Enter');
        }
        return ok;
      },
      15_000,
    );
    assert.ok(fs.readFileSync(file).equals(fake.artifactBytes(id, artifact.name)), 'same bytes');
    assert.ok(fake.storageRequests.length >= 1, 'downloaded from the storage host');
    assert.ok(
      fake.storageRequests.every((r) => r.headers['x-auth-token'] === undefined),
      'no token sent to storage',
    );
  });
});
