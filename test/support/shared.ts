/**
 * Where the read-only reference material lives: test/fixtures/shared in the repository (recordings,
 * specs and corpus files copied from their upstream repositories; see its SOURCES.md), or the folder
 * named by SYNAPSE_SHARED_DIR as an explicit override. A missing file fails the test that needs it,
 * naming the file; nothing is skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled, this runs from out/test/support/.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const inRepo = path.join(repoRoot, 'test', 'fixtures', 'shared');

export function sharedDir(): string {
  const dir = process.env.SYNAPSE_SHARED_DIR || inRepo;
  if (!fs.existsSync(dir)) {
    const why = process.env.SYNAPSE_SHARED_DIR ? 'SYNAPSE_SHARED_DIR names a folder that does not exist' : 'the test fixtures are missing from the repository';
    throw new Error(`The shared reference folder ${dir} was not found: ${why}.`);
  }
  return dir;
}

/** A file or folder under the shared reference folder, which must exist. */
export function sharedPath(relative: string): string {
  const full = path.join(sharedDir(), relative);
  if (!fs.existsSync(full)) {
    throw new Error(`Missing test reference file ${relative} (expected at ${full}); see test/fixtures/shared/SOURCES.md.`);
  }
  return full;
}

export const recordingsDir = (): string => sharedPath('azure-api/recordings');
