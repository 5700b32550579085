/**
 * Builders for the ARM bodies the emulator stores and returns. Field sets follow the recorded responses
 * (test_spark_pool.yaml for Synapse workspaces and pools) and the spec examples where nothing was recorded.
 * Values that depend on where the emulator listens (the Livy `dev` endpoint, the Azurite blob endpoint) are
 * not stored; the surfaces fill them in per request.
 */
import { randomUUID } from 'node:crypto';
import type { ArmBody } from '../state/store';
import { amlWorkspaceId, stableGuid, synapseWorkspaceId } from './ids';

export const TYPES = {
  synapseWorkspace: 'Microsoft.Synapse/workspaces',
  bigDataPool: 'Microsoft.Synapse/workspaces/bigDataPools',
  amlWorkspace: 'Microsoft.MachineLearningServices/workspaces',
  compute: 'Microsoft.MachineLearningServices/workspaces/computes',
  linkedService: 'Microsoft.MachineLearningServices/workspaces/linkedServices',
  datastore: 'Microsoft.MachineLearningServices/workspaces/datastores',
  codeContainer: 'Microsoft.MachineLearningServices/workspaces/codes',
  codeVersion: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
  componentContainer: 'Microsoft.MachineLearningServices/workspaces/components',
  componentVersion: 'Microsoft.MachineLearningServices/workspaces/components/versions',
  job: 'Microsoft.MachineLearningServices/workspaces/jobs',
} as const;

export function nowIso(): string {
  return new Date().toISOString();
}

export function systemData(createdBy: string, at = nowIso()): Record<string, string> {
  return {
    createdAt: at,
    createdBy,
    createdByType: 'Application',
    lastModifiedAt: at,
    lastModifiedBy: createdBy,
    lastModifiedByType: 'Application',
  };
}

export function synapseWorkspaceBody(
  sub: string,
  rg: string,
  name: string,
  location: string,
  tenantId: string,
  lake?: { account: string; filesystem: string },
): ArmBody {
  const id = synapseWorkspaceId(sub, rg, name);
  const storage =
    lake?.account ??
    `${name
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .slice(0, 18)}adls`;
  return {
    id,
    name,
    type: TYPES.synapseWorkspace,
    location,
    tags: {},
    identity: { type: 'SystemAssigned', tenantId, principalId: stableGuid(`${id}/identity`) },
    properties: {
      defaultDataLakeStorage: { accountUrl: `https://${storage}.dfs.core.windows.net`, filesystem: lake?.filesystem ?? 'synapsefs' },
      encryption: { doubleEncryptionEnabled: false },
      provisioningState: 'Succeeded',
      // connectivityEndpoints is filled per request (see synapse.ts): `dev` points back at this emulator.
      managedResourceGroupName: `synapseworkspace-managedrg-${stableGuid(`${id}/mrg`)}`,
      sqlAdministratorLogin: 'sqladminuser',
      privateEndpointConnections: [],
      workspaceUID: stableGuid(`${id}/uid`),
      extraProperties: { WorkspaceType: 'Normal', IsScopeEnabled: false },
      publicNetworkAccess: 'Enabled',
    },
  };
}

export interface PoolSpec {
  name: string;
  sparkVersion: string;
  nodeSize: string;
  nodeSizeFamily: string;
  nodeCount: number;
  autoScale: { enabled: boolean; minNodeCount: number; maxNodeCount: number };
  autoPause: { enabled: boolean; delayInMinutes: number };
  tags?: Record<string, string>;
}

export function bigDataPoolBody(workspaceId: string, location: string, pool: PoolSpec, createdAt = nowIso()): ArmBody {
  const body: ArmBody = {
    properties: {
      creationDate: createdAt,
      sparkVersion: pool.sparkVersion,
      nodeCount: pool.nodeCount,
      nodeSize: pool.nodeSize,
      nodeSizeFamily: pool.nodeSizeFamily,
      autoScale: { ...pool.autoScale },
      autoPause: { ...pool.autoPause },
      isComputeIsolationEnabled: false,
      sessionLevelPackagesEnabled: false,
      cacheSize: 0,
      dynamicExecutorAllocation: { enabled: false },
      lastSucceededTimestamp: createdAt,
      provisioningState: 'Succeeded',
    },
    id: `${workspaceId}/bigDataPools/${pool.name}`,
    name: pool.name,
    type: TYPES.bigDataPool,
    location,
  };
  if (pool.tags) body.tags = { ...pool.tags };
  return body;
}

export function amlWorkspaceBody(
  sub: string,
  rg: string,
  name: string,
  location: string,
  tenantId: string,
  opts: { friendlyName?: string; description?: string } = {},
): ArmBody {
  const id = amlWorkspaceId(sub, rg, name);
  const short = name
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 14);
  const rgId = `/subscriptions/${sub}/resourceGroups/${rg}`;
  const created = '2024-01-15T09:30:00.0000000Z';
  return {
    id,
    name,
    type: TYPES.amlWorkspace,
    location,
    tags: {},
    sku: { name: 'Basic', tier: 'Basic' },
    kind: 'Default',
    identity: { type: 'SystemAssigned', principalId: stableGuid(`${id}/identity`), tenantId },
    systemData: systemData('emulator-seed', created),
    properties: {
      friendlyName: opts.friendlyName ?? name,
      description: opts.description ?? '',
      storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/${short}storage`,
      keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/${short}kv`,
      applicationInsights: `${rgId}/providers/Microsoft.insights/components/${short}ai`,
      hbiWorkspace: false,
      workspaceId: stableGuid(`${id}/workspaceId`),
      provisioningState: 'Succeeded',
      creationTime: created,
      privateLinkCount: 0,
      storageHnsEnabled: false,
      publicNetworkAccess: 'Enabled',
      v1LegacyMode: false,
      allowPublicAccessWhenBehindVnet: false,
      // discoveryUrl and mlFlowTrackingUri are filled per request.
    },
  };
}

/** A SynapseSpark compute body (2021-04-01 `SynapseSpark` definition), given the pool it points at. */
export function synapseComputeBody(
  workspace: ArmBody,
  computeName: string,
  pool: ArmBody,
  opts: { description?: string; provisioningState: string; createdOn?: string; identity?: unknown; tags?: unknown },
): ArmBody {
  const poolProps = pool.properties as Record<string, unknown> & {
    autoScale: { enabled: boolean; minNodeCount: number; maxNodeCount: number };
    autoPause: { enabled: boolean; delayInMinutes: number };
  };
  const [, , sub, , rg, , , , ws] = pool.id.split('/');
  const now = nowIso();
  const body: ArmBody = {
    id: `${workspace.id}/computes/${computeName}`,
    name: computeName,
    type: TYPES.compute,
    location: workspace.location as string,
    tags: (opts.tags as Record<string, string>) ?? {},
    systemData: systemData('emulator', opts.createdOn ?? now),
    properties: {
      computeType: 'SynapseSpark',
      computeLocation: pool.location as string,
      provisioningState: opts.provisioningState,
      description: opts.description ?? null,
      createdOn: opts.createdOn ?? now,
      modifiedOn: now,
      resourceId: pool.id,
      provisioningErrors: null,
      isAttachedCompute: true,
      disableLocalAuth: false,
      properties: {
        autoScaleProperties: { ...poolProps.autoScale },
        autoPauseProperties: { ...poolProps.autoPause },
        sparkVersion: poolProps.sparkVersion,
        nodeCount: poolProps.nodeCount,
        nodeSize: poolProps.nodeSize,
        nodeSizeFamily: poolProps.nodeSizeFamily,
        subscriptionId: sub,
        resourceGroup: rg,
        workspaceName: ws,
        poolName: pool.name,
      },
    },
  };
  if (opts.identity) body.identity = opts.identity;
  return body;
}

export function linkedServiceBody(
  workspace: ArmBody,
  linkName: string,
  synapseId: string,
  tenantId: string,
  opts: { location?: string; createdTime?: string } = {},
): ArmBody {
  const id = `${workspace.id}/linkedServices/${linkName}`;
  const now = nowIso();
  return {
    id,
    name: linkName,
    type: TYPES.linkedService,
    location: opts.location ?? (workspace.location as string),
    identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId },
    properties: {
      createdTime: opts.createdTime ?? now,
      modifiedTime: now,
      linkedServiceResourceId: synapseId,
      linkType: 'Synapse',
    },
  };
}

export function defaultDatastoreBody(workspace: ArmBody): ArmBody {
  const wsId = (workspace.properties.workspaceId as string) ?? stableGuid(workspace.id);
  return {
    id: `${workspace.id}/datastores/workspaceblobstore`,
    name: 'workspaceblobstore',
    type: TYPES.datastore,
    systemData: systemData('emulator-seed', '2024-01-15T09:30:00.0000000Z'),
    properties: {
      description: null,
      tags: {},
      properties: {},
      isDefault: true,
      credentials: { credentialsType: 'AccountKey' },
      datastoreType: 'AzureBlob',
      // accountName, endpoint and protocol are filled per request from the running Azurite.
      containerName: `azureml-blobstore-${wsId}`,
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
    },
  };
}
