import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** The sandbox folder the runner made for this VS Code server (HOME is <tmp>/home). */
export function serverSandbox(): string {
  return path.dirname(process.env.HOME ?? '/nonexistent');
}

function* files(dir: string): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

/** The extension's log files (its LogOutputChannel "Codemagic"), on the server's disk. */
export function extensionLogFiles(): string[] {
  return [...files(serverSandbox())].filter((f) => /Codemagic\.log$/.test(f));
}

/** Every file of the server's sandbox (logs, server state, settings, workspace) that contains `needle`. */
export function filesContaining(needle: string): string[] {
  const hits: string[] = [];
  for (const f of files(serverSandbox())) {
    try {
      if (fs.statSync(f).size > 64 * 1024 * 1024) continue;
      if (fs.readFileSync(f).includes(needle)) hits.push(f);
    } catch {
      // sockets and files that vanish while we look
    }
  }
  return hits;
}

/** All settings VS Code resolves for this window, as text. */
export function allSettingsText(): string {
  const cfg = vscode.workspace.getConfiguration();
  const inspected = ['codemagic.apiUrl', 'codemagic.apiV3Url'].map((k) => JSON.stringify(cfg.inspect(k)));
  return JSON.stringify(cfg) + inspected.join('');
}
