/**
 * Azure ML computes. List and get any compute; attach (PUT `computeType: SynapseSpark`) and detach
 * (DELETE `?underlyingResourceAction=Detach`) are long-running:
 *  - PUT answers 201 with the compute in `provisioningState: Creating` and `Azure-AsyncOperation`
 *    (2021-04-01 spec: 201 + Azure-AsyncOperation); GET shows Creating until the operation completes.
 *  - DELETE answers 202 with `Azure-AsyncOperation` and `Location` (spec + test_spark_pool.yaml); the
 *    compute shows Deleting, then disappears; Location polling ends 204.
 * No real attach/detach exchange was recorded, so validation codes are the ARM-style best guess, listed
 * in emulator/README.md.
 */
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import type { Router } from '../router';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { badRequest, fail } from './errors';
import { parseBigDataPoolId, synapseWorkspaceId } from './ids';
import type { Operations } from './lro';
import { paginate } from './paging';
import { nowIso, synapseComputeBody, TYPES } from './resources';
import { AML_WS } from './aml-workspaces';

const COMPUTE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,15}$/;

export function registerComputes(router: Router, ctx: EmulatorContext, ops: Operations): void {
  const pageSize = () => ctx.store.data.settings.pageSize;
  const computePath = `${AML_WS}/{workspaceName}/computes/{computeName}`;
  const find = (p: Record<string, string>) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    return requireChild(
      ctx,
      `${ws.body.id}/computes/${p.computeName}`,
      `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/computes/${p.computeName}`,
      p.resourceGroupName,
    );
  };

  ops.onComplete('compute-attach', (c, op) => {
    const compute = c.store.get(op.resourceId);
    if (!compute) return;
    compute.body.properties.provisioningState = 'Succeeded';
    compute.body.properties.modifiedOn = nowIso();
  });
  ops.onComplete('compute-detach', (c, op) => {
    c.store.delete(op.resourceId);
  });

  router.get(`${AML_WS}/{workspaceName}/computes`, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const all = ctx.store.children(ws.body.id, TYPES.compute).map((r) => clone(r.body));
    return { status: 200, body: paginate(req, all, pageSize()) };
  });

  router.get(computePath, (_req, p) => ({ status: 200, body: clone(find(p).body) }));

  router.put(computePath, (req, p) => attach(ctx, ops, req, p));

  router.delete(computePath, (req, p) => {
    const compute = find(p);
    const action = req.query.get('underlyingResourceAction');
    if (action === null)
      badRequest(
        'BadArgument',
        "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.",
        'underlyingResourceAction',
      );
    if (!/^(delete|detach)$/i.test(action))
      badRequest(
        'BadArgument',
        `Invalid underlyingResourceAction '${action}'. Allowed values: Delete, Detach.`,
        'underlyingResourceAction',
      );
    if (compute.body.properties.provisioningState === 'Deleting') {
      fail(409, 'Conflict', `Compute '${p.computeName}' is already being deleted.`);
    }
    compute.body.properties.provisioningState = 'Deleting';
    ctx.store.changed();
    const ws = requireAmlWorkspace(ctx, p, true);
    const op = ops.start('compute-detach', compute.body.id, p.subscriptionId, String(ws.body.location), req.query.get('api-version') ?? '');
    return {
      status: 202,
      headers: { 'azure-asyncoperation': ops.asyncOperationUrl(req, op), location: ops.locationUrl(req, op), ...ops.retryAfter() },
    };
  });
}

function attach(ctx: EmulatorContext, ops: Operations, req: EmuRequest, p: Record<string, string>): EmuResponse {
  const ws = requireAmlWorkspace(ctx, p, true);
  const body = requireObjectBody(req.body);
  const props = body.properties as Record<string, unknown> | undefined;
  if (!props || typeof props !== 'object') badRequest('BadArgument', "The request body must contain 'properties'.", 'properties');
  if (props.computeType !== 'SynapseSpark') {
    badRequest(
      'BadArgument',
      `Compute type '${String(props.computeType)}' cannot be attached here; the emulator supports computeType 'SynapseSpark'.`,
      'properties.computeType',
    );
  }
  if (!COMPUTE_NAME.test(p.computeName)) {
    badRequest(
      'BadArgument',
      `Compute name '${p.computeName}' is invalid. It can include letters, digits and dashes, must start with a letter, and be 2 to 16 characters long.`,
      'computeName',
    );
  }
  const poolRef = parseBigDataPoolId(props.resourceId);
  if (!poolRef) {
    badRequest(
      'BadArgument',
      `Invalid resource id '${String(props.resourceId ?? '')}'. Expected /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Synapse/workspaces/{workspace}/bigDataPools/{pool}.`,
      'properties.resourceId',
    );
  }
  const pool = ctx.store.get(
    `${synapseWorkspaceId(poolRef.subscriptionId, poolRef.resourceGroup, poolRef.workspaceName)}/bigDataPools/${poolRef.poolName}`,
  );
  if (!pool) {
    badRequest(
      'BadArgument',
      `The Synapse Spark pool '${poolRef.poolName}' was not found in workspace '${poolRef.workspaceName}' (resource group '${poolRef.resourceGroup}').`,
      'properties.resourceId',
    );
  }
  const computeId = `${ws.body.id}/computes/${p.computeName}`;
  const existing = ctx.store.get(computeId);
  if (existing) {
    const sameTarget = String(existing.body.properties.resourceId).toLowerCase() === pool.body.id.toLowerCase();
    if (!sameTarget || existing.body.properties.computeType !== 'SynapseSpark') {
      fail(
        409,
        'Conflict',
        `Compute name '${p.computeName}' is already in use in workspace '${p.workspaceName}' by a compute with a different target. Choose another name or detach it first.`,
        { target: 'computeName' },
      );
    }
    if (existing.body.properties.provisioningState === 'Deleting') {
      fail(409, 'Conflict', `Compute '${p.computeName}' is being detached; retry when it is gone.`);
    }
    // Re-attaching the same pool is an idempotent update: 200 with the current body, like ARM PUTs.
    if (typeof props.description === 'string') existing.body.properties.description = props.description;
    ctx.store.changed();
    return { status: 200, body: clone(existing.body) };
  }
  const compute = synapseComputeBody(ws.body, p.computeName, pool.body, {
    provisioningState: 'Creating',
    description: typeof props.description === 'string' ? props.description : undefined,
    identity: body.identity,
    tags: body.tags,
  });
  ctx.store.put({ type: TYPES.compute, parent: ws.body.id, body: compute });
  const op = ops.start('compute-attach', compute.id, p.subscriptionId, String(ws.body.location), req.query.get('api-version') ?? '');
  return {
    status: 201,
    headers: { 'azure-asyncoperation': ops.asyncOperationUrl(req, op), ...ops.retryAfter() },
    body: clone(compute),
  };
}
