/**
 * The emulator's Spark engine, measured side by side in one run:
 *  1. the first Spark cell after a kernel pick (cold): create the Livy session, wait until idle, run the first
 *     Spark statement (the JVM starts then); against a bare local PySpark process started and asked the same;
 *  2. a trivial Spark statement on a warm session through the emulator (HTTPS POST + GET polling) against the
 *     same statement in that bare PySpark process;
 *  3. memory per session (the runner's process group: Python and Spark's JVM) once Spark runs;
 *  4. plain-Python statement overhead: the runner without the Spark engine (as before Spark was real), with the
 *     engine before Spark started, and after Spark started.
 * Run: npm run bench:spark (BENCH_ROUNDS sets the warm rounds, default 20).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { loadSparkEnv } from '../emulator/src/spark/env';
import { startTestEmulator } from '../test/support/emulator';
import { livyOps as operations, runStatement, waitIdle, type LivyOps as Ops } from './livyOps';
import { printTable, stats } from './table';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SPARK_CODE = 'spark.range(100).count()';
const PLAIN_CODE = 'sum(range(1000))';

async function timed(times: number[], work: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await work();
  times.push(performance.now() - start);
}

/** A bare PySpark process (same engine, local mode, no emulator): start-up to first answer, then warm rounds. */
async function barePySpark(python: string): Promise<{ cold: number; warm: number[] }> {
  const start = performance.now();
  const py = spawn(
    python,
    [
      '-u',
      '-c',
      [
        'import sys, json',
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.master("local[*]").config("spark.ui.showConsoleProgress", "false").getOrCreate()',
        'for line in sys.stdin:',
        '    sys.stdout.write(json.dumps(repr(eval(json.loads(line)))) + "\\n")',
      ].join('\n'),
    ],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const lines = readline.createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  py.stdin.write(`${JSON.stringify(SPARK_CODE)}\n`);
  await lines.next();
  const cold = performance.now() - start;
  for (let i = 0; i < 3; i++) {
    py.stdin.write(`${JSON.stringify(SPARK_CODE)}\n`);
    await lines.next();
  }
  const warm: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    py.stdin.write(`${JSON.stringify(SPARK_CODE)}\n`);
    await lines.next();
    warm.push(performance.now() - t);
  }
  py.kill();
  return { cold, warm };
}

/** Resident memory (MiB) of the processes whose working folder is under `dir` (the session's runner and JVM). */
function rssUnder(dir: string): number {
  let kib = 0;
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kib / 1024;
}

async function plainOverhead(ops: Ops, id: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await runStatement(ops, id, PLAIN_CODE);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) await timed(times, () => runStatement(ops, id, PLAIN_CODE));
  return times;
}

async function main(): Promise<void> {
  const installed = loadSparkEnv();
  if (!installed.env) throw new Error(installed.reason);
  const emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 200 } });
  const plainEmu = await startTestEmulator({
    livy: true,
    spark: false,
    python: process.env.SYNAPSE_EMULATOR_PYTHON ?? 'python3',
    settings: { defaultColdStartMs: 200 },
  });
  try {
    const ops = operations(emu);
    // 1. Cold: session create -> idle -> first Spark statement.
    const coldStart = performance.now();
    const session = await ops.createSparkSession({ name: 'bench-spark' });
    await waitIdle(ops, session.id);
    const idleAt = performance.now();
    await runStatement(ops, session.id, SPARK_CODE);
    const cold = performance.now() - coldStart;
    const firstStatement = performance.now() - idleAt;
    const bare = await barePySpark(installed.env.python);
    printTable(
      'First Spark cell after the kernel pick (cold)',
      ['path', 'ms', 'ratio'],
      [
        ['bare PySpark: process start to first answer', bare.cold.toFixed(0), '1.00'],
        ['emulator: session create -> idle -> first Spark statement', cold.toFixed(0), (cold / bare.cold).toFixed(2)],
        ['  of which the first statement (Spark starts)', firstStatement.toFixed(0), (firstStatement / bare.cold).toFixed(2)],
      ],
    );

    // 2. Warm trivial Spark statement.
    for (let i = 0; i < 3; i++) await runStatement(ops, session.id, SPARK_CODE);
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) await timed(warm, () => runStatement(ops, session.id, SPARK_CODE));
    const e = stats(warm);
    const b = stats(bare.warm);
    printTable(
      `A trivial Spark statement, warm (${ROUNDS} rounds of \`${SPARK_CODE}\`)`,
      ['path', 'median ms', 'p95 ms', 'ratio (median)'],
      [
        ['bare PySpark over a pipe', b.median.toFixed(1), b.p95.toFixed(1), '1.00'],
        ['emulator: HTTPS POST + GET polling', e.median.toFixed(1), e.p95.toFixed(1), (e.median / b.median).toFixed(2)],
      ],
    );

    // 3. Memory per session with Spark running.
    const sessionDir = path.join(emu.handle.dataDir, 'livy', 'livy', 'sessions', 'contoso-synapse', 'sparksmall', String(session.id));
    const withSpark = rssUnder(sessionDir);

    // 4. Plain-Python statements: without the engine, with it before Spark starts, and after.
    const plainOps = operations(plainEmu);
    const noEngine = await plainOps.createSparkSession({ name: 'bench-plain' });
    await waitIdle(plainOps, noEngine.id);
    const before = await ops.createSparkSession({ name: 'bench-before-spark' });
    await waitIdle(ops, before.id);
    const noEngineTimes = stats(await plainOverhead(plainOps, noEngine.id));
    const beforeTimes = stats(await plainOverhead(ops, before.id));
    const beforeDir = path.join(emu.handle.dataDir, 'livy', 'livy', 'sessions', 'contoso-synapse', 'sparksmall', String(before.id));
    const withoutSpark = rssUnder(beforeDir);
    await new Promise((r) => setTimeout(r, 5000)); // let the JVM's start-up compilation settle
    const afterTimes = stats(await plainOverhead(ops, session.id));
    printTable(
      `Plain-Python statement (${ROUNDS} rounds of \`${PLAIN_CODE}\`)`,
      ['session', 'median ms', 'p95 ms', 'ratio (median)'],
      [
        ['no Spark engine (statements as before Spark was real)', noEngineTimes.median.toFixed(1), noEngineTimes.p95.toFixed(1), '1.00'],
        [
          'Spark engine, before the first Spark statement',
          beforeTimes.median.toFixed(1),
          beforeTimes.p95.toFixed(1),
          (beforeTimes.median / noEngineTimes.median).toFixed(2),
        ],
        [
          'Spark engine, Spark running',
          afterTimes.median.toFixed(1),
          afterTimes.p95.toFixed(1),
          (afterTimes.median / noEngineTimes.median).toFixed(2),
        ],
      ],
    );
    printTable(
      'Memory per session (resident, runner process group)',
      ['session', 'MiB'],
      [
        ['Spark not started (Python only)', withoutSpark.toFixed(0)],
        ['Spark running (Python + JVM, driver heap capped)', withSpark.toFixed(0)],
      ],
    );
    await Promise.all([ops.cancelSparkSession(session.id), ops.cancelSparkSession(before.id), plainOps.cancelSparkSession(noEngine.id)]);
  } finally {
    await emu.stop();
    await plainEmu.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
