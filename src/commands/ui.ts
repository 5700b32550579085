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

export interface CommandUi {
  pick<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string; placeHolder?: string }): Promise<T>;
  pickMany<T>(items: PickItem<T>[] | Promise<PickItem<T>[]>, options: { title: string; placeHolder?: string }): Promise<T[]>;
  input(options: { title: string; prompt: string; value?: string; validate?: (v: string) => string | undefined }): Promise<string>;
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

export const vscodeUi: CommandUi = {
  async pick(items, options) {
    const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder, ignoreFocusOut: true, matchOnDescription: true });
    return picked ? picked.value : cancelled();
  },
  async pickMany(items, options) {
    const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder, ignoreFocusOut: true, canPickMany: true });
    return picked ? picked.map((p) => p.value) : cancelled();
  },
  async input(options) {
    const v = await vscode.window.showInputBox({ title: options.title, prompt: options.prompt, value: options.value, ignoreFocusOut: true, validateInput: options.validate });
    return v === undefined ? cancelled() : v;
  },
  async confirm(message, detail, confirmLabel) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    if (choice !== confirmLabel) cancelled();
  },
  progress(title, task) {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      return task((r) => progress.report({ message: r.message }), ac.signal).finally(() => sub.dispose());
    }));
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
