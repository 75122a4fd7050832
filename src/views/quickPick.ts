import * as vscode from 'vscode';

export interface PickItem<T> extends vscode.QuickPickItem {
  value?: T;
}

export interface PickOptions<T> {
  title: string;
  placeholder: string;
  /** Shown at once; a promise shows the picker busy until it settles. */
  items: PickItem<T>[] | Promise<PickItem<T>[]>;
  /** Which item to pre-select. */
  isActive?: (item: PickItem<T>) => boolean;
  /**
   * The items can settle the choice: an item returned here is chosen without showing the list (items
   * that arrive while the picker is busy close it: it takes no input then).
   */
  acceptOnLoad?: (items: PickItem<T>[]) => PickItem<T> | undefined;
  step?: number;
  totalSteps?: number;
}

/** Thrown out of a picker when its items could not be loaded. */
export class PickLoadError extends Error {
  constructor(readonly cause: unknown) {
    super('could not load the items');
  }
}

/**
 * A quick pick that appears at once (busy while its items load) and resolves to the chosen item, or
 * undefined when dismissed. Rejects with PickLoadError when loading the items failed.
 */
export function pickOne<T>(opts: PickOptions<T>): Promise<PickItem<T> | undefined> {
  const qp = vscode.window.createQuickPick<PickItem<T>>();
  qp.title = opts.title;
  qp.placeholder = opts.placeholder;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.step = opts.step;
  qp.totalSteps = opts.totalSteps;
  const setItems = (items: PickItem<T>[]) => {
    qp.items = items;
    const active = opts.isActive && items.find(opts.isActive);
    if (active) qp.activeItems = [active];
  };
  return new Promise<PickItem<T> | undefined>((resolve, reject) => {
    let settled = false;
    const finish = (v: PickItem<T> | undefined, err?: unknown) => {
      if (settled) return;
      settled = true;
      qp.dispose();
      if (err) reject(err instanceof PickLoadError ? err : new PickLoadError(err));
      else resolve(v);
    };
    qp.onDidAccept(() => {
      const [chosen] = qp.selectedItems.length ? qp.selectedItems : qp.activeItems;
      if (chosen && chosen.kind !== vscode.QuickPickItemKind.Separator) finish(chosen);
    });
    qp.onDidHide(() => finish(undefined));
    const load = (items: PickItem<T>[]) => {
      const chosen = opts.acceptOnLoad?.(items);
      if (chosen) return finish(chosen);
      qp.busy = false;
      qp.enabled = true;
      setItems(items);
    };
    if (Array.isArray(opts.items)) {
      load(opts.items);
    } else {
      qp.busy = true;
      qp.enabled = false;
      opts.items.then(load, (e: unknown) => finish(undefined, e));
    }
    if (!settled) qp.show();
  });
}

/** A one-line input; undefined when dismissed. */
export async function askText(opts: {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  validate?: (v: string) => string | undefined;
}): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({
    title: opts.title,
    prompt: opts.prompt,
    value: opts.value,
    placeHolder: opts.placeholder,
    ignoreFocusOut: true,
    validateInput: (s) => (s.trim() ? opts.validate?.(s.trim()) : 'This cannot be empty.'),
  });
  return v?.trim() || undefined;
}
