/**
 * The attached Spark pools an emulator seed declares (no ARM calls), with the emulator's Livy endpoint
 * `{url}/synapse/{workspace}`: what unit tests and the e2e suite expect the real catalog to list.
 */
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';

export const SYNAPSE_SCOPE = 'https://dev.azuresynapse.net/.default';

interface SeedLike {
  subscriptions: {
    subscriptionId: string;
    resourceGroups?: {
      name: string;
      location?: string;
      synapseWorkspaces?: {
        name: string;
        sparkPools?: { name: string; sparkVersion?: string; nodeSize?: string; nodeSizeFamily?: string }[];
      }[];
      amlWorkspaces?: { name: string; computes?: { name: string; synapseWorkspace: string; pool: string }[] }[];
    }[];
  }[];
}

export function attachedPoolsFromSeed(url: string, seed: SeedLike): AttachedSparkPool[] {
  const pools: AttachedSparkPool[] = [];
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups ?? []) {
      const rgId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg.name}`;
      for (const aml of rg.amlWorkspaces ?? []) {
        const amlId = `${rgId}/providers/Microsoft.MachineLearningServices/workspaces/${aml.name}`;
        for (const compute of aml.computes ?? []) {
          const ws = (rg.synapseWorkspaces ?? []).find((w) => w.name === compute.synapseWorkspace);
          const pool = ws?.sparkPools?.find((p) => p.name === compute.pool);
          pools.push({
            computeId: `${amlId}/computes/${compute.name}`,
            computeName: compute.name,
            amlWorkspace: { id: amlId, name: aml.name, subscriptionId: sub.subscriptionId, resourceGroup: rg.name, location: rg.location },
            synapseWorkspace: {
              id: `${rgId}/providers/Microsoft.Synapse/workspaces/${compute.synapseWorkspace}`,
              name: compute.synapseWorkspace,
              devEndpoint: `${url}/synapse/${compute.synapseWorkspace}`,
            },
            poolName: compute.pool,
            sparkVersion: pool?.sparkVersion,
            nodeSize: pool?.nodeSize,
            nodeSizeFamily: pool?.nodeSizeFamily,
          });
        }
      }
    }
  }
  return pools;
}
