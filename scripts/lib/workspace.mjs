// The sample workspace that `npm start` and the tests open: a copy of sample-workspace/, so that
// edits made while trying the product never dirty the repository.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './util.mjs';

export const sampleSource = path.join(repoRoot, 'sample-workspace');

/**
 * Copies the sample workspace to dest; returns dest. An existing copy keeps the user's edits and only
 * gains the sample files it lacks (a newer checkout may have added some).
 */
export function prepareSampleWorkspace(dest, { settings } = {}) {
  fs.cpSync(sampleSource, dest, { recursive: true, force: false, errorOnExist: false });
  if (settings) {
    const file = path.join(dest, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let current = {};
    try {
      current = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      /* none yet */
    }
    fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
  }
  return dest;
}
