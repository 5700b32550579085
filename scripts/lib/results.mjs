// Each test layer writes its counts to test-results/<layer>.json; the test command sums them.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './util.mjs';

export const resultsDir = path.join(repoRoot, 'test-results');

export function resultFile(layer) {
  return path.join(resultsDir, `${layer}.json`);
}

export function writeResult(layer, counts) {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(resultFile(layer), JSON.stringify(counts));
}

export function readResult(layer) {
  try {
    return JSON.parse(fs.readFileSync(resultFile(layer), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Files under dir (recursively) whose names match the pattern, sorted for a stable order. */
export function findFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(full, pattern));
    else if (pattern.test(entry.name)) out.push(full);
  }
  return out.sort();
}
