/**
 * Where the read-only reference material lives: test/fixtures/reference in the repository (recordings, specs
 * and corpus files copied from their upstream repositories; see its SOURCES.md). A missing file fails the test
 * that needs it, naming the file; nothing is skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled, this runs from out/test/support/.
const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function referenceDir(): string {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'reference');
  if (!fs.existsSync(dir)) throw new Error(`The test reference folder ${dir} is missing from the repository.`);
  return dir;
}

/** A file or folder under the reference folder, which must exist. */
export function referencePath(relative: string): string {
  const full = path.join(referenceDir(), relative);
  if (!fs.existsSync(full)) {
    throw new Error(`Missing test reference file ${relative} (expected at ${full}); see test/fixtures/reference/SOURCES.md.`);
  }
  return full;
}

export const recordingsDir = (): string => referencePath('azure-api/recordings');
