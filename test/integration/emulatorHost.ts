/**
 * The extension activated in the test host with ARM access through the emulator the runner started (its
 * service principal). A host started without the emulator fails here, naming the runner, rather than skipping.
 */
import * as fs from 'fs';
import * as path from 'path';
import { activateWithHooks, type TestHooks } from './testHooks';
import { emulatorAccess, type EmulatorAccess } from '../support/emulatorAccess';

export { EXTENSION_ID } from './testHooks';

export async function activateOnEmulator(): Promise<{ hooks: TestHooks; access: EmulatorAccess }> {
  const url = process.env.SYNAPSE_EMULATOR_URL;
  const ca = process.env.SYNAPSE_EMULATOR_CA;
  if (!url || !ca)
    throw new Error('SYNAPSE_EMULATOR_URL and SYNAPSE_EMULATOR_CA are not set: run the suites with scripts/run-integration.mjs.');
  const hooks = await activateWithHooks();
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'emulator', 'seed.default.json'), 'utf8'));
  const access = emulatorAccess({ url, caPem: fs.readFileSync(ca, 'utf8'), tenantId: seed.tenantId });
  hooks.pipelines.useAccess(access.arm, access.catalog);
  return { hooks, access };
}
