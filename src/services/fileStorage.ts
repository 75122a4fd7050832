import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import type { KeyValueStorage } from '../core/buildStore';

/**
 * Values kept as JSON files in the extension's workspace storage folder (`context.storageUri`), one
 * file per key.
 *
 * Why not workspaceState: VS Code sends an extension's whole workspace state to the workbench on every
 * update, where it is serialized again and stored. With hundreds of tracked builds that costs tens of
 * milliseconds of the workbench's own thread, right when the Builds view redraws. And an update sent
 * while the window reloads may never arrive, whereas a file written here during deactivation is on disk.
 *
 * Writes are synchronous (temp file, then rename): a write is finished when `update` returns, which is
 * what makes the store's flush on deactivate safe. Callers batch their writes.
 */
export class JsonFileStorage implements KeyValueStorage {
  constructor(
    private readonly dir: string,
    /** Where the same keys were kept before (workspaceState): read while a key has no file yet. */
    private readonly legacy?: vscode.Memento,
  ) {}

  private file(key: string): string {
    return path.join(this.dir, `${key.replace(/[^\w.-]/g, '_')}.json`);
  }

  get<T>(key: string): T | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file(key), 'utf8');
    } catch {
      return this.legacy?.get<T>(key);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      // A damaged file reads as null: the store reports an unknown format and starts empty.
      return null as T;
    }
  }

  update(key: string, value: unknown): Promise<void> {
    try {
      const file = this.file(key);
      if (value === undefined) {
        fs.rmSync(file, { force: true });
      } else {
        fs.mkdirSync(this.dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(value));
        fs.renameSync(tmp, file);
      }
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    // The file is now the truth: drop the old copy, so it is not read again after the file is removed.
    if (this.legacy?.get(key) !== undefined) return Promise.resolve(this.legacy.update(key, undefined));
    return Promise.resolve();
  }
}

/** Where the tracked builds live: a file in the workspace storage folder, or workspaceState without one. */
export function buildStorage(context: vscode.ExtensionContext): KeyValueStorage {
  return context.storageUri?.scheme === 'file'
    ? new JsonFileStorage(context.storageUri.fsPath, context.workspaceState)
    : context.workspaceState;
}
