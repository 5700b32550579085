/**
 * The test hooks, kept off the extension's API: only a host started with SYNAPSE_SPARK_TEST_HOOKS=1 (the
 * integration runner, scripts/run-integration.mjs) gets the command `synapseSpark.test.hooks`, which
 * package.json does not declare. Executed in the same extension host it returns the hooks object itself; reading `timings` loads
 * nothing, anything else loads the features first. Imports `vscode` only, so the entry point stays small.
 */
import * as vscode from 'vscode';
import type { Features, FeaturesTesting } from '../features';

export const TEST_HOOKS_COMMAND = 'synapseSpark.test.hooks';
export const TEST_HOOKS_ENV = 'SYNAPSE_SPARK_TEST_HOOKS';

export interface ActivationTimings {
  /** How long activate() took. */
  readonly activateMs: number;
  /** How long loading the features took; undefined until they are used. */
  readonly featuresMs: number | undefined;
}

export interface TestHooks extends FeaturesTesting {
  readonly timings: ActivationTimings;
}

/** Registers the hooks command when the host asks for it (the environment variable), else nothing. */
export function registerTestHooks(
  load: () => Features,
  timings: ActivationTimings,
  env: NodeJS.ProcessEnv = process.env,
): vscode.Disposable | undefined {
  if (env[TEST_HOOKS_ENV] !== '1') return undefined;
  const hooks: TestHooks = {
    get registeredCommands() {
      return load().testing.registeredCommands;
    },
    get sparkPools() {
      return load().testing.sparkPools;
    },
    get resources() {
      return load().testing.resources;
    },
    get notebooks() {
      return load().testing.notebooks;
    },
    get pipelines() {
      return load().testing.pipelines;
    },
    timings,
  };
  return vscode.commands.registerCommand(TEST_HOOKS_COMMAND, () => hooks);
}
