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
import { synapseWorkspaceIdOf } from '../arm/ids';

export interface ResourceServices {
  account: AccountManager;
  ml: MachineLearningService;
  synapse: SynapseService;
}

export class ArmSparkPoolCatalog implements SparkPoolCatalog {
  private readonly changed = new Emitter<void>();

  /** `current()` answers the services of the current settings (they are rebuilt when settings change). */
  constructor(private readonly current: () => ResourceServices, private readonly log: Logger) {}

  async listAttachedPools(signal?: AbortSignal): Promise<AttachedSparkPool[]> {
    const { account, ml, synapse } = this.current();
    if (!account.signedIn) return [];
    const subs = await account.selectedSubscriptions(signal);
    const perSub = await Promise.all(subs.map(async (sub) => {
      const workspaces = await ml.workspaces(sub, signal).all();
      const perWs = await Promise.all(workspaces.map((ws) => ml.sparkComputes(ws, signal).all()));
      return perWs.flat();
    }));
    const computes = perSub.flat().filter((c) => c.provisioningState !== 'Deleting' && c.provisioningState !== 'Failed');
    const pools = await Promise.all(computes.map((c) => this.toAttached(c, synapse, signal)));
    return pools.filter((p): p is AttachedSparkPool => !!p);
  }

  onDidChange(listener: () => void): Unsubscribe {
    return this.changed.event(listener);
  }

  credential(): TokenCredential {
    // Resolved per call so a sign-in or settings change after this call is honoured.
    return { getToken: (scopes, options) => this.current().account.source.credential().getToken(scopes, options) };
  }

  synapseScope(): string {
    return this.current().account.arm.environment.synapseScope;
  }

  httpClient(): HttpClient {
    return { sendRequest: (request) => this.current().account.arm.httpClient.sendRequest(request) };
  }

  /** Called after sign-in/out, subscription choice, attach and detach. */
  notifyChanged(): void {
    this.changed.fire();
  }

  private async toAttached(c: SparkComputeInfo, synapse: SynapseService, signal?: AbortSignal): Promise<AttachedSparkPool | undefined> {
    const ref = synapseWorkspaceIdOf(c.synapseWorkspaceId);
    if (!ref) return undefined;
    try {
      const ws = await synapse.workspace({ ...ref, tenantId: c.amlWorkspace.tenantId }, signal);
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
      };
    } catch (e) {
      // One unreachable Synapse workspace must not hide every other pool.
      this.log.warn(`Skipping compute ${c.name}: its Synapse workspace ${c.synapseWorkspaceId} could not be read (${(e as Error).message}).`);
      return undefined;
    }
  }
}
