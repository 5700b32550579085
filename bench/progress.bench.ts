/**
 * Live Spark progress, measured side by side in one run against the emulator's real Spark: the same cells
 * through the extension's cell runner (core, no VS Code) with progress on and off, alternating round by
 * round on one warm session. Per cell: the Livy requests spent (statement polls and monitoring reads), the
 * time until the statement's result is written to the cell, and the time until the cell completes (with
 * progress that includes the final summary read).
 * Run: npm run bench:progress (BENCH_ROUNDS sets the rounds per cell, default 5).
 */
import type { LivyApi } from '../src/core/livy/livyClient';
import { parseSparkDate } from '../src/core/livy/sparkProgress';
import { SparkSession } from '../src/core/livy/sparkSession';
import { runCell, type CellSink, type NotebookSessionHost } from '../src/core/notebook/cellRunner';
import { parseCell } from '../src/core/notebook/magics';
import { isProgressOutput } from '../src/core/notebook/progressOutput';
import { loadSparkEnv } from '../emulator/src/spark/env';
import { startTestEmulator } from '../test/support/emulator';
import { emulatorLivyClient } from '../test/support/livySessions';
import { printTable, stats } from './table';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CELLS: [string, string][] = [
  ['short Spark cell (spark.range(100).count())', 'spark.range(100).count()'],
  [
    'Spark cell, 1 job x 8 tasks x 0.5 s sleep',
    'import time\nspark.sparkContext.parallelize(range(8), 8).mapPartitions(lambda it: (time.sleep(0.5), list(it))[1]).count()',
  ],
  [
    'Spark cell, 2 jobs x 16 tasks x 0.5 s sleep',
    'import time\nrdd = spark.sparkContext.parallelize(range(16), 16).mapPartitions(lambda it: (time.sleep(0.5), list(it))[1])\nprint(rdd.count(), rdd.sum())',
  ],
];

/** The Livy client with every call counted (statement calls and monitoring reads apart). */
function counting(api: LivyApi): { api: LivyApi; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const proxy = new Proxy(api, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counts.set(String(name), (counts.get(String(name)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api: proxy, counts };
}

interface Sample {
  resultMs: number;
  doneMs: number;
  statementRequests: number;
  progressRequests: number;
  durationMs: number;
  sparkMs: number;
}

/** The last statement's Spark time by the driver's own clock (first job submitted to last job completed). */
async function sparkTime(raw: LivyApi, sessionId: number): Promise<number> {
  const appId = (await raw.getSession(sessionId)).appId!;
  const jobs = await raw.getSparkJobs(sessionId, appId);
  const group = String(Math.max(...jobs.map((j) => Number(j.jobGroup ?? -1))));
  const mine = jobs.filter((j) => j.jobGroup === group);
  const start = Math.min(...mine.map((j) => parseSparkDate(j.submissionTime) ?? Infinity));
  const end = Math.max(...mine.map((j) => parseSparkDate(j.completionTime) ?? -Infinity));
  return end - start;
}

async function measure(host: NotebookSessionHost, counts: Map<string, number>, code: string, raw?: LivyApi): Promise<Sample> {
  counts.clear();
  const start = performance.now();
  let resultMs = NaN;
  const sink: CellSink = {
    replace: (outputs) => {
      if (Number.isNaN(resultMs) && outputs.some((o) => !isProgressOutput(o))) resultMs = performance.now() - start;
    },
    setExecutionOrder: () => undefined,
  };
  const result = await runCell(parseCell(code), host, sink, new AbortController().signal);
  const doneMs = performance.now() - start;
  if (result.outcome !== 'succeeded') throw new Error(`the cell failed: ${code}`);
  const n = (k: string) => counts.get(k) ?? 0;
  return {
    resultMs,
    doneMs,
    durationMs: doneMs,
    sparkMs: raw ? await sparkTime(raw, host.session.sessionId!) : NaN,
    statementRequests: n('createStatement') + n('getStatement'),
    progressRequests: n('getSparkJobs') + n('getSparkStages') + n('getSession'),
  };
}

async function main(): Promise<void> {
  const installed = loadSparkEnv();
  if (!installed.env) throw new Error(installed.reason);
  const emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 200 } });
  try {
    const raw = emulatorLivyClient(emu);
    const { api, counts } = counting(raw);
    const session = new SparkSession({ api, name: 'bench-progress', request: () => ({}) });
    let progress = true;
    const host: NotebookSessionHost = {
      session,
      target: { poolName: 'sparksmall', synapseWorkspace: 'contoso-synapse', amlWorkspace: 'contoso-aml' },
      notebookConfig: undefined,
      defaults: () => ({}),
      limits: () => ({ maxBytes: 1_000_000 }),
      sparkProgress: () => progress,
    };
    await session.ensureReady();
    for (let i = 0; i < 3; i++) await measure(host, counts, CELLS[0][1]); // Spark up and warm
    const rows: string[][] = [];
    const budget: string[][] = [];
    for (const [label, code] of CELLS) {
      const on: Sample[] = [];
      const off: Sample[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so drift (JIT, caches) is shared.
        for (const enabled of round % 2 ? [false, true] : [true, false]) {
          progress = enabled;
          (enabled ? on : off).push(await measure(host, counts, code, raw));
        }
      }
      const med = (xs: Sample[], f: (s: Sample) => number) => stats(xs.map(f)).median;
      const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
      const reqOn = med(on, (s) => s.statementRequests + s.progressRequests);
      const reqOff = med(off, (s) => s.statementRequests + s.progressRequests);
      rows.push(
        [
          label,
          "Spark jobs' own time (driver clock), median ms",
          med(off, (s) => s.sparkMs).toFixed(0),
          med(on, (s) => s.sparkMs).toFixed(0),
          ratio(
            med(on, (s) => s.sparkMs),
            med(off, (s) => s.sparkMs),
          ),
        ],
        [
          '',
          'result written, median ms',
          med(off, (s) => s.resultMs).toFixed(0),
          med(on, (s) => s.resultMs).toFixed(0),
          ratio(
            med(on, (s) => s.resultMs),
            med(off, (s) => s.resultMs),
          ),
        ],
        [
          '',
          'cell completed, median ms',
          med(off, (s) => s.doneMs).toFixed(0),
          med(on, (s) => s.doneMs).toFixed(0),
          ratio(
            med(on, (s) => s.doneMs),
            med(off, (s) => s.doneMs),
          ),
        ],
        ['', 'Livy requests per cell, median', reqOff.toFixed(0), reqOn.toFixed(0), ratio(reqOn, reqOff)],
      );
      // The budget is one request per second on average while the cell runs; the final read is on top.
      const perSecond = on.map(
        (s) => Math.max(0, s.progressRequests - (s.progressRequests > 0 ? 1 : 0)) / Math.max(1, s.durationMs / 1000),
      );
      budget.push([
        label,
        med(on, (s) => s.progressRequests).toFixed(0),
        Math.max(...on.map((s) => s.progressRequests)).toFixed(0),
        Math.max(...perSecond).toFixed(2),
      ]);
    }
    printTable(
      `Spark cells with live progress off and on (${ROUNDS} rounds each, alternating, one warm session)`,
      ['cell', 'measure', 'progress off', 'progress on', 'ratio on/off'],
      rows,
    );
    printTable(
      'Monitoring requests per cell with progress on (budget: one per second on average, plus the final read)',
      ['cell', 'median', 'max', 'max per second of cell (final read excluded)'],
      budget,
    );
    await session.delete();
  } finally {
    await emu.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
