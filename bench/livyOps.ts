/** The Livy calls the emulator benchmarks share, through the official SDK against a running test emulator. */
import { SparkClient } from '@azure/synapse-spark';
import type { TestEmulator } from '../test/support/emulator';

export type LivyOps = SparkClient['sparkSessionOperations'];

/** The session operations of the seed's `sparksmall` pool of `contoso-synapse`. */
export function livyOps(emu: TestEmulator): LivyOps {
  return new SparkClient(emu.credential(), `${emu.url}/synapse/contoso-synapse`, 'sparksmall', { httpClient: emu.httpClient })
    .sparkSessionOperations;
}

export async function waitIdle(ops: LivyOps, id: number): Promise<void> {
  for (;;) {
    const s = await ops.getSparkSession(id);
    if (s.state === 'idle') return;
    if (['dead', 'error', 'killed'].includes(String(s.state))) throw new Error(`session ${id} ended ${s.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Submits a statement and polls every 2 ms until its output is available; throws on an error output. */
export async function runStatement(ops: LivyOps, id: number, code: string): Promise<void> {
  const st = await ops.createSparkStatement(id, { code, kind: 'pyspark' });
  for (;;) {
    const s = await ops.getSparkStatement(id, st.id);
    if (s.state === 'available') {
      if (s.output?.status !== 'ok') throw new Error(`statement failed: ${JSON.stringify(s.output)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
