/**
 * How the features register what VS Code calls into: commands, tree views, custom editors, webview panel
 * serializers and text document content providers. The extension's entry point (extension.ts) registers
 * each of them up front with a stand-in that loads the features on first use (lazyRegistrations.ts) and
 * hands them this interface to plug the real ones in; `directRegistrations` registers with VS Code at once.
 * Imports `vscode` only, so the entry point stays small.
 */
import * as vscode from 'vscode';

export type CommandHandler = (...args: any[]) => unknown;

export interface Registrations {
  command(id: string, handler: CommandHandler): vscode.Disposable;
  /** The view of `id` (options from TREE_VIEW_OPTIONS) showing `provider`'s tree. */
  treeView<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T>;
  customEditor(viewType: string, provider: vscode.CustomTextEditorProvider): vscode.Disposable;
  webviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable;
  textDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable;
}

/** Options of the views package.json declares, beyond the tree data provider. */
export const TREE_VIEW_OPTIONS: Record<string, { showCollapseAll?: boolean }> = {
  'synapseSpark.workspaces': { showCollapseAll: true },
  'synapseSpark.sessions': { showCollapseAll: true },
  'synapseSpark.jobs': {},
};

/** Options of every custom editor this extension provides. */
export const CUSTOM_EDITOR_OPTIONS = { webviewOptions: { retainContextWhenHidden: true } };

/** Show Session Logs opens read-only documents of this scheme, e.g. synapse-spark-log:/sparksmall/session-4.log. */
export const SESSION_LOG_SCHEME = 'synapse-spark-log';

/** Registers with VS Code at once (no entry point in between). */
export const directRegistrations: Registrations = {
  command: (id, handler) => vscode.commands.registerCommand(id, handler),
  treeView: (id, provider) => vscode.window.createTreeView(id, { ...TREE_VIEW_OPTIONS[id], treeDataProvider: provider }),
  customEditor: (viewType, provider) => vscode.window.registerCustomEditorProvider(viewType, provider, CUSTOM_EDITOR_OPTIONS),
  webviewPanelSerializer: (viewType, serializer) => vscode.window.registerWebviewPanelSerializer(viewType, serializer),
  textDocumentContentProvider: (scheme, provider) => vscode.workspace.registerTextDocumentContentProvider(scheme, provider),
};
