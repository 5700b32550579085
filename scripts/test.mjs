// `npm test`: makes sure the VS Code test host and the Debian packages are there, builds, runs every
// layer (unit on Node, integration inside a real extension host, e2e in the browser workbench) and
// ends with one line summing them all: `N passed, N failed`. Any failure gives a non-zero exit.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { emulatorPython, ensureCodeServer, ensureDebianPackages } from './lib/host.mjs';
import { ensureSparkEnv } from './lib/spark.mjs';
import { readResult, resultsDir } from './lib/results.mjs';
import { repoRoot, log, ScriptError } from './lib/util.mjs';

const layers = [
  { name: 'unit', command: ['node', 'scripts/run-mocha.mjs', 'unit'] },
  { name: 'integration', command: ['node', 'scripts/run-integration.mjs'] },
  { name: 'e2e', command: ['node', 'scripts/run-e2e.mjs'] },
];

function step(title, cmd, args) {
  log(title);
  const res = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  return res.status === 0;
}

try {
  ensureDebianPackages();
  ensureCodeServer();
  ensureSparkEnv(); // the emulator's real Apache Spark, which the suites run against
} catch (err) {
  if (!(err instanceof ScriptError)) throw err;
  console.error(err.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

fs.rmSync(resultsDir, { recursive: true, force: true });
// Livy harness suites without the Spark engine run statements with this Python; full emulators use the engine's.
process.env.SYNAPSE_EMULATOR_PYTHON = emulatorPython();
const checks = [
  step('Type-checking and compiling', 'npm', ['run', '-s', 'compile']),
  step('Linting', 'npm', ['run', '-s', 'lint']),
  step('Bundling', 'npm', ['run', '-s', 'bundle']),
];
let passed = 0;
let failed = checks.filter((ok) => !ok).length; // a broken build counts as a failure, never as green
if (failed > 0) console.error('The build failed; the test layers ran against what was built anyway.');

for (const layer of layers) {
  log(`Running the ${layer.name} tests`);
  const res = spawnSync(layer.command[0], layer.command.slice(1), { cwd: repoRoot, stdio: 'inherit' });
  const counts = readResult(layer.name) ?? { passed: 0, failed: 1 };
  if (res.status !== 0 && counts.failed === 0) counts.failed = 1; // crashed without counting a failure
  log(`${layer.name}: ${counts.passed} passed, ${counts.failed} failed`);
  passed += counts.passed;
  failed += counts.failed;
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
