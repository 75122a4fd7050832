import * as vscode from 'vscode';
import { Commands } from './commands/ids';
import { openInCodemagic } from './commands/openInCodemagic';
import { revealBuild } from './commands/revealBuild';
import { startBuild } from './commands/startBuild';
import { clearToken, setToken } from './commands/token';
import { BuildStore } from './core/buildStore';
import { CodemagicService } from './services/codemagic';
import { FolderMemoryStore } from './services/memory';
import type { Services } from './services/services';
import { Settings } from './services/settings';
import { TokenStore } from './services/tokenStore';
import { BuildsTreeProvider, createBuildsView } from './views/buildsTree';
import { BuildStatusBar } from './views/statusBar';

/** The composition root: builds the services, hands them to commands and views, owns every disposable. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Codemagic', { log: true });
  const settings = new Settings();
  const tokens = new TokenStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const codemagic = new CodemagicService(settings, tokens, `codemagic-vscode/${version}`);
  const store = new BuildStore(context.workspaceState, log, () => settings.historySize());
  const memory = new FolderMemoryStore(context.workspaceState);
  const s: Services = { log, tokens, codemagic, store, memory };
  const tree = new BuildsTreeProvider(store);
  const view = createBuildsView(tree);
  void tokens.refresh();

  const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    tokens,
    codemagic,
    tree,
    view,
    new BuildStatusBar(store),
    command(Commands.setToken, () => setToken(tokens, codemagic, log)),
    command(Commands.clearToken, () => clearToken(tokens, log)),
    command(Commands.startBuild, (args) => startBuild(s, args)),
    command(Commands.revealBuild, (id) => revealBuild(view, tree, id)),
    command(Commands.openInCodemagic, (node) => openInCodemagic(store, node as never)),
  );
}

export function deactivate(): void {}
