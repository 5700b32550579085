/**
 * The Workspaces view: selected subscriptions -> Azure ML workspaces -> linked Synapse workspaces (-> Spark
 * pools, attached or not) and attached Spark computes. Signed out, it is empty so that the view's welcome
 * content (sign-in guidance) shows.
 */
import * as vscode from 'vscode';
import { toUserError } from '../core/arm/errors';
import type { AzureConnection } from './azureConnection';
import {
  AmlWorkspaceNode,
  ComputesFolderNode,
  ErrorNode,
  SparkComputeNode,
  SubscriptionNode,
  type TreeContext,
  type TreeNode,
} from './workspaceNodes';
import { withAccessibleLabel } from '../shared/accessibleItem';

export class WorkspacesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: Promise<TreeNode[]> | undefined;
  private readonly busyLabels = new Map<string, string>();
  private readonly workspaceNodes = new Map<string, AmlWorkspaceNode>();
  private readonly context: TreeContext;
  private readonly subscription: { dispose(): void };

  constructor(private readonly connection: AzureConnection) {
    this.context = {
      connection: () => connection.get(),
      changed: (node) => this.emitter.fire(node),
      busy: (id) => this.busyLabels.get(id.toLowerCase()),
    };
    this.subscription = connection.onDidChange(() => this.refresh());
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return withAccessibleLabel(node.getTreeItem());
  }

  /** The view showing this tree (reveal needs it). */
  view: vscode.TreeView<TreeNode> | undefined;

  /** Selects an attached compute's row, loading the rows on the way; false when it is not listed. */
  async revealCompute(workspaceId: string, computeName: string): Promise<boolean> {
    if (!this.workspaceNodes.has(workspaceId.toLowerCase())) {
      for (const sub of await this.getChildren()) await this.getChildren(sub);
    }
    const ws = this.workspaceNodes.get(workspaceId.toLowerCase());
    const folder = ws && (await this.getChildren(ws)).find((n) => n instanceof ComputesFolderNode);
    const node =
      folder &&
      (await this.getChildren(folder)).find(
        (n) => n instanceof SparkComputeNode && n.compute.name.toLowerCase() === computeName.toLowerCase(),
      );
    if (!node || !this.view) return false;
    await this.view.reveal(node, { select: true, focus: true, expand: false });
    return true;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) {
      const children = await node.getChildren();
      for (const c of children) if (c instanceof AmlWorkspaceNode) this.workspaceNodes.set(c.workspace.id.toLowerCase(), c);
      return children;
    }
    if (!this.roots) this.roots = this.loadRoots();
    return this.roots;
  }

  /** Reloads the loaded node of an Azure ML workspace (or everything when it is not loaded). */
  refreshWorkspace(workspaceId: string): void {
    const node = this.workspaceNodes.get(workspaceId.toLowerCase());
    if (node) this.refresh(node);
    else this.refresh();
  }

  /** Reloads one node's children, or everything (subscriptions included) without a node. */
  refresh(node?: TreeNode): void {
    if (node) {
      node.reset();
      this.emitter.fire(node);
      return;
    }
    this.roots = undefined;
    this.workspaceNodes.clear();
    try {
      this.connection.get().account.refresh();
    } catch {
      // No connection (settings error): the root shows it.
    }
    this.emitter.fire(undefined);
  }

  /** Shows a transient label ("Attaching…") on the nodes of `resourceId` while `task` runs. */
  async withBusy<T>(resourceId: string, label: string, nodes: Array<TreeNode | undefined>, task: () => Promise<T>): Promise<T> {
    const key = resourceId.toLowerCase();
    this.busyLabels.set(key, label);
    for (const n of nodes) if (n) this.emitter.fire(n);
    try {
      return await task();
    } finally {
      this.busyLabels.delete(key);
      for (const n of nodes) if (n) this.emitter.fire(n);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private async loadRoots(): Promise<TreeNode[]> {
    const settingsError = this.connection.error;
    if (settingsError) return [new ErrorNode(undefined, this.context, settingsError)];
    const { account } = this.connection.get();
    if (!account.signedIn) return [];
    try {
      const subs = await account.selectedSubscriptions();
      if (subs.length === 0) {
        return [
          new ErrorNode(
            undefined,
            this.context,
            new Error(vscode.l10n.t('No subscriptions to show. Choose some with "{0}".', vscode.l10n.t('Select Subscriptions'))),
          ),
        ];
      }
      return subs.map((s) => new SubscriptionNode(this.context, s));
    } catch (e) {
      return [
        new ErrorNode(
          undefined,
          this.context,
          toUserError(e, {
            what: vscode.l10n.t('list your subscriptions'),
            permission: 'Microsoft.Resources/subscriptions/read',
            on: vscode.l10n.t('your account'),
            docs: 'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting',
          }),
        ),
      ];
    }
  }
}
