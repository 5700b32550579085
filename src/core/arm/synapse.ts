/** Synapse management over @azure/arm-synapse: workspaces (with their Livy dev endpoint) and Spark pools. */
import type { BigDataPoolResourceInfo, Workspace } from '@azure/arm-synapse';
import { parseResourceId } from './ids';
import { mapPages, Pager } from './pager';
import type { ArmContext } from './pipeline';
import type { SparkPoolInfo, SubscriptionInfo, SynapseWorkspaceInfo } from './types';

export class SynapseService {
  private readonly workspaceCache = new Map<string, Promise<SynapseWorkspaceInfo>>();

  constructor(private readonly arm: ArmContext) {}

  workspaces(sub: SubscriptionInfo, signal?: AbortSignal): Pager<SynapseWorkspaceInfo> {
    const client = this.arm.synapse(sub.subscriptionId, sub.tenantId);
    return new Pager(() =>
      mapPages(client.workspaces.list({ abortSignal: signal }).byPage(), (w) => toSynapseWorkspace(w, sub.tenantId))[
        Symbol.asyncIterator
      ](),
    );
  }

  /** One workspace, cached per id for this context (its dev endpoint does not change). */
  workspace(
    ref: { id: string; subscriptionId: string; resourceGroup: string; name: string; tenantId?: string },
    signal?: AbortSignal,
  ): Promise<SynapseWorkspaceInfo> {
    const key = ref.id.toLowerCase();
    let p = this.workspaceCache.get(key);
    if (!p) {
      const client = this.arm.synapse(ref.subscriptionId, ref.tenantId);
      p = client.workspaces.get(ref.resourceGroup, ref.name, { abortSignal: signal }).then((w) => {
        const info = toSynapseWorkspace(w, ref.tenantId);
        if (!info) throw new Error(`Synapse workspace ${ref.id} came back without an id.`);
        return info;
      });
      p.catch(() => this.workspaceCache.delete(key));
      this.workspaceCache.set(key, p);
    }
    return p;
  }

  pools(
    ws: { id: string; name: string; subscriptionId: string; resourceGroup: string; tenantId?: string },
    signal?: AbortSignal,
  ): Pager<SparkPoolInfo> {
    const client = this.arm.synapse(ws.subscriptionId, ws.tenantId);
    return new Pager(() =>
      mapPages(client.bigDataPools.listByWorkspace(ws.resourceGroup, ws.name, { abortSignal: signal }).byPage(), (p) => toPool(p, ws))[
        Symbol.asyncIterator
      ](),
    );
  }

  forget(): void {
    this.workspaceCache.clear();
  }
}

export function toSynapseWorkspace(w: Workspace, tenantId?: string): SynapseWorkspaceInfo | undefined {
  const p = w.id ? parseResourceId(w.id) : undefined;
  if (!p || !w.name) return undefined;
  return {
    id: w.id!,
    name: w.name,
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    location: w.location,
    devEndpoint: w.connectivityEndpoints?.dev,
    tenantId,
  };
}

function toPool(p: BigDataPoolResourceInfo, ws: { id: string; name: string }): SparkPoolInfo | undefined {
  if (!p.id || !p.name) return undefined;
  return {
    id: p.id,
    name: p.name,
    synapseWorkspaceId: ws.id,
    synapseWorkspaceName: ws.name,
    provisioningState: p.provisioningState,
    location: p.location,
    sparkVersion: p.sparkVersion,
    nodeSize: p.nodeSize,
    nodeSizeFamily: p.nodeSizeFamily,
    nodeCount: p.nodeCount,
    autoScale: p.autoScale
      ? { enabled: !!p.autoScale.enabled, minNodeCount: p.autoScale.minNodeCount, maxNodeCount: p.autoScale.maxNodeCount }
      : undefined,
    autoPause: p.autoPause ? { enabled: !!p.autoPause.enabled, delayInMinutes: p.autoPause.delayInMinutes } : undefined,
  };
}
