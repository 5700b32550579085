/**
 * SparkPoolCatalog over the ARM layer: every Synapse Spark compute attached to the Azure ML workspaces
 * of the selected subscriptions, with the Livy base of its Synapse workspace. Consumed by the Spark side.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AccountManager } from '../auth/accountManager';
import type { MachineLearningService } from '../arm/machineLearning';
import type { SynapseService } from '../arm/synapse';
import type { SparkComputeInfo } from '../arm/types';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import type { AttachedSparkPool, SparkPoolCatalog, Unsubscribe } from '../model/sparkTargets';
import { parseResourceId, synapseWorkspaceIdOf } from '../arm/ids';
import type { HttpStack } from '../http/httpStack';

export interface ResourceServices {
  account: AccountManager;
  ml: MachineLearningService;
  synapse: SynapseService;
}

export class ArmSparkPoolCatalog implements SparkPoolCatalog {
  private readonly changed = new Emitter<void>();

  /** `current()` answers the services of the current settings (they are rebuilt when settings change). */
  constructor(
    private readonly current: () => ResourceServices,
    private readonly log: Logger,
  ) {}

  async listAttachedPools(signal?: AbortSignal): Promise<AttachedSparkPool[]> {
    const { account, ml, synapse } = this.current();
    if (!account.signedIn) return [];
    const subs = await account.selectedSubscriptions(signal);
    const perSub = await Promise.all(
      subs.map(async (sub) => {
        const workspaces = await ml.workspaces(sub, signal).all();
        const perWs = await Promise.all(workspaces.map((ws) => ml.sparkComputes(ws, signal).all()));
        return perWs.flat();
      }),
    );
    const computes = perSub.flat().filter((c) => c.provisioningState !== 'Deleting' && c.provisioningState !== 'Failed');
    const tenants = await this.tenantsBySubscription(signal);
    const pools = await Promise.all(computes.map((c) => this.toAttached(c, synapse, tenants, signal)));
    return pools.filter((p): p is AttachedSparkPool => !!p);
  }

  onDidChange(listener: () => void): Unsubscribe {
    return this.changed.event(listener);
  }

  credential(): TokenCredential {
    // Resolved per call so a sign-in or settings change after this call is honoured.
    return { getToken: (scopes, options) => this.current().account.source.credential().getToken(scopes, options) };
  }

  credentialFor(pool: AttachedSparkPool): TokenCredential {
    // The tenant is resolved per call too: pools handed out before a sign-in (or restored by the Spark
    // side) may carry no tenant, and the subscription list says which tenant owns the subscription.
    return {
      getToken: async (scopes, options) => {
        const tenantId =
          pool.tenantId ?? tenantOfPool(pool, await this.tenantsBySubscription(options?.abortSignal as AbortSignal | undefined));
        return this.current().account.source.credential(tenantId).getToken(scopes, options);
      },
    };
  }

  synapseScope(): string {
    return this.current().account.arm.environment.synapseScope;
  }

  httpClient(): HttpClient {
    return { sendRequest: (request) => this.current().account.arm.httpClient.sendRequest(request) };
  }

  httpStack(): HttpStack {
    return this.current().account.arm.stack;
  }

  /** Called after sign-in/out, subscription choice, attach and detach. */
  notifyChanged(): void {
    this.changed.fire();
  }

  /** Subscription id (lower-cased) -> its tenant, over every subscription the account sees; empty when signed out. */
  private async tenantsBySubscription(signal?: AbortSignal): Promise<Map<string, string>> {
    const { account } = this.current();
    if (!account.signedIn) return new Map();
    const subs = await account.allSubscriptions(signal).catch(() => []);
    return new Map(subs.filter((s) => s.tenantId).map((s) => [s.subscriptionId.toLowerCase(), s.tenantId!]));
  }

  private async toAttached(
    c: SparkComputeInfo,
    synapse: SynapseService,
    tenants: Map<string, string>,
    signal?: AbortSignal,
  ): Promise<AttachedSparkPool | undefined> {
    const ref = synapseWorkspaceIdOf(c.synapseWorkspaceId);
    if (!ref) return undefined;
    // The Synapse workspace may live in another subscription (and tenant) than the AML workspace.
    const tenantId = tenants.get(ref.subscriptionId.toLowerCase()) ?? c.amlWorkspace.tenantId;
    try {
      const ws = await synapse.workspace({ ...ref, tenantId }, signal);
      if (!ws.devEndpoint) return undefined;
      const { tenantId: _t, friendlyName: _f, description: _d, ...amlWorkspace } = c.amlWorkspace;
      return {
        computeId: c.id,
        computeName: c.name,
        amlWorkspace,
        synapseWorkspace: { id: ws.id, name: ws.name, devEndpoint: ws.devEndpoint },
        poolName: c.poolName,
        sparkVersion: c.sparkVersion,
        nodeSize: c.nodeSize,
        nodeSizeFamily: c.nodeSizeFamily,
        autoScale: c.autoScale,
        autoPause: c.autoPause,
        tenantId,
      };
    } catch (e) {
      // One unreachable Synapse workspace must not hide every other pool.
      this.log.warn(
        `Skipping compute ${c.name}: its Synapse workspace ${c.synapseWorkspaceId} could not be read (${(e as Error).message}).`,
      );
      return undefined;
    }
  }
}

/** The tenant of the pool's Synapse subscription, else of its AML workspace's; undefined (home tenant) when neither is known. */
export function tenantOfPool(
  pool: Pick<AttachedSparkPool, 'synapseWorkspace' | 'amlWorkspace'>,
  tenants: ReadonlyMap<string, string>,
): string | undefined {
  const synapseSub = parseResourceId(pool.synapseWorkspace.id)?.subscriptionId;
  return (synapseSub && tenants.get(synapseSub.toLowerCase())) || tenants.get(pool.amlWorkspace.subscriptionId.toLowerCase());
}
