import * as vscode from 'vscode';
import * as assert from 'assert';
import type { FakeCodemagic } from '../fake-codemagic';
import { extension, signIn, startFake } from './helpers';
import { saveRestartState } from './restartState';

const TOKEN = 'cmtok_SECRET_restart_55ae';
const APP = '60a1b2c3d4e5f6a7b8c9d0e1';

// Runs last in the first phase: starts builds and leaves them tracked; the runner then reloads the
// window and test/integration/restart/ checks that they are still listed and polled.
suite('Before a restart', () => {
  let fake: FakeCodemagic;
  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN });
    await signIn(TOKEN);
    await vscode.commands.executeCommand('codemagic.clearFinished');
  });
  suiteTeardown(() => fake.close());

  test('two running builds and a cancelled one are tracked', async () => {
    const start = (workflowId: string) =>
      vscode.commands.executeCommand<string>('codemagic.startBuild', { appId: APP, workflowId, branch: 'main' });
    const a = await start('resume-a');
    const b = await start('resume-b');
    const done = await start('resume-done');
    await vscode.commands.executeCommand('codemagic.cancelBuild', done);
    assert.strictEqual(fake.build(done)!.status, 'canceled');
    saveRestartState({
      token: TOKEN,
      running: [a, b].map((id) => ({ id, appId: APP, workflowId: fake.build(id)!.workflowId, status: 'building' })),
      finished: [{ id: done, appId: APP, workflowId: 'resume-done' }],
    });
  });
});
