/**
 * The whole emulator as a client sees it, through the official SDKs only and over real HTTPS:
 * a token for each audience, the Synapse workspace's dev endpoint from ARM, then Livy through
 * SparkClient (session cold start, statements ok / error / table / cancel, a batch, delete).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SynapseManagementClient } from '@azure/arm-synapse';
import { SparkClient, type SparkStatement } from '@azure/synapse-spark';
import { startTestEmulator, ARM_SCOPE, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';

const SUB = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const WORKSPACE = 'contoso-synapse';
const POOL = 'sparksmall';

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('emulator: official SDK scenario over HTTPS', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let spark: SparkClient;
  let sessionId: number;

  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300, lroDurationMs: 100, pageSize: 2 } });
    const credential = emu.credential();
    const arm = new SynapseManagementClient(credential, SUB, {
      endpoint: emu.url,
      credentialScopes: [ARM_SCOPE],
      httpClient: emu.httpClient,
    });
    const ws = await arm.workspaces.get(RG, WORKSPACE);
    const dev = ws.connectivityEndpoints?.dev;
    assert.ok(dev, 'the workspace names its dev endpoint');
    assert.equal(new URL(dev).origin, new URL(emu.url).origin, 'the dev endpoint points at the emulator');
    spark = new SparkClient(credential, dev, POOL, { httpClient: emu.httpClient });
  });

  after(async () => {
    await emu?.stop();
  });

  it('issues tokens whose audience follows the scope', async () => {
    const credential = emu.credential();
    const audience = async (scope: string) => {
      const token = await credential.getToken(scope);
      assert.ok(token, `no token for ${scope}`);
      return JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString('utf8')).aud as string;
    };
    assert.equal(await audience(ARM_SCOPE), 'https://management.azure.com');
    assert.equal(await audience(SYNAPSE_SCOPE), 'https://dev.azuresynapse.net');
  });

  it('starts a session through the cold-start stages to idle', async () => {
    const created = await spark.sparkSessionOperations.createSparkSession(
      { name: 'sdk-scenario', driverMemory: '28g', driverCores: 4, executorMemory: '28g', executorCores: 4, executorCount: 2 },
      { detailed: true },
    );
    sessionId = created.id;
    assert.ok(['not_started', 'starting'].includes(String(created.state)), `fresh session state ${created.state}`);
    const seen = new Set<string>();
    const idle = await until(
      async () => {
        const s = await spark.sparkSessionOperations.getSparkSession(sessionId, { detailed: true });
        seen.add(String(s.state));
        return s;
      },
      (s) => s.state === 'idle',
    );
    assert.ok(idle.scheduler?.scheduledAt, 'the scheduler stage has a timestamp');
    assert.ok(idle.appId, 'an idle session has a Spark application id');
    assert.ok(seen.size >= 1);
  });

  async function run(code: string, kind: 'pyspark' | 'sql' = 'pyspark'): Promise<SparkStatement> {
    const st = await spark.sparkSessionOperations.createSparkStatement(sessionId, { code, kind });
    return until(
      () => spark.sparkSessionOperations.getSparkStatement(sessionId, st.id),
      (s) => s.state === 'available' || s.state === 'error' || s.state === 'cancelled',
    );
  }

  it('runs a statement: stdout and the last expression', async () => {
    const st = await run('print("hello from spark")\n6 * 7');
    assert.equal(st.output?.status, 'ok');
    const text = String((st.output?.data as Record<string, unknown>)['text/plain']);
    assert.match(text, /hello from spark/);
    assert.match(text, /42/);
  });

  it('reports a user error with its traceback and keeps the statement available', async () => {
    const st = await run('1 / 0');
    assert.equal(st.state, 'available');
    assert.equal(st.output?.status, 'error');
    assert.equal(st.output?.errorName, 'ZeroDivisionError');
    assert.ok((st.output?.traceback ?? []).length > 0);
  });

  it('returns a Livy table for %table', async () => {
    const st = await run('rows = [{"city": "Oslo", "n": 3}, {"city": "Lima", "n": 5}]\n%table rows');
    const table = (st.output?.data as Record<string, any>)['application/vnd.livy.table.v1+json'];
    assert.deepEqual(
      table.headers.map((h: { name: string }) => h.name),
      ['city', 'n'],
    );
    assert.equal(table.data.length, 2);
  });

  it('cancels time.sleep(30) within 2 s and stays usable', async () => {
    const st = await spark.sparkSessionOperations.createSparkStatement(sessionId, { code: 'import time\ntime.sleep(30)', kind: 'pyspark' });
    await until(
      () => spark.sparkSessionOperations.getSparkStatement(sessionId, st.id),
      (s) => s.state === 'running',
    );
    const started = Date.now();
    const cancel = await spark.sparkSessionOperations.cancelSparkStatement(sessionId, st.id);
    assert.equal(cancel.message, 'canceled');
    const done = await until(
      () => spark.sparkSessionOperations.getSparkStatement(sessionId, st.id),
      (s) => s.state === 'cancelled' || s.state === 'available',
      5_000,
    );
    assert.ok(Date.now() - started < 2_000, `cancel took ${Date.now() - started} ms`);
    assert.equal(done.state, 'cancelled');
    const next = await run('"still alive"');
    assert.match(String((next.output?.data as Record<string, unknown>)['text/plain']), /still alive/);
  });

  it('runs a batch to success and keeps its log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-batch-'));
    const file = path.join(dir, 'score.py');
    fs.writeFileSync(file, 'import sys\nprint("scored", len(sys.argv) - 1, "args")\n');
    const batch = await spark.sparkBatch.createSparkBatchJob({ name: 'score', file, arguments: ['a', 'b'] }, { detailed: true });
    const done = await until(
      () => spark.sparkBatch.getSparkBatchJob(batch.id, { detailed: true }),
      (b) => ['success', 'dead', 'killed', 'error'].includes(String(b.state)),
    );
    assert.equal(done.state, 'success', (done.logLines ?? []).join('\n'));
    assert.ok(
      (done.logLines ?? []).some((l) => l.includes('scored 2 args')),
      (done.logLines ?? []).join('\n'),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a token for the wrong audience with 401', async () => {
    const armOnly = { getToken: (_s: string | string[]) => emu.credential().getToken(ARM_SCOPE) };
    const wrong = new SparkClient(
      armOnly,
      (
        await new SynapseManagementClient(emu.credential(), SUB, {
          endpoint: emu.url,
          credentialScopes: [ARM_SCOPE],
          httpClient: emu.httpClient,
        }).workspaces.get(RG, WORKSPACE)
      ).connectivityEndpoints!.dev!,
      POOL,
      { httpClient: emu.httpClient },
    );
    // The Synapse data plane's own code and wording for it (a flat body, audiences hidden as PII).
    await assert.rejects(wrong.sparkSessionOperations.getSparkSessions(), (err: { statusCode?: number; message?: string }) => {
      const body = JSON.parse(err.message ?? '{}');
      return (
        err.statusCode === 401 &&
        body.code === 'InvalidTokenAuthenticationAudience' &&
        /^Token Authentication failed with SecurityTokenInvalidAudienceException - IDX10214: Audience validation failed\./.test(
          body.message,
        )
      );
    });
  });

  it('deletes the session: it ends killed', async () => {
    await spark.sparkSessionOperations.cancelSparkSession(sessionId);
    const s = await until(
      () => spark.sparkSessionOperations.getSparkSession(sessionId, { detailed: true }),
      (x) => x.state === 'killed',
    );
    assert.equal(s.result, 'Cancelled');
  });
});
