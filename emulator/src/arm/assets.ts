/**
 * AML versioned assets (`codes`, `components`): the container GET, the versions list (newest first), the
 * version GET, and the version PUT with AML's immutability: an existing version answers 200 when the PUT
 * says the same thing, 409 when it differs; a new one answers 201, creating the container or moving its
 * `latestVersion`. What each asset requires and stores comes from its `AssetKind`.
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import type { ArmBody } from '../state/store';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { fail } from './errors';
import { paginate } from './paging';
import { nowIso, systemData } from './resources';
import { AML_WS } from './aml-workspaces';

export interface AssetKind {
  /** The path segment: `codes`, `components`. */
  segment: string;
  containerType: string;
  versionType: string;
  /** Throws the ARM error for an unacceptable PUT body's `properties`. */
  validate(props: Record<string, unknown>, ctx: EmulatorContext): void;
  /** Whether a PUT's `properties` say something else than the stored version's (then 409 with `conflict`). */
  differs(stored: Record<string, unknown>, props: Record<string, unknown>): boolean;
  conflict(name: string, version: string): string;
  /** The asset's own stored properties (codeUri, componentSpec), beside the common ones. */
  own(props: Record<string, unknown>, version: string): Record<string, unknown>;
}

export function registerAsset(router: Router, ctx: EmulatorContext, kind: AssetKind): void {
  const base = `${AML_WS}/{workspaceName}/${kind.segment}`;
  const typePath = (p: Record<string, string>, rest: string) =>
    `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/${kind.segment}/${rest}`;
  const containerId = (ws: ArmBody, name: string) => `${ws.id}/${kind.segment}/${name}`;

  router.get(`${base}/{name}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const c = requireChild(ctx, containerId(ws.body, p.name), typePath(p, p.name), p.resourceGroupName);
    return { status: 200, body: clone(c.body) };
  });

  router.get(`${base}/{name}/versions`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const all = ctx.store
      .children(containerId(ws.body, p.name), kind.versionType)
      .map((r) => clone(r.body))
      .reverse();
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(`${base}/{name}/versions/{version}`, (_req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const v = requireChild(
      ctx,
      `${containerId(ws.body, p.name)}/versions/${p.version}`,
      typePath(p, `${p.name}/versions/${p.version}`),
      p.resourceGroupName,
    );
    return { status: 200, body: clone(v.body) };
  });

  router.put(`${base}/{name}/versions/{version}`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const props = (requireObjectBody(req.body).properties ?? {}) as Record<string, unknown>;
    kind.validate(props, ctx);
    const parentId = containerId(ws.body, p.name);
    const id = `${parentId}/versions/${p.version}`;
    const existing = ctx.store.get(id);
    if (existing) {
      if (kind.differs(existing.body.properties, props)) fail(409, 'UserError', kind.conflict(p.name, p.version));
      return { status: 200, body: clone(existing.body) };
    }
    const container = ctx.store.get(parentId);
    if (!container) {
      ctx.store.put({
        type: kind.containerType,
        parent: ws.body.id,
        body: {
          id: parentId,
          name: p.name,
          type: kind.containerType,
          systemData: systemData('emulator'),
          properties: {
            description: null,
            tags: {},
            properties: {},
            isArchived: false,
            latestVersion: p.version,
            nextVersion: null,
            provisioningState: 'Succeeded',
          },
        },
      });
    } else {
      container.body.properties.latestVersion = p.version;
      ctx.store.changed();
    }
    const created = {
      id,
      name: p.version,
      type: kind.versionType,
      systemData: systemData('emulator', nowIso()),
      properties: {
        description: props.description ?? null,
        tags: props.tags ?? {},
        properties: props.properties ?? {},
        isArchived: props.isArchived ?? false,
        isAnonymous: props.isAnonymous ?? false,
        ...kind.own(props, p.version),
        provisioningState: 'Succeeded',
      },
    };
    ctx.store.put({ type: kind.versionType, parent: parentId, body: created });
    return { status: 201, body: clone(created) };
  });
}
