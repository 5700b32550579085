/**
 * The emulator's Spark is real Apache Spark: Livy sessions over the emulator's HTTPS, with the product's own
 * Livy client, run PySpark and Spark SQL on the workspace's lake (abfss and default-file-system paths), share
 * the lake database between sessions, cancel as Livy does, pass the Spark monitoring API through, and run
 * batch jobs with spark-submit. Needs the Spark engine (`npm run spark:install`; `npm test` installs it).
 */
import * as assert from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { SdkLivyClient } from '../../../src/core/livy/livyClient';
import { SparkSession } from '../../../src/core/livy/sparkSession';
import { LIVY_TABLE_MIME } from '../../../src/protocol/livyTable';
import { loadSparkEnv } from '../../../emulator/src/spark/env';
import { startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient } from '../../support/livySessions';
import { attachedPoolsFromSeed } from '../../support/sparkCatalog';

type Output = Awaited<ReturnType<SparkSession['run']>>['output'] & { statementId: number };

async function run(session: SparkSession, code: string, kind: 'pyspark' | 'sql' = 'pyspark'): Promise<Output> {
  const result = await session.run(code, kind);
  return { ...result.output, statementId: result.statementId };
}

function text(output: Output): string {
  assert.strictEqual(
    output.status,
    'ok',
    output.status === 'error' ? `${output.ename}: ${output.evalue}\n${output.traceback.join('')}` : '',
  );
  return String(output.status === 'ok' ? (output.data['text/plain'] ?? '') : '');
}

describe('The emulator runs real Apache Spark', function () {
  this.timeout(240_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;
  let first: SparkSession;
  let second: SparkSession;
  const lake = () => path.join(emu.handle.dataDir, 'lake', 'contosodatalake', 'synapse');

  async function livyCall(method: string, subPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const token = (await emu.credential().getToken(SYNAPSE_SCOPE))!.token;
    const response = await emu.httpClient.sendRequest(
      createPipelineRequest({
        method: method as 'GET',
        url: `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${pool.poolName}/${subPath}`,
        headers: createHttpHeaders({ authorization: `Bearer ${token}`, 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: response.status, body: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined };
  }

  before(async function () {
    const installed = loadSparkEnv();
    if (!installed.env) assert.fail(`The Spark engine is needed for this suite: ${installed.reason}`);
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300 } });
    client = emulatorLivyClient(emu);
    first = new SparkSession({ api: client, name: 'spark-first', request: () => ({}) });
    second = new SparkSession({ api: client, name: 'spark-second', request: () => ({ conf: { 'spark.sql.shuffle.partitions': '3' } }) });
    await Promise.all([first.ensureReady(() => undefined), second.ensureReady(() => undefined)]);
  });

  after(async () => {
    await first?.delete().catch(() => undefined);
    await second?.delete().catch(() => undefined);
    await emu?.stop();
  });

  it('starts a Spark application at the first Spark statement and reports its id', async () => {
    const before = await client.getSession(first.sessionId!);
    const out = await run(
      first,
      'df = spark.range(5).selectExpr("id", "id * id AS square")\ndf.show()\nprint(spark.version, df.count())',
      'pyspark',
    );
    const shown = text(out);
    assert.match(shown, /\|\s*id\|square\|/);
    assert.match(shown, /\|\s*4\|\s*16\|/);
    assert.match(shown, /^3\.4\.\d+ 5$/m);
    const after = await client.getSession(first.sessionId!);
    assert.match(String(after.appId), /^local-\d+$/, `appId after Spark started: ${after.appId}`);
    assert.notStrictEqual(after.appId, before.appId);
  });

  it('has sc, sqlContext, the pyspark.sql imports and display() as a Livy table', async () => {
    const out = await run(
      first,
      [
        'from pyspark.sql import functions as F',
        'rows = spark.createDataFrame([("a", 1), ("b", 2), ("a", 3)], ["k", "v"])',
        'display(rows.groupBy("k").agg(F.sum("v").alias("total")).orderBy("k"))',
        'print(sc.defaultParallelism > 0, sqlContext is not None)',
      ].join('\n'),
      'pyspark',
    );
    assert.strictEqual(out.status, 'ok');
    const table = out.status === 'ok' ? (out.data[LIVY_TABLE_MIME] as { headers: { name: string }[]; data: unknown[][] }) : undefined;
    assert.deepStrictEqual(
      table?.headers.map((h) => h.name),
      ['k', 'total'],
    );
    assert.deepStrictEqual(table?.data, [
      ['a', 4],
      ['b', 2],
    ]);
    assert.match(text(out), /True True/);
  });

  it("answers sql statements with Livy's schema-and-data JSON, and errors as Spark words them", async () => {
    await run(first, 'spark.range(3).createOrReplaceTempView("three")', 'pyspark');
    const out = await run(first, 'SELECT id, id * 2 AS twice FROM three ORDER BY id', 'sql');
    assert.strictEqual(out.status, 'ok');
    const json =
      out.status === 'ok'
        ? (out.data['application/json'] as { schema: { fields: { name: string; type: string }[] }; data: unknown[][] })
        : undefined;
    assert.deepStrictEqual(
      json?.schema.fields.map((f) => [f.name, f.type]),
      [
        ['id', 'long'],
        ['twice', 'long'],
      ],
    );
    assert.deepStrictEqual(json?.data, [
      [0, 0],
      [1, 2],
      [2, 4],
    ]);
    const bad = await run(first, 'SELECT nope FROM three', 'sql');
    assert.strictEqual(bad.status, 'error');
    assert.strictEqual(bad.status === 'error' && bad.ename, 'AnalysisException');
    assert.match(bad.status === 'error' ? bad.evalue : '', /UNRESOLVED_COLUMN/);
  });

  it('shows a Python-side Spark error with its name first and no Py4J or JVM frames', async () => {
    const out = await run(first, 'spark.range(2).select("missing").collect()', 'pyspark');
    assert.strictEqual(out.status, 'error');
    if (out.status !== 'error') return;
    assert.strictEqual(out.ename, 'AnalysisException');
    assert.match(out.evalue, /^\[UNRESOLVED_COLUMN/);
    const traceback = out.traceback.join('');
    assert.doesNotMatch(traceback, /py4j|site-packages[\\/]pyspark|\tat org\.apache/);
    assert.match(traceback, /<stdin>/);
  });

  it('maps abfss URIs and default-file-system paths onto the same lake folder', async () => {
    const out = await run(
      first,
      [
        'spark.range(10).write.mode("overwrite").parquet("/data/ten")',
        'uri = "abfss://synapse@contosodatalake.dfs.core.windows.net/data/ten"',
        'print(spark.read.parquet(uri).count())',
        'spark.range(4).write.mode("overwrite").csv("relative_out")',
        'print(spark.read.csv("abfss://synapse@contosodatalake.dfs.core.windows.net/user/trusted-service-user/relative_out").count())',
        'spark.range(6).selectExpr("id", "id % 3 AS part").write.mode("overwrite").partitionBy("part").json("/data/by_part")',
      ].join('\n'),
      'pyspark',
    );
    assert.deepStrictEqual(text(out).split('\n'), ['10', '4']);
    assert.ok(fs.readdirSync(path.join(lake(), 'data', 'ten')).some((f) => f.endsWith('.parquet')));
    assert.ok(fs.existsSync(path.join(lake(), 'user', 'trusted-service-user', 'relative_out', '_SUCCESS')));
    assert.deepStrictEqual(
      fs
        .readdirSync(path.join(lake(), 'data', 'by_part'))
        .filter((f) => f.startsWith('part='))
        .sort(),
      ['part=0', 'part=1', 'part=2'],
    );
    const unknown = await run(first, 'spark.read.parquet("abfss://x@nosuchaccount.dfs.core.windows.net/y").count()', 'pyspark');
    assert.strictEqual(unknown.status, 'error');
    assert.match(unknown.status === 'error' ? unknown.evalue : '', /nosuchaccount/);
  });

  it("keeps saved tables in the workspace's lake database, seen from a second session at once; temp views stay private", async () => {
    const saved = await run(
      first,
      [
        'spark.createDataFrame([(1, "x"), (2, "y")], ["id", "label"]).write.mode("overwrite").saveAsTable("shared_labels")',
        'spark.range(1).createOrReplaceTempView("private_view")',
        'print("saved")',
      ].join('\n'),
      'pyspark',
    );
    assert.strictEqual(text(saved), 'saved');
    const seen = await run(second, 'SELECT label FROM shared_labels ORDER BY id', 'sql');
    assert.deepStrictEqual(seen.status === 'ok' && (seen.data['application/json'] as { data: unknown[][] }).data, [['x'], ['y']]);
    const hidden = await run(second, 'SELECT * FROM private_view', 'sql');
    assert.strictEqual(hidden.status, 'error');
    assert.match(hidden.status === 'error' ? hidden.evalue : '', /TABLE_OR_VIEW_NOT_FOUND/);
    assert.ok(fs.existsSync(path.join(lake(), 'synapse', 'workspaces', 'contoso-synapse', 'warehouse', 'shared_labels')));
  });

  it('reads and writes Delta tables', async () => {
    const out = await run(
      second,
      [
        'from delta.tables import DeltaTable',
        'spark.range(5).write.format("delta").mode("overwrite").save("/delta/numbers")',
        'table = DeltaTable.forPath(spark, "/delta/numbers")',
        'table.delete("id < 2")',
        'print(spark.read.format("delta").load("abfss://synapse@contosodatalake.dfs.core.windows.net/delta/numbers").count(), len(table.history().collect()))',
      ].join('\n'),
      'pyspark',
    );
    assert.strictEqual(text(out), '3 2');
  });

  it('has mssparkutils.fs on the lake, mssparkutils.env, notebook.exit and clear errors for the rest', async () => {
    const out = await run(
      second,
      [
        'from notebookutils import mssparkutils as nu',
        'assert nu is mssparkutils',
        'mssparkutils.fs.mkdirs("/utils/dir")',
        'mssparkutils.fs.put("/utils/dir/a.txt", "hello", True)',
        'mssparkutils.fs.append("/utils/dir/a.txt", " lake")',
        'mssparkutils.fs.cp("/utils/dir/a.txt", "abfss://synapse@contosodatalake.dfs.core.windows.net/utils/b.txt")',
        'print(mssparkutils.fs.head("/utils/b.txt"), sorted(f.name for f in mssparkutils.fs.ls("/utils")))',
        'print(mssparkutils.fs.exists("/utils/dir/a.txt"), mssparkutils.fs.rm("/utils/dir", True), mssparkutils.fs.exists("/utils/dir"))',
        'print(mssparkutils.env.getWorkspaceName(), mssparkutils.env.getPoolName())',
        'print(spark.conf.get("spark.sql.shuffle.partitions"))',
      ].join('\n'),
      'pyspark',
    );
    // The session's own conf (as %%configure sends it) reaches its Spark application.
    assert.deepStrictEqual(text(out).split('\n'), ["hello lake ['b.txt', 'dir/']", 'True True False', 'contoso-synapse sparksmall', '3']);
    const missing = await run(second, 'mssparkutils.credentials.getToken("Storage")', 'pyspark');
    assert.strictEqual(missing.status === 'error' && missing.ename, 'NotImplementedError');
    assert.match(missing.status === 'error' ? missing.evalue : '', /mssparkutils\.credentials\.getToken/);
    const exited = await run(second, 'print("before")\nmssparkutils.notebook.exit("done")\nprint("after")', 'pyspark');
    assert.strictEqual(text(exited), 'before\nNotebook exited with value: done');
  });

  it('runs each statement in a job group named by its id, and passes the Spark monitoring API through', async () => {
    const ran = await run(first, 'spark.range(1000).selectExpr("sum(id)").collect()[0][0]');
    assert.strictEqual(text(ran), '499500');
    const info = await client.getSession(first.sessionId!);
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const base = `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${pool.poolName}/sessions/${first.sessionId}/applications/${info.appId}`;
    const token = (await emu.credential().getToken(SYNAPSE_SCOPE))!.token;
    const get = async (suffix: string) => {
      const response = await emu.httpClient.sendRequest(
        createPipelineRequest({ url: `${base}${suffix}`, headers: createHttpHeaders({ authorization: `Bearer ${token}` }) }),
      );
      return { status: response.status, body: JSON.parse(response.bodyAsText ?? 'null') };
    };
    const jobs = await get('/jobs');
    assert.strictEqual(jobs.status, 200);
    const mine = (jobs.body as { jobId: number; jobGroup?: string; status: string; stageIds: number[] }[]).filter(
      (j) => j.jobGroup === String(ran.statementId),
    );
    assert.ok(mine.length >= 1, `jobs of statement ${ran.statementId}: ${JSON.stringify(jobs.body).slice(0, 500)}`);
    assert.strictEqual(mine[0].status, 'SUCCEEDED');
    const job = await get(`/jobs/${mine[0].jobId}`);
    assert.strictEqual(job.body.jobId, mine[0].jobId);
    // Stages: the list (Spark's filters pass through), all attempts of one, and one attempt.
    const complete = (await get('/stages?status=complete')).body as { stageId: number; attemptId: number; status: string }[];
    assert.ok(complete.length > 0 && complete.every((st) => st.status === 'COMPLETE'), JSON.stringify(complete).slice(0, 300));
    const myStages = new Set(mine.flatMap((j) => j.stageIds));
    const done = complete.find((st) => myStages.has(st.stageId));
    assert.ok(done, `a completed stage of statement ${ran.statementId}`);
    const stage = await get(`/stages/${done.stageId}`);
    assert.ok(Array.isArray(stage.body) && stage.body[0].stageId === done.stageId);
    const attempt = await get(`/stages/${done.stageId}/${done.attemptId}?details=false`);
    assert.strictEqual(attempt.body.stageId, done.stageId);
    assert.strictEqual(attempt.body.tasks, undefined, 'the query string reaches Spark');
    const executors = await get('/executors');
    assert.strictEqual(executors.body[0].id, 'driver');
    const wrongApp = await emu.httpClient.sendRequest(
      createPipelineRequest({
        url: base.replace(String(info.appId), 'application_0_0001') + '/jobs',
        headers: createHttpHeaders({ authorization: `Bearer ${token}` }),
      }),
    );
    assert.strictEqual(wrongApp.status, 404);
  });

  it('cancels a long Spark query as Livy does: cancelling, then cancelled when the job group stops; the session stays usable', async () => {
    const id = first.sessionId!;
    const statement = await client.createStatement(id, 'spark.range(0, 10**12, 1, 4).selectExpr("sum(id * id)").collect()', 'pyspark');
    // Wait until Spark is really running the query.
    for (let i = 0; i < 200; i++) {
      const s = (await client.getStatement(id, statement.id)).statement;
      if (s.state === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const asked = Date.now();
    await client.cancelStatement(id, statement.id);
    const right = (await client.getStatement(id, statement.id)).statement;
    assert.ok(['cancelling', 'cancelled'].includes(right.state), right.state);
    let state = right.state;
    while (state !== 'cancelled' && Date.now() - asked < 15_000) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await client.getStatement(id, statement.id)).statement.state;
    }
    assert.strictEqual(state, 'cancelled');
    assert.ok(Date.now() - asked < 6000, `cancel took ${Date.now() - asked} ms`);
    assert.strictEqual(text(await run(first, 'spark.range(3).count()', 'pyspark')), '3');
  });

  it('runs a batch job with spark-submit: args, py_files and conf, writing parquet to the lake', async () => {
    fs.mkdirSync(path.join(lake(), 'jobs', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(lake(), 'jobs', 'lib', 'helpers.py'), 'def squares(n):\n    return [(i, i * i) for i in range(n)]\n');
    fs.writeFileSync(
      path.join(lake(), 'jobs', 'write_squares.py'),
      [
        'import sys',
        'from pyspark.sql import SparkSession',
        'from helpers import squares',
        'spark = SparkSession.builder.getOrCreate()',
        'n, out = int(sys.argv[1]), sys.argv[2]',
        'spark.createDataFrame(squares(n), ["i", "square"]).write.mode("overwrite").parquet(out)',
        'print("partitions", spark.conf.get("spark.sql.shuffle.partitions"), "rows", spark.read.parquet(out).count())',
      ].join('\n'),
    );
    const abfss = 'abfss://synapse@contosodatalake.dfs.core.windows.net';
    const created = await livyCall('POST', 'batches', {
      name: 'squares',
      file: `${abfss}/jobs/write_squares.py`,
      pyFiles: [`${abfss}/jobs/lib/helpers.py`],
      args: ['7', '/out/squares'],
      conf: { 'spark.sql.shuffle.partitions': '5' },
    });
    assert.strictEqual(created.status, 200, JSON.stringify(created.body));
    let batch = created.body as { id: number; state: string; log?: string[] };
    const started = Date.now();
    while (!['success', 'dead', 'killed'].includes(batch.state) && Date.now() - started < 120_000) {
      await new Promise((r) => setTimeout(r, 500));
      batch = (await livyCall('GET', `batches/${batch.id}?detailed=true`)).body;
    }
    const log = batch.log ?? [];
    assert.strictEqual(batch.state, 'success', log.join('\n'));
    assert.ok(
      log.some((l) => /partitions 5 rows 7/.test(l)),
      log.join('\n'),
    );
    assert.ok(fs.readdirSync(path.join(lake(), 'out', 'squares')).some((f) => f.endsWith('.parquet')));
  });

  it('interrupts plain Python that ignores Spark, and the session stays usable', async () => {
    const id = first.sessionId!;
    const statement = await client.createStatement(id, 'import time\nwhile True:\n    time.sleep(0.1)', 'pyspark');
    for (let i = 0; i < 100 && (await client.getStatement(id, statement.id)).statement.state !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 50));
    await client.cancelStatement(id, statement.id);
    let state = '';
    const asked = Date.now();
    while (state !== 'cancelled' && Date.now() - asked < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await client.getStatement(id, statement.id)).statement.state;
    }
    assert.strictEqual(state, 'cancelled');
    assert.strictEqual(text(await run(first, 'spark.range(2).count()', 'pyspark')), '2');
  });

  it('leaves no JVM or Python process behind when its sessions end and the emulator stops', async () => {
    const dataDir = emu.handle.dataDir;
    const running = processesUsing(dataDir);
    assert.ok(
      running.some((p) => /java/.test(p)),
      `a Spark JVM runs while sessions are live: ${running.join('\n')}`,
    );
    await first.delete();
    await second.delete();
    await emu.handle.stop();
    const deadline = Date.now() + 10_000;
    let left = processesUsing(dataDir);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      left = processesUsing(dataDir);
    }
    assert.deepStrictEqual(left, [], 'processes left behind');
  });
});

/** Processes whose command line or working folder names `dir` (Spark JVMs carry their conf folder on the class path). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe('The emulator caps concurrent Spark applications', function () {
  this.timeout(60_000);
  let emu: TestEmulator;

  before(async () => {
    emu = await startTestEmulator({ livy: true, maxSparkApplications: 1, settings: { defaultColdStartMs: 100 } });
  });
  after(async () => {
    await emu?.stop();
  });

  it('keeps a session beyond the cap in starting, says why in its log, and starts it when a slot frees', async () => {
    const client = emulatorLivyClient(emu);
    const one = await client.createSession({ name: 'slot-one' });
    const two = await client.createSession({ name: 'slot-two' });
    const until = async (id: number, ok: (s: Awaited<ReturnType<SdkLivyClient['getSession']>>) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const s = await client.getSession(id);
        if (ok(s)) return s;
        if (Date.now() > deadline) assert.fail(`session ${id}: ${s.state}\n${s.log.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // Whichever reaches submission first takes the slot; the other waits in starting and says why.
    let first: number | undefined;
    for (const deadline = Date.now() + 20_000; first === undefined && Date.now() < deadline;) {
      for (const id of [one.id, two.id]) if (first === undefined && (await client.getSession(id)).state === 'idle') first = id;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(first !== undefined, 'one of the two sessions starts');
    const second = first === one.id ? two.id : one.id;
    const waiting = await until(second, (s) => s.log.some((l) => /Waiting for a free Spark application slot: 1 of 1/.test(l)), 20_000);
    assert.strictEqual(waiting.state, 'starting');
    await new Promise((r) => setTimeout(r, 1000));
    assert.strictEqual((await client.getSession(second)).state, 'starting', 'still waiting while the slot is taken');
    await client.deleteSession(first);
    await until(second, (s) => s.state === 'idle', 20_000);
    await client.deleteSession(second);
  });

  it('runs a pool of another Spark version on the installed engine and says so in the session log', async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const legacy = new SdkLivyClient(
      { devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: 'spark33legacy' },
      { credential: emu.credential(), scope: SYNAPSE_SCOPE, httpClient: emu.httpClient },
    );
    const created = await legacy.createSession({ name: 'legacy' });
    const deadline = Date.now() + 20_000;
    let info = await legacy.getSession(created.id);
    while (info.state !== 'idle' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      info = await legacy.getSession(created.id);
    }
    assert.strictEqual(info.state, 'idle', info.log.join('\n'));
    assert.ok(
      info.log.some((l) => /This pool is Spark 3\.3; the emulator runs Apache Spark 3\.4\.\d+ for it\./.test(l)),
      info.log.join('\n'),
    );
    await legacy.deleteSession(created.id);
  });
});
