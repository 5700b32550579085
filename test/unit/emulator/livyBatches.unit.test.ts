import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLivyHarness, type LivyHarness } from '../../support/livyHarness';
import { livy, sdkClient, waitFor } from '../../support/livyTestClient';

const ENDED = ['success', 'dead', 'killed'];

describe('Livy emulator: batches', function () {
  this.timeout(20_000);
  let h: LivyHarness;

  beforeEach(async () => {
    h = await startLivyHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function writeScript(relative: string, code: string): Promise<string> {
    const file = path.join(h.dataDir, relative);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, code);
    return file;
  }

  it('runs an abfss:// Python file with its args to success through the official SDK, with its log', async () => {
    await writeScript('storage/acct/code/jobs/main.py', "import sys\nprint('args', sys.argv[1:])\nprint('to stderr', file=sys.stderr)\n");
    const client = sdkClient(h);
    const created = await client.sparkBatch.createSparkBatchJob(
      {
        name: 'ok-batch',
        file: 'abfss://code@acct.dfs.core.windows.net/jobs/main.py',
        arguments: ['--rows', '10'],
        driverMemory: '28g',
        driverCores: 4,
        executorMemory: '28g',
        executorCores: 4,
        executorCount: 2,
      },
      { detailed: true },
    );
    assert.equal(created.state, 'not_started');
    assert.equal(created.jobType, 'SparkBatch');
    const states = new Set<string>();
    const done = await waitFor(
      async () => {
        const b = await client.sparkBatch.getSparkBatchJob(created.id, { detailed: true });
        states.add(String(b.state));
        return b;
      },
      (b) => ENDED.includes(String(b.state)),
    );
    assert.equal(done.state, 'success');
    assert.equal(done.result, 'Succeeded');
    assert.ok(states.has('starting'));
    assert.ok(done.logLines?.includes("args ['--rows', '10']"), JSON.stringify(done.logLines));
    assert.ok(done.logLines?.includes('to stderr'));
    assert.equal(done.logLines?.[0], 'stdout: ');
    assert.ok(done.livyInfo?.successAt instanceof Date);
    const list = await client.sparkBatch.getSparkBatchJobs();
    assert.equal(list.total, 1);
    assert.equal(list.sessions?.[0].id, created.id);
  });

  it('ends dead with result Failed and the traceback in the log when the script fails', async () => {
    const file = await writeScript('local/fail.py', "raise RuntimeError('bad input')\n");
    const created = await livy(h, 'POST', 'batches?detailed=true', { name: 'fail', file });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('x-ms-job-type'), 'SparkServiceBatch');
    const done = (
      await waitFor(
        () => livy(h, 'GET', `batches/${created.body.id}?detailed=true`),
        (r) => ENDED.includes(r.body.state),
      )
    ).body;
    assert.equal(done.state, 'dead');
    assert.equal(done.result, 'Failed');
    assert.equal(done.errorInfo[0].errorCode, 'Spark_Ambiguous_NonJvmUserApp_ExitWithStatus1');
    assert.ok(done.log.some((line: string) => line.includes('RuntimeError: bad input')));
  });

  it('fails clearly for a file it cannot find or run', async () => {
    const missing = await livy(h, 'POST', 'batches', { name: 'missing', file: 'abfss://c@a.dfs.core.windows.net/nope.py' });
    const jar = await livy(h, 'POST', 'batches', {
      name: 'jar',
      file: await writeScript('local/wordcount.jar', 'not python'),
      className: 'WordCount',
    });
    for (const id of [missing.body.id, jar.body.id]) {
      const done = (
        await waitFor(
          () => livy(h, 'GET', `batches/${id}?detailed=true`),
          (r) => ENDED.includes(r.body.state),
        )
      ).body;
      assert.equal(done.state, 'dead');
      assert.match(done.errorInfo[0].message, /not found|Python batch files only/);
    }
    assert.equal((await livy(h, 'POST', 'batches', { name: 'no-file' })).status, 400);
  });

  it('delete kills a running batch: killed, Cancelled', async () => {
    const file = await writeScript('local/slow.py', 'import time\ntime.sleep(30)\n');
    const created = await livy(h, 'POST', 'batches', { name: 'slow', file });
    await waitFor(
      () => livy(h, 'GET', `batches/${created.body.id}`),
      (r) => r.body.state === 'running',
    );
    const deleted = await livy(h, 'DELETE', `batches/${created.body.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.text, '');
    const killed = (await livy(h, 'GET', `batches/${created.body.id}?detailed=true`)).body;
    assert.equal(killed.state, 'killed');
    assert.equal(killed.result, 'Cancelled');
    assert.ok(killed.schedulerInfo.cancellationRequestedAt);
  });
});
