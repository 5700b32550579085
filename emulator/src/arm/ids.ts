/** ARM resource id helpers. Ids compare case-insensitively; the stored spelling is the one returned. */
import { createHash } from 'node:crypto';

export function subscriptionId(sub: string): string {
  return `/subscriptions/${sub}`;
}

export function resourceGroupId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function synapseWorkspaceId(sub: string, rg: string, ws: string): string {
  return `${resourceGroupId(sub, rg)}/providers/Microsoft.Synapse/workspaces/${ws}`;
}

export function amlWorkspaceId(sub: string, rg: string, ws: string): string {
  return `${resourceGroupId(sub, rg)}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

export interface ParsedPoolId {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  poolName: string;
}

const POOL_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Synapse\/workspaces\/([^/]+)\/bigDataPools\/([^/]+)\/?$/i;
const SYNAPSE_WS_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Synapse\/workspaces\/([^/]+)\/?$/i;

export function parseBigDataPoolId(id: unknown): ParsedPoolId | undefined {
  if (typeof id !== 'string') return undefined;
  const m = POOL_ID.exec(id.trim());
  return m ? { subscriptionId: m[1], resourceGroup: m[2], workspaceName: m[3], poolName: m[4] } : undefined;
}

export function parseSynapseWorkspaceId(id: unknown): { subscriptionId: string; resourceGroup: string; workspaceName: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const m = SYNAPSE_WS_ID.exec(id.trim());
  return m ? { subscriptionId: m[1], resourceGroup: m[2], workspaceName: m[3] } : undefined;
}

/** A deterministic GUID-shaped value from a string, so seeded ids stay the same across resets. */
export function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
