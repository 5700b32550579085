/**
 * Commands of the Workspaces area: sign-in, subscriptions, environment, link/unlink, attach/detach,
 * refresh, copy id, open in portal/studios. Thin: prompts through CommandUi, work through core services,
 * and after every operation (success or failure) the tree reloads what changed so it shows the real state.
 */
import * as vscode from 'vscode';
import { DOCS, isV1LinkRefusal, openLink, toUserError, isNotFound } from '../core/arm/errors';
import { sameId, synapseWorkspaceIdOf, userAssignedIdentityId } from '../core/arm/ids';
import type {
  AmlWorkspaceInfo,
  ComputeIdentityChoice,
  LinkedSynapseInfo,
  SparkComputeInfo,
  SparkPoolInfo,
  SubscriptionInfo,
  SynapseWorkspaceInfo,
} from '../core/arm/types';
import { browserUrl, ENVIRONMENT_NAMES, type BrowserTarget } from '../core/cloud/environments';
import { suggestComputeName, validateComputeName, validateLinkName } from '../core/resources/computeName';
import type { ArmSparkPoolCatalog } from '../core/resources/sparkPoolCatalog';
import { UserCancelledError, UserFacingError, isCancellation } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { updateSetting } from './resourceSettings';
import type { AzureConnection, Connection } from './azureConnection';
import {
  AmlWorkspaceNode,
  ComputesFolderNode,
  ErrorNode,
  LinkedFolderNode,
  LinkedSynapseNode,
  LoadMoreNode,
  PagedNode,
  SparkComputeNode,
  SparkPoolNode,
  TreeNode,
} from './workspaceNodes';
import type { WorkspacesTreeProvider } from './workspacesTree';
import type { CommandRunner } from '../shared/commandRunner';
import { isWizardBack, type CommandUi, type PickItem } from '../shared/ui';

/** A Synapse workspace to attach from, handed over by the v1-link refusal ("attach pools directly"). */
export interface AttachFrom {
  kind: 'attachFrom';
  workspace: AmlWorkspaceInfo;
  /** The Synapse workspace whose pools to offer; asked for when absent. */
  synapseWorkspaceId?: string;
}

export interface ResourceCommandDeps {
  connection: AzureConnection;
  tree: WorkspacesTreeProvider;
  catalog: ArmSparkPoolCatalog;
  ui: () => CommandUi;
  log: Logger;
  /** Poll interval for attach/detach when Azure sends no Retry-After. */
  pollIntervalMs?: number;
}

export function registerResourceCommands(commands: CommandRunner, deps: ResourceCommandDeps): void {
  const c = new ResourceCommands(deps);
  commands.register('synapseSpark.signIn', () => c.signIn());
  commands.register('synapseSpark.signOut', () => c.signOut());
  commands.register('synapseSpark.selectSubscriptions', () => c.selectSubscriptions());
  commands.register('synapseSpark.selectEnvironment', () => c.selectEnvironment());
  commands.register('synapseSpark.linkSynapseWorkspace', (node?: TreeNode) => c.link(node));
  commands.register('synapseSpark.unlinkSynapseWorkspace', (node?: TreeNode) => c.unlink(node));
  commands.register('synapseSpark.attachSparkPool', (node?: TreeNode | AttachFrom) => c.attach(node));
  commands.register('synapseSpark.detachSparkPool', (node?: TreeNode | SparkComputeInfo) => c.detach(node));
  commands.register('synapseSpark.copyResourceId', (node?: TreeNode) => c.copyResourceId(node));
  commands.register('synapseSpark.openInPortal', (node?: TreeNode) => c.open('portal', node));
  commands.register('synapseSpark.openInSynapseStudio', (node?: TreeNode) => c.open('synapseStudio', node));
  commands.register('synapseSpark.openInAmlStudio', (node?: TreeNode) => c.open('amlStudio', node));
  commands.register('synapseSpark.loadMore', (node?: LoadMoreNode) => node?.list.loadMore());
  commands.register('synapseSpark.retryLoad', (node?: ErrorNode) => c.retry(node));
  commands.register('synapseSpark.openLink', (url?: string) => c.openLink(url));
}

class ResourceCommands {
  constructor(private readonly d: ResourceCommandDeps) {}

  private get ui(): CommandUi {
    return this.d.ui();
  }

  private conn(): Connection {
    return this.d.connection.get();
  }

  /** The connection, signed in (asks to sign in first when not). */
  private async signedIn(): Promise<Connection> {
    const c = this.conn();
    if (!c.account.signedIn) await this.signIn();
    return this.conn();
  }

  async signIn(): Promise<void> {
    const c = this.conn();
    const ok = await this.ui.progress(
      vscode.l10n.t('Signing in to {0} ({1})…', c.arm.environment.displayName, c.account.source.displayName),
      (_r, signal) => c.account.signIn({ interactive: true, signal }),
    );
    if (!ok) throw new UserFacingError(vscode.l10n.t('Sign-in did not complete.'));
    this.d.catalog.notifyChanged();
  }

  async signOut(): Promise<void> {
    await this.conn().account.signOut();
    this.d.catalog.notifyChanged();
  }

  async selectSubscriptions(): Promise<void> {
    const c = await this.signedIn();
    const all = await c.account.allSubscriptions();
    if (all.length === 0) throw new UserFacingError(vscode.l10n.t('This account sees no subscriptions.'));
    const current = c.account.selection();
    const chosen = await this.ui.pickMany(
      all.map((s) => ({
        label: s.displayName,
        description: s.subscriptionId,
        picked: !current || current.includes(s.subscriptionId),
        value: s.subscriptionId,
      })),
      { title: vscode.l10n.t('Synapse Spark: Subscriptions to show') },
    );
    if (chosen.length === 0) throw new UserFacingError(vscode.l10n.t('Choose at least one subscription.'));
    await c.account.setSelection(chosen.length === all.length ? undefined : chosen);
    this.d.tree.refresh();
    this.d.catalog.notifyChanged();
  }

  async selectEnvironment(): Promise<void> {
    const current = vscode.workspace.getConfiguration('synapseSpark').get<string>('environment');
    const labels: Record<string, string> = {
      AzureCloud: vscode.l10n.t('Azure (public cloud)'),
      AzureChinaCloud: vscode.l10n.t('Azure China (21Vianet)'),
      AzureUSGovernment: vscode.l10n.t('Azure US Government'),
      Custom: vscode.l10n.t('Custom ({0}: an Azure Stack, a private cloud or the local emulator)', 'synapseSpark.custom.*'),
    };
    const name = await this.ui.pick(
      ENVIRONMENT_NAMES.map((n) => ({ label: labels[n], description: n === current ? vscode.l10n.t('current') : undefined, value: n })),
      { title: vscode.l10n.t('Synapse Spark: Azure environment') },
    );
    await updateSetting('environment', name);
    if (name === 'Custom' && !vscode.workspace.getConfiguration('synapseSpark').get<string>('custom.resourceManagerEndpoint')) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'synapseSpark.custom');
    }
  }

  // ---- link / unlink ----

  async link(node?: TreeNode): Promise<void> {
    const c = await this.signedIn();
    const wsNode = node instanceof AmlWorkspaceNode ? node : node instanceof LinkedFolderNode ? node.workspaceNode : undefined;
    const workspace = wsNode?.workspace ?? (await this.pickAmlWorkspace(c));
    const existing = await c.ml
      .linkedSynapse(workspace)
      .all()
      .catch((e) => {
        throw toUserError(e, linkAction(workspace, vscode.l10n.t('list the linked services'), 'read'));
      });
    const sub: SubscriptionInfo = {
      subscriptionId: workspace.subscriptionId,
      displayName: workspace.subscriptionId,
      tenantId: workspace.tenantId,
    };
    const synapse = await this.ui.pick(
      c.synapse
        .workspaces(sub)
        .all()
        .then(
          (all) => {
            const free = all.filter((w) => !existing.some((l) => sameId(l.synapseWorkspaceId, w.id)));
            if (free.length === 0)
              throw new UserFacingError(
                vscode.l10n.t(
                  'Every Synapse workspace of subscription {0} is already linked to {1}.',
                  workspace.subscriptionId,
                  workspace.name,
                ),
              );
            return free.map((w) => ({ label: w.name, description: w.resourceGroup, detail: w.location, value: w }));
          },
          (e) => {
            throw toUserError(e, {
              what: vscode.l10n.t('list the Synapse workspaces'),
              permission: 'Microsoft.Synapse/workspaces/read',
              on: vscode.l10n.t('subscription {0}', workspace.subscriptionId),
              docs: DOCS.synapseAccess,
            });
          },
        ),
      { title: vscode.l10n.t('Link a Synapse workspace to {0}', workspace.name) },
    );
    const names = existing.map((l) => l.linkName);
    const linkName = await this.ui.input({
      title: vscode.l10n.t('Link {0} to {1}', synapse.name, workspace.name),
      prompt: vscode.l10n.t('Name of the linked service'),
      value: names.includes(synapse.name) ? `${synapse.name}-link` : synapse.name,
      validate: (v) => validateLinkName(v, names),
    });
    try {
      const link = await this.ui.progress(vscode.l10n.t('Linking {0} to {1}…', synapse.name, workspace.name), (_r, signal) =>
        c.ml.link(workspace, synapse.id, linkName, signal),
      );
      this.d.log.info(`Linked ${synapse.id} to ${workspace.id} as ${link.linkName}.`);
      if (link.principalId) {
        // The link's identity needs a Synapse role before the pools can be used through it: offer the way there.
        const principalId = link.principalId;
        const openStudio = vscode.l10n.t('Open Synapse Studio');
        const copyId = vscode.l10n.t('Copy Identity ID');
        void this.ui
          .info(
            vscode.l10n.t(
              "Linked {0} to {1}. Grant the link's identity ({2}) access in Synapse Studio to use its pools.",
              synapse.name,
              workspace.name,
              principalId,
            ),
            openStudio,
            copyId,
          )
          .then(async (picked) => {
            if (picked === copyId) {
              await vscode.env.clipboard.writeText(principalId);
              vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Identity ID copied')}`, 3000);
            } else if (picked === openStudio) {
              await this.openInBrowser('synapseStudio', synapse.id);
            }
          });
      } else {
        void this.ui.info(vscode.l10n.t('Linked {0} to {1}.', synapse.name, workspace.name));
      }
    } catch (e) {
      if (isV1LinkRefusal(e)) {
        throw new UserFacingError(
          vscode.l10n.t(
            'Azure ML refused to link {0} to {1}: new Synapse links (the Azure ML SDK v1 integration) are no longer accepted for this workspace. You do not need a link to use the pools: attach a Spark pool of {0} directly as an Azure ML compute.',
            synapse.name,
            workspace.name,
          ),
          [
            {
              title: vscode.l10n.t('Attach a Pool Directly'),
              command: 'synapseSpark.attachSparkPool',
              args: [{ kind: 'attachFrom', workspace, synapseWorkspaceId: synapse.id } satisfies AttachFrom],
            },
            openLink(vscode.l10n.t('Learn More'), DOCS.linkV1),
          ],
          { cause: e },
        );
      }
      throw toUserError(e, linkAction(workspace, vscode.l10n.t('link {0}', synapse.name), 'write'));
    } finally {
      this.afterChange(wsNode, workspace);
    }
  }

  async unlink(node?: TreeNode): Promise<void> {
    const c = await this.signedIn();
    let link = node instanceof LinkedSynapseNode ? node.link : undefined;
    if (!link) {
      const workspace = await this.pickAmlWorkspace(c);
      link = await this.ui.pick(
        c.ml
          .linkedSynapse(workspace)
          .all()
          .then((ls) => {
            if (ls.length === 0) throw new UserFacingError(vscode.l10n.t('{0} has no linked Synapse workspace.', workspace.name));
            return ls.map((l) => ({ label: l.synapseWorkspaceName, description: l.linkName, value: l }));
          }),
        { title: vscode.l10n.t('Unlink a Synapse workspace from {0}', workspace.name) },
      );
    }
    const l: LinkedSynapseInfo = link!;
    await this.ui.confirm(
      vscode.l10n.t('Unlink {0} from {1}?', l.synapseWorkspaceName, l.amlWorkspace.name),
      vscode.l10n.t(
        'This deletes the linked service "{0}". Attached Spark computes stay attached; the Synapse workspace is not changed.',
        l.linkName,
      ),
      vscode.l10n.t('Unlink'),
    );
    const wsNode = node instanceof LinkedSynapseNode ? node.folder.workspaceNode : undefined;
    try {
      await this.d.tree.withBusy(l.linkId, vscode.l10n.t('Unlinking…'), [node], () => c.ml.unlink(l));
      this.d.log.info(`Unlinked ${l.linkId}.`);
    } catch (e) {
      throw toUserError(e, linkAction(l.amlWorkspace, vscode.l10n.t('unlink {0}', l.synapseWorkspaceName), 'delete'));
    } finally {
      this.afterChange(wsNode, l.amlWorkspace);
    }
  }

  // ---- attach / detach ----

  /** What the attach wizard starts from: the tree row (or error action) it was run on. */
  private attachStart(arg?: TreeNode | AttachFrom): {
    wsNode?: AmlWorkspaceNode;
    workspace?: AmlWorkspaceInfo;
    pool?: SparkPoolInfo;
    synapseId?: string;
  } {
    if (arg instanceof SparkPoolNode) return { wsNode: arg.workspaceNode, pool: arg.pool };
    if (arg instanceof LinkedSynapseNode) return { wsNode: arg.folder.workspaceNode, synapseId: arg.link.synapseWorkspaceId };
    if (arg instanceof AmlWorkspaceNode) return { wsNode: arg };
    if (arg instanceof ComputesFolderNode || arg instanceof LinkedFolderNode) return { wsNode: arg.workspaceNode };
    if (arg && 'kind' in arg && arg.kind === 'attachFrom') return { workspace: arg.workspace, synapseId: arg.synapseWorkspaceId };
    return {};
  }

  async attach(arg?: TreeNode | AttachFrom): Promise<SparkComputeInfo> {
    const c = await this.signedIn();
    const start = this.attachStart(arg);
    const { wsNode, synapseId } = start;
    let { pool } = start;
    const workspace = start.workspace ?? wsNode?.workspace ?? (await this.pickAmlWorkspace(c));
    const ws = workspace;
    // The existing compute names (for the name box) load while the user picks the pool.
    const names = c.ml.computeNames(ws).catch((e) => {
      throw toUserError(e, computeAction(ws, vscode.l10n.t('list the computes of'), 'read'));
    });
    names.catch(() => undefined); // surfaced where it is awaited
    const synapse = pool ? undefined : synapseId ? synapseWorkspaceIdOf(synapseId)! : await this.pickSynapseWorkspace(c, ws);
    const pools =
      synapse &&
      c.synapse
        .pools({ ...synapse, tenantId: ws.tenantId })
        .all()
        .then(
          (list) => {
            if (list.length === 0) throw new UserFacingError(vscode.l10n.t('{0} has no Spark pools.', synapse.name));
            return list.map((p) => ({
              label: p.name,
              description: vscode.l10n.t('Spark {0} · {1}', p.sparkVersion ?? '?', p.nodeSize ?? '?'),
              value: p,
            }));
          },
          (e) => {
            throw toUserError(e, {
              what: vscode.l10n.t('list the Spark pools of {0}', synapse.name),
              permission: 'Microsoft.Synapse/workspaces/bigDataPools/read',
              on: synapse.id,
              docs: DOCS.synapseAccess,
            });
          },
        );
    pools?.catch(() => undefined); // surfaced by the pick
    // Pool (when picked here), compute name and identity: each step's Back button returns to the one before,
    // keeping what was typed.
    let nameAnswer: string | undefined;
    let identityAnswer: ComputeIdentityChoice | undefined;
    const first = pools ? 0 : 1;
    for (let step = first; step < 3;) {
      try {
        if (step === 0) {
          const picked: SparkPoolInfo = await this.ui.pick(pools!, {
            title: vscode.l10n.t('Attach a Spark pool of {0} to {1}', synapse!.name, ws.name),
          });
          if (picked.id !== pool?.id) nameAnswer = undefined;
          pool = picked;
        } else if (step === 1) {
          const taken = await this.whenReady(names, vscode.l10n.t('Reading the computes of {0}…', ws.name));
          nameAnswer = await this.ui.input({
            title: vscode.l10n.t('Attach {0} to {1}: compute name', pool!.name, ws.name),
            prompt: vscode.l10n.t('Compute name in Azure ML (2-16 characters: letters, digits and hyphens, starting with a letter)'),
            value: nameAnswer ?? suggestComputeName(pool!.name, taken),
            validate: (v) => validateComputeName(v, taken),
            back: step > first,
          });
        } else {
          identityAnswer = await this.pickIdentity(ws, pool!);
        }
        step++;
      } catch (e) {
        if (!isWizardBack(e)) throw e;
        step--;
      }
    }
    const p = pool!;
    const computeName = nameAnswer!;
    const identity = identityAnswer!;
    const poolNode = arg instanceof SparkPoolNode ? arg : undefined;
    try {
      const compute = await this.d.tree.withBusy(p.id, vscode.l10n.t('Attaching…'), [poolNode], () =>
        this.ui.progress(vscode.l10n.t('Attaching {0} to {1} as {2}…', p.name, ws.name, computeName), (report, signal) =>
          c.ml.attach(
            ws,
            { computeName, poolId: p.id, identity },
            {
              signal,
              pollIntervalMs: this.d.pollIntervalMs,
              onProgress: (s) => report({ message: `${s.status} (${Math.round(s.elapsedMs / 1000)} s)` }),
            },
          ),
        ),
      );
      this.d.log.info(`Attached ${p.id} to ${ws.id} as ${computeName} (${compute.provisioningState}).`);
      if (compute.provisioningState === 'Failed') {
        const why = compute.provisioningErrors?.length ? `: ${compute.provisioningErrors.join('; ')}` : '.';
        throw new UserFacingError(
          vscode.l10n.t('Azure ML created the compute {0} but its attach failed{1} Detach it and try again.', computeName, why),
          [{ title: vscode.l10n.t('Detach'), command: 'synapseSpark.detachSparkPool', args: [compute] }],
        );
      }
      // Say that the wizard is done, and offer the new row (after the tree reloaded below).
      const reveal = vscode.l10n.t('Reveal in Tree');
      void this.ui
        .info(vscode.l10n.t('Attached {0} to {1} as {2}: notebooks and pipelines can run on it now.', p.name, ws.name, computeName), reveal)
        .then(async (picked) => {
          if (picked !== reveal) return;
          if (!(await this.d.tree.revealCompute(ws.id, computeName)))
            this.d.log.warn(`The compute ${computeName} is not in the Workspaces view (yet); refresh it.`);
        });
      return compute;
    } catch (e) {
      if (e instanceof UserFacingError) throw e;
      // Say what state the failure left behind: no compute, or one that exists in some state.
      const now = await c.ml.getCompute(ws, computeName).catch(() => undefined);
      if (isCancellation(e)) {
        // Cancel stops our wait, not Azure ML: a compute it already accepted goes on attaching. Say so, offer the undo.
        if (now) {
          this.d.log.info(
            `Stopped waiting for the attach of ${p.id} as ${computeName}; the compute is ${now.provisioningState ?? 'in an unknown state'}.`,
          );
          const detach = vscode.l10n.t('Detach');
          void this.ui
            .info(
              vscode.l10n.t(
                'Stopped waiting, but Azure ML goes on attaching {0} to {1} as {2} (now {3}); the Workspaces view follows it. To undo, detach it.',
                p.name,
                ws.name,
                computeName,
                now.provisioningState ?? vscode.l10n.t('in an unknown state'),
              ),
              detach,
            )
            .then((picked) => {
              if (picked === detach) void vscode.commands.executeCommand('synapseSpark.detachSparkPool', now);
            });
        }
        throw e;
      }
      const base = toUserError(e, computeAction(ws, vscode.l10n.t('attach {0} as {1} to', p.name, computeName), 'write'));
      if (now && (e as Error).name !== 'AbortError') {
        throw new UserFacingError(
          `${base.message} ${vscode.l10n.t('The compute {0} exists in state {1}; the tree shows it.', computeName, now.provisioningState ?? vscode.l10n.t('unknown'))}`,
          (base as UserFacingError).actions ?? [],
          { cause: e },
        );
      }
      throw base;
    } finally {
      this.afterChange(wsNode, ws);
    }
  }

  /** The value when it comes within a moment; otherwise a cancellable progress notification while it loads. */
  private async whenReady<T>(pending: Promise<T>, title: string): Promise<T> {
    const notYet = Symbol('pending');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      pending,
      new Promise<symbol>((r) => {
        timer = setTimeout(() => r(notYet), 300);
      }),
    ]).finally(() => clearTimeout(timer));
    if (first !== notYet) return first as T;
    return this.ui.progress(
      title,
      (_report, signal) =>
        new Promise<T>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new UserCancelledError()), { once: true });
          pending.then(resolve, reject);
        }),
    );
  }

  async detach(arg?: TreeNode | SparkComputeInfo): Promise<void> {
    const c = await this.signedIn();
    let compute: SparkComputeInfo | undefined;
    let wsNode: AmlWorkspaceNode | undefined;
    // A compute handed over by a message action (a failed or cancelled attach) rather than a tree node.
    const node = arg instanceof TreeNode ? arg : undefined;
    if (arg && !node && 'poolId' in arg && 'amlWorkspace' in arg) compute = arg;
    if (node instanceof SparkComputeNode) {
      compute = node.compute;
      wsNode = node.folder.workspaceNode;
    } else if (node instanceof SparkPoolNode) {
      wsNode = node.workspaceNode;
      const attached = await node.resolveAttached();
      compute =
        attached.length === 1
          ? attached[0]
          : await this.ui.pick(
              attached.map((a) => ({ label: a.name, value: a })),
              { title: vscode.l10n.t('Detach which compute of {0}?', node.pool.name) },
            );
    }
    if (!compute) {
      const workspace = await this.pickAmlWorkspace(c);
      compute = await this.ui.pick(
        c.ml
          .sparkComputes(workspace)
          .all()
          .then((cs) => {
            if (cs.length === 0) {
              throw new UserFacingError(vscode.l10n.t('{0} has no attached Spark compute to detach.', workspace.name), [
                {
                  title: vscode.l10n.t('Attach a Spark Pool'),
                  command: 'synapseSpark.attachSparkPool',
                  args: [{ kind: 'attachFrom', workspace } satisfies AttachFrom],
                },
              ]);
            }
            return cs.map((x) => ({
              label: x.name,
              description: `${x.synapseWorkspaceName}/${x.poolName} · ${x.provisioningState ?? ''}`,
              value: x,
            }));
          }),
        { title: vscode.l10n.t('Detach a Spark compute from {0}', workspace.name) },
      );
    }
    const x: SparkComputeInfo = compute!;
    await this.ui.confirm(
      vscode.l10n.t('Detach {0} from {1}?', x.name, x.amlWorkspace.name),
      vscode.l10n.t(
        'Azure ML forgets the compute {0}; the Synapse Spark pool {1}/{2} is not deleted and can be attached again.',
        x.name,
        x.synapseWorkspaceName,
        x.poolName,
      ),
      vscode.l10n.t('Detach'),
    );
    try {
      await this.d.tree.withBusy(x.id, vscode.l10n.t('Detaching…'), [node], () =>
        this.ui.progress(vscode.l10n.t('Detaching {0} from {1}…', x.name, x.amlWorkspace.name), (report, signal) =>
          c.ml.detach(x.amlWorkspace, x.name, {
            signal,
            pollIntervalMs: this.d.pollIntervalMs,
            onProgress: (s) => report({ message: `${s.status} (${Math.round(s.elapsedMs / 1000)} s)` }),
          }),
        ),
      );
      this.d.log.info(`Detached ${x.id}.`);
    } catch (e) {
      if (isNotFound(e)) return; // already gone: the refresh below shows it
      throw toUserError(e, computeAction(x.amlWorkspace, vscode.l10n.t('detach {0} from', x.name), 'delete'));
    } finally {
      this.afterChange(wsNode, x.amlWorkspace);
    }
  }

  // ---- small ones ----

  async copyResourceId(node?: TreeNode): Promise<void> {
    const id = node?.resourceId();
    if (!id) throw new UserFacingError(vscode.l10n.t('Choose a resource in the Workspaces view to copy its id.'));
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Resource ID copied')}`, 3000);
  }

  async open(target: BrowserTarget, node?: TreeNode): Promise<void> {
    let id: string | undefined;
    if (target === 'synapseStudio') {
      id =
        node instanceof LinkedSynapseNode
          ? node.link.synapseWorkspaceId
          : node instanceof SparkPoolNode
            ? node.pool.synapseWorkspaceId
            : node instanceof SparkComputeNode
              ? node.compute.synapseWorkspaceId
              : undefined;
    } else if (target === 'amlStudio') {
      id =
        node instanceof AmlWorkspaceNode
          ? node.workspace.id
          : node instanceof SparkComputeNode
            ? node.compute.amlWorkspace.id
            : node instanceof SparkPoolNode
              ? node.workspaceNode.workspace.id
              : undefined;
    } else {
      id = node?.resourceId();
    }
    if (!id) throw new UserFacingError(vscode.l10n.t('Choose a resource in the Workspaces view first.'));
    await this.openInBrowser(target, id);
  }

  /** Opens a resource in the environment's portal or studio, in the signed-in account's home tenant. */
  private async openInBrowser(target: BrowserTarget, id: string): Promise<void> {
    const c = this.conn();
    const tenant = c.account.state.kind === 'signedIn' ? c.account.state.account.homeTenantId : undefined;
    await vscode.env.openExternal(vscode.Uri.parse(browserUrl(c.arm.environment, target, id, tenant), true));
  }

  async retry(node?: ErrorNode): Promise<void> {
    const owner = node?.owner;
    if (owner instanceof PagedNode) await owner.retry();
    else this.d.tree.refresh(owner);
  }

  async openLink(url?: string): Promise<void> {
    if (!url || !/^https:\/\//.test(url)) return;
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  // ---- pickers ----

  private async pickAmlWorkspace(c: Connection): Promise<AmlWorkspaceInfo> {
    const subs = await c.account.selectedSubscriptions();
    const sub =
      subs.length === 1
        ? subs[0]
        : await this.ui.pick(
            subs.map((s) => ({ label: s.displayName, description: s.subscriptionId, value: s })),
            { title: vscode.l10n.t('Choose a subscription') },
          );
    return this.ui.pick(
      c.ml
        .workspaces(sub)
        .all()
        .then(
          (wss) => {
            if (wss.length === 0) throw new UserFacingError(vscode.l10n.t('Subscription {0} has no Azure ML workspaces.', sub.displayName));
            return wss.map((w) => ({ label: w.name, description: w.resourceGroup, detail: w.friendlyName, value: w }));
          },
          (e) => {
            throw toUserError(e, {
              what: vscode.l10n.t('list the Azure ML workspaces'),
              permission: 'Microsoft.MachineLearningServices/workspaces/read',
              on: vscode.l10n.t('subscription {0}', sub.displayName),
              docs: DOCS.amlRoles,
            });
          },
        ),
      { title: vscode.l10n.t('Choose an Azure ML workspace') },
    );
  }

  /** Linked workspaces first, then every other Synapse workspace of the subscription (attaching needs no link). */
  private async pickSynapseWorkspace(
    c: Connection,
    ws: AmlWorkspaceInfo,
  ): Promise<{ id: string; name: string; subscriptionId: string; resourceGroup: string }> {
    const sub: SubscriptionInfo = { subscriptionId: ws.subscriptionId, displayName: ws.subscriptionId, tenantId: ws.tenantId };
    const items = Promise.all([
      c.ml
        .linkedSynapse(ws)
        .all()
        .catch(() => []),
      c.synapse.workspaces(sub).all(),
    ]).then(
      ([links, all]) => {
        const out: PickItem<{ id: string; name: string; subscriptionId: string; resourceGroup: string }>[] = [];
        for (const l of links)
          out.push({
            label: l.synapseWorkspaceName,
            description: vscode.l10n.t('linked ({0})', l.linkName),
            value: synapseWorkspaceIdOf(l.synapseWorkspaceId)!,
          });
        for (const w of all as SynapseWorkspaceInfo[])
          if (!links.some((l) => sameId(l.synapseWorkspaceId, w.id))) out.push({ label: w.name, description: w.resourceGroup, value: w });
        if (out.length === 0) throw new UserFacingError(vscode.l10n.t('Subscription {0} has no Synapse workspaces.', ws.subscriptionId));
        return out;
      },
      (e) => {
        throw toUserError(e, {
          what: vscode.l10n.t('list the Synapse workspaces'),
          permission: 'Microsoft.Synapse/workspaces/read',
          on: vscode.l10n.t('subscription {0}', ws.subscriptionId),
          docs: DOCS.synapseAccess,
        });
      },
    );
    return this.ui.pick(items, { title: vscode.l10n.t('Choose the Synapse workspace whose pool to attach to {0}', ws.name) });
  }

  /** The identity step (its Back button rejects with WizardBack); Back from the identity id returns to it. */
  private async pickIdentity(ws: AmlWorkspaceInfo, p: SparkPoolInfo): Promise<ComputeIdentityChoice> {
    for (;;) {
      const kind = await this.ui.pick<ComputeIdentityChoice['type']>(
        [
          {
            label: vscode.l10n.t('System-assigned identity'),
            detail: vscode.l10n.t('Azure ML creates an identity for the compute (recommended)'),
            value: 'SystemAssigned',
          },
          {
            label: vscode.l10n.t('User-assigned identity'),
            detail: vscode.l10n.t('Use an existing managed identity'),
            value: 'UserAssigned',
          },
          { label: vscode.l10n.t('No identity'), detail: vscode.l10n.t("Jobs use the submitting user's identity"), value: 'None' },
        ],
        { title: vscode.l10n.t('Attach {0} to {1}: managed identity', p.name, ws.name), back: true },
      );
      if (kind !== 'UserAssigned') return { type: kind };
      try {
        const identityId = await this.ui.input({
          title: vscode.l10n.t('User-assigned managed identity'),
          prompt: vscode.l10n.t(
            'Resource id: {0}',
            '/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…',
          ),
          validate: (v) =>
            userAssignedIdentityId(v.trim()) ? undefined : vscode.l10n.t('Enter the resource id of a user-assigned managed identity.'),
          back: true,
        });
        return { type: 'UserAssigned', identityId: identityId.trim() };
      } catch (e) {
        if (!isWizardBack(e)) throw e;
      }
    }
  }

  /** After any operation: reload the workspace's folders (or the whole tree) and tell the Spark side. */
  private afterChange(wsNode: AmlWorkspaceNode | undefined, ws: AmlWorkspaceInfo): void {
    if (wsNode) this.d.tree.refresh(wsNode);
    else this.d.tree.refreshWorkspace(ws.id);
    this.d.catalog.notifyChanged();
  }
}

function linkAction(ws: AmlWorkspaceInfo, what: string, verb: 'read' | 'write' | 'delete') {
  return {
    what,
    permission: `Microsoft.MachineLearningServices/workspaces/linkedServices/${verb}`,
    on: vscode.l10n.t('Azure ML workspace {0}', ws.id),
    docs: DOCS.linkV1,
  };
}

function computeAction(ws: AmlWorkspaceInfo, what: string, verb: 'read' | 'write' | 'delete') {
  return {
    what: `${what} ${ws.name}`,
    permission: `Microsoft.MachineLearningServices/workspaces/computes/${verb}`,
    on: vscode.l10n.t('Azure ML workspace {0}', ws.id),
    docs: DOCS.attachPool,
  };
}
