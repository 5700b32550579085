/**
 * ArmAccess and SparkPoolCatalog over the emulator with a service principal of its seed, for tests that
 * run before (or without) the sign-in side's implementations. Plain ARM GETs through core-rest-pipeline
 * with bearer auth and the emulator's CA; nothing here is used by the extension itself.
 */
import * as https from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
} from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { HttpStack } from '../../src/core/http/httpStack';
import type { ArmAccess } from '../../src/core/model/armAccess';
import { silentLogger } from '../../src/core/util/logger';
import type { AmlWorkspaceRef, AttachedSparkPool, SparkPoolCatalog } from '../../src/core/model/sparkTargets';

export const EMULATOR_CLIENT_ID = 'e5a1c0de-0000-4000-8000-00000000c11e';
export const EMULATOR_CLIENT_SECRET = 'emulator-client-secret';
const ARM_SCOPE = 'https://management.azure.com/.default';
const SYNAPSE_SCOPE = 'https://dev.azuresynapse.net/.default';

export interface EmulatorConnection {
  url: string;
  caPem: string;
  tenantId: string;
  clientId?: string;
  clientSecret?: string;
}

export interface EmulatorAccess {
  arm: ArmAccess;
  catalog: SparkPoolCatalog;
  httpClient: HttpClient;
  credential: TokenCredential;
}

function caClient(caPem: string): HttpClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const inner = createDefaultHttpClient();
  return { sendRequest: (req) => ((req.agent ??= agent), inner.sendRequest(req)) };
}

/** An api-version ARM serves for the path's provider (the emulator, like ARM, refuses others). */
function apiVersionFor(path: string): string {
  if (/\/providers\/Microsoft\.Synapse\//i.test(path)) return '2021-06-01';
  if (/\/providers\/Microsoft\.MachineLearningServices\//i.test(path)) return '2023-04-01';
  return '2022-12-01'; // Microsoft.Resources: subscriptions, resource groups
}

export function emulatorAccess(conn: EmulatorConnection): EmulatorAccess {
  const httpClient = caClient(conn.caPem);
  const stack = new HttpStack({ httpClient, log: silentLogger });
  const credential = new ClientSecretCredential(
    conn.tenantId,
    conn.clientId ?? EMULATOR_CLIENT_ID,
    conn.clientSecret ?? EMULATOR_CLIENT_SECRET,
    {
      authorityHost: conn.url,
      disableInstanceDiscovery: true,
      httpClient,
    },
  );
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 2, retryDelayInMs: 50 } });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: ARM_SCOPE }));
  const get = async (pathOrUrl: string): Promise<any> => {
    const url = pathOrUrl.startsWith('https://')
      ? pathOrUrl
      : `${conn.url}${pathOrUrl}${pathOrUrl.includes('?') ? '&' : '?'}api-version=${apiVersionFor(pathOrUrl)}`;
    const res = await pipeline.sendRequest(httpClient, createPipelineRequest({ url, method: 'GET' }));
    if (res.status >= 400) throw new Error(`GET ${pathOrUrl}: ${res.status} ${res.bodyAsText}`);
    return JSON.parse(res.bodyAsText ?? '{}');
  };
  const list = async (path: string): Promise<any[]> => {
    const out: any[] = [];
    let page = await get(path);
    out.push(...(page.value ?? []));
    while (page.nextLink) {
      page = await get(page.nextLink);
      out.push(...(page.value ?? []));
    }
    return out;
  };
  const listAmlWorkspaces = async (): Promise<AmlWorkspaceRef[]> => {
    const subs = await list('/subscriptions');
    const out: AmlWorkspaceRef[] = [];
    for (const sub of subs) {
      for (const ws of await list(`/subscriptions/${sub.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces`)) {
        const rg = /resourceGroups\/([^/]+)/i.exec(ws.id)![1];
        out.push({ id: ws.id, name: ws.name, subscriptionId: sub.subscriptionId, resourceGroup: rg, location: ws.location });
      }
    }
    return out;
  };
  const arm: ArmAccess = {
    resourceManagerEndpoint: () => conn.url,
    resourceManagerScope: () => ARM_SCOPE,
    credential: () => credential,
    credentialFor: () => credential, // one tenant: the emulator's
    signedIn: () => true,
    httpClient: () => httpClient,
    httpStack: () => stack,
    listAmlWorkspaces,
    amlStudioJobUrl: (ws, job) => `${conn.url}/_emulator/studio/runs/${job}?wsid=${ws.id}`,
    amlStudioDatastoreUrl: (ws, ds) => `${conn.url}/_emulator/studio/data/datastore/${ds}/edit?wsid=${ws.id}`,
  };
  const catalog: SparkPoolCatalog = {
    async listAttachedPools() {
      const pools: AttachedSparkPool[] = [];
      for (const ws of await listAmlWorkspaces()) {
        for (const c of await list(`${ws.id}/computes`)) {
          if (c.properties?.computeType !== 'SynapseSpark' || !c.properties.resourceId) continue;
          const poolId: string = c.properties.resourceId;
          const synapseId = poolId.slice(0, poolId.toLowerCase().indexOf('/bigdatapools/'));
          const synapse = await get(synapseId);
          const pool = await get(poolId);
          pools.push({
            computeId: c.id,
            computeName: c.name,
            amlWorkspace: ws,
            synapseWorkspace: { id: synapse.id, name: synapse.name, devEndpoint: synapse.properties.connectivityEndpoints.dev },
            poolName: pool.name,
            sparkVersion: pool.properties.sparkVersion,
            nodeSize: pool.properties.nodeSize,
          });
        }
      }
      return pools;
    },
    onDidChange: () => ({ dispose() {} }),
    credential: () => credential,
    credentialFor: () => credential, // one tenant: the emulator's
    synapseScope: () => SYNAPSE_SCOPE,
    httpClient: () => httpClient,
    httpStack: () => stack,
  };
  return { arm, catalog, httpClient, credential };
}
