/** What the ARM layer hands to the tree, the commands and the Spark pool catalog: plain data. */
import type { AmlWorkspaceRef } from '../model/sparkTargets';

export interface TenantInfo {
  tenantId: string;
  displayName?: string;
  defaultDomain?: string;
}

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

export interface AmlWorkspaceInfo extends AmlWorkspaceRef {
  friendlyName?: string;
  description?: string;
  /** Tenant whose credential reaches it (its subscription's). */
  tenantId?: string;
}

export interface LinkedSynapseInfo {
  /** ARM id of the linked service. */
  linkId: string;
  linkName: string;
  amlWorkspace: AmlWorkspaceInfo;
  synapseWorkspaceId: string;
  synapseWorkspaceName: string;
  synapseSubscriptionId: string;
  synapseResourceGroup: string;
  /** The link's managed identity (what must be granted access in Synapse). */
  principalId?: string;
}

export interface SynapseWorkspaceInfo {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  /** `connectivityEndpoints.dev`, the Livy base. */
  devEndpoint?: string;
  tenantId?: string;
}

export interface ScaleSettings {
  autoScale?: { enabled: boolean; minNodeCount?: number; maxNodeCount?: number };
  autoPause?: { enabled: boolean; delayInMinutes?: number };
  sparkVersion?: string;
  nodeSize?: string;
  nodeSizeFamily?: string;
  nodeCount?: number;
}

export interface SparkPoolInfo extends ScaleSettings {
  id: string;
  name: string;
  synapseWorkspaceId: string;
  synapseWorkspaceName: string;
  provisioningState?: string;
  location?: string;
}

export interface SparkComputeInfo extends ScaleSettings {
  id: string;
  name: string;
  amlWorkspace: AmlWorkspaceInfo;
  /** ARM id of the big data pool it points at. */
  poolId: string;
  poolName: string;
  synapseWorkspaceId: string;
  synapseWorkspaceName: string;
  provisioningState?: string;
  description?: string;
  identityType?: string;
  provisioningErrors?: string[];
}

export type ComputeIdentityChoice = { type: 'SystemAssigned' } | { type: 'UserAssigned'; identityId: string } | { type: 'None' };

export interface OperationProgress {
  /** Azure's status of the long-running operation: InProgress, Succeeded, ... */
  status: string;
  elapsedMs: number;
}
