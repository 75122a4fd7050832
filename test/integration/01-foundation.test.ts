import * as assert from 'assert';
import * as vscode from 'vscode';
import { extension } from './helpers';

interface PackageJson {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { default: unknown; scope?: string }> };
    views: Record<string, { id: string; name: string }[]>;
  };
  activationEvents?: string[];
}

suite('Foundation', () => {
  const pkg = () => extension().packageJSON as PackageJson;

  test('the extension activates in a real extension host', async () => {
    const ext = extension();
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.ok(vscode.version, 'vscode.version');
    assert.ok(!(pkg().activationEvents ?? []).includes('*'), 'no * activation');
  });

  test('every contributed command is registered, and every registered codemagic.* command is contributed', async () => {
    await extension().activate();
    const contributed = pkg()
      .contributes.commands.map((c) => c.command)
      .sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('codemagic.'));
    // Views add their own focus/reset commands under their id: those are VS Code's, not ours.
    const ours = registered
      .filter(
        (c) =>
          !/^codemagic\.builds\.|^codemagic\.[\w.]*(focus|resetViewLocation|open|toggleVisibility|removeView)$/.test(c),
      )
      .sort();
    for (const c of contributed) assert.ok(registered.includes(c), `${c} is contributed but not registered`);
    assert.deepStrictEqual(ours, contributed);
  });

  test('"Start Codemagic build" is in the palette', () => {
    const start = pkg().contributes.commands.find((c) => c.command === 'codemagic.startBuild');
    assert.ok(start && /start codemagic build/i.test(start.title));
  });

  test('the Builds view exists in the Codemagic container', async () => {
    const views = pkg().contributes.views.codemagic;
    assert.deepStrictEqual(
      views.map((v) => [v.id, v.name]),
      [['codemagic.builds', 'Builds']],
    );
    await vscode.commands.executeCommand('codemagic.builds.focus');
  });

  test('API URL settings have their defaults and application scope', async () => {
    const props = pkg().contributes.configuration.properties;
    const cfg = vscode.workspace.getConfiguration('codemagic');
    for (const [key, def] of [
      ['apiUrl', 'https://api.codemagic.io'],
      ['apiV3Url', 'https://codemagic.io/api/v3'],
    ]) {
      assert.strictEqual(props[`codemagic.${key}`].scope, 'application');
      assert.strictEqual(cfg.inspect(key)?.defaultValue, def);
      // A workspace (a cloned repo's .vscode/settings.json) cannot set it.
      await assert.rejects(
        Promise.resolve(cfg.update(key, 'https://evil.example', vscode.ConfigurationTarget.Workspace)),
      );
    }
  });
});
