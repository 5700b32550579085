/**
 * The integration suite index, in the @vscode/test-electron shape: the extension host loads this
 * module and awaits run(). It runs every *.integration.test.js beside it with mocha, inside the
 * real extension host, prints `N passed, N failed` and records the counts for the test command.
 * With SYNAPSE_TEST_BENCH=1 (`node scripts/run-integration.mjs --bench`) it runs the host benchmarks
 * (bench/*.bench.js) instead, which the test command never does.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

function findTests(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return findTests(full, suffix);
      return entry.name.endsWith(suffix) ? [full] : [];
    })
    .sort();
}

export function run(): Promise<void> {
  const bench = process.env.SYNAPSE_TEST_BENCH === '1';
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: bench ? 15 * 60_000 : 60_000,
    color: false,
    grep: process.env.SYNAPSE_TEST_GREP || undefined,
  });
  for (const file of findTests(__dirname, bench ? '.bench.js' : '.integration.test.js')) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const failed = runner.stats?.failures ?? failures;
      const resultsFile = process.env.SYNAPSE_TEST_RESULTS;
      if (resultsFile) {
        fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
        fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed, pending: runner.stats?.pending ?? 0 }));
      }
      console.log(`${bench ? 'host bench' : 'integration'}: ${passed} passed, ${failed} failed`);
      if (failed > 0) reject(new Error(`${failed} ${bench ? 'benchmark' : 'integration test'}(s) failed`));
      else resolve();
    });
  });
}
