// Small helpers shared by the project's scripts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(message) {
  process.stdout.write(`[azureml-synapse-spark] ${message}\n`);
}

export class ScriptError extends Error {}

export function fail(message) {
  throw new ScriptError(message);
}
