import type * as vscode from 'vscode';

interface FolderMemory {
  appId?: string;
  workflowId?: string;
}

const KEY = 'codemagic.folderMemory';

/** Remembers, per workspace folder, the app and the workflow last used (workspace state, no secrets). */
export class FolderMemoryStore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, FolderMemory> {
    const v = this.state.get<unknown>(KEY);
    return v && typeof v === 'object' ? (v as Record<string, FolderMemory>) : {};
  }

  get(folder: string): FolderMemory {
    const m = this.all()[folder];
    return m && typeof m === 'object' ? m : {};
  }

  async remember(folder: string, patch: FolderMemory): Promise<void> {
    const all = this.all();
    await this.state.update(KEY, { ...all, [folder]: { ...all[folder], ...patch } });
  }
}
