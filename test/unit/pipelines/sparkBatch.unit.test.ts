/** "Run Python File on Spark Pool" core against the emulator: upload, Livy batch via @azure/synapse-spark, log, cancel. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileReader } from '../../../src/core/pipelines';
import { LivyLogTail, SparkBatchRunner } from '../../../src/core/jobs/sparkBatchRunner';
import { PollingPolicy } from '../../../src/core/livy/polling';
import { defaultSeed, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorAccess, type EmulatorAccess } from '../../support/emulatorAccess';

describe('Spark batch runner against the emulator', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let access: EmulatorAccess;
  let dir: string;

  before(async () => {
    const seed = defaultSeed();
    for (const sub of seed.subscriptions)
      for (const rg of sub.resourceGroups ?? [])
        for (const ws of rg.synapseWorkspaces ?? []) for (const p of ws.sparkPools ?? []) (p as any).coldStartMs = 300;
    emu = await startTestEmulator({ storage: true, livy: true, seed, settings: { defaultColdStartMs: 300 } });
    access = emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-test-'));
    fs.writeFileSync(
      path.join(dir, 'job.py'),
      'import sys, time\nprint("hello from batch", *sys.argv[1:])\nsys.stdout.flush()\nif "--slow" in sys.argv: time.sleep(30)\n',
    );
  });
  after(async () => {
    await emu?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uploads the script folder, runs it as a Livy batch on the attached pool and reads its log', async () => {
    const [pool] = await access.catalog.listAttachedPools();
    assert.equal(pool.computeName, 'sparksmall');
    const runner = new SparkBatchRunner(pool, access.catalog);
    const prepared = await runner.prepare(
      { file: path.join(dir, 'job.py'), args: 'one "two words"', conf: { 'spark.executor.instances': 2, 'spark.custom': 'x' } },
      access.arm,
      new NodeFileReader(),
    );
    assert.equal(prepared.uploaded, true);
    assert.deepEqual(prepared.body.args, ['one', 'two words']);
    assert.equal(prepared.body.numExecutors, 2);
    assert.deepEqual(prepared.body.conf, { 'spark.custom': 'x' });
    const batch = await runner.submit(prepared.body);
    const states: string[] = [];
    const lines: string[] = [];
    const final = await runner.follow(batch.id, (u) => (states.push(u.state), lines.push(...u.newLines)), {
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    assert.equal(final.state, 'success', lines.join('\n'));
    assert.ok(lines.includes('hello from batch one two words'), lines.join('\n'));
    assert.equal(lines.filter((l) => l === 'hello from batch one two words').length, 1, 'each line reported once');
    const again = await runner.prepare({ file: path.join(dir, 'job.py') }, access.arm, new NodeFileReader());
    assert.equal(again.uploaded, false, 'unchanged folder is not uploaded again');
  });

  it("follows the Spark progress of the batch's application through the monitoring pass-through", async function () {
    this.timeout(240_000);
    const [pool] = await access.catalog.listAttachedPools();
    const runner = new SparkBatchRunner(pool, access.catalog);
    fs.writeFileSync(
      path.join(dir, 'spark_job.py'),
      [
        'import time',
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.getOrCreate()',
        'def slow(rows):',
        '    time.sleep(0.5)',
        '    return [sum(1 for _ in rows)]',
        'print("counted", sum(spark.sparkContext.parallelize(range(800), 8).mapPartitions(slow).collect()))',
        'time.sleep(4)  # the application stays up for a last progress read',
        '',
      ].join('\n'),
    );
    const prepared = await runner.prepare({ file: path.join(dir, 'spark_job.py') }, access.arm, new NodeFileReader());
    const batch = await runner.submit(prepared.body);
    let appId: string | undefined;
    const seen: { done: number; total: number; status: string }[] = [];
    const failures: unknown[] = [];
    const stop = new AbortController();
    const following = runner.followProgress(
      batch.id,
      () => appId,
      (p) => {
        for (const j of p.jobs) seen.push({ done: j.tasksDone, total: j.tasksTotal, status: j.status });
      },
      { signal: stop.signal, onFailure: (err) => failures.push(err) },
    );
    const lines: string[] = [];
    const final = await runner
      .follow(
        batch.id,
        (u) => {
          appId = u.appId ?? appId;
          lines.push(...u.newLines);
        },
        { backoff: { initialDelayMs: 100, maxDelayMs: 500 } },
      )
      .finally(() => stop.abort());
    await following;
    assert.equal(final.state, 'success', lines.join('\n'));
    assert.ok(
      lines.some((l) => l === 'counted 800'),
      lines.join('\n'),
    );
    assert.deepEqual(failures, []);
    assert.ok(seen.length > 0, "the batch's Spark job was seen");
    assert.ok(
      seen.every((s) => s.total === 8),
      JSON.stringify(seen),
    );
    assert.ok(
      seen.some((s) => s.status === 'SUCCEEDED' && s.done === 8),
      `the job was seen to finish: ${JSON.stringify(seen)}`,
    );
  });

  it('cancels a running batch', async () => {
    const [pool] = await access.catalog.listAttachedPools();
    const runner = new SparkBatchRunner(pool, access.catalog);
    const prepared = await runner.prepare({ file: path.join(dir, 'job.py'), args: '--slow' }, access.arm, new NodeFileReader());
    const batch = await runner.submit(prepared.body);
    const final = await runner.follow(
      batch.id,
      (u) => {
        if (u.newLines.some((l) => l.startsWith('hello from batch'))) void runner.cancel(batch.id);
      },
      { backoff: { initialDelayMs: 50, maxDelayMs: 200 } },
    );
    assert.equal(final.state, 'killed');
  });

  it('tails sectioned Livy logs and backs off while nothing changes', () => {
    const tail = new LivyLogTail();
    assert.deepEqual(tail.take(['stdout: ', 'a', '\nstderr: ', '\nYARN Diagnostics: ']), ['a']);
    assert.deepEqual(tail.take(['stdout: ', 'a', 'b', '\nstderr: ', 'warn', '\nYARN Diagnostics: ']), ['b', '[stderr] warn']);
    const policy = new PollingPolicy({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2 });
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => policy.nextDelay()),
      [100, 200, 400, 800, 1000],
    );
    policy.reset(); // something changed: fast again
    assert.equal(policy.nextDelay(), 100);
  });
});
