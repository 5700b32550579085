// Runs the browser suites: packages the VSIX, installs it into a fresh code-server, and runs the
// Playwright-driven mocha suites in out/test/e2e against that workbench (E2E_URL, E2E_WORKSPACE).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startCodeServer, freePort, installExtension } from './lib/host.mjs';
import { runMochaLayer } from './lib/mocha.mjs';
import { prepareSampleWorkspace } from './lib/workspace.mjs';
import { startEmulatorProcess, writeFastSeed } from './lib/emulator.mjs';
import { writeResult, resultsDir } from './lib/results.mjs';
import { repoRoot, log } from './lib/util.mjs';

export async function runE2e(grep) {
  const vsix = path.join(repoRoot, 'azureml-synapse-spark.vsix');
  const pack = spawnSync('npm', ['run', '-s', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (pack.status !== 0 || !fs.existsSync(vsix)) {
    writeResult('e2e', { passed: 0, failed: 1, pending: 0 });
    console.error('Packaging the VSIX failed; the e2e suites did not run.');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synapse-e2e-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  installExtension({ vsix, extensionsDir, userDataDir });
  const emulator = await startEmulatorProcess({ dataDir: path.join(tmp, 'emulator'), reset: true, seed: writeFastSeed(tmp) });
  const workspace = prepareSampleWorkspace(path.join(tmp, 'workspace'), { settings: emulator.settings });
  const port = await freePort();
  const host = await startCodeServer({ port, folder: workspace, userDataDir, extensionsDir }).catch(async (err) => {
    await emulator.stop();
    throw err;
  });
  process.env.SYNAPSE_EMULATOR_URL = emulator.url;
  process.env.SYNAPSE_EMULATOR_CA = emulator.caPath;
  process.env.E2E_URL = `${host.url}/?folder=${encodeURIComponent(workspace)}`;
  process.env.E2E_WORKSPACE = workspace;
  process.env.E2E_SCREENSHOTS = path.join(resultsDir, 'screenshots');
  log(`e2e: workbench with the packaged extension at ${host.url}`);
  try {
    const counts = await runMochaLayer('e2e', grep);
    return counts.failed > 0 ? 1 : 0;
  } finally {
    await host.stop();
    await emulator.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runE2e(process.argv[2]);
}
