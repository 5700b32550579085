/** ArmAccess (for jobs, code upload and pipeline submit) over the current connection and sign-in. */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { ArmAccess } from '../model/armAccess';
import type { AmlWorkspaceRef } from '../model/sparkTargets';
import { browserUrl } from '../cloud/environments';
import type { ResourceServices } from './sparkPoolCatalog';

export class ConnectionArmAccess implements ArmAccess {
  constructor(private readonly current: () => ResourceServices) {}

  resourceManagerEndpoint(): string {
    return this.current().account.arm.environment.resourceManagerEndpoint;
  }

  resourceManagerScope(): string {
    return this.current().account.arm.environment.resourceManagerScope;
  }

  credential(): TokenCredential {
    return { getToken: (scopes, options) => this.current().account.source.credential().getToken(scopes, options) };
  }

  httpClient(): HttpClient {
    return { sendRequest: (request) => this.current().account.arm.httpClient.sendRequest(request) };
  }

  async listAmlWorkspaces(signal?: AbortSignal): Promise<AmlWorkspaceRef[]> {
    const { account, ml } = this.current();
    if (!account.signedIn) return [];
    const subs = await account.selectedSubscriptions(signal);
    const lists = await Promise.all(subs.map((s) => ml.workspaces(s, signal).all()));
    return lists.flat().map(({ id, name, subscriptionId, resourceGroup, location }) => ({ id, name, subscriptionId, resourceGroup, location }));
  }

  amlStudioJobUrl(workspace: AmlWorkspaceRef, jobName: string): string {
    const env = this.current().account.arm.environment;
    const base = browserUrl(env, 'amlStudio', workspace.id);
    return base.replace(/\/\?wsid=/, `/runs/${encodeURIComponent(jobName)}?wsid=`);
  }
}
