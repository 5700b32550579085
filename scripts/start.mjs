// `npm start`: the embedded default. Builds and packages the extension, starts the local Azure
// emulator, and serves VS Code in the browser (code-server on 127.0.0.1) with the extension installed
// and a sample workspace whose settings point at the emulator. Ctrl+C stops everything it started.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureCodeServer, ensureDebianPackages, installExtension, startCodeServer } from './lib/host.mjs';
import { startEmulatorProcess } from './lib/emulator.mjs';
import { prepareSampleWorkspace } from './lib/workspace.mjs';
import { repoRoot, log, ScriptError } from './lib/util.mjs';
import { ensureSparkEnv } from './lib/spark.mjs';

const port = Number(process.env.PORT ?? 8080);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 10443);
const stateDir = path.join(repoRoot, '.vscode-test', 'start');

const stops = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('Stopping…');
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  ensureDebianPackages();
  ensureCodeServer();
  ensureSparkEnv();
  log('Building and packaging the extension');
  for (const args of [
    ['run', '-s', 'compile'],
    ['run', '-s', 'package'],
  ]) {
    const res = spawnSync('npm', args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    if (res.status !== 0) throw new ScriptError(`npm ${args.join(' ')} failed`);
  }
  const emulator = await startEmulatorProcess({ port: emulatorPort, dataDir: path.join(repoRoot, '.emulator-data') });
  stops.push(emulator.stop);
  log(`Emulator at ${emulator.url} (CA: ${emulator.caPath})`);

  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  installExtension({ vsix: path.join(repoRoot, 'azureml-synapse-spark.vsix'), extensionsDir, userDataDir });
  // The copy lives inside this repository's folder: keep VS Code from offering to open the repository.
  const settings = { ...emulator.settings, 'git.openRepositoryInParentFolders': 'never' };
  const workspace = prepareSampleWorkspace(path.join(stateDir, 'sample-workspace'), { settings });
  const host = await startCodeServer({ port, folder: workspace, userDataDir, extensionsDir, quiet: true });
  stops.push(host.stop);
  host.child.once('exit', (code) => {
    if (!stopping) {
      log(`code-server exited (${code})`);
      void stopAll(1);
    }
  });
  log(`VS Code is ready: ${host.url}/?folder=${encodeURIComponent(workspace)}`);
  log('Press Ctrl+C to stop.');
} catch (err) {
  console.error(err instanceof ScriptError ? err.message : err);
  await stopAll(1);
}
