/**
 * The contract between the resource side (sign-in, ARM, the Workspaces tree) and the Spark side
 * (notebook controllers, sessions, jobs): which Synapse Spark pools are attached to which Azure ML
 * workspaces, and how to reach their Livy endpoints. The resource side implements SparkPoolCatalog;
 * the Spark side only consumes it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { HttpStack } from '../http/httpStack';

export interface AmlWorkspaceRef {
  /** ARM id of the Azure ML workspace. */
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  /** Entra tenant of the workspace's subscription, when known (undefined: resolved from the subscriptions). */
  tenantId?: string;
}

export interface SynapseWorkspaceRef {
  /** ARM id of the Synapse workspace. */
  id: string;
  name: string;
  /** `properties.connectivityEndpoints.dev`: the Livy base of the workspace. Never built from a host name. */
  devEndpoint: string;
}

export interface AttachedSparkPool {
  /** ARM id of the Azure ML compute (computeType SynapseSpark). */
  computeId: string;
  computeName: string;
  amlWorkspace: AmlWorkspaceRef;
  synapseWorkspace: SynapseWorkspaceRef;
  poolName: string;
  sparkVersion?: string;
  nodeSize?: string;
  nodeSizeFamily?: string;
  autoScale?: { enabled: boolean; minNodeCount?: number; maxNodeCount?: number };
  autoPause?: { enabled: boolean; delayInMinutes?: number };
  /**
   * Entra tenant of the subscription that holds the pool's Synapse workspace, when the catalog knows it
   * (undefined: the account's home tenant). Livy tokens must come from this tenant.
   */
  tenantId?: string;
}

export interface Unsubscribe {
  dispose(): void;
}

/** Where the Spark side learns about attached pools and gets what it needs to call Livy. */
export interface SparkPoolCatalog {
  /** Every attached Synapse Spark compute in the selected subscriptions. */
  listAttachedPools(signal?: AbortSignal): Promise<AttachedSparkPool[]>;
  /** Fires after sign-in/out, subscription changes, attach and detach. */
  onDidChange(listener: () => void): Unsubscribe;
  /** Credential for the current account's home tenant. For Livy calls to a pool use `credentialFor(pool)`. */
  credential(): TokenCredential;
  /**
   * Credential for the tenant that owns the pool's subscription (an account may see pools in several
   * tenants, and Synapse only accepts tokens of the workspace's own tenant); request the Synapse scope.
   */
  credentialFor(pool: AttachedSparkPool): TokenCredential;
  /** The scope Livy tokens are requested for in the current environment (e.g. https://dev.azuresynapse.net/.default). */
  synapseScope(): string;
  /** An HttpClient that trusts the environment's extra CAs; pass it to every SDK client. */
  httpClient(): HttpClient;
  /** The HTTP stack (retry, concurrency limit, request log); put every client's pipeline on it. */
  httpStack(): HttpStack;
}
