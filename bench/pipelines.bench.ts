/**
 * Pipeline benchmarks (not tests): for a generated 50-step pipeline, the editor's state build (parse,
 * validate, graph: what opening the editor computes) and the ELK graph layout the webview runs; then submit
 * latency against the emulator, split into validate, upload, register and PUT; then parse + validate of
 * 1,000 / 5,000 / 40,000 steps without the size limits and with them, side by side. Prints tables.
 *   npx tsc -p . && node out/bench/pipelines.bench.js [runs]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzePipeline, MAX_PIPELINE_BYTES, MAX_PIPELINE_STEPS, NodeFileReader, validateModel } from '../src/core/pipelines';
import { parseWithoutLimits } from '../src/core/pipelines/parse';
import { AmlWorkspaceClient } from '../src/core/jobs/amlWorkspaceClient';
import { submitPipeline, type SubmitStage } from '../src/core/jobs/submitPipeline';
import { quickState } from '../src/pipelines/editorState';
import { layoutGraph } from '../webview-ui/src/graph/layout';
import { startTestEmulator } from '../test/support/emulator';
import { emulatorAccess } from '../test/support/emulatorAccess';
import { generatedPipeline } from '../test/support/generatedPipeline';
import { printTable, stats as summary } from './table';

const runs = Number(process.argv[2] ?? 5);

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(1).padStart(8)} ${sorted[0].toFixed(1).padStart(8)} ${sorted[sorted.length - 1].toFixed(1).padStart(8)}`;
}

async function main(): Promise<void> {
  const rows: [string, number[]][] = [];
  const text = generatedPipeline(50);
  const state: number[] = [];
  const layout: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const s = quickState(text, '/bench/bench.pipeline.yml', 1, ['sparksmall']);
    state.push(performance.now() - t);
    t = performance.now();
    await layoutGraph(s.graph);
    layout.push(performance.now() - t);
  }
  rows.push(['editor state, 50 steps (parse+validate+graph)', state], ['graph layout, 50 steps (ELK)', layout]);

  const emu = await startTestEmulator({ storage: true, settings: { pageSize: 50 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-submit-'));
  try {
    fs.mkdirSync(path.join(dir, 'src'));
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, 'src', `mod_${i}.py`), `# module ${i}\n${'x = 1\n'.repeat(200)}`);
    fs.writeFileSync(path.join(dir, 'src', 'main.py'), 'print("bench")\n');
    const file = path.join(dir, 'bench.pipeline.yml');
    const small = generatedPipeline(3);
    fs.writeFileSync(file, small);
    const access = emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId });
    const sub = '11111111-aaaa-4bbb-8ccc-000000000001';
    const client = new AmlWorkspaceClient(access.arm, {
      id: `/subscriptions/${sub}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`,
      name: 'contoso-aml',
      subscriptionId: sub,
      resourceGroup: 'rg-datascience',
    });
    const stages: Record<SubmitStage, number[]> = { validate: [], upload: [], register: [], put: [] };
    const first: Record<SubmitStage, number> = { validate: 0, upload: 0, register: 0, put: 0 };
    for (let i = 0; i <= runs; i++) {
      const r = await submitPipeline({ text: small, filePath: file, rootDir: dir, reader: new NodeFileReader(), client });
      if (i === 0) Object.assign(first, r.timings);
      else for (const k of Object.keys(stages) as SubmitStage[]) stages[k].push(r.timings[k]);
    }
    for (const k of Object.keys(stages) as SubmitStage[])
      rows.push([`submit ${k} (3 steps, 21 files; first run ${first[k]} ms)`, stages[k]]);
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${'measure'.padEnd(58)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}  (ms, ${runs} runs)`);
  for (const [name, values] of rows) console.log(`${name.padEnd(58)} ${stats(values)}`);
}

/** Milliseconds of each of `rounds` calls of `fn`. */
function timed(rounds: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Parse + validate of large files: without the limits (the whole file parsed) and with them (what the extension does). */
function sizeLimitTable(runs: number): void {
  const rows: string[][] = [];
  for (const steps of [1_000, 2_000, 5_000, 40_000]) {
    const text = generatedPipeline(steps);
    // 40,000 steps take many seconds without the limits: measured once, not `runs` times.
    const rounds = steps > MAX_PIPELINE_STEPS ? 1 : runs;
    const without = summary(
      timed(rounds, () => {
        const parsed = parseWithoutLimits(text, '/bench/big.pipeline.yml');
        if (parsed.model) validateModel(parsed.model);
      }),
    ).median;
    let outcome = '';
    const limited = summary(
      timed(runs, () => {
        const parsed = analyzePipeline(text, { filePath: '/bench/big.pipeline.yml' });
        outcome = parsed.diagnostics.some((d) => d.code === 'too-large')
          ? 'refused: too large'
          : `parsed, ${parsed.model?.steps.length ?? 0} steps`;
      }),
    ).median;
    const mb = (Buffer.byteLength(text) / (1024 * 1024)).toFixed(1);
    rows.push([steps.toLocaleString('en-US'), mb, without.toFixed(0), limited.toFixed(0), (without / limited).toFixed(1), outcome]);
  }
  printTable(
    `parse + validate, median ms (limits: ${MAX_PIPELINE_STEPS.toLocaleString('en-US')} steps / ${MAX_PIPELINE_BYTES / (1024 * 1024)} MB)`,
    ['steps', 'MB', 'without limits', 'with limits', 'ratio', 'with limits'],
    rows,
  );
}

void main()
  .then(() => sizeLimitTable(runs))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
