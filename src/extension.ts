import * as vscode from 'vscode';
import { CommandRunner } from './commands/commandRunner';
import { createLogger } from './log';
import { PlaceholderTree } from './tree/placeholderTree';

export interface ExtensionApi {
  /** Command ids this activation registered; used by the manifest consistency test. */
  readonly registeredCommands: readonly string[];
}

/** Composition root: build the parts, wire them together, register them. Nothing else lives here. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const channel = vscode.window.createOutputChannel('Azure ML Synapse Spark', { log: true });
  context.subscriptions.push(channel);
  const log = createLogger(channel);
  const commands = new CommandRunner(log, context.subscriptions);

  const trees = ['synapseSpark.workspaces', 'synapseSpark.sessions', 'synapseSpark.jobs'].map((viewId) => {
    const tree = new PlaceholderTree();
    context.subscriptions.push(vscode.window.createTreeView(viewId, { treeDataProvider: tree, showCollapseAll: true }), tree);
    return tree;
  });

  commands.register('synapseSpark.showLog', () => channel.show(true));
  commands.register('synapseSpark.openSettings', () =>
    vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`));
  commands.register('synapseSpark.refresh', () => trees.forEach((t) => t.refresh()));

  log.info(`Activated ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version}.`);
  return { registeredCommands: [...commands.ids] };
}

export function deactivate(): void {}
