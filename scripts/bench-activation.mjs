// Activation benchmark (`npm run bench:activation`, never part of `npm test`): starts a fresh VS Code host
// (code-server, as the integration suites run) for each sample and runs test/integration/bench/activation
// in it, which activates the extension cold and times it (no emulator: activation makes no request).
// `--compare <checkout>` also measures another built checkout of the extension (e.g. a worktree of the
// previous commit, bundled with `node esbuild.mjs --production`), alternating host by host, so both
// columns come from one run.
// BENCH_RUNS (default 5) sets the hosts per build. Prints medians (and min..max).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runIntegration } from './run-integration.mjs';
import { repoRoot } from './lib/util.mjs';

const args = process.argv.slice(2);
const compareAt = args.indexOf('--compare');
const builds = [{ name: 'this checkout', path: repoRoot }];
if (compareAt >= 0) builds.unshift({ name: path.basename(path.resolve(args[compareAt + 1])), path: path.resolve(args[compareAt + 1]) });
const runs = Number(process.env.BENCH_RUNS ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synapse-activation-'));

const samples = new Map(builds.map((b) => [b.name, []]));
for (let i = 0; i < runs; i++) {
  for (const build of builds) {
    const out = path.join(tmp, `${i}-${samples.get(build.name).length}-${build.name.replace(/\W+/g, '_')}.jsonl`);
    const code = await runIntegration({
      grep: 'bench: activation',
      bench: true,
      extensionPath: build.path,
      env: { SYNAPSE_BENCH_OUT: out },
      withEmulator: false,
    });
    if (code !== 0 || !fs.existsSync(out)) throw new Error(`the activation benchmark failed in a host for ${build.name}`);
    const sample = JSON.parse(fs.readFileSync(out, 'utf8').trim());
    if (sample.wasActive) throw new Error(`the extension (${build.name}) was already active before the benchmark activated it`);
    samples.get(build.name).push(sample);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const stat = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? `${v[Math.floor(v.length / 2)].toFixed(1)} (${v[0].toFixed(1)}..${v[v.length - 1].toFixed(1)})` : '-';
};
const rows = [
  ['activate() through the API, isActive false -> active (ms)', (s) => s.activateWallMs],
  ['activate() itself, timed by the extension (ms)', (s) => s.activateMs],
  ['first use of the features after activation (ms)', (s) => s.firstUseMs],
  ['activation + first use (ms)', (s) => s.activateWallMs + s.firstUseMs],
];
const head = [`measure (median of ${runs} host starts, min..max)`, ...builds.map((b) => b.name)];
const table = [head, ...rows.map(([label, f]) => [label, ...builds.map((b) => stat(samples.get(b.name).map(f)))])];
const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log('');
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table.slice(1)) console.log(line(r));
console.log(
  'Goal: activate() through the API < 100 ms. The first use loads dist/features.js (the Azure SDK clients, notebooks, pipelines);' +
    ' builds that load everything inside activate() show it there instead.',
);
