import * as vscode from 'vscode';

/** Thrown by a step when the user pressed Back; caught by MultiStepInput.run. */
class BackSignal extends Error {}
/** Thrown when the user dismissed the input. */
class CancelSignal extends Error {}

export type Step<S> = (input: MultiStepInput, state: S) => Promise<Step<S> | undefined>;

export interface StepPosition {
  title: string;
  step: number;
  totalSteps: number;
}

export interface PickStepOptions<T extends vscode.QuickPickItem> extends StepPosition {
  placeholder: string;
  items: T[];
  activeItem?: T;
  selectedItems?: T[];
  canSelectMany?: boolean;
  /** A typed value that matches no item; return an item to add and select it (multi-select). */
  onFreeEntry?: (value: string) => T | undefined;
  onItemButton?: (e: vscode.QuickPickItemButtonEvent<T>) => void;
}

export interface InputStepOptions extends StepPosition {
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  validate?: (value: string) => string | undefined;
}

/**
 * A sequence of quick inputs with a step counter and a Back button, in one reused widget. Each step
 * returns the next; Back re-runs the previous step with the state as it is now.
 */
export class MultiStepInput {
  private current?: vscode.QuickInput;

  /** Runs the steps; resolves to false when the user dismissed them. */
  static async run<S>(first: Step<S>, state: S): Promise<boolean> {
    const input = new MultiStepInput();
    const stack: Step<S>[] = [];
    let step: Step<S> | undefined = first;
    try {
      while (step) {
        stack.push(step);
        try {
          step = await step(input, state);
        } catch (e) {
          if (!(e instanceof BackSignal)) throw e;
          stack.pop();
          step = stack.pop();
        }
      }
      return true;
    } catch (e) {
      if (e instanceof CancelSignal) return false;
      throw e;
    } finally {
      input.current?.dispose();
    }
  }

  private place(q: vscode.QuickInput, o: StepPosition): void {
    q.title = o.title;
    q.step = o.step;
    q.totalSteps = o.totalSteps;
    q.ignoreFocusOut = true;
  }

  private show<R>(
    q: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
    step: number,
    wire: (done: (r: R) => void) => vscode.Disposable[],
  ): Promise<R> {
    q.buttons = step > 1 ? [vscode.QuickInputButtons.Back] : [];
    const subs: vscode.Disposable[] = [];
    return new Promise<R>((resolve, reject) => {
      subs.push(
        q.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) reject(new BackSignal());
        }),
        q.onDidHide(() => reject(new CancelSignal())),
        ...wire(resolve),
      );
      // The widget of the previous step goes away only now, so the view does not flicker.
      if (this.current !== q) this.current?.dispose();
      this.current = q;
      q.show();
    }).finally(() => {
      for (const sub of subs) sub.dispose();
    });
  }

  /** One item (or several with canSelectMany) from a list. */
  pick<T extends vscode.QuickPickItem>(o: PickStepOptions<T>): Promise<T[]> {
    const qp = vscode.window.createQuickPick<T>();
    this.place(qp, o);
    qp.placeholder = o.placeholder;
    qp.canSelectMany = !!o.canSelectMany;
    qp.matchOnDescription = true;
    let items = [...o.items];
    qp.items = items;
    if (o.activeItem) qp.activeItems = [o.activeItem];
    if (o.selectedItems) qp.selectedItems = o.selectedItems;
    return this.show<T[]>(qp, o.step, (done) => [
      qp.onDidAccept(() => {
        const typed = qp.value.trim();
        if (qp.canSelectMany && typed && o.onFreeEntry) {
          const added = o.onFreeEntry(typed);
          if (added) {
            items = [...items, added];
            qp.items = items;
            qp.selectedItems = [...qp.selectedItems, added];
            qp.value = '';
            return;
          }
        }
        done([...(qp.canSelectMany ? qp.selectedItems : qp.activeItems)]);
      }),
      qp.onDidTriggerItemButton((e) => o.onItemButton?.(e)),
    ]);
  }

  /** A line of text, validated as the user types. */
  input(o: InputStepOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    this.place(box, o);
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.placeholder = o.placeholder;
    box.password = !!o.password;
    const check = (v: string) => (box.validationMessage = o.validate?.(v.trim()));
    return this.show<string>(box, o.step, (done) => [
      box.onDidChangeValue(check),
      box.onDidAccept(() => {
        const msg = o.validate?.(box.value.trim());
        box.validationMessage = msg;
        if (!msg) done(box.value.trim());
      }),
    ]);
  }
}
