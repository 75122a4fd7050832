import * as vscode from 'vscode';
// Client of the runner's UI driver (test/runner/ui-driver.js): drives the real workbench in Chromium.
export interface QuickInputRow {
  label: string;
  description: string;
  detail: string;
  ariaLabel: string;
  focused: boolean;
  checked: boolean;
}
export interface QuickInputState {
  visible: boolean;
  title?: string;
  value?: string;
  placeholder?: string;
  inputType?: string;
  message?: string;
  rows: QuickInputRow[];
}
export interface Messages {
  alerts: string[];
  dialog: string;
  statusBar: string[];
}

export interface TreeRow {
  label: string;
  description: string;
  ariaLabel: string;
  icon: string;
  level: number;
  expanded: boolean;
}

export const hasUi = !!process.env.CODEMAGIC_TEST_UI;

async function call<T>(op: string, args: object = {}): Promise<T> {
  const url = process.env.CODEMAGIC_TEST_UI;
  if (!url) throw new Error('No UI driver: run the integration tests through test/runner/run-integration.js');
  const res = await fetch(`${url}/${op}`, { method: 'POST', body: JSON.stringify(args) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`UI driver ${op}: ${json.error}`);
  return json;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

export const ui = {
  quickInput: () => call<QuickInputState>('quickInput'),
  type: (text: string) => call('type', { text }),
  press: (key: string) => call('press', { key }),
  clickRow: (text: string) => call('clickRow', { text }),
  messages: () => call<Messages>('messages'),
  buildRows: () => call<TreeRow[]>('buildRows'),
  /** Forgets the messages seen so far and closes the notifications. */
  async clearMessages() {
    await vscode.commands.executeCommand('notifications.clearAll');
    await call('clearMessages');
    // Headless, toasts are not drawn: keep the notification center open so every message is in the page.
    await vscode.commands.executeCommand('notifications.showList');
  },
  clickDialogButton: (text: string) => call('clickDialogButton', { text }),
  /** Headless toasts are not drawn: open the notification center and click the button there. */
  async clickNotificationButton(message: string, button: string) {
    await vscode.commands.executeCommand('notifications.showList');
    try {
      await call('clickNotificationButton', { message, button });
    } finally {
      await vscode.commands.executeCommand('notifications.hideList');
    }
  },
  click: (selector: string, text?: string) => call('click', { selector, text }),
  hover: (selector: string, text?: string) => call('hover', { selector, text }),
  screenshot: (path: string) => call('screenshot', { path }),
  storageDump: async () => (await call<{ text: string }>('storageDump')).text,
  html: (selector: string) => call<{ html: string }>('html', { selector }),

  /** Waits for a quick input whose rows or title match. */
  waitQuickInput(what: string, match: (s: QuickInputState) => boolean, timeoutMs?: number) {
    return waitFor(
      what,
      async () => {
        const s = await ui.quickInput();
        return s.visible && match(s) ? s : undefined;
      },
      timeoutMs,
    );
  },

  /** Waits for a notification or dialog whose text contains `text`. */
  waitMessage(text: string | RegExp, timeoutMs?: number) {
    return waitFor(
      `a message matching ${String(text)}`,
      async () => {
        const m = await ui.messages();
        const all = [...m.alerts, m.dialog];
        return all.find((a) => (typeof text === 'string' ? a.includes(text) : text.test(a)));
      },
      timeoutMs,
    );
  },
};
