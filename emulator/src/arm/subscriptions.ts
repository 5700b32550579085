/** Subscriptions, tenants and resource groups (Microsoft.Resources), the shapes `az account list` shows. */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import type { SubscriptionRecord } from '../state/store';
import { requireResourceGroup, requireSubscription } from './common';
import { resourceGroupId } from './ids';
import { paginate } from './paging';

function subscriptionBody(ctx: EmulatorContext, s: SubscriptionRecord) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: ctx.store.data.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

export function registerSubscriptions(router: Router, ctx: EmulatorContext): void {
  const pageSize = () => ctx.store.data.settings.pageSize;

  router.get('/subscriptions', (req) => {
    const all = Object.values(ctx.store.data.subscriptions).map((s) => subscriptionBody(ctx, s));
    const page = paginate(req, all, pageSize());
    return { status: 200, body: { ...page, count: { type: 'Total', value: all.length } } };
  });

  router.get('/subscriptions/{subscriptionId}', (_req, p) => ({
    status: 200,
    body: subscriptionBody(ctx, requireSubscription(ctx, p.subscriptionId)),
  }));

  router.get('/tenants', (req) => {
    const t = ctx.store.data.tenantId;
    const value = [
      {
        id: `/tenants/${t}`,
        tenantId: t,
        countryCode: 'NL',
        displayName: 'Emulator Tenant',
        domains: ['emulator.local'],
        tenantCategory: 'Home',
        defaultDomain: 'emulator.local',
        tenantType: 'AAD',
      },
    ];
    return { status: 200, body: paginate(req, value, pageSize()) };
  });

  const rgBody = (sub: string, name: string, location: string) => ({
    id: resourceGroupId(sub, name),
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    properties: { provisioningState: 'Succeeded' },
  });

  router.get('/subscriptions/{subscriptionId}/resourceGroups', (req, p) => {
    const sub = requireSubscription(ctx, p.subscriptionId);
    const rgs = Object.values(ctx.store.data.resourceGroups)
      .filter((rg) => rg.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase())
      .map((rg) => rgBody(rg.subscriptionId, rg.name, rg.location));
    return { status: 200, body: paginate(req, rgs, pageSize()) };
  });

  router.get('/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}', (_req, p) => {
    const rg = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
    return { status: 200, body: rgBody(rg.subscriptionId, rg.name, rg.location) };
  });
}
