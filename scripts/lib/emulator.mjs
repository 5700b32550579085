// Starts the local Azure emulator (out/emulator/cli.js, built by `npm run compile`) as a child process
// in its own process group, and returns its connection details and the settings that select it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, fail, waitForExit } from './util.mjs';

export async function startEmulatorProcess({ port = 0, dataDir, reset = false, seed, python, quiet = true } = {}) {
  const cli = path.join(repoRoot, 'out', 'emulator', 'cli.js');
  if (!fs.existsSync(cli)) fail(`${cli} is missing: run \`npm run compile\` first.`);
  const infoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-info-'));
  const infoFile = path.join(infoDir, 'info.json');
  const args = [cli, '--port', String(port), '--info-file', infoFile];
  if (dataDir) args.push('--data', dataDir);
  if (reset) args.push('--reset');
  if (seed) args.push('--seed', seed);
  if (python) args.push('--python', python);
  const child = spawn(process.execPath, args, { cwd: repoRoot, detached: true, stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output = (output + d).slice(-20000);
  });
  child.stderr.on('data', (d) => {
    output = (output + d).slice(-20000);
    if (!quiet) process.stderr.write(d);
  });

  const deadline = Date.now() + 90_000;
  while (!fs.existsSync(infoFile)) {
    if (child.exitCode !== null) fail(`The emulator exited (${child.exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child.pid, 'SIGKILL');
      fail(`The emulator did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
  fs.rmSync(infoDir, { recursive: true, force: true });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM'); // the CLI stops Livy processes, pipeline steps and Azurite itself
    await waitForExit(child, 10_000);
    killGroup(child.pid, 'SIGKILL');
  };
  return { ...info, child, stop, output: () => output };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * The default seed with delays shortened for tests (cold starts, long-running operations, pipeline
 * steps); the shape and resources stay the same. Returns the path of the written seed file.
 */
export function writeFastSeed(dir) {
  const seed = JSON.parse(fs.readFileSync(path.join(repoRoot, 'emulator', 'seed.default.json'), 'utf8'));
  Object.assign(seed.settings, { lroDurationMs: 300, retryAfterSeconds: 0, defaultColdStartMs: 800, pipelineStepDelayMs: 50 });
  for (const sub of seed.subscriptions ?? []) {
    for (const rg of sub.resourceGroups ?? []) {
      for (const ws of rg.synapseWorkspaces ?? []) {
        for (const pool of ws.sparkPools ?? []) if (pool.coldStartMs !== undefined) pool.coldStartMs = 800;
      }
    }
  }
  const file = path.join(dir, 'seed.fast.json');
  fs.writeFileSync(file, JSON.stringify(seed, null, 2));
  return file;
}
