/** Builds the extension's real ARM stack (environment, emulator sign-in, trusting client) against a test emulator. */
import { resolveEnvironment } from '../../../src/core/cloud/environments';
import { createCredentialSource } from '../../../src/core/auth/selectSource';
import { AccountManager, type KeyValueStore } from '../../../src/core/auth/accountManager';
import { ArmContext } from '../../../src/core/arm/pipeline';
import { MachineLearningService } from '../../../src/core/arm/machineLearning';
import { SynapseService } from '../../../src/core/arm/synapse';
import { createTrustingHttpClient, readCaBundles } from '../../../src/core/util/httpClient';
import { silentLogger } from '../../../src/core/util/logger';
import type { RetrySettings } from '../../../src/core/util/retry';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { SubscriptionInfo } from '../../../src/core/arm/types';
import type { ResourceServices } from '../../../src/core/resources/sparkPoolCatalog';
import { ARM_SCOPE, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';

export class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, value);
  }
}

export function emulatorEnvironment(emu: { url: string; tenantId: string }) {
  return resolveEnvironment('Custom', {
    name: 'Emulator',
    resourceManagerEndpoint: emu.url,
    authorityHost: emu.url,
    tenantId: emu.tenantId,
    resourceManagerScope: ARM_SCOPE,
    synapseScope: SYNAPSE_SCOPE,
    disableInstanceDiscovery: true,
  });
}

export interface Stack {
  account: AccountManager;
  /** Where the account remembers its sign-in (globalState in the extension). */
  store: MemoryStore;
  arm: ArmContext;
  ml: MachineLearningService;
  synapse: SynapseService;
}

export async function signedInStack(
  emu: TestEmulator,
  opts: { concurrency?: number; retry?: Partial<RetrySettings>; signIn?: boolean } = {},
): Promise<Stack> {
  const environment = emulatorEnvironment(emu);
  const httpClient = createTrustingHttpClient(readCaBundles([emu.caPath]));
  const source = createCredentialSource(
    { source: 'emulator', emulator: { clientId: emu.clientId, clientSecret: emu.clientSecret } },
    {
      environment,
      httpClient,
      secrets: { get: async () => undefined, ask: async () => undefined, forget: async () => {} },
      microsoft: () => {
        throw new Error('not in unit tests');
      },
    },
  );
  const arm = new ArmContext({
    environment,
    httpClient,
    credential: (t) => source.credential(t),
    log: silentLogger,
    concurrency: opts.concurrency,
    retry: { baseDelayMs: 10, maxDelayMs: 50, ...(opts.retry ?? {}) },
  });
  const store = new MemoryStore();
  const account = new AccountManager(source, arm, store, silentLogger);
  if (opts.signIn !== false) await account.signIn({ interactive: true });
  return { account, store, arm, ml: new MachineLearningService(arm), synapse: new SynapseService(arm) };
}

export const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
export const SUB2 = '22222222-bbbb-4ccc-8ddd-000000000002';
export const RG = 'rg-datascience';
export const poolId = (pool: string, ws = 'contoso-synapse') =>
  `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/${ws}/bigDataPools/${pool}`;

/*
 * Two-tenant tests: the emulator serves one tenant, so these relabel the subscriptions' tenants and record
 * which tenant each token is requested for, while still handing out the emulator's real tokens.
 */
export const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';

export interface TokenRequest {
  tenantId?: string;
  scopes: string[];
}

/**
 * The stack's services with a credential source that records each token request; with `twoTenants` the
 * subscriptions are relabelled: Contoso in tenant A, Fabrikam in tenant B.
 */
export function recordingServices(s: Stack, requests: TokenRequest[], twoTenants: boolean): ResourceServices {
  const relabel = (subs: SubscriptionInfo[]) =>
    twoTenants ? subs.map((x) => ({ ...x, tenantId: x.subscriptionId === SUB2 ? TENANT_B : TENANT_A })) : subs;
  const real = s.account.source;
  const account = {
    get signedIn() {
      return s.account.signedIn;
    },
    allSubscriptions: async (signal?: AbortSignal) => relabel(await s.account.allSubscriptions(signal)),
    selectedSubscriptions: async (signal?: AbortSignal) => relabel(await s.account.selectedSubscriptions(signal)),
    arm: s.arm,
    source: {
      ...real,
      credential: (tenantId?: string): TokenCredential => ({
        getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
          requests.push({ tenantId, scopes: [scopes].flat() });
          return real.credential(tenantId).getToken(scopes, options);
        },
      }),
    },
  } as unknown as AccountManager;
  return { account, ml: s.ml, synapse: s.synapse };
}

/** The claims of a JWT, for checking which tenant a real emulator token names. */
export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
