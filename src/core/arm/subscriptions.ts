/** Tenants and subscriptions (Microsoft.Resources) through the shared pipeline. */
import type { ArmContext } from './pipeline';
import { Pager } from './pager';
import type { SubscriptionInfo, TenantInfo } from './types';

/** api-version of ARM's own routes (tenants, subscriptions) the extension calls. */
export const RESOURCES_API_VERSION = '2022-12-01';

export async function listTenants(arm: ArmContext, signal?: AbortSignal): Promise<TenantInfo[]> {
  const raw = await new Pager(() => rawPages<any>(arm, '/tenants', undefined, signal)).all();
  return raw.map((t) => ({ tenantId: String(t.tenantId), displayName: t.displayName, defaultDomain: t.defaultDomain }));
}

/** Every subscription the credential of `tenantId` sees. */
export async function listSubscriptions(arm: ArmContext, tenantId: string | undefined, signal?: AbortSignal): Promise<SubscriptionInfo[]> {
  const raw = await new Pager(() => rawPages<any>(arm, '/subscriptions', tenantId, signal)).all();
  return raw.map((s) => ({
    subscriptionId: String(s.subscriptionId),
    displayName: String(s.displayName ?? s.subscriptionId),
    tenantId: s.tenantId ?? tenantId,
    state: s.state,
  }));
}

export async function* rawPages<T>(
  arm: ArmContext,
  path: string,
  tenantId: string | undefined,
  signal?: AbortSignal,
  apiVersion = RESOURCES_API_VERSION,
): AsyncGenerator<T[]> {
  let token: string | undefined;
  do {
    const page = await arm.page<T>(path, apiVersion, token, { tenantId, signal });
    yield page.items;
    token = page.continuationToken;
  } while (token);
}
