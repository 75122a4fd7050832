import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FakeCodemagic } from '../../fake-codemagic';
import { extension, signIn, startFake } from '../helpers';
import { loadRestartState } from '../restartState';
import { ui, waitFor } from '../ui';

suite('After a window reload', () => {
  let fake: FakeCodemagic;
  const state = loadRestartState();

  suiteSetup(async () => {
    // A new fake knows the same builds, still running there.
    fake = await startFake({ token: state.token });
    for (const b of state.running)
      fake.createBuild({ id: b.id, appId: b.appId, workflowId: b.workflowId, status: 'building' });
    for (const b of state.finished)
      fake.createBuild({ id: b.id, appId: b.appId, workflowId: b.workflowId, status: 'canceled' });
    await extension().activate();
    await vscode.commands.executeCommand('codemagic.builds.focus');
    // The web workbench of the VS Code server keeps SecretStorage in memory only, so the token does not
    // survive a page reload there (desktop VS Code keeps it in the OS keychain). Enter it again if needed.
    const lost = await ui
      .waitMessage('Set your Codemagic API token to refresh build status', 3000)
      .then(() => true)
      .catch(() => false);
    console.log(`  (token ${lost ? 'was lost with the reload: entered again' : 'survived the reload'})`);
    if (lost) await signIn(state.token);
  });
  suiteTeardown(() => fake.close());

  test('tracked builds are still listed', async () => {
    const ids = [...state.running, ...state.finished].map((b) => b.id);
    const rows = await waitFor('all tracked builds in the tree', async () => {
      const r = await ui.buildRows();
      return ids.every((id) => r.some((x) => x.ariaLabel.includes(id))) ? r : undefined;
    });
    assert.ok(rows.length >= ids.length);
  });

  test('running builds are polled again on their own, finished ones are not', async () => {
    for (const b of state.running) {
      await waitFor(
        `a poll of ${b.id}`,
        () => Promise.resolve(fake.requestsTo('GET', new RegExp(`/builds/${b.id}$`)).length > 0),
        20_000,
      );
    }
    const r = await waitFor('a running build shown as building', async () =>
      (await ui.buildRows()).find((x) => x.ariaLabel.includes(state.running[0].id) && x.ariaLabel.includes('building')),
    );
    assert.match(r.icon, /spin/);
    assert.strictEqual(fake.requestsTo('GET', new RegExp(`/builds/${state.finished[0].id}$`)).length, 0);
    const tokenOk = fake.requests.every((q) => q.headers['x-auth-token'] === state.token);
    assert.ok(tokenOk, 'the token stored before the reload is still used');
  });
});
