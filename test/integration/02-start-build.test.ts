import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FakeCodemagic, RecordedRequest } from '../fake-codemagic';
import { closeQuickInput, extension, signIn, signOut, startFake, statusBarText } from './helpers';
import { git, makeRepo, openIn } from './repos';
import { ui } from './ui';

const TOKEN = 'cmtok_SECRET_start_4f9a1c';
const SHOP = {
  id: 'aaaaaaaaaaaaaaaaaaaaaaa1',
  name: 'Shop App',
  repositoryUrl: 'https://github.com/acme/shop',
  workflows: {},
};
const NOTES = {
  id: 'aaaaaaaaaaaaaaaaaaaaaaa2',
  name: 'Notes App',
  repositoryUrl: 'https://github.com/acme/notes',
  workflows: { '5d85f242e941e00019e81bd2': { name: 'Editor Workflow' } },
};

const YAML = `# anchors, aliases and merge keys, as real files use them
definitions:
  base: &base
    name: Shared Name
    instance_type: mac_mini_m2
    environment: &env
      flutter: stable
workflows:
  ios-release:
    <<: *base
    name: iOS Release
  android-debug:
    <<: *base
    environment:
      <<: *env
`;

function startCommand(args?: object): Thenable<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>('codemagic.startBuild', args);
}

/** Answers the "not pushed" dialog when it shows up. */
async function buildAnyway(branch: string): Promise<void> {
  const message = `Branch "${branch}" has no upstream`;
  await ui.waitMessage(message);
  await ui.clickNotificationButton(message, 'Build anyway');
}

async function pickRow(title: RegExp, label: string): Promise<void> {
  await ui.waitQuickInput(
    `a ${String(title)} pick with ${label}`,
    (s) => title.test(s.title ?? '') && s.rows.some((r) => r.label.includes(label)),
  );
  await ui.clickRow(label);
}

suite('Start a build', () => {
  let fake: FakeCodemagic;
  let tokenChecks: RecordedRequest[] = [];

  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN, apps: [SHOP, NOTES] });
    await signIn(TOKEN);
    tokenChecks = fake.requestsTo('GET', /\/user$/);
  });
  suiteTeardown(async () => {
    await signOut();
    await fake.close();
  });
  setup(async () => {
    fake.clearFaults();
    fake.clearRequests();
    await ui.clearMessages();
    await closeQuickInput();
  });

  test('the token was verified with the server before it was stored', () => {
    assert.strictEqual(tokenChecks.length, 1, 'one GET /user at sign-in');
    assert.ok(tokenChecks[0].headers['x-auth-token'] === TOKEN, 'with the typed token');
  });

  test('on a feature branch, the POST body is exactly {appId, workflowId, branch}; the status bar shows the ID', async () => {
    const dir = makeRepo({ 'codemagic.yaml': YAML }, 'feature/login');
    await openIn(dir);
    const started = startCommand();
    await buildAnyway('feature/login');
    await pickRow(/App/, 'Shop App');
    await pickRow(/Workflow/, 'iOS Release');
    const buildId = await started;
    assert.ok(buildId, 'a build ID');
    const posts = fake.requestsTo('POST', '/builds');
    assert.strictEqual(posts.length, 1);
    assert.deepStrictEqual(posts[0].body, { appId: SHOP.id, workflowId: 'ios-release', branch: 'feature/login' });
    assert.ok(posts[0].headers['x-auth-token'] === TOKEN, 'the stored token was sent');
    const text = await statusBarText(new RegExp(buildId));
    assert.ok(text.includes(buildId));
    await ui.waitMessage(`Build ${buildId} started`);
  });

  test('workflows come from codemagic.yaml with anchors and merge keys, plus the app’s API workflows', async () => {
    const dir = makeRepo({ 'codemagic.yaml': YAML }, 'feature/yaml');
    await openIn(dir);
    const started = startCommand();
    await buildAnyway('feature/yaml');
    await pickRow(/App/, 'Notes App');
    const pick = await ui.waitQuickInput(
      'the workflow pick',
      (s) => /Workflow/.test(s.title ?? '') && s.rows.length > 2,
    );
    const labels = pick.rows.map((r) => r.label);
    assert.ok(labels.includes('iOS Release'), labels.join(', '));
    assert.ok(labels.includes('Shared Name'), 'android-debug takes its name through the merge key');
    assert.ok(labels.includes('Editor Workflow'), 'API workflow listed');
    await ui.clickRow('Shared Name');
    await started;
    const body = fake.requestsTo('POST', '/builds')[0].body as { workflowId: string };
    assert.strictEqual(body.workflowId, 'android-debug');
  });

  test('the app and the last workflow used in the folder are remembered', async () => {
    const dir = makeRepo({ 'codemagic.yaml': YAML }, 'feature/memory');
    await openIn(dir);
    let started = startCommand();
    await buildAnyway('feature/memory');
    await pickRow(/App/, 'Shop App');
    await pickRow(/Workflow/, 'Shared Name');
    await started;
    started = startCommand();
    await buildAnyway('feature/memory');
    const apps = await ui.waitQuickInput('the app pick', (s) => /App/.test(s.title ?? '') && s.rows.length > 1);
    assert.strictEqual(apps.rows.find((r) => r.focused)?.label, 'Shop App', 'the app chosen last time is pre-selected');
    await ui.press('Enter');
    const pick = await ui.waitQuickInput('the workflow pick', (s) => /Workflow/.test(s.title ?? ''));
    assert.strictEqual(pick.rows[0].label, 'Shared Name');
    await closeQuickInput();
    await started;
  });

  test('a broken codemagic.yaml shows its problem and line; manual entry still works', async () => {
    const broken = 'workflows:\n  ios:\n    name: iOS\n    scripts:\n      - name: "unterminated\n  android: [\n';
    const dir = makeRepo({ 'codemagic.yaml': broken }, 'feature/broken');
    await openIn(dir);
    const started = startCommand();
    await buildAnyway('feature/broken');
    await pickRow(/App/, 'Shop App');
    const pick = await ui.waitQuickInput('the workflow pick', (s) => /Workflow/.test(s.title ?? ''));
    const problem = pick.rows.find((r) => /codemagic\.yaml line \d+/.test(r.label));
    assert.ok(problem, `rows: ${pick.rows.map((r) => r.label).join(' | ')}`);
    await ui.clickRow('Enter workflow ID');
    await ui.waitQuickInput('the workflow ID input', (s) => /Workflow ID/.test(s.title ?? ''));
    await ui.type('typed-workflow');
    await ui.press('Enter');
    await started;
    assert.deepStrictEqual(fake.requestsTo('POST', '/builds')[0].body, {
      appId: SHOP.id,
      workflowId: 'typed-workflow',
      branch: 'feature/broken',
    });
  });

  test('detached HEAD offers the ref pick; a tag start sends tag and no branch', async () => {
    const dir = makeRepo({ 'codemagic.yaml': YAML });
    git(dir, 'tag', 'v1.2.3');
    git(dir, 'checkout', '-q', '--detach');
    await openIn(dir);
    const started = startCommand();
    const pick = await ui.waitQuickInput('the ref pick', (s) => /Branch or Tag/.test(s.title ?? ''));
    assert.match(pick.placeholder ?? '', /detached/i);
    assert.ok(
      pick.rows.some((r) => r.label === 'main'),
      'branches listed',
    );
    await ui.clickRow('v1.2.3');
    await pickRow(/App/, 'Shop App');
    await pickRow(/Workflow/, 'iOS Release');
    await started;
    const body = fake.requestsTo('POST', '/builds')[0].body as Record<string, unknown>;
    assert.deepStrictEqual(body, { appId: SHOP.id, workflowId: 'ios-release', tag: 'v1.2.3' });
    assert.ok(!('branch' in body));
  });

  for (const [style, url] of [
    ['https', 'https://github.com/acme/shop.git'],
    ['ssh', 'ssh://git@github.com/acme/shop'],
    ['scp-style', 'git@github.com:acme/shop.git'],
  ]) {
    test(`the app is taken from an ${style} origin remote without asking`, async () => {
      const dir = makeRepo({ 'codemagic.yaml': YAML }, 'feature/remote');
      git(dir, 'remote', 'add', 'origin', url);
      await openIn(dir);
      const started = startCommand();
      await buildAnyway('feature/remote');
      const first = await ui.waitQuickInput('the next pick', (s) => s.rows.length > 0);
      assert.match(first.title ?? '', /Workflow/, 'the app pick was skipped');
      await ui.clickRow('iOS Release');
      await started;
      assert.strictEqual((fake.requestsTo('POST', '/builds')[0].body as { appId: string }).appId, SHOP.id);
    });
  }

  test('with a slow app list, the busy app pick gives way by itself to the workflow pick when the remote matches', async () => {
    const dir = makeRepo({ 'codemagic.yaml': YAML }, 'feature/slow-apps');
    git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/shop.git');
    await openIn(dir);
    await signIn(TOKEN); // a new token drops the cached app list
    fake.clearRequests();
    fake.addFault({ method: 'GET', path: '/apps', times: 1, fault: { kind: 'delay', ms: 1500 } });
    const started = startCommand();
    await buildAnyway('feature/slow-apps');
    const busy = await ui.waitQuickInput('the app pick, busy', (s) => /App/.test(s.title ?? ''));
    assert.strictEqual(busy.rows.length, 0, 'shown while the apps load');
    await ui.waitQuickInput('the workflow pick', (s) => /Workflow/.test(s.title ?? '') && s.rows.length > 0);
    await ui.clickRow('iOS Release');
    await started;
    assert.strictEqual((fake.requestsTo('POST', '/builds')[0].body as { appId: string }).appId, SHOP.id);
    assert.strictEqual(fake.requestsTo('GET', '/apps').length, 1);
  });

  test('an argument object starts a build without prompts', async () => {
    const id = await startCommand({ appId: SHOP.id, workflowId: 'ios-release', branch: 'main' });
    assert.ok(id);
    assert.deepStrictEqual(fake.requestsTo('POST', '/builds')[0].body, {
      appId: SHOP.id,
      workflowId: 'ios-release',
      branch: 'main',
    });
    const qi = await ui.quickInput();
    assert.strictEqual(qi.visible, false, JSON.stringify(qi));
  });

  suite('errors', () => {
    const args = { appId: SHOP.id, workflowId: 'ios-release', branch: 'main' };
    const buildsBefore = () => fake.builds().length;

    test('400 shows the server’s message and starts nothing', async () => {
      const before = buildsBefore();
      fake.addFault({
        method: 'POST',
        path: '/builds',
        fault: { kind: 'status', status: 400, body: { error: 'Workflow ios-release is not defined' } },
      });
      void startCommand(args);
      await ui.waitMessage('Workflow ios-release is not defined');
      assert.strictEqual(buildsBefore(), before);
      assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1, 'sent once, never retried');
    });

    test('401 says the token was rejected and offers to replace it', async () => {
      const before = buildsBefore();
      fake.token = 'another-token';
      try {
        void startCommand(args);
        await ui.waitMessage('rejected your API token');
        assert.strictEqual(buildsBefore(), before);
      } finally {
        fake.token = TOKEN;
      }
    });

    test('404 says the app or token is wrong', async () => {
      const before = buildsBefore();
      void startCommand({ ...args, appId: 'bbbbbbbbbbbbbbbbbbbbbbb9' });
      await ui.waitMessage(/does not know this app or build/);
      assert.strictEqual(buildsBefore(), before);
    });

    test('a network failure says to check the connection or proxy', async () => {
      const before = buildsBefore();
      const cfg = vscode.workspace.getConfiguration('codemagic');
      await cfg.update('apiUrl', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
      try {
        void startCommand(args);
        await ui.waitMessage(/could not be reached.*proxy/);
        assert.strictEqual(buildsBefore(), before);
        assert.strictEqual(fake.requestsTo('POST', '/builds').length, 0);
      } finally {
        await cfg.update('apiUrl', fake.url, vscode.ConfigurationTarget.Global);
      }
    });
  });
});
