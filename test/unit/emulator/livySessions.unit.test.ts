import * as assert from 'node:assert/strict';
import { startLivyHarness, WORKSPACE, POOL, type LivyHarness } from '../../support/livyHarness';
import { idleSession, livy, runStatement, sdkClient, sessionBody, waitFor } from '../../support/livyTestClient';

describe('Livy emulator: sessions', function () {
  this.timeout(20_000);
  let h: LivyHarness;

  beforeEach(async () => {
    h = await startLivyHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('walks the cold-start stages to idle, seen through the official SDK', async () => {
    h.ctx.coldStart = { queued: 60, preparation: 60, resourceAcquisition: 60, submission: 60, starting: 60 };
    const client = sdkClient(h);
    const created = await client.sparkSessionOperations.createSparkSession(sessionBody('stages'), { detailed: true });
    assert.equal(created.state, 'not_started');
    assert.equal(created.result, 'Uncertain');
    assert.equal(created.scheduler?.currentState, 'Queued');
    assert.equal(created.plugin?.currentState, 'Preparation');
    const seen = new Set<string>();
    const idle = await waitFor(
      async () => {
        const s = await client.sparkSessionOperations.getSparkSession(created.id, { detailed: true });
        seen.add(`${s.state}/${s.scheduler?.currentState}/${s.plugin?.currentState}`);
        return s;
      },
      (s) => s.state === 'idle',
    );
    for (const stage of [
      'not_started/Scheduled/Preparation',
      'not_started/Scheduled/ResourceAcquisition',
      'starting/Scheduled/Submission',
      'starting/Scheduled/Monitoring',
    ]) {
      assert.ok(seen.has(stage), `stage ${stage} not seen in ${[...seen].join(', ')}`);
    }
    assert.ok(idle.appId?.startsWith('application_'));
    assert.ok(String(idle.appInfo?.driverLogUrl).startsWith(`${h.baseUrl}/sparkui/`));
    assert.ok(idle.livyInfo?.idleAt instanceof Date);
    assert.ok(idle.plugin?.monitoringStartedAt instanceof Date);
  });

  it('answers minimal bodies without detailed=true and lists newest first with from/size', async () => {
    for (const name of ['a', 'b', 'c']) {
      await livy(h, 'POST', 'sessions', sessionBody(name));
    }
    const minimal = await livy(h, 'GET', 'sessions/1');
    assert.deepEqual(Object.keys(minimal.body), ['id', 'appId', 'appInfo', 'state', 'log', 'registeredSources']);
    const list = await livy(h, 'GET', 'sessions?detailed=true');
    assert.deepEqual(
      list.body.sessions.map((s: { name: string }) => s.name),
      ['c', 'b', 'a'],
    );
    assert.equal(list.body.total, 3);
    const paged = await livy(h, 'GET', 'sessions?from=1&size=1');
    assert.deepEqual(paged.body, { from: 1, total: 3, sessions: [paged.body.sessions[0]] });
    assert.equal(paged.body.sessions[0].id, 1);
  });

  it('delete ends the session killed with result Cancelled and cancellationRequestedAt', async () => {
    const client = sdkClient(h);
    const id = await idleSession(h);
    await client.sparkSessionOperations.cancelSparkSession(id);
    const killed = await livy(h, 'GET', `sessions/${id}?detailed=true`);
    assert.equal(killed.status, 200);
    assert.equal(killed.body.state, 'killed');
    assert.equal(killed.body.result, 'Cancelled');
    assert.equal(killed.body.schedulerInfo.currentState, 'Ended');
    assert.equal(killed.body.pluginInfo.currentState, 'Ended');
    assert.ok(killed.body.schedulerInfo.cancellationRequestedAt);
    assert.equal(killed.headers.get('x-ms-job-result'), 'Cancelled');
    assert.notEqual(killed.headers.get('x-ms-job-ended-on'), '');
    const again = await livy(h, 'DELETE', `sessions/${id}`);
    assert.equal(again.status, 200);
    assert.equal(again.text, '');
  });

  it('an idle session times out dead with LIVY_JOB_TIMED_OUT; reset-timeout postpones it', async () => {
    const id = await idleSession(h, { conf: { 'livy.server.session.timeout': '400ms' } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const reset = await livy(h, 'PUT', `sessions/${id}/reset-timeout`);
    assert.equal(reset.status, 200);
    assert.equal(reset.text, '');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await livy(h, 'GET', `sessions/${id}`)).body.state, 'idle', 'reset-timeout restarted the clock');
    const dead = (
      await waitFor(
        () => livy(h, 'GET', `sessions/${id}?detailed=true`),
        (r) => r.body.state === 'dead',
        3000,
      )
    ).body;
    assert.equal(dead.result, 'Failed');
    assert.deepEqual(dead.errorInfo, [
      {
        message: 'Job failed during run time with state=[dead].',
        errorCode: 'LIVY_JOB_TIMED_OUT',
        source: 'Unknown',
      },
    ]);
    assert.equal(dead.appInfo.isSessionTimedOut, 'true');
    assert.ok(dead.livyInfo.deadAt);
  });

  it('a session whose Python process dies mid-statement ends dead and the statement in error', async () => {
    const id = await idleSession(h);
    const statement = await livy(h, 'POST', `sessions/${id}/statements`, { code: 'import time\ntime.sleep(30)' });
    await waitFor(
      () => livy(h, 'GET', `sessions/${id}/statements/${statement.body.id}`),
      (r) => r.body.state === 'running',
    );
    assert.equal(h.surface.killSession(WORKSPACE, POOL, id), true);
    const failed = (
      await waitFor(
        () => livy(h, 'GET', `sessions/${id}/statements/${statement.body.id}`),
        (r) => r.body.state === 'error',
      )
    ).body;
    assert.equal(failed.output.status, 'error');
    assert.match(failed.output.evalue, /^Interpreter died:/);
    const session = (await livy(h, 'GET', `sessions/${id}?detailed=true`)).body;
    assert.equal(session.state, 'dead');
    assert.equal(session.result, 'Failed');
    assert.equal(session.errorInfo[0].errorCode, 'LIVY_JOB_STATE_DEAD');
    const refused = await livy(h, 'POST', `sessions/${id}/statements`, { code: '1' });
    assert.equal(refused.status, 400);
    assert.equal(h.surface.killSession(WORKSPACE, POOL, 999), false);
  });

  it('snapshot and restore keep the records; live sessions come back dead', async () => {
    const id = await idleSession(h);
    await runStatement(h, id, '40 + 2');
    const saved = JSON.parse(JSON.stringify(h.surface.snapshot()));
    const other = await startLivyHarness();
    try {
      other.surface.restore(saved);
      const restored = (await livy(other, 'GET', `sessions/${id}?detailed=true`)).body;
      assert.equal(restored.state, 'dead');
      assert.equal(restored.errorInfo[0].errorCode, 'EMULATOR_RESTARTED');
      const statement = (await livy(other, 'GET', `sessions/${id}/statements/0`)).body;
      assert.equal(statement.output.data['text/plain'], '42');
      const next = await livy(other, 'POST', 'sessions', sessionBody('after-restore'));
      assert.equal(next.body.id, id + 1, 'ids continue after a restore');
    } finally {
      await other.close();
    }
  });

  it('serves the session log at appInfo.driverLogUrl', async () => {
    const id = await idleSession(h);
    await runStatement(h, id, "import os\nos.write(2, b'driver says hi\\n')");
    const session = (await livy(h, 'GET', `sessions/${id}`)).body;
    const log = await fetch(session.appInfo.driverLogUrl);
    assert.equal(log.status, 200);
    assert.match(await log.text(), /driver says hi/);
    assert.ok(session.log.includes('driver says hi'));
  });

  it('lets the fault hook answer instead of the surface', async () => {
    h.ctx.faults = {
      match: (_surface, req) =>
        req.method === 'POST'
          ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } }
          : undefined,
    };
    assert.equal((await livy(h, 'POST', 'sessions', sessionBody())).status, 429);
    assert.equal((await livy(h, 'GET', 'sessions')).status, 200);
  });

  it('answers 404 for unknown workspaces, pools and sessions, 400 for bad bodies', async () => {
    const badPool = await fetch(`${h.endpoint}/livyApi/versions/2019-11-01-preview/sparkPools/nopool/sessions`);
    assert.equal(badPool.status, 404);
    assert.equal(((await badPool.json()) as { code: string }).code, 'BigDataPoolNotFound');
    const badWs = await fetch(`${h.baseUrl}/synapse/nows/livyApi/versions/2019-11-01-preview/sparkPools/${POOL}/sessions`);
    assert.equal(badWs.status, 404);
    assert.equal((await livy(h, 'GET', 'sessions/42')).status, 404);
    assert.equal((await livy(h, 'POST', 'sessions', { driverMemory: '28g' })).status, 400);
    assert.equal((await livy(h, 'PATCH', 'sessions')).status, 405);
  });
});
