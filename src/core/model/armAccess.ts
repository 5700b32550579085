/**
 * What code outside the resource side needs to call Azure Resource Manager for the signed-in
 * account in the current environment (public, sovereign or the emulator). The sign-in side
 * implements it; jobs, code upload and pipeline submit consume it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { HttpStack } from '../http/httpStack';
import type { AmlWorkspaceRef } from './sparkTargets';

export interface ArmAccess {
  /** e.g. https://management.azure.com (the emulator's URL when it is the environment). */
  resourceManagerEndpoint(): string;
  /** The scope ARM tokens are requested for, e.g. https://management.azure.com/.default. */
  resourceManagerScope(): string;
  /** Credential for the account's home tenant. For calls about a workspace use `credentialFor(workspace)`. */
  credential(): TokenCredential;
  /**
   * Credential for the tenant that owns the workspace's subscription (an account may see workspaces in
   * several tenants, and ARM refuses tokens of another tenant); the tenant is resolved per token request.
   */
  credentialFor(workspace: AmlWorkspaceRef): TokenCredential;
  /** Whether an account is signed in now (jobs, submit and the run view need one). */
  signedIn(): boolean;
  /** An HttpClient that trusts the environment's extra CAs; pass it to every SDK client. */
  httpClient(): HttpClient;
  /** The HTTP stack (retry, concurrency limit, request log); put every client's pipeline on it. */
  httpStack(): HttpStack;
  /** Azure ML workspaces of the selected subscriptions. */
  listAmlWorkspaces(signal?: AbortSignal): Promise<AmlWorkspaceRef[]>;
  /** Azure ML studio link for a job, with the environment's host. */
  amlStudioJobUrl(workspace: AmlWorkspaceRef, jobName: string): string;
  /** Azure ML studio's browser of a datastore (its files), with the environment's host. */
  amlStudioDatastoreUrl(workspace: AmlWorkspaceRef, datastore: string): string;
}
