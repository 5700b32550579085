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
  arm: ArmContext;
  ml: MachineLearningService;
  synapse: SynapseService;
}

export async function signedInStack(emu: TestEmulator, opts: { concurrency?: number; retry?: Partial<RetrySettings>; signIn?: boolean } = {}): Promise<Stack> {
  const environment = emulatorEnvironment(emu);
  const httpClient = createTrustingHttpClient(readCaBundles([emu.caPath]));
  const source = createCredentialSource(
    { source: 'emulator', emulator: { clientId: emu.clientId, clientSecret: emu.clientSecret } },
    {
      environment,
      httpClient,
      secrets: { get: async () => undefined, ask: async () => undefined, forget: async () => {} },
      microsoft: () => { throw new Error('not in unit tests'); },
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
  const account = new AccountManager(source, arm, new MemoryStore(), silentLogger);
  if (opts.signIn !== false) await account.signIn({ interactive: true });
  return { account, arm, ml: new MachineLearningService(arm), synapse: new SynapseService(arm) };
}

export const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
export const SUB2 = '22222222-bbbb-4ccc-8ddd-000000000002';
export const RG = 'rg-datascience';
export const poolId = (pool: string, ws = 'contoso-synapse') => `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/${ws}/bigDataPools/${pool}`;
