/**
 * AML linked services (api-version 2020-09-01-preview, `linkType: Synapse`): PUT, GET, list, DELETE.
 * The spec example answers PUT with 200 and the body including `identity.principalId`. The SDK has no
 * client for this API; the extension sends it through core-rest-pipeline.
 *
 * A workspace seeded (or switched through the admin API) with `newLinkedServices: "refuse"` answers a PUT
 * that would create a link with 400, as Azure now does for some workspaces. No such exchange was recorded:
 * the status, code and wording are the emulator's (see README.md).
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import type { StoredResource } from '../state/store';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { badRequest, fail } from './errors';
import { parseSynapseWorkspaceId, synapseWorkspaceId } from './ids';
import { paginate } from './paging';
import { linkedServiceBody, nowIso, TYPES } from './resources';
import { AML_WS } from './aml-workspaces';

const LINK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;

/** Whether the workspace refuses new linked services (emulator-only switch kept in the resource's meta). */
export function refusesNewLinks(ws: StoredResource): boolean {
  return ws.meta?.newLinkedServices === 'refuse';
}

function refuseNewLink(ws: StoredResource): never {
  fail(
    400,
    'UserError',
    `Linked services of type 'Synapse' are deprecated and no longer supported for the workspace '${ws.body.name}'. ` +
      'Attach Synapse Spark pools to the workspace directly as compute targets instead.',
  );
}

export function registerLinkedServices(router: Router, ctx: EmulatorContext): void {
  const list = `${AML_WS}/{workspaceName}/linkedServices`;
  const one = `${list}/{linkName}`;
  const find = (p: Record<string, string>) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    return requireChild(
      ctx,
      `${ws.body.id}/linkedServices/${p.linkName}`,
      `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/linkedServices/${p.linkName}`,
      p.resourceGroupName,
    );
  };

  router.get(list, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const all = ctx.store.children(ws.body.id, TYPES.linkedService).map((r) => clone(r.body));
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(one, (_req, p) => ({ status: 200, body: clone(find(p).body) }));

  router.put(one, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    if (!LINK_NAME.test(p.linkName)) badRequest('BadArgument', `Invalid linked service name '${p.linkName}'.`, 'linkName');
    if (refusesNewLinks(ws) && !ctx.store.get(`${ws.body.id}/linkedServices/${p.linkName}`)) refuseNewLink(ws);
    const body = requireObjectBody(req.body);
    const props = (body.properties ?? {}) as Record<string, unknown>;
    const target = parseSynapseWorkspaceId(props.linkedServiceResourceId);
    if (!target) {
      badRequest(
        'BadArgument',
        `Invalid linkedServiceResourceId '${String(props.linkedServiceResourceId ?? '')}'. Expected a Microsoft.Synapse/workspaces resource id.`,
        'properties.linkedServiceResourceId',
      );
    }
    if (props.linkType !== undefined && props.linkType !== 'Synapse') {
      badRequest('BadArgument', `Unsupported linkType '${String(props.linkType)}'. Allowed values: Synapse.`, 'properties.linkType');
    }
    const synapse = ctx.store.get(synapseWorkspaceId(target.subscriptionId, target.resourceGroup, target.workspaceName));
    if (!synapse) {
      badRequest(
        'BadArgument',
        `The Synapse workspace '${target.workspaceName}' was not found in resource group '${target.resourceGroup}'.`,
        'properties.linkedServiceResourceId',
      );
    }
    const id = `${ws.body.id}/linkedServices/${p.linkName}`;
    const existing = ctx.store.get(id);
    const location = typeof body.location === 'string' ? body.location : undefined;
    const created = linkedServiceBody(ws.body, p.linkName, synapse.body.id, ctx.store.data.tenantId, { location });
    if (existing) {
      // An update keeps the identity (its principal is what was granted access in Synapse) and createdTime.
      created.identity = existing.body.identity;
      created.properties.createdTime = existing.body.properties.createdTime;
      created.properties.modifiedTime = nowIso();
    }
    ctx.store.put({ type: TYPES.linkedService, parent: ws.body.id, body: created });
    return { status: 200, body: clone(created) };
  });

  router.delete(one, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const removed = ctx.store.delete(`${ws.body.id}/linkedServices/${p.linkName}`);
    return { status: removed ? 200 : 204 };
  });
}
