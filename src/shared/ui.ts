/**
 * The prompts commands may show, behind one interface so that tests can script the answers (and fail
 * on an unexpected prompt instead of hanging). Dismissing a prompt cancels the command quietly.
 */
import * as vscode from 'vscode';
import { UserCancelledError } from '../core/util/errors';

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

export interface ProgressReport {
  message: string;
}

/** A wizard step's Back button was pressed: the wizard shows its previous step again. */
export class WizardBack extends Error {
  constructor() {
    super('Back');
    this.name = 'WizardBack';
  }
}

/** By name, not class: a scripted UI (tests) may come from another copy of this module. */
export function isWizardBack(err: unknown): boolean {
  return err instanceof Error && err.name === 'WizardBack';
}

export interface CommandUi {
  /** `back`: the prompt has a Back button, which rejects with WizardBack. */
  pick<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string; placeHolder?: string; back?: boolean }): Promise<T>;
  pickMany<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string; placeHolder?: string }): Promise<T[]>;
  input(options: {
    title: string;
    prompt: string;
    value?: string;
    validate?: (v: string) => string | undefined;
    back?: boolean;
  }): Promise<string>;
  /** Resolves when the user chose `confirmLabel`; cancels otherwise. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<void>;
  progress<T>(title: string, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  /** An error message with its action buttons; the chosen title, or undefined when dismissed. */
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A secret (password box); undefined when dismissed. */
  secret(prompt: string): Promise<string | undefined>;
}

const cancelled = (): never => {
  throw new UserCancelledError();
};

/** A quick pick with a Back button (showQuickPick has none). */
async function pickWithBack<T>(
  items: PickItem<T>[] | Promise<PickItem<T>[]>,
  options: { title: string; placeHolder?: string },
): Promise<T> {
  const qp = vscode.window.createQuickPick<PickItem<T>>();
  Object.assign(qp, {
    title: options.title,
    placeholder: options.placeHolder,
    ignoreFocusOut: true,
    matchOnDescription: true,
    buttons: [vscode.QuickInputButtons.Back],
    busy: true,
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      qp.onDidTriggerButton(() => reject(new WizardBack()));
      qp.onDidAccept(() => {
        const [picked] = qp.selectedItems;
        if (picked) resolve(picked.value);
      });
      qp.onDidHide(() => reject(new UserCancelledError()));
      qp.show();
      Promise.resolve(items).then((list) => {
        qp.items = list;
        qp.busy = false;
      }, reject);
    });
  } finally {
    qp.dispose();
  }
}

/** An input box with a Back button, validating as the user types and on Enter. */
async function inputWithBack(options: {
  title: string;
  prompt: string;
  value?: string;
  validate?: (v: string) => string | undefined;
}): Promise<string> {
  const box = vscode.window.createInputBox();
  Object.assign(box, {
    title: options.title,
    prompt: options.prompt,
    value: options.value ?? '',
    ignoreFocusOut: true,
    buttons: [vscode.QuickInputButtons.Back],
  });
  const check = (v: string) => (box.validationMessage = options.validate?.(v));
  try {
    return await new Promise<string>((resolve, reject) => {
      box.onDidTriggerButton(() => reject(new WizardBack()));
      box.onDidChangeValue(check);
      box.onDidAccept(() => {
        if (!check(box.value)) resolve(box.value);
      });
      box.onDidHide(() => reject(new UserCancelledError()));
      check(box.value);
      box.show();
    });
  } finally {
    box.dispose();
  }
}

export const vscodeUi: CommandUi = {
  async pick(items, options) {
    if (options.back) return pickWithBack(items, options);
    const picked = await vscode.window.showQuickPick(items, {
      title: options.title,
      placeHolder: options.placeHolder,
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    return picked ? picked.value : cancelled();
  },
  async pickMany(items, options) {
    const picked = await vscode.window.showQuickPick(items, {
      title: options.title,
      placeHolder: options.placeHolder,
      ignoreFocusOut: true,
      canPickMany: true,
    });
    return picked ? picked.map((p) => p.value) : cancelled();
  },
  async input(options) {
    if (options.back) return inputWithBack(options);
    const v = await vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      value: options.value,
      ignoreFocusOut: true,
      validateInput: options.validate,
    });
    return v === undefined ? cancelled() : v;
  },
  async confirm(message, detail, confirmLabel) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    if (choice !== confirmLabel) cancelled();
  },
  progress(title, task) {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        return task((r) => progress.report({ message: r.message }), ac.signal).finally(() => sub.dispose());
      }),
    );
  },
  async info(message, ...actions) {
    return vscode.window.showInformationMessage(message, ...actions);
  },
  async error(message, ...actions) {
    return vscode.window.showErrorMessage(message, ...actions);
  },
  async secret(prompt) {
    return vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true });
  },
};
