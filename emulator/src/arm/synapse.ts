/**
 * Microsoft.Synapse: workspaces (list by subscription / resource group, get) and big data pools (list,
 * get). Read-only here: the product links and attaches existing pools, it does not create them.
 * `connectivityEndpoints.dev` points at this emulator's Livy mount, `{baseUrl}/synapse/{workspace}`.
 */
import type { EmulatorContext } from '../context';
import type { EmuRequest } from '../http';
import type { Router } from '../router';
import type { ArmBody } from '../state/store';
import { clone, requireChild, requireResourceGroup, requireSubscription, requireSynapseWorkspace } from './common';
import { resourceGroupId, subscriptionId } from './ids';
import { paginate } from './paging';
import { TYPES } from './resources';

const WS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Synapse/workspaces';

export function renderSynapseWorkspace(ctx: EmulatorContext, req: EmuRequest, stored: ArmBody): ArmBody {
  const body = clone(stored);
  const base = req.baseUrl ?? ctx.baseUrl();
  const host = new URL(base).host;
  body.properties.connectivityEndpoints = {
    web: `https://web.azuresynapse.net?workspace=${encodeURIComponent(body.id)}`,
    dev: `${base}/synapse/${body.name}`,
    sqlOnDemand: `${body.name}-ondemand.sql.${host}`,
    sql: `${body.name}.sql.${host}`,
  };
  return body;
}

export function registerSynapse(router: Router, ctx: EmulatorContext): void {
  const pageSize = () => ctx.store.data.settings.pageSize;
  const render = (req: EmuRequest, list: { body: ArmBody }[]) => list.map((r) => renderSynapseWorkspace(ctx, req, r.body));

  router.get('/subscriptions/{subscriptionId}/providers/Microsoft.Synapse/workspaces', (req, p) => {
    requireSubscription(ctx, p.subscriptionId);
    const all = render(req, ctx.store.inScope(subscriptionId(p.subscriptionId), TYPES.synapseWorkspace));
    return { status: 200, body: paginate(req, all, pageSize()) };
  });

  router.get(WS, (req, p) => {
    requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
    const all = render(req, ctx.store.inScope(resourceGroupId(p.subscriptionId, p.resourceGroupName), TYPES.synapseWorkspace));
    return { status: 200, body: paginate(req, all, pageSize()) };
  });

  router.get(`${WS}/{workspaceName}`, (req, p) => ({
    status: 200,
    body: renderSynapseWorkspace(ctx, req, requireSynapseWorkspace(ctx, p).body),
  }));

  router.get(`${WS}/{workspaceName}/bigDataPools`, (req, p) => {
    const ws = requireSynapseWorkspace(ctx, p, true);
    const pools = ctx.store.children(ws.body.id, TYPES.bigDataPool).map((r) => clone(r.body));
    return { status: 200, body: paginate(req, pools, pageSize()) };
  });

  router.get(`${WS}/{workspaceName}/bigDataPools/{poolName}`, (_req, p) => {
    const ws = requireSynapseWorkspace(ctx, p, true);
    const pool = requireChild(
      ctx,
      `${ws.body.id}/bigDataPools/${p.poolName}`,
      `Microsoft.Synapse/workspaces/${p.workspaceName}/bigDataPools/${p.poolName}`,
      p.resourceGroupName,
    );
    return { status: 200, body: clone(pool.body) };
  });

  // Recorded: `az synapse workspace check-name` answers 200 with availability.
  router.post('/subscriptions/{subscriptionId}/providers/Microsoft.Synapse/checkNameAvailability', (req, p) => {
    requireSubscription(ctx, p.subscriptionId);
    const name = String((req.body as { name?: unknown } | undefined)?.name ?? '');
    const taken = Object.values(ctx.store.data.resources).some(
      (r) => r.type === TYPES.synapseWorkspace && r.body.name.toLowerCase() === name.toLowerCase(),
    );
    return {
      status: 200,
      body: taken
        ? { available: false, message: `Workspace name ${name} is not available`, reason: 'AlreadyExists', name }
        : { available: true, name },
    };
  });
}
