/** Livy pieces the notebook suites share: a client for a pool of the test emulator, and a recording cell sink. */
import { HttpStack } from '../../src/core/http/httpStack';
import { SdkLivyClient } from '../../src/core/livy/livyClient';
import { silentLogger } from '../../src/core/util/logger';
import type { CellSink } from '../../src/core/notebook/cellRunner';
import type { CellOutputModel } from '../../src/core/notebook/outputs';
import { startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from './emulator';
import { attachedPoolsFromSeed } from './sparkCatalog';

/**
 * The Livy client of the emulator's first attached pool (or the one at `index`), over its verified TLS, on the
 * HTTP stack as in the extension.
 */
export function emulatorLivyClient(emu: TestEmulator, index = 0): SdkLivyClient {
  const pool = attachedPoolsFromSeed(emu.url, emu.seed)[index];
  return new SdkLivyClient(
    { devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName },
    {
      credential: emu.credential(),
      scope: SYNAPSE_SCOPE,
      httpClient: emu.httpClient,
      stack: new HttpStack({ httpClient: emu.httpClient, log: silentLogger }),
    },
  );
}

/** A CellSink that keeps every output replacement and the execution order, as a notebook cell would show. */
export class RecordingSink implements CellSink {
  history: CellOutputModel[][] = [];
  order: number | undefined;
  submitted?: (sessionId: number, statementId: number) => void;
  replace(outputs: CellOutputModel[]): void {
    this.history.push(outputs);
  }
  setExecutionOrder(order: number | undefined): void {
    this.order = order;
  }
  get last(): CellOutputModel[] {
    return this.history.at(-1) ?? [];
  }
  text(): string {
    return this.last
      .flatMap((o) => o.items)
      .map((i) => ('text' in i ? i.text : 'error' in i ? `${i.error.name}: ${i.error.message}` : ''))
      .join('\n');
  }
}

/**
 * For a mocha suite: starts the emulator with Livy before its tests (pools cold-start in `coldStartMs`) and
 * stops it after them. The getters answer once the suite's `before` hook ran.
 */
export function livyEmulatorForSuite(coldStartMs = 300): { emu(): TestEmulator; client(): SdkLivyClient } {
  let emu: TestEmulator | undefined;
  let client: SdkLivyClient | undefined;
  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: coldStartMs } });
    client = emulatorLivyClient(emu);
  });
  after(async () => {
    await emu?.stop();
  });
  return { emu: () => emu!, client: () => client! };
}
