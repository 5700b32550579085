// ARM ids of Azure ML workspace resources, built from the workspace's own coordinates.

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export function workspaceArmId(ws: WorkspaceRef): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}`;
}

/**
 * `cpu-cluster`, `azureml:cpu-cluster` or an ARM id -> the compute's ARM id. `serverless` stays as is, and so
 * does a binding (`${{parent.inputs.compute_name}}`): the SDK sends it unchanged and the service resolves it.
 */
export function computeArmId(ws: WorkspaceRef, compute: string): string {
  const bare = compute.replace(/^azureml:/, '');
  if (bare.startsWith('/subscriptions/') || bare === 'serverless' || bare.includes('${{')) {
    return bare;
  }
  return `${workspaceArmId(ws)}/computes/${bare}`;
}

/** `azureml:workspaceblobstore` or `workspaceblobstore` -> the datastore's ARM id (what the SDK sends for `settings.default_datastore`). */
export function datastoreArmId(ws: WorkspaceRef, datastore: string): string {
  const bare = datastore.replace(/^azureml:/, '');
  return bare.startsWith('/subscriptions/') ? bare : `${workspaceArmId(ws)}/datastores/${bare}`;
}

export function componentVersionArmId(ws: WorkspaceRef, name: string, version: string): string {
  return `${workspaceArmId(ws)}/components/${name}/versions/${version}`;
}

export function codeVersionArmId(ws: WorkspaceRef, name: string, version: string): string {
  return `${workspaceArmId(ws)}/codes/${name}/versions/${version}`;
}

export function environmentArmId(ws: WorkspaceRef, reference: string): string {
  const bare = reference.replace(/^azureml:/, '');
  if (bare.startsWith('/subscriptions/') || reference.startsWith('azureml://')) {
    return reference.startsWith('azureml://') ? reference : bare;
  }
  const at = bare.indexOf('@');
  const colon = bare.indexOf(':');
  if (at >= 0) {
    return `${workspaceArmId(ws)}/environments/${bare.slice(0, at)}/versions/${bare.slice(at + 1)}`;
  }
  return colon >= 0 ? `${workspaceArmId(ws)}/environments/${bare.slice(0, colon)}/versions/${bare.slice(colon + 1)}` : bare;
}
