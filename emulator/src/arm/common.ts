/** Lookups shared by the ARM handlers, answering ARM's own 404s when something is missing. */
import type { EmulatorContext } from '../context';
import type { ResourceGroupRecord, StoredResource, SubscriptionRecord } from '../state/store';
import { fail, parentNotFound, resourceNotFound } from './errors';
import { amlWorkspaceId, resourceGroupId, synapseWorkspaceId } from './ids';

export function requireSubscription(ctx: EmulatorContext, sub: string): SubscriptionRecord {
  const found = ctx.store.data.subscriptions[sub.toLowerCase()];
  if (!found) fail(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`, { gateway: true });
  return found;
}

export function requireResourceGroup(ctx: EmulatorContext, sub: string, rg: string): ResourceGroupRecord {
  requireSubscription(ctx, sub);
  const found = ctx.store.data.resourceGroups[resourceGroupId(sub, rg).toLowerCase()];
  if (!found) fail(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`, { gateway: true });
  return found;
}

export function requireSynapseWorkspace(ctx: EmulatorContext, p: Record<string, string>, nested = false): StoredResource {
  requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const ws = ctx.store.get(synapseWorkspaceId(p.subscriptionId, p.resourceGroupName, p.workspaceName));
  if (!ws) {
    if (nested) parentNotFound(p.workspaceName);
    resourceNotFound(`Microsoft.Synapse/workspaces/${p.workspaceName}`, p.resourceGroupName);
  }
  return ws;
}

export function requireAmlWorkspace(ctx: EmulatorContext, p: Record<string, string>, nested = false): StoredResource {
  requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const ws = ctx.store.get(amlWorkspaceId(p.subscriptionId, p.resourceGroupName, p.workspaceName));
  if (!ws) {
    if (nested) parentNotFound(p.workspaceName);
    resourceNotFound(`Microsoft.MachineLearningServices/workspaces/${p.workspaceName}`, p.resourceGroupName);
  }
  return ws;
}

/** A nested resource of a workspace or the recorded ResourceNotFound for it. */
export function requireChild(ctx: EmulatorContext, id: string, typePath: string, resourceGroup: string): StoredResource {
  const found = ctx.store.get(id);
  if (!found) resourceNotFound(typePath, resourceGroup);
  return found;
}

/** The JSON object body of a PUT/POST, or a 400 in ARM's shape. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    fail(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
