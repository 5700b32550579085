/**
 * Builds and wires the Azure resources area (connection, Workspaces tree, commands, status bar, Spark pool
 * catalog) for extension.ts, and returns what the rest of the extension and the tests may use.
 */
import * as vscode from 'vscode';
import { ArmSparkPoolCatalog } from '../core/resources/sparkPoolCatalog';
import { ConnectionArmAccess } from '../core/resources/armAccess';
import type { ArmAccess } from '../core/model/armAccess';
import type { SparkPoolCatalog } from '../core/model/sparkTargets';
import type { Logger } from '../core/util/logger';
import type { CommandRunner } from '../commands/commandRunner';
import { registerResourceCommands } from '../commands/resourceCommands';
import { vscodeUi, type CommandUi } from '../commands/ui';
import { affectsResources } from '../config/resourceSettings';
import { AccountStatusBar } from '../status/accountStatusBar';
import { TreeNode } from '../tree/workspaceNodes';
import { WorkspacesTreeProvider } from '../tree/workspacesTree';
import { AzureConnection } from './azureConnection';
import { directRegistrations, type Registrations } from '../shell/registrations';

/** Test hooks: drive the real objects without reaching into module internals. */
export interface ResourcesTesting {
  /**
   * Replaces the prompts, and the error messages every command shows through the shared runner (with
   * their action buttons), by `ui` (undefined restores VS Code's).
   */
  useUi(ui: CommandUi | undefined): void;
  tree: WorkspacesTreeProvider;
  /** Children of a node (the roots without one), as the view would get them. */
  children(node?: TreeNode): Promise<Array<{ node: TreeNode; item: vscode.TreeItem }>>;
  statusText(): string;
  /** Requests sent through the ARM pipeline so far. */
  requestCount(): number;
}

export interface ResourcesApi {
  catalog: SparkPoolCatalog;
  /** ARM access for the signed-in account (jobs, code upload, pipeline submit). */
  arm: ArmAccess;
  /** Reloads a Workspaces tree node (from a context menu), or the whole tree. */
  refresh(node?: unknown): void;
  testing: ResourcesTesting;
}

export function activateResources(context: vscode.ExtensionContext, log: Logger, commands: CommandRunner,
  registrations: Registrations = directRegistrations): ResourcesApi {
  let ui: CommandUi = vscodeUi;
  const connection = new AzureConnection(context, log, () => ui);
  const catalog = new ArmSparkPoolCatalog(() => connection.get(), log);
  const tree = new WorkspacesTreeProvider(connection);
  const status = new AccountStatusBar(connection);
  tree.view = registrations.treeView('synapseSpark.workspaces', tree);
  context.subscriptions.push(
    connection, tree, status, tree.view,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsResources(e)) return;
      connection.rebuild();
      catalog.notifyChanged();
    }),
  );
  // Views' welcome content depends on it (Sessions: sign in first, rather than "no sessions").
  const signedInKey = () => {
    const signedIn = !connection.error && connection.get().account.signedIn;
    void vscode.commands.executeCommand('setContext', 'synapseSpark.signedIn', signedIn);
  };
  context.subscriptions.push(connection.onDidChange(signedInKey));
  signedInKey();
  registerResourceCommands(commands, { connection, tree, catalog, ui: () => ui, log });
  void connection.restore().then(() => catalog.notifyChanged());

  return {
    catalog,
    arm: new ConnectionArmAccess(() => connection.get()),
    refresh: (node) => tree.refresh(node instanceof TreeNode ? node : undefined),
    testing: {
      useUi: (u) => {
        ui = u ?? vscodeUi;
        commands.useErrorPresenter(u ? (message, ...actions) => u.error(message, ...actions) : undefined);
      },
      tree,
      children: async (node) => (await tree.getChildren(node)).map((n) => ({ node: n, item: tree.getTreeItem(n) })),
      statusText: () => status.text,
      requestCount: () => { try { return connection.get().arm.requestCount; } catch { return 0; } },
    },
  };
}
