import type * as vscode from 'vscode';
import type { BuildStore } from '../core/buildStore';
import type { Poller } from '../core/poller';
import type { CodemagicService } from './codemagic';
import type { FolderMemoryStore } from './memory';
import type { OptionsMemory } from './optionsMemory';
import type { Settings } from './settings';
import type { TokenStore } from './tokenStore';

/** What commands and views are handed by the composition root. */
export interface Services {
  log: vscode.LogOutputChannel;
  tokens: TokenStore;
  codemagic: CodemagicService;
  store: BuildStore;
  memory: FolderMemoryStore;
  poller: Poller;
  settings: Settings;
  options: OptionsMemory;
}
