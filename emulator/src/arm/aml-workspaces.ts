/** Azure ML workspaces: list by subscription / resource group, get. */
import type { EmulatorContext } from '../context';
import type { EmuRequest } from '../http';
import type { Router } from '../router';
import type { ArmBody } from '../state/store';
import { clone, requireAmlWorkspace, requireResourceGroup, requireSubscription } from './common';
import { resourceGroupId, subscriptionId } from './ids';
import { paginate } from './paging';
import { TYPES } from './resources';

export const AML_WS =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces';

function render(ctx: EmulatorContext, req: EmuRequest, stored: ArmBody): ArmBody {
  const body = clone(stored);
  const base = req.baseUrl ?? ctx.baseUrl();
  body.properties.discoveryUrl = `${base}/discovery`;
  body.properties.mlFlowTrackingUri = `azureml://${new URL(base).host}/mlflow/v1.0${body.id}`;
  return body;
}

export function registerAmlWorkspaces(router: Router, ctx: EmulatorContext): void {
  const pageSize = () => ctx.store.data.settings.pageSize;

  router.get('/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces', (req, p) => {
    requireSubscription(ctx, p.subscriptionId);
    const all = ctx.store.inScope(subscriptionId(p.subscriptionId), TYPES.amlWorkspace).map((r) => render(ctx, req, r.body));
    return { status: 200, body: paginate(req, all, pageSize()) };
  });

  router.get(AML_WS, (req, p) => {
    requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
    const all = ctx.store
      .inScope(resourceGroupId(p.subscriptionId, p.resourceGroupName), TYPES.amlWorkspace)
      .map((r) => render(ctx, req, r.body));
    return { status: 200, body: paginate(req, all, pageSize()) };
  });

  router.get(`${AML_WS}/{workspaceName}`, (req, p) => ({ status: 200, body: render(ctx, req, requireAmlWorkspace(ctx, p).body) }));
}
