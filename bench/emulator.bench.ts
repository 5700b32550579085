/**
 * Emulator benchmarks, measured side by side in one run:
 *  1. a statement's round trip through the emulator (HTTPS POST, then GETs until available) against
 *     the same code run by a bare persistent Python process over a pipe;
 *  2. 50 concurrent Livy sessions on this machine: create, wait idle, one statement each, delete.
 * Run: npm run bench:emulator
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as readline from 'node:readline';
import { startTestEmulator } from '../test/support/emulator';
import { livyOps, runStatement, waitIdle } from './livyOps';
import { printTable, stats } from './table';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const CODE = 'sum(range(1000))';

async function barePython(): Promise<number[]> {
  const py = spawn(
    process.env.PYTHON ?? 'python3',
    [
      '-u',
      '-c',
      [
        'import sys, json',
        'for line in sys.stdin:',
        '    code = json.loads(line)',
        '    sys.stdout.write(json.dumps(repr(eval(code))) + "\\n")',
      ].join('\n'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: py.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 5; i++) {
    const start = performance.now();
    py.stdin.write(JSON.stringify(CODE) + '\n');
    await iterator.next();
    if (i >= 5) times.push(performance.now() - start); // first rounds warm up the process
  }
  py.kill();
  return times;
}

async function main(): Promise<void> {
  const emu = await startTestEmulator({ livy: true, maxSparkApplications: SESSIONS + 1, settings: { defaultColdStartMs: 200 } });
  try {
    const ops = livyOps(emu);

    // 1. Round trip against bare Python, interleaved warm-up first.
    const session = await ops.createSparkSession({ name: 'bench' });
    await waitIdle(ops, session.id);
    for (let i = 0; i < 5; i++) await runStatement(ops, session.id, CODE);
    const viaEmulator: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      await runStatement(ops, session.id, CODE);
      viaEmulator.push(performance.now() - start);
    }
    const bare = await barePython();
    await ops.cancelSparkSession(session.id);
    const e = stats(viaEmulator);
    const b = stats(bare);
    printTable(
      `Statement round trip (${ROUNDS} rounds of \`${CODE}\`)`,
      ['path', 'median ms', 'p95 ms', 'ratio (median)'],
      [
        ['bare Python over a pipe', b.median.toFixed(2), b.p95.toFixed(2), '1.00'],
        ['emulator: HTTPS POST + GET polling', e.median.toFixed(2), e.p95.toFixed(2), (e.median / b.median).toFixed(2)],
        ['emulator overhead per statement', (e.median - b.median).toFixed(2), '', ''],
      ],
    );

    // 2. Concurrent sessions.
    const started = performance.now();
    let errors = 0;
    const ids = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => ops.createSparkSession({ name: `bench-${i}` }).then((s) => s.id)),
    );
    const results = await Promise.allSettled(
      ids.map(async (id) => {
        await waitIdle(ops, id);
        await runStatement(ops, id, CODE);
      }),
    );
    errors += results.filter((r) => r.status === 'rejected').length;
    const allIdleAndRun = performance.now() - started;
    const deletes = await Promise.allSettled(ids.map((id) => ops.cancelSparkSession(id)));
    errors += deletes.filter((r) => r.status === 'rejected').length;
    printTable(
      `${SESSIONS} concurrent sessions on ${os.cpus().length} cores`,
      ['sessions', 'create -> idle -> 1 statement (s)', 'errors'],
      [[String(SESSIONS), (allIdleAndRun / 1000).toFixed(2), String(errors)]],
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    await emu.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
