/**
 * A SparkPoolCatalog built straight from an emulator seed (no ARM calls), for tests until the real
 * catalog (sign-in, ARM) is wired: every seeded attached compute, with the emulator's Livy endpoint
 * `{url}/synapse/{workspace}`. Plain data and interfaces only, so the integration suite can hand it to
 * the bundled extension through the test hook.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AttachedSparkPool, SparkPoolCatalog } from '../../src/core/model/sparkTargets';

export const SYNAPSE_SCOPE = 'https://dev.azuresynapse.net/.default';

interface SeedLike {
  subscriptions: {
    subscriptionId: string;
    resourceGroups?: {
      name: string;
      location?: string;
      synapseWorkspaces?: { name: string; sparkPools?: { name: string; sparkVersion?: string; nodeSize?: string; nodeSizeFamily?: string }[] }[];
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

export function staticCatalog(pools: AttachedSparkPool[], credential: TokenCredential, httpClient: HttpClient,
  scope = SYNAPSE_SCOPE): SparkPoolCatalog & { setPools(p: AttachedSparkPool[]): void } {
  let current = pools;
  const listeners = new Set<() => void>();
  return {
    listAttachedPools: async () => current,
    onDidChange(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    credential: () => credential,
    credentialFor: () => credential, // one tenant: the emulator's
    synapseScope: () => scope,
    httpClient: () => httpClient,
    setPools(p) {
      current = p;
      for (const l of listeners) l();
    },
  };
}
