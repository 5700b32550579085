/** ARM resource ids: parsing and building, case-insensitive where ARM is. */
export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string;
  provider: string;
  /** Type segments after the provider, e.g. ['workspaces', 'bigDataPools']. */
  types: string[];
  /** Names matching `types`. */
  names: string[];
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
  const parts = id.replace(/^\/+|\/+$/g, '').split('/');
  if (
    parts.length < 8 ||
    parts[0].toLowerCase() !== 'subscriptions' ||
    parts[2].toLowerCase() !== 'resourcegroups' ||
    parts[4].toLowerCase() !== 'providers'
  )
    return undefined;
  const rest = parts.slice(6);
  if (rest.length % 2 !== 0) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]);
    names.push(decodeURIComponent(rest[i + 1]));
  }
  return { subscriptionId: parts[1], resourceGroup: parts[3], provider: parts[5], types, names };
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

export function synapseWorkspaceIdOf(id: string): { id: string; subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const p = parseResourceId(id);
  if (!p || p.provider.toLowerCase() !== 'microsoft.synapse' || p.types[0]?.toLowerCase() !== 'workspaces') return undefined;
  const name = p.names[0];
  return {
    id: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.Synapse/workspaces/${name}`,
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    name,
  };
}

export function bigDataPoolIdOf(id: string): { workspaceId: string; poolName: string } | undefined {
  const p = parseResourceId(id);
  if (!p || p.provider.toLowerCase() !== 'microsoft.synapse' || p.types.length !== 2 || p.types[1].toLowerCase() !== 'bigdatapools')
    return undefined;
  return { workspaceId: synapseWorkspaceIdOf(id)!.id, poolName: p.names[1] };
}

export function userAssignedIdentityId(id: string): boolean {
  const p = parseResourceId(id);
  return (
    !!p &&
    p.provider.toLowerCase() === 'microsoft.managedidentity' &&
    p.types.length === 1 &&
    p.types[0].toLowerCase() === 'userassignedidentities'
  );
}
