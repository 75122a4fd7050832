import * as vscode from 'vscode';
import { CodemagicClient } from '../api/client';
import { hasProxy, proxyDispatcher, redactProxy } from '../api/proxy';
import type { App } from '../api/types';
import { Settings } from './settings';
import type { TokenStore } from './tokenStore';

/** Hands out a client for the current settings; rebuilt when the API settings change. */
export class CodemagicService implements vscode.Disposable {
  private cached?: CodemagicClient;
  private apps?: { at: number; list: Promise<App[]> };
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly settings: Settings,
    private readonly tokens: TokenStore,
    private readonly userAgent: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!Settings.affectsApi(e)) return;
        this.cached = undefined;
        this.apps = undefined;
      }),
      tokens.onDidChange(() => (this.apps = undefined)),
    ];
  }

  /** The user's apps, cached for a few minutes so the app pick opens at once. */
  listApps(maxAgeMs = 5 * 60_000): Promise<App[]> {
    if (!this.apps || Date.now() - this.apps.at > maxAgeMs) {
      const list = this.client().listApps();
      this.apps = { at: Date.now(), list };
      list.catch(() => (this.apps = undefined));
    }
    return this.apps.list;
  }

  /** Throws UnsafeSettingError when the configured URLs are not safe to send the token to. */
  client(): CodemagicClient {
    this.cached ??= this.create(() => this.tokens.get());
    return this.cached;
  }

  /** A client that uses the given token instead of the stored one: to check a token before saving it. */
  clientWithToken(token: string): CodemagicClient {
    return this.create(() => token);
  }

  private create(getToken: () => Thenable<string | undefined> | string): CodemagicClient {
    const { apiUrl, v3Url } = this.settings.apiUrls();
    const proxy = this.settings.proxy();
    const dispatcher = proxyDispatcher(proxy);
    if (hasProxy(proxy))
      this.log.info(
        `Connecting to Codemagic through the proxy ${redactProxy(proxy.proxy ?? proxy.env.HTTPS_PROXY ?? proxy.env.HTTP_PROXY)}.`,
      );
    return new CodemagicClient({
      apiUrl,
      v3Url,
      getToken: async () => getToken(),
      userAgent: this.userAgent,
      dispatcher,
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
