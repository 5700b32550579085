/**
 * Where the read-only reference material lives: the `shared/` folder beside the repository (as on
 * developer machines and in CI), or SYNAPSE_SHARED_DIR. Tests that need it fail loudly without it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function sharedDir(): string {
  const candidates = [process.env.SYNAPSE_SHARED_DIR, path.resolve(repoRoot, '..', 'shared')];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'azure-api')) && fs.existsSync(path.join(dir, 'corpus'))) return dir;
  }
  throw new Error(`The shared reference folder was not found beside the repository (${candidates.filter(Boolean).join(', ')}): set SYNAPSE_SHARED_DIR to the folder that holds corpus/ and azure-api/.`);
}

export const recordingsDir = (): string => path.join(sharedDir(), 'azure-api', 'recordings');
