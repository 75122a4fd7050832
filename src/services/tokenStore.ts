import * as vscode from 'vscode';
import { ContextKeys } from '../commands/ids';

const KEY = 'codemagic.apiToken';

/**
 * The API token lives only in SecretStorage. This keeps the `codemagic.signedIn` context key in
 * step with it, also when another window changes the secret.
 */
export class TokenStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === KEY) void this.refresh();
    });
  }

  get(): Thenable<string | undefined> {
    return this.secrets.get(KEY);
  }

  async set(token: string): Promise<void> {
    await this.secrets.store(KEY, token);
    await this.refresh();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
    await this.refresh();
  }

  /** Re-reads the secret and updates the context key; call once at start-up. */
  async refresh(): Promise<boolean> {
    const signedIn = !!(await this.get());
    await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, signedIn);
    this.emitter.fire(signedIn);
    return signedIn;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
