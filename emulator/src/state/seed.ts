/**
 * The seed file: what a fresh emulator contains. Documented for users in emulator/SEED.md; the default is
 * emulator/seed.default.json. Seeding turns it into the ARM bodies the surfaces serve.
 */
import * as fs from 'node:fs';
import {
  amlWorkspaceBody,
  bigDataPoolBody,
  defaultDatastoreBody,
  linkedServiceBody,
  synapseComputeBody,
  synapseWorkspaceBody,
  TYPES,
  type PoolSpec,
} from '../arm/resources';
import { resourceGroupId, synapseWorkspaceId } from '../arm/ids';
import type { FaultSpec } from '../admin/faults';
import type { StateData } from './store';

export interface EmulatorSettings {
  /** Items per page of every ARM list (nextLink beyond it). */
  pageSize: number;
  /** Runs per page of RunHistory `runs/{id}/children` (continuationToken and nextLink beyond it); Azure pages at about 50. */
  runHistoryPageSize: number;
  /** How long compute attach/detach and job cancel take before their operation reports Succeeded. */
  lroDurationMs: number;
  /** Retry-After (whole seconds) on 201/202 answers and in-progress polls. */
  retryAfterSeconds: number;
  /** Lifetime of issued access tokens. */
  tokenLifetimeSeconds: number;
  /** Default Livy session cold start when a pool does not set its own. */
  defaultColdStartMs: number;
  /** Pause before each pipeline step moves from Queued to Running, so clients can observe the states. */
  pipelineStepDelayMs: number;
  /** Livy session idle timeout when the create body names none (Synapse's recorded sessions: ~20 min). */
  livyIdleTimeoutMs: number;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  pageSize: 20,
  runHistoryPageSize: 50,
  lroDurationMs: 3000,
  retryAfterSeconds: 1,
  tokenLifetimeSeconds: 3600,
  defaultColdStartMs: 5000,
  pipelineStepDelayMs: 500,
  livyIdleTimeoutMs: 20 * 60 * 1000,
};

export interface SeedServicePrincipal {
  clientId: string;
  clientSecret: string;
  displayName?: string;
  objectId?: string;
}

export interface SeedPool extends Partial<Omit<PoolSpec, 'name'>> {
  name: string;
  /** Livy session cold start for this pool (ms). */
  coldStartMs?: number;
}

export interface SeedSynapseWorkspace {
  name: string;
  location?: string;
  sparkPools?: SeedPool[];
  /** Primary ADLS Gen2 account and file system (Spark's default file system); default `{name}adls`/`synapsefs`. */
  defaultDataLakeStorage?: { account: string; filesystem: string };
  /** Other ADLS Gen2 accounts its Spark may reach (linked storage). */
  dataLakeAccounts?: string[];
}

export interface SeedAmlWorkspace {
  name: string;
  location?: string;
  friendlyName?: string;
  description?: string;
  /** Synapse links; `synapseWorkspace` is a name in the same resource group or a full resource id. */
  linkedServices?: { name: string; synapseWorkspace: string }[];
  /** Pools already attached as SynapseSpark computes. */
  computes?: { name: string; synapseWorkspace: string; pool: string; description?: string }[];
  /**
   * `"refuse"`: a PUT that would create a new linked service answers 400 (Azure now refuses new v1 Synapse
   * links for some workspaces); existing links stay readable. Default `"accept"`. Emulator-only, not in the body.
   */
  newLinkedServices?: NewLinkedServicesPolicy;
}

export type NewLinkedServicesPolicy = 'accept' | 'refuse';
export const NEW_LINKED_SERVICES_POLICIES: readonly NewLinkedServicesPolicy[] = ['accept', 'refuse'];

export interface SeedResourceGroup {
  name: string;
  location?: string;
  synapseWorkspaces?: SeedSynapseWorkspace[];
  amlWorkspaces?: SeedAmlWorkspace[];
}

export interface SeedSubscription {
  subscriptionId: string;
  displayName: string;
  state?: string;
  resourceGroups?: SeedResourceGroup[];
}

export interface SeedFile {
  tenantId: string;
  servicePrincipals: SeedServicePrincipal[];
  settings?: Partial<EmulatorSettings>;
  subscriptions: SeedSubscription[];
  faults?: FaultSpec[];
}

export function readSeedFile(file: string): SeedFile {
  const seed = JSON.parse(fs.readFileSync(file, 'utf8')) as SeedFile;
  const problems = validateSeed(seed);
  if (problems.length) throw new Error(`Invalid seed file ${file}:\n  ${problems.join('\n  ')}`);
  return seed;
}

export function validateSeed(seed: SeedFile): string[] {
  const problems: string[] = [];
  if (!seed || typeof seed !== 'object') return ['seed must be a JSON object'];
  if (typeof seed.tenantId !== 'string') problems.push('tenantId must be a string');
  if (!Array.isArray(seed.servicePrincipals) || seed.servicePrincipals.length === 0)
    problems.push('servicePrincipals must list at least one {clientId, clientSecret}');
  if (!Array.isArray(seed.subscriptions)) problems.push('subscriptions must be an array');
  for (const sub of seed.subscriptions ?? []) {
    if (typeof sub.subscriptionId !== 'string') problems.push('every subscription needs subscriptionId');
    for (const rg of sub.resourceGroups ?? []) {
      if (typeof rg.name !== 'string') problems.push(`a resource group in ${sub.subscriptionId} has no name`);
      for (const aw of rg.amlWorkspaces ?? []) {
        if (aw.newLinkedServices !== undefined && !NEW_LINKED_SERVICES_POLICIES.includes(aw.newLinkedServices)) {
          problems.push(`AML workspace ${aw.name}: newLinkedServices must be one of ${NEW_LINKED_SERVICES_POLICIES.join(', ')}`);
        }
      }
    }
  }
  return problems;
}

/** Builds fresh state from a seed. Throws on references to workspaces or pools the seed does not define. */
export function stateFromSeed(seed: SeedFile): StateData {
  const settings = { ...DEFAULT_SETTINGS, ...(seed.settings ?? {}) };
  const state: StateData = {
    version: 1,
    settings,
    tenantId: seed.tenantId,
    subscriptions: {},
    resourceGroups: {},
    resources: {},
    operations: {},
    seq: 0,
  };
  const put = (type: string, parent: string, body: StateData['resources'][string]['body'], meta?: Record<string, unknown>) => {
    state.resources[body.id.toLowerCase()] = { type, parent: parent.toLowerCase(), body, seq: ++state.seq, ...(meta ? { meta } : {}) };
  };

  for (const sub of seed.subscriptions) {
    state.subscriptions[sub.subscriptionId.toLowerCase()] = {
      subscriptionId: sub.subscriptionId,
      displayName: sub.displayName,
      state: sub.state ?? 'Enabled',
    };
    for (const rg of sub.resourceGroups ?? []) {
      const rgId = resourceGroupId(sub.subscriptionId, rg.name);
      const location = rg.location ?? 'westeurope';
      state.resourceGroups[rgId.toLowerCase()] = { subscriptionId: sub.subscriptionId, name: rg.name, location };
      for (const sw of rg.synapseWorkspaces ?? []) {
        const ws = synapseWorkspaceBody(
          sub.subscriptionId,
          rg.name,
          sw.name,
          sw.location ?? location,
          seed.tenantId,
          sw.defaultDataLakeStorage,
        );
        put(TYPES.synapseWorkspace, rgId, ws, sw.dataLakeAccounts?.length ? { dataLakeAccounts: sw.dataLakeAccounts } : undefined);
        for (const pool of sw.sparkPools ?? []) {
          const body = bigDataPoolBody(ws.id, ws.location as string, poolSpec(pool), '2024-01-15T09:00:00.0000000Z');
          put(TYPES.bigDataPool, ws.id, body, pool.coldStartMs !== undefined ? { coldStartMs: pool.coldStartMs } : undefined);
        }
      }
    }
  }
  // AML workspaces second, so their links and computes can refer to any Synapse workspace in the seed.
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups ?? []) {
      const rgId = resourceGroupId(sub.subscriptionId, rg.name);
      for (const aw of rg.amlWorkspaces ?? []) {
        const ws = amlWorkspaceBody(sub.subscriptionId, rg.name, aw.name, aw.location ?? rg.location ?? 'westeurope', seed.tenantId, aw);
        put(TYPES.amlWorkspace, rgId, ws, aw.newLinkedServices === 'refuse' ? { newLinkedServices: 'refuse' } : undefined);
        put(TYPES.datastore, ws.id, defaultDatastoreBody(ws));
        for (const link of aw.linkedServices ?? []) {
          const synId = resolveSynapse(state, sub.subscriptionId, rg.name, link.synapseWorkspace);
          put(
            TYPES.linkedService,
            ws.id,
            linkedServiceBody(ws, link.name, synId, seed.tenantId, { createdTime: '2024-01-15T10:00:00.0000000Z' }),
          );
        }
        for (const c of aw.computes ?? []) {
          const synId = resolveSynapse(state, sub.subscriptionId, rg.name, c.synapseWorkspace);
          const pool = state.resources[`${synId}/bigDataPools/${c.pool}`.toLowerCase()];
          if (!pool) throw new Error(`seed: compute ${c.name} refers to missing pool ${c.pool} in ${synId}`);
          const body = synapseComputeBody(ws, c.name, pool.body, {
            provisioningState: 'Succeeded',
            description: c.description,
            createdOn: '2024-01-15T10:05:00.0000000Z',
          });
          put(TYPES.compute, ws.id, body);
        }
      }
    }
  }
  return state;
}

function poolSpec(p: SeedPool): PoolSpec {
  return {
    name: p.name,
    sparkVersion: p.sparkVersion ?? '3.4',
    nodeSize: p.nodeSize ?? 'Small',
    nodeSizeFamily: p.nodeSizeFamily ?? 'MemoryOptimized',
    nodeCount: p.nodeCount ?? 3,
    autoScale: p.autoScale ?? { enabled: false, minNodeCount: 0, maxNodeCount: 0 },
    autoPause: p.autoPause ?? { enabled: true, delayInMinutes: 15 },
    tags: p.tags,
  };
}

function resolveSynapse(state: StateData, sub: string, rg: string, ref: string): string {
  const id = ref.startsWith('/') ? ref : synapseWorkspaceId(sub, rg, ref);
  const found = state.resources[id.toLowerCase()];
  if (!found) throw new Error(`seed: Synapse workspace ${ref} is not defined in the seed`);
  return found.body.id;
}
