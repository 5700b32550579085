/**
 * Azure ML management over @azure/arm-machinelearning (workspaces, computes, attach/detach as
 * long-running operations) and the 2020-09-01-preview linked services the SDK lacks (same pipeline).
 */
import type { ComputeResource, Workspace } from '@azure/arm-machinelearning';
import { abortError } from '../util/abort';
import { bigDataPoolIdOf, parseResourceId, synapseWorkspaceIdOf } from './ids';
import { mapPages, Pager } from './pager';
import type { ArmContext } from './pipeline';
import { rawPages } from './subscriptions';
import type {
  AmlWorkspaceInfo,
  ComputeIdentityChoice,
  LinkedSynapseInfo,
  OperationProgress,
  SparkComputeInfo,
  SubscriptionInfo,
} from './types';

export const LINKED_SERVICES_API = '2020-09-01-preview';

export interface LroOptions {
  signal?: AbortSignal;
  onProgress?: (p: OperationProgress) => void;
  /** Poll interval when the service sends no Retry-After. */
  pollIntervalMs?: number;
}

export class MachineLearningService {
  constructor(private readonly arm: ArmContext) {}

  workspaces(sub: SubscriptionInfo, signal?: AbortSignal): Pager<AmlWorkspaceInfo> {
    const client = this.arm.machineLearning(sub.subscriptionId, sub.tenantId);
    return new Pager(() =>
      mapPages(client.workspaces.listBySubscription({ abortSignal: signal }).byPage(), (w) => toWorkspace(w, sub.tenantId))[
        Symbol.asyncIterator
      ](),
    );
  }

  /** Attached Synapse Spark computes of a workspace (other compute types are left out). */
  sparkComputes(ws: AmlWorkspaceInfo, signal?: AbortSignal): Pager<SparkComputeInfo> {
    const client = this.arm.machineLearning(ws.subscriptionId, ws.tenantId);
    return new Pager(() =>
      mapPages(client.computeOperations.list(ws.resourceGroup, ws.name, { abortSignal: signal }).byPage(), (c) => toSparkCompute(c, ws))[
        Symbol.asyncIterator
      ](),
    );
  }

  /** Every compute name in the workspace, any type (names are unique across types). */
  async computeNames(ws: AmlWorkspaceInfo, signal?: AbortSignal): Promise<string[]> {
    const client = this.arm.machineLearning(ws.subscriptionId, ws.tenantId);
    const names: string[] = [];
    for await (const c of client.computeOperations.list(ws.resourceGroup, ws.name, { abortSignal: signal })) if (c.name) names.push(c.name);
    return names;
  }

  async getCompute(ws: AmlWorkspaceInfo, name: string, signal?: AbortSignal): Promise<SparkComputeInfo | undefined> {
    const client = this.arm.machineLearning(ws.subscriptionId, ws.tenantId);
    return toSparkCompute(await client.computeOperations.get(ws.resourceGroup, ws.name, name, { abortSignal: signal }), ws);
  }

  /** PUT computeType SynapseSpark and follow the operation to its end; answers the compute as Azure now has it. */
  async attach(
    ws: AmlWorkspaceInfo,
    req: { computeName: string; poolId: string; identity: ComputeIdentityChoice; description?: string },
    opts: LroOptions = {},
  ): Promise<SparkComputeInfo> {
    const client = this.arm.machineLearning(ws.subscriptionId, ws.tenantId);
    const body: ComputeResource = {
      location: ws.location,
      properties: { computeType: 'SynapseSpark', resourceId: req.poolId, description: req.description },
    };
    if (req.identity.type === 'SystemAssigned') body.identity = { type: 'SystemAssigned' };
    if (req.identity.type === 'UserAssigned')
      body.identity = { type: 'UserAssigned', userAssignedIdentities: { [req.identity.identityId]: {} } };
    const poller = await client.computeOperations.beginCreateOrUpdate(ws.resourceGroup, ws.name, req.computeName, body, {
      abortSignal: opts.signal,
      updateIntervalInMs: opts.pollIntervalMs ?? 2000,
    });
    await follow(poller, opts);
    const compute = await this.getCompute(ws, req.computeName, opts.signal);
    if (!compute) throw new Error(`Compute '${req.computeName}' is not a Synapse Spark compute after the attach.`);
    return compute;
  }

  /** DELETE ?underlyingResourceAction=Detach (the pool itself stays) and follow the operation. */
  async detach(ws: AmlWorkspaceInfo, computeName: string, opts: LroOptions = {}): Promise<void> {
    const client = this.arm.machineLearning(ws.subscriptionId, ws.tenantId);
    const poller = await client.computeOperations.beginDelete(ws.resourceGroup, ws.name, computeName, 'Detach', {
      abortSignal: opts.signal,
      updateIntervalInMs: opts.pollIntervalMs ?? 2000,
    });
    await follow(poller, opts);
  }

  linkedSynapse(ws: AmlWorkspaceInfo, signal?: AbortSignal): Pager<LinkedSynapseInfo> {
    return new Pager(() =>
      mapPages(rawPages<any>(this.arm, `${ws.id}/linkedServices`, ws.tenantId, signal, LINKED_SERVICES_API), (l) => toLink(l, ws))[
        Symbol.asyncIterator
      ](),
    );
  }

  /** Creates (or updates) the linked service `linkName` from `ws` to the Synapse workspace. */
  async link(ws: AmlWorkspaceInfo, synapseWorkspaceId: string, linkName: string, signal?: AbortSignal): Promise<LinkedSynapseInfo> {
    const { body } = await this.arm.send<any>({
      method: 'PUT',
      path: `${ws.id}/linkedServices/${encodeURIComponent(linkName)}`,
      apiVersion: LINKED_SERVICES_API,
      tenantId: ws.tenantId,
      signal,
      body: {
        name: linkName,
        location: ws.location,
        identity: { type: 'SystemAssigned' },
        properties: { linkedServiceResourceId: synapseWorkspaceId, linkType: 'Synapse' },
      },
    });
    const link = body && toLink(body, ws);
    if (!link) throw new Error(`The linked service '${linkName}' came back without a Synapse workspace id.`);
    return link;
  }

  async unlink(link: LinkedSynapseInfo, signal?: AbortSignal): Promise<void> {
    await this.arm.send({
      method: 'DELETE',
      path: link.linkId,
      apiVersion: LINKED_SERVICES_API,
      tenantId: link.amlWorkspace.tenantId,
      signal,
    });
  }
}

type Poller = {
  onProgress(cb: (state: { status?: string; isStarted?: boolean; isCompleted?: boolean }) => void): () => void;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  stopPolling(): void;
  getOperationState(): { status?: string };
};

async function follow(poller: unknown, opts: LroOptions): Promise<void> {
  const p = poller as Poller;
  const started = Date.now();
  const report = () => opts.onProgress?.({ status: String(p.getOperationState()?.status ?? 'running'), elapsedMs: Date.now() - started });
  const stop = p.onProgress(report);
  const onAbort = () => p.stopPolling();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    report();
    await p.pollUntilDone({ abortSignal: opts.signal });
    if (opts.signal?.aborted) throw abortError();
  } catch (e) {
    // Stopping the poller surfaces as PollerStoppedError; to callers an abort is an abort.
    throw opts.signal?.aborted ? abortError() : e;
  } finally {
    stop();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

export function toWorkspace(w: Workspace, tenantId?: string): AmlWorkspaceInfo | undefined {
  const p = w.id ? parseResourceId(w.id) : undefined;
  if (!p || !w.name) return undefined;
  return {
    id: w.id!,
    name: w.name,
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    location: w.location,
    friendlyName: w.friendlyName,
    description: w.description,
    tenantId,
  };
}

export function toSparkCompute(c: ComputeResource, ws: AmlWorkspaceInfo): SparkComputeInfo | undefined {
  const props = c.properties as any;
  if (!c.id || !c.name || props?.computeType !== 'SynapseSpark') return undefined;
  const inner = props.properties ?? {};
  const poolId = String(props.resourceId ?? '');
  const pool = bigDataPoolIdOf(poolId);
  const synapse = pool ? synapseWorkspaceIdOf(pool.workspaceId) : undefined;
  return {
    id: c.id,
    name: c.name,
    amlWorkspace: ws,
    poolId,
    poolName: inner.poolName ?? pool?.poolName ?? '',
    synapseWorkspaceId: synapse?.id ?? '',
    synapseWorkspaceName: inner.workspaceName ?? synapse?.name ?? '',
    provisioningState: props.provisioningState,
    description: props.description ?? undefined,
    identityType: c.identity?.type,
    provisioningErrors: Array.isArray(props.provisioningErrors)
      ? props.provisioningErrors.map((e: any) => String(e?.error?.message ?? e?.message ?? JSON.stringify(e)))
      : undefined,
    sparkVersion: inner.sparkVersion,
    nodeSize: inner.nodeSize,
    nodeSizeFamily: inner.nodeSizeFamily,
    nodeCount: inner.nodeCount,
    autoScale: inner.autoScaleProperties
      ? {
          enabled: !!inner.autoScaleProperties.enabled,
          minNodeCount: inner.autoScaleProperties.minNodeCount,
          maxNodeCount: inner.autoScaleProperties.maxNodeCount,
        }
      : undefined,
    autoPause: inner.autoPauseProperties
      ? { enabled: !!inner.autoPauseProperties.enabled, delayInMinutes: inner.autoPauseProperties.delayInMinutes }
      : undefined,
  };
}

function toLink(l: any, ws: AmlWorkspaceInfo): LinkedSynapseInfo | undefined {
  const target = synapseWorkspaceIdOf(String(l?.properties?.linkedServiceResourceId ?? ''));
  if (!l?.id || !target) return undefined;
  return {
    linkId: String(l.id),
    linkName: String(l.name),
    amlWorkspace: ws,
    synapseWorkspaceId: target.id,
    synapseWorkspaceName: target.name,
    synapseSubscriptionId: target.subscriptionId,
    synapseResourceGroup: target.resourceGroup,
    principalId: l.identity?.principalId,
  };
}
