import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FakeCodemagic } from '../fake-codemagic';
import { closeQuickInput, extension, signIn, signOut, startFake } from './helpers';
import { git, makeRepo, openIn } from './repos';
import { allSettingsText, filesContaining } from './secrets';
import { sleep, ui, waitFor, type QuickInputState } from './ui';

const TOKEN = 'cmtok_SECRET_options_c41d';
const SECRET_VALUE = 'cmval_SECRET_value_9e1f';
const APP = {
  id: 'cccccccccccccccccccccccc',
  name: 'Release App',
  repositoryUrl: 'https://github.com/acme/release',
  workflows: {},
};

const YAML = `definitions:
  env: &env
    groups: [app_store, firebase]
    xcode: "15.4"
    flutter: 3.24.0
  base: &base
    instance_type: mac_mini_m2
    environment: *env
workflows:
  ios-release:
    <<: *base
    name: iOS Release
  android-qa:
    <<: *base
    name: Android QA
    instance_type: linux_x2
`;

const cfg = () => vscode.workspace.getConfiguration('codemagic');

/** Waits for the options step whose placeholder or prompt matches. */
function step(match: RegExp): Promise<QuickInputState> {
  return ui.waitQuickInput(
    `the step ${String(match)}`,
    (s) =>
      /Start Build with Options/.test(s.title ?? '') &&
      (match.test(s.placeholder ?? '') || match.test(s.message ?? '')),
  );
}

async function buildAnyway(): Promise<void> {
  const message = 'Branch "release/2.0" has no upstream';
  await ui.waitMessage(message);
  await ui.clickNotificationButton(message, 'Build anyway');
}

async function typeAndEnter(text: string): Promise<void> {
  await ui.type(text);
  await ui.press('Enter');
}

suite('Start build with options', () => {
  let fake: FakeCodemagic;
  let dir: string;

  const startWithOptions = () =>
    vscode.commands.executeCommand<string | undefined>('codemagic.startBuildWithOptions', {
      appId: APP.id,
      workflowId: 'ios-release',
    });
  const lastPost = () => {
    const posts = fake.requestsTo('POST', '/builds');
    return posts[posts.length - 1]?.body as Record<string, unknown>;
  };

  suiteSetup(async () => {
    await extension().activate();
    fake = await startFake({ token: TOKEN, apps: [APP] });
    await signIn(TOKEN);
    dir = makeRepo({ 'codemagic.yaml': YAML }, 'release/2.0');
    git(dir, 'tag', 'v2.0.0');
    await openIn(dir, 'codemagic.yaml');
  });
  suiteTeardown(async () => {
    await cfg().update('defaultLabels', undefined, vscode.ConfigurationTarget.Global);
    await signOut();
    await fake.close();
  });
  setup(async () => {
    fake.clearRequests();
    await ui.clearMessages();
    await closeQuickInput();
  });

  test('a full-options start sends the documented body shape; variable values only in the request', async () => {
    await cfg().update('defaultLabels', ['vscode'], vscode.ConfigurationTarget.Global);
    const started = startWithOptions();
    await step(/What should Codemagic build/);
    await ui.clickRow('Current branch');
    await step(/Environment variables/);
    await ui.clickRow('Add variable');
    await step(/NAME=value/);
    await typeAndEnter('API_URL=https://staging.example.com');
    await step(/Environment variables/);
    await ui.clickRow('Add variable');
    await step(/NAME=value/);
    await typeAndEnter(`SECRET_KEY=${SECRET_VALUE}`);
    const vars = await step(/Environment variables/);
    assert.ok(vars.rows.some((r) => r.label === 'SECRET_KEY'));
    assert.ok(!JSON.stringify(vars).includes(SECRET_VALUE), 'the value is not shown in the list');
    await ui.clickRow('Continue');
    const groups = await step(/Variable groups/);
    assert.deepStrictEqual(
      groups.rows.map((r) => r.label).sort(),
      ['app_store', 'firebase'],
      'suggested from codemagic.yaml',
    );
    await ui.clickRow('firebase');
    await ui.press('Enter');
    await step(/Software versions/);
    await ui.clickRow('xcode');
    await step(/xcode version/);
    await typeAndEnter('15.4');
    await step(/Software versions/);
    await ui.clickRow('flutter');
    await step(/flutter version/);
    await typeAndEnter('3.24.0');
    await step(/Software versions/);
    await ui.clickRow('Continue');
    await step(/Labels/);
    await typeAndEnter('release, qa');
    const machines = await step(/Build machine/);
    assert.strictEqual(
      machines.rows.find((r) => r.focused)?.label,
      'mac_mini_m2',
      'defaults to the workflow instance_type',
    );
    await ui.clickRow('mac_mini_m4');
    const summary = await step(/exactly what will be sent/);
    const text = summary.rows.map((r) => r.label).join('\n');
    assert.match(text, /Variables: API_URL=••••, SECRET_KEY=••••/);
    assert.ok(!text.includes(SECRET_VALUE));
    await ui.clickRow('Start build');
    await buildAnyway();
    const id = await started;
    assert.ok(id);
    assert.deepStrictEqual(lastPost(), {
      appId: APP.id,
      workflowId: 'ios-release',
      branch: 'release/2.0',
      labels: ['release', 'qa', 'vscode'],
      environment: {
        variables: { API_URL: 'https://staging.example.com', SECRET_KEY: SECRET_VALUE },
        groups: ['firebase'],
        softwareVersions: { xcode: '15.4', flutter: '3.24.0' },
      },
      instanceType: 'mac_mini_m4',
    });
  });

  test('rebuild sends a body equal to the original, variable values included', async () => {
    const original = fake.requestsTo('POST', '/builds');
    assert.strictEqual(original.length, 0);
    const before = fake.builds().map((b) => b.id);
    const last = before[before.length - 1];
    await vscode.commands.executeCommand('codemagic.rebuild', last);
    const first = lastPost();
    await vscode.commands.executeCommand('codemagic.rebuildLast');
    const second = lastPost();
    assert.deepStrictEqual(first, second);
    assert.strictEqual((first.environment as { variables: Record<string, string> }).variables.SECRET_KEY, SECRET_VALUE);
    assert.strictEqual(first.instanceType, 'mac_mini_m4');
  });

  test('variable values are in no workspace state, setting or server file', async () => {
    // Positive control: the remembered options (with the variable's name) reach the browser's storage.
    const dump = await waitFor(
      'the workspace state to be written',
      async () => {
        const d = await ui.storageDump();
        return d.includes('SECRET_KEY') ? d : undefined;
      },
      20_000,
    );
    assert.ok(!dump.includes(SECRET_VALUE), 'value in browser storage (workspace/global state)');
    assert.ok(!allSettingsText().includes(SECRET_VALUE), 'value in settings');
    assert.deepStrictEqual(filesContaining(SECRET_VALUE), []);
  });

  test('the options are remembered for the workflow', async () => {
    const started = startWithOptions();
    await step(/What should Codemagic build/);
    await ui.clickRow('Current branch');
    const vars = await step(/Environment variables/);
    assert.ok(
      vars.rows.some((r) => r.label === 'SECRET_KEY'),
      'variables remembered',
    );
    await ui.clickRow('Continue');
    const groups = await step(/Variable groups/);
    assert.deepStrictEqual(
      groups.rows.filter((r) => r.checked).map((r) => r.label),
      ['firebase'],
    );
    await closeQuickInput();
    assert.strictEqual(await started, undefined);
  });

  test('an invalid variable name is refused in the input, and nothing is sent', async () => {
    const started = startWithOptions();
    await step(/What should Codemagic build/);
    await ui.clickRow('Current branch');
    await step(/Environment variables/);
    await ui.clickRow('Add variable');
    await step(/NAME=value/);
    await ui.type('1BAD-NAME=x');
    const s = await ui.waitQuickInput('the validation message', (q) =>
      /not a valid variable name/.test(q.message ?? ''),
    );
    assert.match(s.message ?? '', /1BAD-NAME/);
    await ui.press('Enter');
    await sleep(300);
    assert.match((await ui.quickInput()).message ?? '', /not a valid variable name/, 'still on the input');
    await closeQuickInput();
    assert.strictEqual(await started, undefined);
    assert.strictEqual(fake.requestsTo('POST', '/builds').length, 0);
  });

  test('Back returns to the previous step', async () => {
    const started = startWithOptions();
    await step(/What should Codemagic build/);
    await ui.clickRow('Current branch');
    await step(/Environment variables/);
    await ui.click('.quick-input-widget .codicon-quick-input-back');
    await step(/What should Codemagic build/);
    await closeQuickInput();
    await started;
  });

  test('a tag target sends tag and no branch; a minimal start sends no empty objects', async () => {
    await cfg().update('defaultLabels', undefined, vscode.ConfigurationTarget.Global);
    const started = vscode.commands.executeCommand<string>('codemagic.startBuildWithOptions', {
      appId: APP.id,
      workflowId: 'android-qa',
    });
    await step(/What should Codemagic build/);
    await ui.clickRow('A tag');
    await step(/Pick the tag/);
    await ui.clickRow('v2.0.0');
    await step(/Environment variables/);
    await ui.clickRow('Continue');
    await step(/Variable groups/);
    await ui.press('Enter');
    await step(/Software versions/);
    await ui.clickRow('Continue');
    await step(/Labels/);
    await ui.press('Enter');
    await step(/Build machine/);
    await ui.clickRow('Workflow default');
    await step(/exactly what will be sent/);
    await ui.clickRow('Start build');
    await started;
    assert.deepStrictEqual(lastPost(), { appId: APP.id, workflowId: 'android-qa', tag: 'v2.0.0' });
  });

  test('CodeLens above both workflows of a codemagic.yaml with anchors; running one starts that workflow', async () => {
    const uri = vscode.Uri.file(`${dir}/codemagic.yaml`);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      return l && l.length >= 4 ? l : undefined;
    });
    const at = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
    const text = (await vscode.workspace.openTextDocument(uri)).getText().split('\n');
    const iosLine = text.findIndex((l) => l.startsWith('  ios-release:'));
    const qaLine = text.findIndex((l) => l.startsWith('  android-qa:'));
    assert.ok(
      at(iosLine).some((t) => /Start build/.test(t)),
      `lenses at ios-release: ${at(iosLine).join(', ')}`,
    );
    assert.ok(at(iosLine).includes('Start with options…'));
    assert.ok(at(qaLine).some((t) => /Start build/.test(t)));
    assert.ok(
      at(iosLine).some((t) => /#\d+ queued/.test(t)),
      'latest tracked build status shown',
    );
    const start = lenses.find((l) => l.range.start.line === qaLine && /Start build/.test(l.command?.title ?? ''))!;
    const started = vscode.commands.executeCommand<string>(
      start.command!.command,
      ...((start.command!.arguments ?? []) as unknown[]),
    );
    await buildAnyway();
    const apps = await ui.waitQuickInput('the app pick', (s) => /App/.test(s.title ?? ''));
    assert.strictEqual(apps.rows.find((r) => r.focused)?.label, APP.name, 'the folder’s app pre-selected');
    await ui.press('Enter');
    assert.ok(await started);
    assert.deepStrictEqual(lastPost(), { appId: APP.id, workflowId: 'android-qa', branch: 'release/2.0' });
  });
});
