/**
 * AML component assets: `components/{name}/versions/{version}` (PUT, GET, list) and the container GET
 * (its `latestVersion` resolves `azureml:name@latest`). Pipeline submit registers local and inline steps as
 * anonymous components (`azureml_anonymous`, version derived from the spec's content) before the job PUT.
 * A version is immutable: a PUT of the same version with a different componentSpec answers 409, the same
 * spec answers 200 (what AML does for an anonymous component it already has).
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { badRequest, fail } from './errors';
import { paginate } from './paging';
import { nowIso, systemData, TYPES } from './resources';
import { AML_WS } from './aml-workspaces';

const COMPONENT_TYPES = new Set(['spark', 'command']);

export function registerComponents(router: Router, ctx: EmulatorContext): void {
  const base = `${AML_WS}/{workspaceName}/components`;
  const typePath = (p: Record<string, string>, rest: string) => `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/components/${rest}`;

  router.get(`${base}/{name}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const c = requireChild(ctx, `${ws.body.id}/components/${p.name}`, typePath(p, p.name), p.resourceGroupName);
    return { status: 200, body: clone(c.body) };
  });

  router.get(`${base}/{name}/versions`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const all = ctx.store.children(`${ws.body.id}/components/${p.name}`, TYPES.componentVersion).map((r) => clone(r.body)).reverse();
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(`${base}/{name}/versions/{version}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const v = requireChild(ctx, `${ws.body.id}/components/${p.name}/versions/${p.version}`, typePath(p, `${p.name}/versions/${p.version}`), p.resourceGroupName);
    return { status: 200, body: clone(v.body) };
  });

  router.put(`${base}/{name}/versions/{version}`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const body = requireObjectBody(req.body);
    const props = (body.properties ?? {}) as Record<string, unknown>;
    const spec = props.componentSpec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      badRequest('UserError', "A component version needs 'properties.componentSpec'.", 'properties.componentSpec');
    }
    if (!COMPONENT_TYPES.has(String(spec.type ?? ''))) {
      badRequest('UserError', `Component type '${String(spec.type ?? '')}' is not supported. Supported: spark, command.`, 'properties.componentSpec.type');
    }
    if (spec.type === 'spark' && !(spec.entry && typeof spec.entry === 'object')) {
      badRequest('UserError', "A spark component needs 'entry'.", 'properties.componentSpec.entry');
    }
    if (spec.type === 'command' && typeof spec.command !== 'string') {
      badRequest('UserError', "A command component needs 'command'.", 'properties.componentSpec.command');
    }
    if (typeof spec.code === 'string' && spec.code.startsWith('/subscriptions/') && !ctx.store.get(spec.code)) {
      badRequest('UserError', `Code '${spec.code}' was not found.`, 'properties.componentSpec.code');
    }
    const containerId = `${ws.body.id}/components/${p.name}`;
    const id = `${containerId}/versions/${p.version}`;
    const existing = ctx.store.get(id);
    if (existing) {
      const { version: _a, ...before } = existing.body.properties.componentSpec as Record<string, unknown>;
      const { version: _b, ...after } = spec;
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        fail(409, 'UserError', `Component version ${p.name}:${p.version} already exists with a different spec; versions are immutable.`);
      }
      return { status: 200, body: clone(existing.body) };
    }
    const container = ctx.store.get(containerId);
    if (!container) {
      ctx.store.put({
        type: TYPES.componentContainer,
        parent: ws.body.id,
        body: {
          id: containerId, name: p.name, type: TYPES.componentContainer, systemData: systemData('emulator'),
          properties: { description: null, tags: {}, properties: {}, isArchived: false, latestVersion: p.version, nextVersion: null, provisioningState: 'Succeeded' },
        },
      });
    } else {
      container.body.properties.latestVersion = p.version;
      ctx.store.changed();
    }
    const created = {
      id,
      name: p.version,
      type: TYPES.componentVersion,
      systemData: systemData('emulator', nowIso()),
      properties: {
        description: props.description ?? null,
        tags: props.tags ?? {},
        properties: props.properties ?? {},
        isArchived: props.isArchived ?? false,
        isAnonymous: props.isAnonymous ?? false,
        componentSpec: { ...spec, version: p.version },
        provisioningState: 'Succeeded',
      },
    };
    ctx.store.put({ type: TYPES.componentVersion, parent: containerId, body: created });
    return { status: 201, body: clone(created) };
  });
}
