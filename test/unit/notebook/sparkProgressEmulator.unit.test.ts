/**
 * Live Spark progress over real HTTPS against the emulator's real Apache Spark: the Livy client reads the
 * monitoring pass-through, a cell whose Spark jobs run for seconds shows progress that reaches 100% and
 * ends with the summary above its output, and a failing pass-through leaves the cell's result alone.
 * Needs the Spark engine (`npm run spark:install`).
 */
import * as assert from 'assert';
import { SdkLivyClient } from '../../../src/core/livy/livyClient';
import { SparkSession } from '../../../src/core/livy/sparkSession';
import { runCell, type NotebookSessionHost } from '../../../src/core/notebook/cellRunner';
import { parseCell } from '../../../src/core/notebook/magics';
import type { CellOutputModel } from '../../../src/core/notebook/outputs';
import { isProgressOutput, PROGRESS_METADATA_KEY } from '../../../src/core/notebook/progressOutput';
import type { Logger } from '../../../src/core/util/logger';
import { loadSparkEnv } from '../../../emulator/src/spark/env';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient, RecordingSink } from '../../support/livySessions';

/** Two Spark jobs of 16 tasks that each sleep 0.3 s: several seconds on two cores, whatever the machine's speed. */
const SLOW_CELL = [
  'import time',
  'rdd = spark.sparkContext.parallelize(range(16), 16).mapPartitions(lambda it: (time.sleep(0.3), list(it))[1])',
  'print(rdd.count(), rdd.sum())',
].join('\n');

const plain = (o: CellOutputModel) => o.items.map((i) => (i.mime === 'text/plain' && 'text' in i ? i.text : '')).join('');

describe("Spark progress against the emulator's real Spark", function () {
  this.timeout(240_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;
  let session: SparkSession;
  const warnings: string[] = [];
  const log: Logger = { trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(String(m)) };
  let host: NotebookSessionHost;

  before(async function () {
    const installed = loadSparkEnv();
    if (!installed.env) assert.fail(`The Spark engine is needed for this suite: ${installed.reason}`);
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300 } });
    client = emulatorLivyClient(emu);
    session = new SparkSession({ api: client, name: 'progress', request: () => ({}), log });
    host = {
      session,
      target: { poolName: 'sparksmall', synapseWorkspace: 'contoso-synapse', amlWorkspace: 'contoso-aml' },
      notebookConfig: undefined,
      defaults: () => ({}),
      limits: () => ({ maxBytes: 100_000 }),
    };
    await session.ensureReady();
  });

  after(async () => {
    await session?.delete().catch(() => undefined);
    await emu?.stop();
  });

  it("shows the first Spark cell's jobs (Spark starts under it) up to 100%, then the summary above the output", async () => {
    const sink = new RecordingSink();
    const result = await runCell(parseCell(SLOW_CELL), host, sink, new AbortController().signal);
    assert.strictEqual(result.outcome, 'succeeded', sink.text());
    const live = sink.history.filter((h) => h.length === 1 && isProgressOutput(h[0])).map((h) => plain(h[0]));
    assert.ok(live.length >= 1, `live progress seen ${live.length} times: ${sink.history.map((h) => h.map(plain).join(' | ')).join('\n')}`);
    assert.match(live.at(-1)!, /^Spark job \d+ \(.+\), (running|done): \d+\/16 tasks/m);
    const last = sink.last;
    assert.strictEqual(last.length, 2, last.map(plain).join(' | '));
    assert.deepStrictEqual((last[0].metadata?.[PROGRESS_METADATA_KEY] as { kind: string }).kind, 'summary');
    assert.match(plain(last[0]), /^Spark: 2 jobs, 2 stages, 32 tasks in \d+\.\d s\. Spark UI: https:\/\/127\.0\.0\.1:\d+\//);
    assert.strictEqual(plain(last[1]), '16 120');
    assert.deepStrictEqual(warnings, []);
  });

  it("reads the statement's jobs and running stages through the Livy client", async () => {
    const info = await client.getSession(session.sessionId!);
    assert.match(info.appId ?? '', /^local-\d+$/);
    const statement = await client.createStatement(session.sessionId!, SLOW_CELL, 'pyspark');
    let stages: { name: string }[] = [];
    for (let i = 0; i < 100 && !stages.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stages = await client.getSparkStages(session.sessionId!, info.appId!, 'active');
    }
    assert.ok(stages.length > 0 && stages.every((s) => typeof s.name === 'string'), JSON.stringify(stages).slice(0, 300));
    for (let i = 0; i < 200; i++) {
      if ((await client.getStatement(session.sessionId!, statement.id)).statement.state === 'available') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const jobs = (await client.getSparkJobs(session.sessionId!, info.appId!)).filter((j) => j.jobGroup === String(statement.id));
    assert.deepStrictEqual(
      jobs.map((j) => [j.status, j.numTasks, j.numCompletedIndices ?? j.numCompletedTasks]),
      [
        ['SUCCEEDED', 16, 16],
        ['SUCCEEDED', 16, 16],
      ],
    );
    assert.ok(jobs[0].jobId > jobs[1].jobId, 'newest first');
    await assert.rejects(
      client.getSparkJobs(session.sessionId!, 'application_0_0001'),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
  });

  it('a failing pass-through hides the progress after one log line, and the cell completes with its output', async () => {
    const fault = emu.handle.faults.add({
      kind: 'status',
      surface: 'livy',
      method: 'GET',
      path: '/applications/[^/]+/(jobs|stages)',
      status: 403,
    });
    try {
      const sink = new RecordingSink();
      const result = await runCell(parseCell(SLOW_CELL), host, sink, new AbortController().signal);
      assert.strictEqual(result.outcome, 'succeeded', sink.text());
      assert.ok(!sink.history.some((h) => h.some(isProgressOutput)), 'no progress shown');
      assert.strictEqual(sink.text(), '16 120');
      assert.strictEqual(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /Spark progress is not available for session \d+ \(statement \d+\); cells run without it: .*403/);
    } finally {
      emu.handle.faults.remove(fault.id);
    }
  });
});
