/**
 * The resources feature: builds and wires the Azure connection, the Workspaces tree, its commands, the
 * account status bar and the Spark pool catalog, and returns what the other features and the tests may use.
 */
import * as vscode from 'vscode';
import { ArmSparkPoolCatalog } from '../core/resources/sparkPoolCatalog';
import { ConnectionArmAccess } from '../core/resources/armAccess';
import type { ArmAccess } from '../core/model/armAccess';
import type { SparkPoolCatalog } from '../core/model/sparkTargets';
import { registerResourceCommands } from './resourceCommands';
import { vscodeUi, type CommandUi } from '../shared/ui';
import { affectsResources } from './resourceSettings';
import { AccountStatusBar } from './accountStatusBar';
import { TreeNode } from './workspaceNodes';
import { WorkspacesTreeProvider } from './workspacesTree';
import { AzureConnection } from './azureConnection';
import type { FeatureDeps } from '../shared/feature';

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
  /** Test hooks (handed out only by the test host's hooks command). */
  testing: ResourcesTesting;
}

export function activate(context: vscode.ExtensionContext, deps: FeatureDeps): ResourcesApi {
  const { commands, log, registrations } = deps;
  let ui: CommandUi = vscodeUi;
  const connection = new AzureConnection(context, log, () => ui);
  const catalog = new ArmSparkPoolCatalog(() => connection.get(), log);
  const tree = new WorkspacesTreeProvider(connection);
  const status = new AccountStatusBar(connection);
  tree.view = registrations.treeView('synapseSpark.workspaces', tree);
  context.subscriptions.push(
    connection,
    tree,
    status,
    tree.view,
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
      requestCount: () => {
        try {
          return connection.get().arm.requestCount;
        } catch {
          return 0;
        }
      },
    },
  };
}
