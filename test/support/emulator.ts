/**
 * Starts the local Azure emulator in-process for a test suite: ephemeral port, temp data folder, a TLS
 * folder shared by all suites (so the CA is generated once per machine), and clients that trust the
 * emulator CA explicitly (never by turning verification off).
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../emulator/src/server';
import { readSeedFile, type SeedFile } from '../../emulator/src/state/seed';

export const ARM_SCOPE = 'https://management.azure.com/.default';
export const SYNAPSE_SCOPE = 'https://dev.azuresynapse.net/.default';

export interface TestEmulator {
  url: string;
  caPem: string;
  caPath: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  seed: SeedFile;
  handle: EmulatorHandle;
  /** A core-rest-pipeline HttpClient whose TLS trusts the emulator CA. */
  httpClient: HttpClient;
  /** A fresh ClientSecretCredential against the emulator authority. */
  credential(): ClientSecretCredential;
  stop(): Promise<void>;
}

export function defaultSeed(): SeedFile {
  return readSeedFile(path.resolve(__dirname, '..', '..', '..', 'emulator', 'seed.default.json'));
}

/** An HttpClient that trusts `caPem` in addition to nothing else: the emulator's CA only. */
export function trustingHttpClient(caPem: string): HttpClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      request.agent ??= agent;
      return inner.sendRequest(request);
    },
  };
}

/** The default seed's pools start in 300 ms, so tests don't wait out realistic cold starts. */
function withFastPools(seed: SeedFile): SeedFile {
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups ?? []) {
      for (const ws of rg.synapseWorkspaces ?? []) {
        for (const pool of ws.sparkPools ?? []) if (pool.coldStartMs !== undefined) pool.coldStartMs = 300;
      }
    }
  }
  return seed;
}

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'azsynspark-emu-test-'));
  const seed = opts.seed ?? withFastPools(defaultSeed());
  const handle = await startEmulator({
    port: 0,
    dataDir,
    tlsDir: path.join(os.tmpdir(), 'azsynspark-emulator-test-tls'),
    storage: false,
    livy: false,
    reset: true,
    ...opts,
    seed,
    settings: { lroDurationMs: 200, retryAfterSeconds: 0, pageSize: 2, pipelineStepDelayMs: 50, ...(opts.settings ?? {}) },
  });
  const sp = seed.servicePrincipals[0];
  const httpClient = trustingHttpClient(handle.caPem);
  return {
    url: handle.url,
    caPem: handle.caPem,
    caPath: handle.caPath,
    tenantId: handle.tenantId,
    clientId: sp.clientId,
    clientSecret: sp.clientSecret,
    seed,
    handle,
    httpClient,
    credential: () =>
      new ClientSecretCredential(handle.tenantId, sp.clientId, sp.clientSecret, {
        authorityHost: handle.url,
        disableInstanceDiscovery: true,
        httpClient,
      }),
    async stop() {
      await handle.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
