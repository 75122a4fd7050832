import * as vscode from 'vscode';
import { cancelBuild } from './commands/cancelBuild';
import { clearFinished } from './commands/clearFinished';
import { copyArtifactLink } from './commands/copyArtifactLink';
import { copyBuildId } from './commands/copyBuildId';
import { downloadArtifact } from './commands/downloadArtifact';
import { Commands } from './commands/ids';
import { openInCodemagic } from './commands/openInCodemagic';
import { rebuild, rebuildLast } from './commands/rebuild';
import { refresh } from './commands/refresh';
import { removeBuild } from './commands/removeBuild';
import { revealBuild } from './commands/revealBuild';
import { startBuild } from './commands/startBuild';
import { startBuildWithOptions } from './commands/startBuildWithOptions';
import { clearToken, setToken } from './commands/token';
import { BuildStore } from './core/buildStore';
import { Poller } from './core/poller';
import { CodemagicService } from './services/codemagic';
import { buildStorage } from './services/fileStorage';
import { FolderMemoryStore } from './services/memory';
import { OptionsMemory } from './services/optionsMemory';
import type { Services } from './services/services';
import { Settings } from './services/settings';
import { TokenStore } from './services/tokenStore';
import { BuildsTreeProvider, createBuildsView } from './views/buildsTree';
import { CODEMAGIC_YAML_SELECTOR, WorkflowCodeLensProvider } from './views/codeLens';
import { showError } from './views/errors';
import { notifyFinished } from './views/notifications';
import { BuildStatusBar } from './views/statusBar';

/** The composition root: builds the services, hands them to commands and views, owns every disposable. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Codemagic', { log: true });
  const settings = new Settings();
  const tokens = new TokenStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const codemagic = new CodemagicService(settings, tokens, `codemagic-vscode/${version}`, log);
  const store = new BuildStore(buildStorage(context), log, () => settings.historySize());
  const memory = new FolderMemoryStore(context.workspaceState);
  const poller = new Poller({
    store,
    client: () => codemagic.client(),
    intervalMs: () => settings.pollIntervalMs(),
    focused: () => vscode.window.state.focused,
    onFinal: (b) => void notifyFinished(b, settings.notifyOnFinish()),
    onUnauthorized: (e) => void showError(log, e, 'refresh build status'),
    log,
  });
  const options = new OptionsMemory(context.workspaceState, context.secrets);
  const s: Services = { log, tokens, codemagic, store, memory, poller, settings, options };
  const lenses = new WorkflowCodeLensProvider(store);
  const tree = new BuildsTreeProvider(store);
  const view = createBuildsView(tree);
  void tokens.refresh();

  const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    tokens,
    codemagic,
    poller,
    tree,
    view,
    new BuildStatusBar(store),
    command(Commands.setToken, () => setToken(tokens, codemagic, log)),
    command(Commands.clearToken, () => clearToken(tokens, log)),
    command(Commands.startBuild, (args) => startBuild(s, args)),
    command(Commands.startBuildWithOptions, (args) => startBuildWithOptions(s, args)),
    command(Commands.rebuildLast, () => rebuildLast(s)),
    lenses,
    vscode.languages.registerCodeLensProvider(CODEMAGIC_YAML_SELECTOR, lenses),
    // Variable values of builds no longer listed are dropped from SecretStorage.
    store.onDidChange(() => void options.prune(new Set(store.list().map((b) => b.id)))),
    command(Commands.revealBuild, (id, opts) => revealBuild(view, tree, id, opts)),
    command(Commands.openInCodemagic, (node) => openInCodemagic(store, node as never)),
    command(Commands.cancelBuild, (node) => cancelBuild(s, node)),
    command(Commands.copyBuildId, (node) => copyBuildId(node)),
    command(Commands.rebuild, (node) => rebuild(s, node)),
    command(Commands.removeBuild, (node) => removeBuild(store, node)),
    command(Commands.clearFinished, () => clearFinished(store)),
    command(Commands.refresh, () => refresh(s)),
    command(Commands.downloadArtifact, (node) => downloadArtifact(s, context.globalState, node)),
    command(Commands.copyArtifactLink, (node) => copyArtifactLink(s, node)),
    // Poll again soon when the user comes back, when the token is replaced, and when settings change.
    vscode.window.onDidChangeWindowState((w) => w.focused && poller.kick({ soonMs: 2000 })),
    tokens.onDidChange((signedIn) => signedIn && poller.resume()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('codemagic') && poller.kick()),
    // Last: disposal runs in order, and the store writes what the poller and others changed before it.
    store,
  );
  // Tracked builds that were running when the window closed resume on their own.
  poller.kick({ soonMs: 1000 });
  const loaded =
    typeof __codemagicLoadStart === 'number' && typeof __codemagicLoadEnd === 'number'
      ? `, bundle evaluated in ${(__codemagicLoadEnd - __codemagicLoadStart).toFixed(1)} ms`
      : '';
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms${loaded}.`);
}

/** Set by the bundle's first and last lines (esbuild banner, footer); absent when the sources run unbundled. */
declare const __codemagicLoadStart: number | undefined;
declare const __codemagicLoadEnd: number | undefined;

export function deactivate(): void {}
