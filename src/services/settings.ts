import * as vscode from 'vscode';
import type { ProxySettings } from '../api/proxy';
import { checkApiUrl } from '../core/urls';

export const DEFAULT_API_URL = 'https://api.codemagic.io';
export const DEFAULT_API_V3_URL = 'https://codemagic.io/api/v3';
export const DEFAULT_POLL_SECONDS = 15;
export const MIN_POLL_SECONDS = 5;

/**
 * Typed, on-demand access to the extension's settings. The API URLs are application-scoped in
 * package.json, and read here from the global (user) value only, so nothing a workspace carries can
 * redirect the token to another host.
 */
export class Settings {
  private section() {
    return vscode.workspace.getConfiguration('codemagic');
  }

  private userValue<T>(key: string, fallback: T): T {
    const inspected = this.section().inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }

  /** The validated API base URLs; throws with a readable message when a setting is unsafe. */
  apiUrls(): { apiUrl: string; v3Url: string } {
    return {
      apiUrl: checkApiUrl('codemagic.apiUrl', this.userValue('apiUrl', DEFAULT_API_URL)),
      v3Url: checkApiUrl('codemagic.apiV3Url', this.userValue('apiV3Url', DEFAULT_API_V3_URL)),
    };
  }

  /** How many builds the Builds view keeps. */
  historySize(): number {
    const n = this.section().get<number>('historySize', 50);
    return Number.isFinite(n) ? Math.min(500, Math.max(1, Math.floor(n))) : 50;
  }

  /** Seconds between status polls while builds run; never below the minimum. */
  pollIntervalMs(): number {
    const secs = this.section().get<number>('pollIntervalSeconds', DEFAULT_POLL_SECONDS);
    return Math.max(MIN_POLL_SECONDS, Number.isFinite(secs) ? secs : DEFAULT_POLL_SECONDS) * 1000;
  }

  notifyOnFinish(): 'always' | 'failuresOnly' | 'never' {
    const v = this.section().get<string>('notifyOnFinish', 'always');
    return v === 'failuresOnly' || v === 'never' ? v : 'always';
  }

  /** Labels added to every build this extension starts, so they can be found in Codemagic. */
  defaultLabels(): string[] {
    const v = this.section().get<unknown>('defaultLabels', []);
    return Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string' && !!x.trim()).map((x) => x.trim())
      : [];
  }

  /** VS Code's own proxy settings, which we apply to undici ourselves. */
  proxy(): ProxySettings {
    const http = vscode.workspace.getConfiguration('http');
    return {
      proxy: http.get<string>('proxy')?.trim() || undefined,
      strictSSL: http.get<boolean>('proxyStrictSSL', true),
      noProxy: http.get<string[]>('noProxy', []) ?? [],
      env: process.env,
    };
  }

  /** Settings that change how or where the client connects. */
  static affectsApi(e: vscode.ConfigurationChangeEvent): boolean {
    return ['codemagic.apiUrl', 'codemagic.apiV3Url', 'http.proxy', 'http.proxyStrictSSL', 'http.noProxy'].some((k) =>
      e.affectsConfiguration(k),
    );
  }
}
