// Runs one mocha layer on Node from the compiled tests in out/ and records its counts.
import Mocha from 'mocha';
import path from 'node:path';
import { repoRoot } from './util.mjs';
import { findFiles, writeResult } from './results.mjs';
import { registerTextAssets } from './textAssets.mjs';

const layers = {
  unit: { dir: 'out/test/unit', pattern: /\.unit\.test\.js$/, timeout: 20_000 },
  e2e: { dir: 'out/test/e2e', pattern: /\.e2e\.test\.js$/, timeout: 180_000 },
};

export const layerNames = Object.keys(layers);

export async function runMochaLayer(layer, grep) {
  const config = layers[layer];
  if (!config) throw new Error(`unknown layer ${layer}; expected one of ${layerNames.join(', ')}`);
  registerTextAssets();
  const files = findFiles(path.join(repoRoot, config.dir), config.pattern);
  if (files.length === 0) throw new Error(`No ${layer} tests found under ${config.dir}: did the build run?`);
  const mocha = new Mocha({ ui: 'bdd', timeout: config.timeout, color: !process.env.CI, grep });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run((failures) => {
      const counts = {
        passed: runner.stats?.passes ?? 0,
        failed: runner.stats?.failures ?? failures,
        pending: runner.stats?.pending ?? 0,
      };
      writeResult(layer, counts);
      console.log(`${layer}: ${counts.passed} passed, ${counts.failed} failed`);
      resolve(counts);
    });
  });
}
