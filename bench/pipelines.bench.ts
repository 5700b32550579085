/**
 * Pipeline benchmarks (not tests): for a generated 50-step pipeline, the editor's state build (parse,
 * validate, graph: what opening the editor computes) and the ELK graph layout the webview runs; then submit
 * latency against the emulator, split into validate, upload, register and PUT. Prints a table.
 *   npx tsc -p . && node out/bench/pipelines.bench.js [runs]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeFileReader } from '../src/core/pipelines';
import { AmlWorkspaceClient } from '../src/core/jobs/amlWorkspaceClient';
import { submitPipeline, type SubmitStage } from '../src/core/pipelines/submit/submitPipeline';
import { quickState } from '../src/pipelines/editorState';
import { layoutGraph } from '../webview-ui/src/graph/layout';
import { startTestEmulator } from '../test/support/emulator';
import { emulatorAccess } from '../test/support/emulatorAccess';

const runs = Number(process.argv[2] ?? 5);

function pipelineText(steps: number): string {
  const lines = ['type: pipeline', 'display_name: bench', 'jobs:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  step_${i}:`, '    type: spark', '    code: ./src', '    entry:', '      file: main.py', '    compute: azureml:sparksmall');
    if (i > 0) lines.push('    inputs:', `      data: \${{parent.jobs.step_${Math.floor((i - 1) / 2)}.outputs.out}}`);
    lines.push('    outputs:', '      out:', '        type: uri_folder', '    args: --out ${{outputs.out}}', '    conf:', '      spark.executor.instances: 2');
  }
  return lines.join('\n') + '\n';
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(1).padStart(8)} ${sorted[0].toFixed(1).padStart(8)} ${sorted[sorted.length - 1].toFixed(1).padStart(8)}`;
}

async function main(): Promise<void> {
  const rows: [string, number[]][] = [];
  const text = pipelineText(50);
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
    const small = pipelineText(3);
    fs.writeFileSync(file, small);
    const access = emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId });
    const sub = '11111111-aaaa-4bbb-8ccc-000000000001';
    const client = new AmlWorkspaceClient(access.arm, { id: `/subscriptions/${sub}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`, name: 'contoso-aml', subscriptionId: sub, resourceGroup: 'rg-datascience' });
    const stages: Record<SubmitStage, number[]> = { validate: [], upload: [], register: [], put: [] };
    const first: Record<SubmitStage, number> = { validate: 0, upload: 0, register: 0, put: 0 };
    for (let i = 0; i <= runs; i++) {
      const r = await submitPipeline({ text: small, filePath: file, rootDir: dir, reader: new NodeFileReader(), client });
      if (i === 0) Object.assign(first, r.timings);
      else for (const k of Object.keys(stages) as SubmitStage[]) stages[k].push(r.timings[k]);
    }
    for (const k of Object.keys(stages) as SubmitStage[]) rows.push([`submit ${k} (3 steps, 21 files; first run ${first[k]} ms)`, stages[k]]);
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${'measure'.padEnd(58)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}  (ms, ${runs} runs)`);
  for (const [name, values] of rows) console.log(`${name.padEnd(58)} ${stats(values)}`);
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
