/** ArmAccess (for jobs, code upload and pipeline submit) over the current connection and sign-in. */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { HttpStack } from '../http/httpStack';
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

  credentialFor(workspace: AmlWorkspaceRef): TokenCredential {
    // Resolved per call, as the Spark pool catalog does: refs remembered from an earlier session carry no
    // tenant, and the subscription list (cached by the account) says which tenant owns the subscription.
    return {
      getToken: async (scopes, options) => {
        const tenants = await this.tenantsBySubscription(options?.abortSignal as AbortSignal | undefined);
        const tenantId = tenants.get(workspace.subscriptionId.toLowerCase()) ?? workspace.tenantId;
        return this.current().account.source.credential(tenantId).getToken(scopes, options);
      },
    };
  }

  signedIn(): boolean {
    return this.current().account.signedIn;
  }

  httpClient(): HttpClient {
    return { sendRequest: (request) => this.current().account.arm.httpClient.sendRequest(request) };
  }

  httpStack(): HttpStack {
    return this.current().account.arm.stack;
  }

  async listAmlWorkspaces(signal?: AbortSignal): Promise<AmlWorkspaceRef[]> {
    const { account, ml } = this.current();
    if (!account.signedIn) return [];
    const subs = await account.selectedSubscriptions(signal);
    const lists = await Promise.all(subs.map((s) => ml.workspaces(s, signal).all()));
    const tenants = new Map(subs.filter((s) => s.tenantId).map((s) => [s.subscriptionId.toLowerCase(), s.tenantId!]));
    return lists.flat().map(({ id, name, subscriptionId, resourceGroup, location }) => {
      const tenantId = tenants.get(subscriptionId.toLowerCase());
      return { id, name, subscriptionId, resourceGroup, location, ...(tenantId ? { tenantId } : {}) };
    });
  }

  /** Subscription id (lower-cased) -> its tenant, over every subscription the account sees; empty when signed out. */
  private async tenantsBySubscription(signal?: AbortSignal): Promise<Map<string, string>> {
    const { account } = this.current();
    if (!account.signedIn) return new Map();
    const subs = await account.allSubscriptions(signal).catch(() => []);
    return new Map(subs.filter((s) => s.tenantId).map((s) => [s.subscriptionId.toLowerCase(), s.tenantId!]));
  }

  amlStudioJobUrl(workspace: AmlWorkspaceRef, jobName: string): string {
    const env = this.current().account.arm.environment;
    const base = browserUrl(env, 'amlStudio', workspace.id);
    return base.replace(/\/\?wsid=/, `/runs/${encodeURIComponent(jobName)}?wsid=`);
  }

  amlStudioDatastoreUrl(workspace: AmlWorkspaceRef, datastore: string): string {
    const env = this.current().account.arm.environment;
    const base = browserUrl(env, 'amlStudio', workspace.id);
    return base.replace(/\/\?wsid=/, `/data/datastore/${encodeURIComponent(datastore)}/edit?wsid=`);
  }
}
