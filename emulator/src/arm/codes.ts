/**
 * AML code assets: `codes/{name}/versions/{version}` (PUT, GET, list) and the container GET. A version is
 * immutable once created, as in AML: a PUT with a different codeUri answers 409.
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { badRequest, fail } from './errors';
import { paginate } from './paging';
import { nowIso, systemData, TYPES } from './resources';
import { AML_WS } from './aml-workspaces';

export function registerCodes(router: Router, ctx: EmulatorContext): void {
  const codes = `${AML_WS}/{workspaceName}/codes`;

  router.get(`${codes}/{name}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const c = requireChild(ctx, `${ws.body.id}/codes/${p.name}`, `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/codes/${p.name}`, p.resourceGroupName);
    return { status: 200, body: clone(c.body) };
  });

  router.get(`${codes}/{name}/versions`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const all = ctx.store.children(`${ws.body.id}/codes/${p.name}`, TYPES.codeVersion).map((r) => clone(r.body)).reverse();
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(`${codes}/{name}/versions/{version}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const v = requireChild(
      ctx,
      `${ws.body.id}/codes/${p.name}/versions/${p.version}`,
      `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/codes/${p.name}/versions/${p.version}`,
      p.resourceGroupName,
    );
    return { status: 200, body: clone(v.body) };
  });

  router.put(`${codes}/{name}/versions/{version}`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const body = requireObjectBody(req.body);
    const props = (body.properties ?? {}) as Record<string, unknown>;
    if (typeof props.codeUri !== 'string' || !props.codeUri) badRequest('UserError', "A code version needs 'properties.codeUri'.", 'properties.codeUri');
    const containerId = `${ws.body.id}/codes/${p.name}`;
    const id = `${containerId}/versions/${p.version}`;
    const existing = ctx.store.get(id);
    if (existing) {
      if (existing.body.properties.codeUri !== props.codeUri) {
        fail(409, 'UserError', `Code version ${p.name}:${p.version} already exists with a different codeUri; versions are immutable.`);
      }
      return { status: 200, body: clone(existing.body) };
    }
    if (!ctx.store.get(containerId)) {
      ctx.store.put({
        type: TYPES.codeContainer,
        parent: ws.body.id,
        body: { id: containerId, name: p.name, type: TYPES.codeContainer, systemData: systemData('emulator'), properties: { description: null, tags: {}, properties: {}, isArchived: false, latestVersion: p.version, nextVersion: null, provisioningState: 'Succeeded' } },
      });
    } else {
      ctx.store.get(containerId)!.body.properties.latestVersion = p.version;
    }
    const created = {
      id,
      name: p.version,
      type: TYPES.codeVersion,
      systemData: systemData('emulator', nowIso()),
      properties: {
        description: props.description ?? null,
        tags: props.tags ?? {},
        properties: props.properties ?? {},
        isArchived: props.isArchived ?? false,
        isAnonymous: props.isAnonymous ?? false,
        codeUri: props.codeUri,
        provisioningState: 'Succeeded',
      },
    };
    ctx.store.put({ type: TYPES.codeVersion, parent: containerId, body: created });
    return { status: 201, body: clone(created) };
  });
}
