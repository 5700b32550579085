/**
 * Nodes of the Workspaces tree. Each renders itself and loads its own children lazily; lists load a page
 * at a time with a "load more" node; a failed load becomes an error node with a retry action.
 */
import * as vscode from 'vscode';
import type { Pager } from '../core/arm/pager';
import { toUserError, type ArmAction, DOCS } from '../core/arm/errors';
import { sameId } from '../core/arm/ids';
import type { AmlWorkspaceInfo, LinkedSynapseInfo, SparkComputeInfo, SparkPoolInfo, SubscriptionInfo } from '../core/arm/types';
import type { Connection } from './azureConnection';

/** What nodes need from the tree: the connection, change notification, and transient operation labels. */
export interface TreeContext {
  connection(): Connection;
  changed(node?: TreeNode): void;
  /** "Attaching…", "Detaching…" for a resource id while an operation runs. */
  busy(id: string): string | undefined;
}

export abstract class TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly tree: TreeContext,
  ) {}
  abstract readonly id: string;
  abstract getTreeItem(): vscode.TreeItem;
  getChildren(): Promise<TreeNode[]> | TreeNode[] {
    return [];
  }
  /** Forget loaded children so the next expansion reloads them. */
  reset(): void {}
  /** The ARM id behind the node, for Copy Resource ID / Open in Portal. */
  resourceId(): string | undefined {
    return undefined;
  }
}

const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

/** A list that loads page by page. Subclasses say how to open the pager and how to render an item. */
export abstract class PagedNode<T> extends TreeNode {
  private pager: Pager<T> | undefined;
  private items: TreeNode[] = [];
  private error: Error | undefined;
  private loading: Promise<void> | undefined;
  protected minPage = 1;

  protected abstract openPager(): Pager<T>;
  protected abstract toNode(item: T): TreeNode;
  protected abstract action(): ArmAction;
  /** Shown when the list is empty. */
  protected emptyNodes(): TreeNode[] {
    return [new MessageNode(this, this.tree, `${this.id}/empty`, vscode.l10n.t('None'), 'info')];
  }

  override async getChildren(): Promise<TreeNode[]> {
    if (!this.pager) {
      this.pager = this.openPager();
      this.items = [];
      await this.loadPage();
    } else if (this.loading) {
      await this.loading;
    }
    if (this.error && this.items.length === 0) return [new ErrorNode(this, this.tree, this.error)];
    const out = [...this.items];
    if (out.length === 0 && this.pager.done) return this.emptyNodes();
    if (this.error) out.push(new ErrorNode(this, this.tree, this.error));
    else if (!this.pager.done) out.push(new LoadMoreNode(this, this.tree));
    return out;
  }

  async loadMore(): Promise<void> {
    if (!this.pager) return;
    await this.loadPage();
    this.tree.changed(this);
  }

  /** Retry after an error: the failed page is requested again (earlier pages stay). */
  async retry(): Promise<void> {
    if (this.items.length === 0) this.reset();
    else await this.loadPage();
    this.tree.changed(this);
  }

  override reset(): void {
    this.pager = undefined;
    this.items = [];
    this.error = undefined;
    this.loading = undefined;
  }

  private loadPage(): Promise<void> {
    const pager = this.pager!;
    const run = (async () => {
      try {
        const page = await pager.nextAtLeast(this.minPage);
        if (pager !== this.pager) return;
        this.error = undefined;
        this.items.push(...page.map((i) => this.toNode(i)));
      } catch (e) {
        if (pager !== this.pager) return;
        this.error = toUserError(e, this.action());
      }
    })();
    this.loading = run.finally(() => {
      if (this.loading === run) this.loading = undefined;
    });
    return run;
  }
}

export class SubscriptionNode extends PagedNode<AmlWorkspaceInfo> {
  readonly id: string;
  constructor(
    tree: TreeContext,
    readonly subscription: SubscriptionInfo,
  ) {
    super(undefined, tree);
    this.id = `sub/${subscription.subscriptionId}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.subscription.displayName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = icon('azure');
    item.description = this.subscription.state && this.subscription.state !== 'Enabled' ? this.subscription.state : undefined;
    const s = this.subscription;
    item.tooltip = new vscode.MarkdownString(
      [
        vscode.l10n.t('**Subscription** {0}', s.displayName),
        vscode.l10n.t('ID: `{0}`', s.subscriptionId),
        ...(s.tenantId ? [vscode.l10n.t('Tenant: `{0}`', s.tenantId)] : []),
      ].join('\n\n'),
    );
    item.contextValue = 'subscription';
    return item;
  }
  override resourceId(): string {
    return `/subscriptions/${this.subscription.subscriptionId}`;
  }
  protected openPager() {
    return this.tree.connection().ml.workspaces(this.subscription);
  }
  protected toNode(ws: AmlWorkspaceInfo): TreeNode {
    return new AmlWorkspaceNode(this, this.tree, ws);
  }
  protected action(): ArmAction {
    return {
      what: vscode.l10n.t('list the Azure ML workspaces'),
      permission: 'Microsoft.MachineLearningServices/workspaces/read',
      on: vscode.l10n.t('subscription {0} ({1})', this.subscription.displayName, this.subscription.subscriptionId),
      docs: DOCS.amlRoles,
    };
  }
  protected override emptyNodes(): TreeNode[] {
    return [new MessageNode(this, this.tree, `${this.id}/empty`, vscode.l10n.t('No Azure ML workspaces'), 'info')];
  }
}

export class AmlWorkspaceNode extends TreeNode {
  readonly id: string;
  readonly linked: LinkedFolderNode;
  readonly computes: ComputesFolderNode;
  private computesPromise: Promise<SparkComputeInfo[]> | undefined;

  constructor(
    parent: TreeNode,
    tree: TreeContext,
    readonly workspace: AmlWorkspaceInfo,
  ) {
    super(parent, tree);
    this.id = `aml${workspace.id.toLowerCase()}`;
    this.linked = new LinkedFolderNode(this, tree);
    this.computes = new ComputesFolderNode(this, tree);
  }
  getTreeItem(): vscode.TreeItem {
    const ws = this.workspace;
    const item = new vscode.TreeItem(ws.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = icon('beaker');
    item.description = ws.friendlyName && ws.friendlyName !== ws.name ? ws.friendlyName : ws.resourceGroup;
    item.tooltip = new vscode.MarkdownString(
      [
        vscode.l10n.t('**Azure ML workspace** {0}', ws.name),
        vscode.l10n.t('Resource group: {0}', ws.resourceGroup),
        vscode.l10n.t('Location: {0}', ws.location ?? '?'),
        ...(ws.description ? [ws.description] : []),
      ].join('\n\n'),
    );
    item.contextValue = 'amlWorkspace';
    return item;
  }
  override getChildren(): TreeNode[] {
    return [this.linked, this.computes];
  }
  override resourceId(): string {
    return this.workspace.id;
  }
  /** All Synapse Spark computes of the workspace, shared by the pools (attached marks) and the computes folder. */
  sparkComputes(): Promise<SparkComputeInfo[]> {
    if (!this.computesPromise) {
      const p = this.tree.connection().ml.sparkComputes(this.workspace).all();
      p.catch(() => {
        if (this.computesPromise === p) this.computesPromise = undefined;
      });
      this.computesPromise = p;
    }
    return this.computesPromise;
  }
  override reset(): void {
    this.computesPromise = undefined;
    this.linked.reset();
    this.computes.reset();
  }
}

export class LinkedFolderNode extends PagedNode<LinkedSynapseInfo> {
  readonly id: string;
  constructor(
    readonly workspaceNode: AmlWorkspaceNode,
    tree: TreeContext,
  ) {
    super(workspaceNode, tree);
    this.id = `${workspaceNode.id}/linked`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Linked Synapse workspaces'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = icon('link');
    item.contextValue = 'linkedFolder';
    item.tooltip = vscode.l10n.t('Synapse workspaces linked to this Azure ML workspace (linked services), and their Spark pools');
    return item;
  }
  protected openPager() {
    return this.tree.connection().ml.linkedSynapse(this.workspaceNode.workspace);
  }
  protected toNode(link: LinkedSynapseInfo): TreeNode {
    return new LinkedSynapseNode(this, this.tree, link);
  }
  protected action(): ArmAction {
    return {
      what: vscode.l10n.t('list the linked Synapse workspaces'),
      permission: 'Microsoft.MachineLearningServices/workspaces/linkedServices/read',
      on: vscode.l10n.t('Azure ML workspace {0}', this.workspaceNode.workspace.id),
      docs: DOCS.linkV1,
    };
  }
  protected override emptyNodes(): TreeNode[] {
    const n = new MessageNode(this, this.tree, `${this.id}/empty`, vscode.l10n.t('Link a Synapse workspace…'), 'add');
    n.command = {
      title: vscode.l10n.t('Link Synapse Workspace'),
      command: 'synapseSpark.linkSynapseWorkspace',
      arguments: [this.workspaceNode],
    };
    return [n];
  }
}

export class LinkedSynapseNode extends PagedNode<SparkPoolInfo> {
  readonly id: string;
  constructor(
    readonly folder: LinkedFolderNode,
    tree: TreeContext,
    readonly link: LinkedSynapseInfo,
  ) {
    super(folder, tree);
    this.id = `${folder.id}/${link.linkName.toLowerCase()}`;
  }
  getTreeItem(): vscode.TreeItem {
    const l = this.link;
    const item = new vscode.TreeItem(l.synapseWorkspaceName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = icon('database');
    item.description = this.tree.busy(l.linkId) ?? vscode.l10n.t('link {0}', l.linkName);
    item.tooltip = new vscode.MarkdownString(
      [
        vscode.l10n.t('**Synapse workspace** {0}', l.synapseWorkspaceName),
        vscode.l10n.t('Linked service: {0}', l.linkName),
        vscode.l10n.t('Resource group: {0}', l.synapseResourceGroup),
        ...(l.principalId ? [vscode.l10n.t('Link identity (principal id): `{0}`', l.principalId)] : []),
      ].join('\n\n'),
    );
    item.contextValue = 'linkedSynapseWorkspace';
    return item;
  }
  override resourceId(): string {
    return this.link.synapseWorkspaceId;
  }
  override async getChildren(): Promise<TreeNode[]> {
    // Attached marks come from the workspace's computes; a failure there is shown on the computes folder.
    await this.folder.workspaceNode.sparkComputes().catch(() => undefined);
    const children = await super.getChildren();
    await Promise.all(children.map((c) => (c instanceof SparkPoolNode ? c.resolveAttached() : undefined)));
    return children;
  }
  protected openPager() {
    const l = this.link;
    return this.tree.connection().synapse.pools({
      id: l.synapseWorkspaceId,
      name: l.synapseWorkspaceName,
      subscriptionId: l.synapseSubscriptionId,
      resourceGroup: l.synapseResourceGroup,
      tenantId: l.amlWorkspace.tenantId,
    });
  }
  protected toNode(pool: SparkPoolInfo): TreeNode {
    return new SparkPoolNode(this, this.tree, pool);
  }
  protected action(): ArmAction {
    return {
      what: vscode.l10n.t('list the Spark pools of {0}', this.link.synapseWorkspaceName),
      permission: 'Microsoft.Synapse/workspaces/bigDataPools/read',
      on: vscode.l10n.t('Synapse workspace {0}', this.link.synapseWorkspaceId),
      docs: DOCS.synapseAccess,
    };
  }
  protected override emptyNodes(): TreeNode[] {
    return [new MessageNode(this, this.tree, `${this.id}/empty`, vscode.l10n.t('No Spark pools'), 'info')];
  }
}

export class SparkPoolNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly synapseNode: LinkedSynapseNode,
    tree: TreeContext,
    readonly pool: SparkPoolInfo,
  ) {
    super(synapseNode, tree);
    this.id = `${synapseNode.id}/${pool.name.toLowerCase()}`;
  }
  get workspaceNode(): AmlWorkspaceNode {
    return this.synapseNode.folder.workspaceNode;
  }
  /** Computes attached to this pool (resolved from the workspace's loaded computes; [] while unknown). */
  attachedAs(): SparkComputeInfo[] {
    return this.attached ?? [];
  }
  private attached: SparkComputeInfo[] | undefined;
  async resolveAttached(): Promise<SparkComputeInfo[]> {
    const all = await this.workspaceNode.sparkComputes().catch(() => [] as SparkComputeInfo[]);
    this.attached = all.filter((c) => sameId(c.poolId, this.pool.id));
    return this.attached;
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.pool;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const busy = this.tree.busy(p.id);
    const attached = this.attached ?? [];
    if (busy) {
      item.description = busy;
      item.iconPath = icon('loading~spin');
    } else if (attached.length) {
      item.description = vscode.l10n.t('attached as {0}', attached.map((c) => c.name).join(', '));
      item.iconPath = icon('flame', 'charts.green');
    } else {
      item.description = vscode.l10n.t('not attached');
      item.iconPath = icon('flame');
    }
    item.tooltip = poolTooltip(p, attached);
    item.contextValue = attached.length ? 'sparkPool.attached' : 'sparkPool';
    return item;
  }
  override resourceId(): string {
    return this.pool.id;
  }
}

/** How often the computes of a workspace reload while one of them is Creating, Updating or Deleting. */
export const FOLLOW_TRANSITIONS_MS = { value: 5000 };
const isTransitional = (state: string | undefined) => /^(Creating|Updating|Deleting)$/.test(state ?? '');

export class ComputesFolderNode extends PagedNode<SparkComputeInfo> {
  readonly id: string;
  protected override minPage = 5;
  private follow: ReturnType<typeof setTimeout> | undefined;
  constructor(
    readonly workspaceNode: AmlWorkspaceNode,
    tree: TreeContext,
  ) {
    super(workspaceNode, tree);
    this.id = `${workspaceNode.id}/computes`;
  }
  /**
   * A compute in a transitional state (an attach or detach that runs on in Azure ML, e.g. after its progress was
   * cancelled, or started elsewhere) is followed: the workspace reloads until every compute has settled.
   */
  override async getChildren(): Promise<TreeNode[]> {
    const children = await super.getChildren();
    if (!this.follow && children.some((c) => c instanceof SparkComputeNode && isTransitional(c.compute.provisioningState))) {
      this.follow = setTimeout(() => {
        this.follow = undefined;
        this.workspaceNode.reset();
        this.tree.changed(this.workspaceNode);
      }, FOLLOW_TRANSITIONS_MS.value);
    }
    return children;
  }
  override reset(): void {
    clearTimeout(this.follow);
    this.follow = undefined;
    super.reset();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Attached Spark computes'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = icon('server-process');
    item.contextValue = 'computesFolder';
    item.tooltip = vscode.l10n.t('Synapse Spark pools attached to this Azure ML workspace as computes');
    return item;
  }
  protected openPager() {
    return this.tree.connection().ml.sparkComputes(this.workspaceNode.workspace);
  }
  protected toNode(c: SparkComputeInfo): TreeNode {
    return new SparkComputeNode(this, this.tree, c);
  }
  protected action(): ArmAction {
    return {
      what: vscode.l10n.t('list the attached Spark computes'),
      permission: 'Microsoft.MachineLearningServices/workspaces/computes/read',
      on: vscode.l10n.t('Azure ML workspace {0}', this.workspaceNode.workspace.id),
      docs: DOCS.attachPool,
    };
  }
  protected override emptyNodes(): TreeNode[] {
    const n = new MessageNode(this, this.tree, `${this.id}/empty`, vscode.l10n.t('Attach a Spark pool…'), 'add');
    n.command = { title: vscode.l10n.t('Attach Spark Pool'), command: 'synapseSpark.attachSparkPool', arguments: [this.workspaceNode] };
    return [n];
  }
}

export class SparkComputeNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly folder: ComputesFolderNode,
    tree: TreeContext,
    readonly compute: SparkComputeInfo,
  ) {
    super(folder, tree);
    this.id = `${folder.id}/${compute.name.toLowerCase()}`;
  }
  getTreeItem(): vscode.TreeItem {
    const c = this.compute;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const busy = this.tree.busy(c.id);
    const state = c.provisioningState ?? 'Unknown';
    item.description = busy ?? `${c.synapseWorkspaceName}/${c.poolName} · ${state}`;
    item.iconPath =
      busy || /^(Creating|Updating|Deleting)$/.test(state)
        ? icon('loading~spin')
        : state === 'Failed'
          ? icon('warning', 'problemsWarningIcon.foreground')
          : icon('server-process', 'charts.green');
    item.tooltip = computeTooltip(c);
    item.contextValue = 'sparkCompute';
    return item;
  }
  override resourceId(): string {
    return this.compute.id;
  }
}

export class LoadMoreNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly list: PagedNode<unknown>,
    tree: TreeContext,
  ) {
    super(list, tree);
    this.id = `${list.id}/~more`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = icon('more');
    item.command = { title: vscode.l10n.t('Load More'), command: 'synapseSpark.loadMore', arguments: [this] };
    item.contextValue = 'loadMore';
    return item;
  }
}

export class ErrorNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly owner: TreeNode | undefined,
    tree: TreeContext,
    readonly error: Error,
  ) {
    super(owner, tree);
    this.id = `${owner?.id ?? 'root'}/~error`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.error.message.split('\n')[0], vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = icon('error', 'errorForeground');
    item.tooltip = `${this.error.message}\n\n${vscode.l10n.t('Click to retry.')}`;
    item.command = { title: vscode.l10n.t('Retry'), command: 'synapseSpark.retryLoad', arguments: [this] };
    item.contextValue = 'error';
    return item;
  }
}

export class MessageNode extends TreeNode {
  command: vscode.Command | undefined;
  constructor(
    parent: TreeNode | undefined,
    tree: TreeContext,
    readonly id: string,
    readonly label: string,
    readonly codicon: string,
  ) {
    super(parent, tree);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = icon(this.codicon);
    item.command = this.command;
    item.contextValue = 'message';
    return item;
  }
}

function scaleLines(s: {
  sparkVersion?: string;
  nodeSize?: string;
  nodeSizeFamily?: string;
  nodeCount?: number;
  autoScale?: { enabled: boolean; minNodeCount?: number; maxNodeCount?: number };
  autoPause?: { enabled: boolean; delayInMinutes?: number };
}): string[] {
  return [
    vscode.l10n.t('Spark {0}', s.sparkVersion ?? '?'),
    vscode.l10n.t(
      'Node size: {0}',
      `${s.nodeSize ?? '?'}${s.nodeSizeFamily ? ` (${s.nodeSizeFamily})` : ''}${s.nodeCount !== undefined ? vscode.l10n.t(', {0} nodes', s.nodeCount) : ''}`,
    ),
    vscode.l10n.t(
      'Autoscale: {0}',
      s.autoScale?.enabled
        ? vscode.l10n.t('{0}–{1} nodes', s.autoScale.minNodeCount ?? '?', s.autoScale.maxNodeCount ?? '?')
        : vscode.l10n.t('off'),
    ),
    vscode.l10n.t(
      'Auto-pause: {0}',
      s.autoPause?.enabled ? vscode.l10n.t('after {0} min idle', s.autoPause.delayInMinutes ?? '?') : vscode.l10n.t('off'),
    ),
  ];
}

function poolTooltip(p: SparkPoolInfo, attached: SparkComputeInfo[]): vscode.MarkdownString {
  const lines = [
    vscode.l10n.t('**Spark pool** {0} in {1}', p.name, p.synapseWorkspaceName),
    ...scaleLines(p),
    attached.length
      ? vscode.l10n.t('Attached as: {0}', attached.map((c) => `${c.name} (${c.provisioningState ?? '?'})`).join(', '))
      : vscode.l10n.t('Not attached to this Azure ML workspace'),
  ];
  return new vscode.MarkdownString(lines.join('\n\n'));
}

function computeTooltip(c: SparkComputeInfo): vscode.MarkdownString {
  const lines = [
    vscode.l10n.t('**Attached Spark compute** {0}', c.name),
    vscode.l10n.t('State: {0}', c.provisioningState ?? '?'),
    vscode.l10n.t('Pool: {0}/{1}', c.synapseWorkspaceName, c.poolName),
    ...scaleLines(c),
    vscode.l10n.t('Identity: {0}', c.identityType ?? vscode.l10n.t('none')),
    ...(c.description ? [c.description] : []),
    ...(c.provisioningErrors?.length ? [vscode.l10n.t('Errors: {0}', c.provisioningErrors.join('; '))] : []),
  ];
  return new vscode.MarkdownString(lines.join('\n\n'));
}
