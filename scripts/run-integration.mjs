// Runs the integration suites inside a real VS Code extension host: code-server serves the workbench,
// Chromium opens it with the extension under development and the suite index as extensionTestsPath,
// and the suite reports back through codeAutomationLog / codeAutomationExit (as @vscode/test-web does).
// `--bench` runs the host benchmarks (test/integration/bench/*.bench.ts) instead of the suites, e.g. the
// notebook cell overhead through the VS Code API (`npm run bench:notebook`); the test command never does.
// `extensionPath` runs another checkout's built extension under the same suites (the activation benchmark
// compares two builds side by side); `env` adds variables to the extension host; `withEmulator: false`
// starts no emulator (the workspace keeps its default settings).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCodeServer, freePort } from './lib/host.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { readResult, resultFile, writeResult } from './lib/results.mjs';
import { prepareSampleWorkspace } from './lib/workspace.mjs';
import { startEmulatorProcess, writeFastSeed } from './lib/emulator.mjs';
import { repoRoot, log } from './lib/util.mjs';

const timeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

export async function runIntegration({ grep = '', bench = false, extensionPath = repoRoot, env = {}, withEmulator = true } = {}) {
  const layer = bench ? 'host-bench' : 'integration';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synapse-int-'));
  const emulator = withEmulator
    ? await startEmulatorProcess({ dataDir: path.join(tmp, 'emulator'), reset: true, seed: writeFastSeed(tmp) })
    : { settings: undefined, url: '', caPath: '', stop: async () => {} };
  const workspace = prepareSampleWorkspace(path.join(tmp, 'workspace'), { settings: emulator.settings });
  fs.rmSync(resultFile(layer), { force: true });
  const port = await freePort();
  const host = await startCodeServer({
    port,
    folder: workspace,
    userDataDir: path.join(tmp, 'user-data'),
    extensionsDir: path.join(tmp, 'extensions'),
    env: {
      SYNAPSE_TEST_RESULTS: resultFile(layer),
      SYNAPSE_TEST_GREP: grep,
      SYNAPSE_TEST_BENCH: bench ? '1' : '',
      SYNAPSE_EMULATOR_URL: emulator.url,
      SYNAPSE_EMULATOR_CA: emulator.caPath,
      // A command that fails rejects executeCommand, so a test of it fails too.
      SYNAPSE_COMMANDS_RETHROW: '1',
      // The extension registers synapseSpark.test.hooks, which hands the suites its test hooks.
      SYNAPSE_SPARK_TEST_HOOKS: '1',
      ...env,
    },
  }).catch(async (err) => {
    await emulator.stop();
    throw err;
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const exitCode = new Promise((resolve) => {
      page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...(Array.isArray(args) ? args : [args])));
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(path.join(repoRoot, 'out/test/integration/index'))],
    ];
    const url = `${host.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`${bench ? 'Host bench' : 'Integration'}: extension host at ${host.url}`);
    await page.goto(url);
    let timer;
    const code = await Promise.race([
      exitCode,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (code === 'timeout') {
      console.error(`The ${bench ? 'host bench' : 'integration suite'} did not finish within ${timeoutMs / 1000} s.`);
      console.error(host.output().slice(-4000));
    }
    const counts = readResult(layer);
    if (!counts) {
      // The suite never reported: count it as one failure so the summary cannot read as green.
      writeResult(layer, { passed: 0, failed: 1, pending: 0 });
      console.error(`The ${bench ? 'host bench' : 'integration suite'} did not report results (did the extension host start?).`);
      return 1;
    }
    return code === 0 && counts.failed === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => {});
    await host.stop();
    await emulator.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  process.exitCode = await runIntegration({ grep: args.find((a) => !a.startsWith('--')) ?? '', bench: args.includes('--bench') });
}
