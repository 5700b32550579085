/**
 * AML datastores. Each workspace has its default `workspaceblobstore`, backed by the emulator's Azurite.
 * Azurite URLs are path-style (`https://127.0.0.1:PORT/devstoreaccount1/container`), so the body carries
 * `endpoint: "127.0.0.1:PORT"` (an IP endpoint: clients build path-style URLs for it, as the storage SDK
 * does for IP hosts) plus `accountName`; see emulator/README.md.
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import type { ArmBody } from '../state/store';
import { clone, requireAmlWorkspace, requireChild } from './common';
import { fail } from './errors';
import { paginate } from './paging';
import { TYPES } from './resources';
import { AML_WS } from './aml-workspaces';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../storage/azurite';

export function renderDatastore(ctx: EmulatorContext, stored: ArmBody): ArmBody {
  const body = clone(stored);
  const blob = ctx.blobServiceUrl();
  if (body.properties.datastoreType === 'AzureBlob') {
    body.properties.accountName = AZURITE_ACCOUNT;
    body.properties.endpoint = blob ? new URL(blob).host : 'core.windows.net';
    body.properties.protocol = blob ? new URL(blob).protocol.replace(':', '') : 'https';
  }
  return body;
}

export function registerDatastores(router: Router, ctx: EmulatorContext): void {
  const list = `${AML_WS}/{workspaceName}/datastores`;
  const find = (p: Record<string, string>) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    return requireChild(
      ctx,
      `${ws.body.id}/datastores/${p.name}`,
      `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/datastores/${p.name}`,
      p.resourceGroupName,
    );
  };

  router.get(list, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    let all = ctx.store.children(ws.body.id, TYPES.datastore).map((r) => renderDatastore(ctx, r.body));
    const isDefault = req.query.get('isDefault');
    if (isDefault !== null) all = all.filter((d) => String(d.properties.isDefault) === isDefault.toLowerCase());
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(`${list}/{name}`, (_req, p) => ({ status: 200, body: renderDatastore(ctx, find(p).body) }));

  router.post(`${list}/{name}/listSecrets`, (_req, p) => {
    const ds = find(p);
    if (ds.body.properties.datastoreType !== 'AzureBlob') fail(400, 'BadArgument', 'This datastore has no secrets.');
    return { status: 200, body: { secretsType: 'AccountKey', key: AZURITE_KEY } };
  });
}
