/**
 * The extension's test hooks: the runners start the host with SYNAPSE_SPARK_TEST_HOOKS=1, so the extension
 * registers `synapseSpark.test.hooks`, which returns the hooks object itself in this (the same) extension host.
 */
import * as vscode from 'vscode';
import { TEST_HOOKS_COMMAND, type TestHooks } from '../../src/shell/testHooks';

export type { TestHooks };
export { TEST_HOOKS_COMMAND };

export const EXTENSION_ID = 'azureml-synapse-spark.azureml-synapse-spark';

/** Activates the extension (if it is not yet) and returns its test hooks. */
export async function activateWithHooks(): Promise<TestHooks> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  const hooks = await Promise.resolve(vscode.commands.executeCommand<TestHooks | undefined>(TEST_HOOKS_COMMAND)).catch((err) => {
    throw new Error(
      `${TEST_HOOKS_COMMAND} failed (is the host started with SYNAPSE_SPARK_TEST_HOOKS=1, as scripts/run-integration.mjs does?): ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  if (!hooks) throw new Error(`${TEST_HOOKS_COMMAND} returned nothing.`);
  return hooks;
}
