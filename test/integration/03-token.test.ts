import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { FakeCodemagic } from '../fake-codemagic';
import { closeQuickInput, extension, signIn, signOut, startFake } from './helpers';
import { allSettingsText, extensionLogFiles, filesContaining } from './secrets';
import { ui } from './ui';

// Recognisable tokens: the runner also fails the run if "cmtok_SECRET" shows up in its output.
const TOKEN = 'cmtok_SECRET_token_7d3e55';
const WRONG = 'cmtok_SECRET_wrong_0b81aa';

async function typeToken(token: string): Promise<void> {
  await ui.waitQuickInput('the token input', (s) => s.inputType === 'password');
  await ui.type(token);
  await ui.press('Enter');
}

suite('API token', () => {
  let fake: FakeCodemagic;

  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN });
    await signOut();
  });
  suiteTeardown(async () => {
    await signOut();
    await fake.close();
  });
  setup(async () => {
    fake.clearRequests();
    await ui.clearMessages();
    await closeQuickInput();
  });

  test('an action without a token offers "Set API Token" and sends nothing', async () => {
    void vscode.commands.executeCommand('codemagic.startBuild', { appId: 'a', workflowId: 'w', branch: 'main' });
    await ui.waitMessage('Set your Codemagic API token to start builds');
    assert.strictEqual(fake.requests.length, 0);
  });

  test('a rejected token is not stored', async () => {
    void vscode.commands.executeCommand('codemagic.setToken');
    await typeToken(WRONG);
    await ui.waitMessage('Codemagic rejected this API token, so it was not saved');
    const checks = fake.requests.filter((r) => r.path.endsWith('/user'));
    assert.strictEqual(checks.length, 1, 'checked once with the server');
    assert.ok(checks[0].headers['x-auth-token'] === WRONG, 'the typed token was the one checked');
    await ui.clearMessages();
    fake.clearRequests();
    void vscode.commands.executeCommand('codemagic.startBuild', { appId: 'a', workflowId: 'w', branch: 'main' });
    await ui.waitMessage('Set your Codemagic API token to start builds');
    assert.strictEqual(fake.requests.length, 0, 'still no token stored');
  });

  test('a good token is verified, then stored and used; clearing removes it', async () => {
    await signIn(TOKEN);
    await ui.waitMessage('Codemagic API token saved');
    const check = fake.requests.find((r) => r.path.endsWith('/user'));
    assert.ok(check && check.headers['x-auth-token'] === TOKEN, 'verified with GET /user');
    const id = await vscode.commands.executeCommand<string>('codemagic.startBuild', {
      appId: fake.builds()[0]?.appId ?? '60a1b2c3d4e5f6a7b8c9d0e1',
      workflowId: 'release',
      branch: 'main',
    });
    assert.ok(id, 'a build started with the stored token');
    await signOut();
    await ui.waitMessage('Codemagic API token removed');
    fake.clearRequests();
    void vscode.commands.executeCommand('codemagic.startBuild', { appId: 'a', workflowId: 'w', branch: 'main' });
    await ui.waitMessage('Set your Codemagic API token to start builds');
    assert.strictEqual(fake.requests.length, 0);
  });

  test('the token is in no log, setting or server-side file', () => {
    const logs = extensionLogFiles();
    assert.ok(logs.length > 0, 'the Codemagic log file exists');
    const logText = logs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.match(logText, /API token verified and saved/, 'the log is the one we write to');
    for (const token of [TOKEN, WRONG]) {
      assert.ok(!logText.includes(token), 'token in the Codemagic log');
      assert.ok(!allSettingsText().includes(token), 'token in settings');
      assert.deepStrictEqual(filesContaining(token), [], 'files on the server holding the token');
    }
  });
});
