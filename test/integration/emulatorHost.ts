/**
 * The extension activated in the test host with ARM access through the emulator the runner started (its
 * service principal). A host started without the emulator fails here, naming the runner, rather than skipping.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { emulatorAccess, type EmulatorAccess } from '../support/emulatorAccess';

export const EXTENSION_ID = 'azureml-synapse-spark.azureml-synapse-spark';

export async function activateOnEmulator(): Promise<{ api: ExtensionApi; access: EmulatorAccess }> {
  const url = process.env.SYNAPSE_EMULATOR_URL;
  const ca = process.env.SYNAPSE_EMULATOR_CA;
  if (!url || !ca) throw new Error('SYNAPSE_EMULATOR_URL and SYNAPSE_EMULATOR_CA are not set: run the suites with scripts/run-integration.mjs.');
  const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'emulator', 'seed.default.json'), 'utf8'));
  const access = emulatorAccess({ url, caPem: fs.readFileSync(ca, 'utf8'), tenantId: seed.tenantId });
  api.pipelines.useAccess(access.arm, access.catalog);
  return { api, access };
}
