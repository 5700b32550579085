import * as assert from 'node:assert/strict';
import { startLivyHarness, type LivyHarness } from '../../support/livyHarness';
import { idleSession, livy, runStatement, sdkClient, waitFor } from '../../support/livyTestClient';

describe('Livy emulator: statements', function () {
  this.timeout(30_000);
  let h: LivyHarness;
  let sessionId: number;

  before(async () => {
    h = await startLivyHarness();
    sessionId = await idleSession(h);
  });
  after(async () => {
    await h.close();
  });

  it('runs print + a final expression through the official SDK, waiting -> available', async () => {
    const client = sdkClient(h);
    const created = await client.sparkSessionOperations.createSparkStatement(sessionId, { code: "print('hello')\n6 * 7", kind: 'pyspark' });
    assert.equal(created.state, 'waiting');
    const done = await waitFor(
      () => client.sparkSessionOperations.getSparkStatement(sessionId, created.id),
      (s) => s.state === 'available',
    );
    assert.equal(done.output?.status, 'ok');
    assert.deepEqual(done.output?.data, { 'text/plain': 'hello\n42' });
    assert.equal(typeof done.output?.executionCount, 'number');
    const list = await client.sparkSessionOperations.getSparkStatements(sessionId);
    assert.ok(list.total >= 1);
    assert.ok(list.statements?.some((s) => s.id === created.id));
  });

  it('keeps state between statements and reports the session busy while running', async () => {
    await runStatement(h, sessionId, 'counter = 10');
    const created = await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: 'import time\ntime.sleep(0.3)\ncounter + 1' });
    await waitFor(
      () => livy(h, 'GET', `sessions/${sessionId}`),
      (r) => r.body.state === 'busy',
    );
    const done = (
      await waitFor(
        () => livy(h, 'GET', `sessions/${sessionId}/statements/${created.body.id}`),
        (r) => r.body.state === 'available',
      )
    ).body;
    assert.equal(done.output.data['text/plain'], '11');
    assert.equal((await livy(h, 'GET', `sessions/${sessionId}`)).body.state, 'idle');
  });

  it('a user exception leaves the statement available with output.status error and a traceback', async () => {
    const done = await runStatement(h, sessionId, "def f():\n    raise ValueError('boom')\nf()");
    assert.equal(done.state, 'available');
    assert.equal(done.output.status, 'error');
    assert.equal(done.output.ename, 'ValueError');
    assert.equal(done.output.evalue, 'boom');
    assert.equal(done.output.traceback[0], 'Traceback (most recent call last):\n');
    assert.ok(done.output.traceback.every((line: string) => !line.includes('livy_runner.py')));
  });

  it('renders %table, %json and _repr_html_ outputs', async () => {
    const table = await runStatement(h, sessionId, "rows = [{'n': 1, 's': 'a'}, {'n': 2, 's': None}]\n%table rows");
    assert.deepEqual(table.output.data['application/vnd.livy.table.v1+json'], {
      headers: [
        { name: 'n', type: 'INT_TYPE' },
        { name: 's', type: 'STRING_TYPE' },
      ],
      data: [
        [1, 'a'],
        [2, null],
      ],
    });
    const jsonOut = await runStatement(h, sessionId, "%json {'a': [1, 2], 'b': None}");
    assert.deepEqual(jsonOut.output.data['application/json'], { a: [1, 2], b: null });
    const html = await runStatement(h, sessionId, "class Rich:\n    def _repr_html_(self):\n        return '<b>rich</b>'\nRich()");
    assert.equal(html.output.data['text/html'], '<b>rich</b>');
    assert.match(html.output.data['text/plain'], /Rich object/);
  });

  it('cancels time.sleep(30) within 2 s and the next statement still works', async () => {
    const client = sdkClient(h);
    const created = await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: 'import time\ntime.sleep(30)' });
    await waitFor(
      () => livy(h, 'GET', `sessions/${sessionId}/statements/${created.body.id}`),
      (r) => r.body.state === 'running',
    );
    const started = Date.now();
    const cancel = await client.sparkSessionOperations.cancelSparkStatement(sessionId, created.body.id);
    assert.equal(cancel.message, 'canceled');
    await waitFor(
      () => livy(h, 'GET', `sessions/${sessionId}/statements/${created.body.id}`),
      (r) => r.body.state === 'cancelled',
      2000,
    );
    assert.ok(Date.now() - started < 2000);
    const next = await runStatement(h, sessionId, "'still usable'");
    assert.equal(next.output.data['text/plain'], "'still usable'");
  });

  it('cancelling a waiting statement cancels it at once; cancelling a finished one is a no-op', async () => {
    const blocker = await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: 'import time\ntime.sleep(30)' });
    const queued = await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: '1' });
    assert.equal((await livy(h, 'POST', `sessions/${sessionId}/statements/${queued.body.id}/cancel`)).body.msg, 'canceled');
    assert.equal((await livy(h, 'GET', `sessions/${sessionId}/statements/${queued.body.id}`)).body.state, 'cancelled');
    await livy(h, 'POST', `sessions/${sessionId}/statements/${blocker.body.id}/cancel`);
    await waitFor(
      () => livy(h, 'GET', `sessions/${sessionId}/statements/${blocker.body.id}`),
      (r) => r.body.state === 'cancelled',
      2000,
    );
    const again = await livy(h, 'POST', `sessions/${sessionId}/statements/${blocker.body.id}/cancel`);
    assert.equal(again.status, 200);
    assert.equal((await livy(h, 'GET', `sessions/${sessionId}/statements/${blocker.body.id}`)).body.state, 'cancelled');
  });

  it('answers Scala/.NET/R statements and SQL without pyspark with a clear error output', async () => {
    const scala = await runStatement(h, sessionId, 'val x = 1', 'spark');
    assert.equal(scala.state, 'available');
    assert.equal(scala.output.ename, 'UnsupportedLanguage');
    assert.match(scala.output.evalue, /Scala/);
    const sql = await runStatement(h, sessionId, 'SELECT 1', 'sql');
    if (sql.output.status === 'error') {
      assert.equal(sql.output.ename, 'SparkNotAvailable');
      assert.match(sql.output.evalue, /pyspark/);
    } else {
      assert.ok(sql.output.data['application/vnd.livy.table.v1+json']);
    }
    const spark = await runStatement(h, sessionId, 'spark');
    if (spark.output.status === 'error') {
      assert.match(spark.output.evalue, /pyspark is not installed/);
    }
    assert.equal((await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: '1', kind: 'cobol' })).status, 400);
  });

  it('makes completion observable within tens of milliseconds', async () => {
    const created = await livy(h, 'POST', `sessions/${sessionId}/statements`, { code: '1 + 1' });
    const started = Date.now();
    await waitFor(
      () => livy(h, 'GET', `sessions/${sessionId}/statements/${created.body.id}`),
      (r) => r.body.state === 'available',
      2000,
      2,
    );
    assert.ok(Date.now() - started < 500, `took ${Date.now() - started} ms`);
  });
});
