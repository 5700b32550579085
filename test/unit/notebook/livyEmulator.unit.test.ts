/**
 * The Livy client, session and cell runner against the emulator over real HTTPS (SDK, token, TLS):
 * statements ok / error / table / html, cancel, a session killed under a statement, and the magics.
 */
import * as assert from 'assert';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { SessionEndedError } from '../../../src/core/livy/errors';
import { SdkLivyClient } from '../../../src/core/livy/livyClient';
import { CREATED_BY_TAG, CREATED_BY_VALUE, SparkSession } from '../../../src/core/livy/sparkSession';
import { runCell } from '../../../src/core/notebook/cellRunner';
import { ERROR_MIME } from '../../../src/core/notebook/outputs';
import { parseCell } from '../../../src/core/notebook/magics';
import { NotebookSessionRegistry, type StoredSession } from '../../../src/core/notebook/sessionRegistry';
import { LIVY_TABLE_MIME } from '../../../src/protocol/livyTable';
import { startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient, RecordingSink } from '../../support/livySessions';
import { attachedPoolsFromSeed } from '../../support/sparkCatalog';

describe('Livy client and notebook sessions against the emulator', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;
  let session: SparkSession;

  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 600 } });
    client = emulatorLivyClient(emu);
    session = new SparkSession({ api: client, name: 'unit', request: () => ({ executorMemory: '4g' }) });
  });

  after(async () => {
    await session?.delete().catch(() => undefined);
    await emu?.stop();
  });

  it('creates a session, shows its cold-start stages and reaches idle', async () => {
    const stages = new Set<string>();
    const id = await session.ensureReady((p) => stages.add(p.current));
    assert.strictEqual(session.state, 'idle');
    assert.ok(stages.size >= 2, `stages seen: ${[...stages]}`);
    const info = await client.getSession(id);
    assert.strictEqual(info.tags[CREATED_BY_TAG], CREATED_BY_VALUE);
    assert.strictEqual(info.request?.executorMemory, '4g');
    assert.ok(info.sparkUiUrl?.startsWith(emu.url), info.sparkUiUrl);
  });

  it('runs print, an expression, an error, a table and html', async () => {
    const printed = await session.run('print("hello livy")', 'pyspark');
    assert.deepStrictEqual(printed.output, {
      status: 'ok',
      executionCount: printed.output.executionCount,
      data: { 'text/plain': 'hello livy' },
    });
    const expr = await session.run('1 + 41', 'pyspark');
    assert.strictEqual(expr.output.status === 'ok' && expr.output.data['text/plain'], '42');
    assert.strictEqual(expr.output.executionCount, printed.output.executionCount + 1);
    const error = await session.run('1/0', 'pyspark');
    assert.strictEqual(error.output.status, 'error');
    assert.strictEqual(error.output.status === 'error' && error.output.ename, 'ZeroDivisionError');
    const table = await session.run('rows = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]\n%table rows', 'pyspark');
    if (table.output.status === 'ok' && table.output.data[LIVY_TABLE_MIME]) {
      assert.deepStrictEqual((table.output.data[LIVY_TABLE_MIME] as { data: unknown[] }).data.length, 2);
    } else {
      // The runner only splits magics when the whole cell fails to parse: run %table on its own line.
      const only = await session.run('%table rows', 'pyspark');
      assert.ok(only.output.status === 'ok' && only.output.data[LIVY_TABLE_MIME], JSON.stringify(only.output));
    }
    const html = await session.run('class H:\n    def _repr_html_(self): return "<b>hi</b>"\nH()', 'pyspark');
    assert.strictEqual(html.output.status === 'ok' && html.output.data['text/html'], '<b>hi</b>');
  });

  it('cancels a time.sleep(30) statement within 2 s', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = session.run('import time\ntime.sleep(30)', 'pyspark', controller.signal);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await assert.rejects(running, (err: Error) => err.name === 'AbortError');
    assert.ok(Date.now() - started < 2300, `took ${Date.now() - started} ms`);
    const statements = await await fetchStatements(session.sessionId!);
    assert.strictEqual(statements.at(-1)?.state, 'cancelled');
    const after = await session.run('print("still alive")', 'pyspark');
    assert.strictEqual(after.output.status === 'ok' && after.output.data['text/plain'], 'still alive');
  });

  it('fails a cell cleanly when the session is killed under it', async () => {
    const id = session.sessionId!;
    const running = session.run('import time\ntime.sleep(30)', 'pyspark');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    killViaFault(id);
    await assert.rejects(
      running,
      (err: Error) =>
        err instanceof SessionEndedError &&
        err.sessionId === id &&
        /ended \(dead\)/.test(err.message) &&
        // one sentence end even when Livy's reason ends with a period, and the next step
        !/\.\./.test(err.message) &&
        /the next cell you run starts a new session, or use Restart Session/.test(err.message),
    );
    assert.ok(Date.now() - started < 3000, `noticed after ${Date.now() - started} ms`);
    assert.strictEqual(session.state, 'dead');
    // The next run starts a fresh session.
    const fresh = await session.run('print(2)', 'pyspark');
    assert.notStrictEqual(session.sessionId, id);
    assert.strictEqual(fresh.output.status, 'ok');
  });

  it('runs cells with magics end to end: %%configure, %%info, %%logs, %%help, %%cleanup, unknown', async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const stored = new Map<string, StoredSession>();
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: {
        sessionDefaults: () => ({ driverMemory: '8g' }),
        idleShutdownMinutes: () => 0,
        outputLimits: () => ({ maxBytes: 100_000 }),
      },
      store: { get: (k) => stored.get(k), set: (k, v) => (v ? stored.set(k, v) : stored.delete(k)) },
    });
    const host = registry.get('file:///nb.ipynb', pool, 'nb.ipynb');
    const run = async (source: string) => {
      const sink = new RecordingSink();
      const result = await runCell(parseCell(source), host, sink, new AbortController().signal);
      return { sink, result };
    };
    const configured = await run('%%configure\n{"executorMemory": "2g", "conf": {"spark.x": "1"}}');
    assert.strictEqual(configured.result.outcome, 'succeeded', configured.sink.text());
    assert.match(configured.sink.text(), /Applied the session settings \(session \d+/);
    assert.ok(configured.sink.history.length >= 2, 'cold-start progress was shown before the result');
    assert.match(
      configured.sink.history[0]
        .flatMap((o) => o.items)
        .map((i) => ('text' in i ? i.text : ''))
        .join(''),
      /Starting a Spark session on sparksmall/,
    );
    const id = host.session.sessionId!;
    assert.strictEqual(stored.size, 1, 'the session id is stored for re-attach');
    const request = (await client.getSession(id)).request!;
    assert.deepStrictEqual(
      [request.driverMemory, request.executorMemory, (request.conf as Record<string, string>)['spark.x']],
      ['8g', '2g', '1'],
    );

    const refused = await run('%%configure\n{"executorMemory": "3g"}');
    assert.strictEqual(refused.result.outcome, 'failed');
    assert.match(refused.sink.text(), /already running.*%%configure -f/);
    const forced = await run('%%configure -f\n{"executorMemory": "3g"}');
    assert.match(forced.sink.text(), /Restarted the session/);
    assert.notStrictEqual(host.session.sessionId, id);
    assert.strictEqual((await client.getSession(id)).state, 'killed');

    const printed = await run('print("x")');
    assert.strictEqual(printed.sink.text(), 'x');
    assert.ok(printed.sink.order! >= 1);
    const info = await run('%%info');
    const md = info.sink.last[0].items.find((i) => i.mime === 'text/markdown') as { text: string };
    assert.match(md.text, /^\| Property \| Value \|\n\| --- \| --- \|\n\| Pool \| sparksmall/, 'no empty header row');
    assert.ok(!/^\|\s*\|\s*\|$/m.test(md.text), md.text);
    assert.match(info.sink.text(), new RegExp(`Session: ${host.session.sessionId}`));
    assert.match(info.sink.text(), /Spark UI: https:\/\/127\.0\.0\.1/);
    assert.match(info.sink.text(), /"executorMemory":"3g"/);
    const logs = await run('%%logs');
    assert.match(logs.sink.text(), /Session \d+ log:[\s\S]*stdout/);
    assert.match((await run('%%help')).sink.text(), /%%configure/);
    const unknown = await run('%%local\nprint(1)');
    assert.strictEqual(unknown.result.outcome, 'failed');
    assert.strictEqual(unknown.sink.last[0].items[0].mime, ERROR_MIME);

    // A restored registry re-attaches to the stored session instead of creating one.
    const registry2 = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
      store: { get: (k) => stored.get(k), set: (k, v) => (v ? stored.set(k, v) : stored.delete(k)) },
    });
    const again = registry2.get('file:///nb.ipynb', pool, 'nb.ipynb');
    await again.restored();
    assert.strictEqual(again.session.sessionId, host.session.sessionId);
    assert.strictEqual(again.session.state, 'idle');

    const notConfirmed = await run('%%cleanup');
    assert.match(notConfirmed.sink.text(), /Run %%cleanup -f to confirm/);
    const cleaned = await run('%%cleanup -f');
    assert.match(cleaned.sink.text(), /Deleted \d+ Spark session/);
    const live = (await client.listSessions()).filter((s) => !['dead', 'killed', 'error'].includes(s.state));
    assert.deepStrictEqual(
      live.map((s) => s.id).filter((x) => x === id || x === again.session.sessionId),
      [],
    );
    await registry.closeNotebook('file:///nb.ipynb', true);
    assert.strictEqual(stored.size, 0);
  });

  it('says when a cold-started session is up, so the last stage does not stay on screen while the cell runs', async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
      store: { get: () => undefined, set: () => undefined },
    });
    const host = registry.get('file:///cold.ipynb', pool, 'cold.ipynb');
    const sink = new RecordingSink();
    const result = await runCell(parseCell('import time\ntime.sleep(0.3)\nprint("done")'), host, sink, new AbortController().signal);
    assert.strictEqual(result.outcome, 'succeeded');
    const texts = sink.history.map((h) =>
      h
        .flatMap((o) => o.items)
        .map((i) => ('text' in i ? i.text : ''))
        .join(''),
    );
    const ready = texts.findIndex((t) =>
      /^Spark session \d+ started on sparksmall \(contoso-synapse\) in 0:0\d; running the cell…$/.test(t),
    );
    assert.ok(ready > 0, texts.join('\n---\n'));
    assert.ok(
      texts.slice(0, ready).every((t) => /^Starting a Spark session on sparksmall/.test(t)),
      'cold-start stages came first',
    );
    assert.deepStrictEqual(texts.slice(ready + 1), ['done'], 'the result replaced it');
    // A cell on the running session shows no such line.
    const warm = new RecordingSink();
    await runCell(parseCell('print("warm")'), host, warm, new AbortController().signal);
    assert.deepStrictEqual(
      warm.history.map((h) =>
        h
          .flatMap((o) => o.items)
          .map((i) => ('text' in i ? i.text : ''))
          .join(''),
      ),
      ['warm'],
    );
    await registry.closeNotebook('file:///cold.ipynb', true);
  });

  it('explains in the next cell when a session was replaced without the user asking, and only then', async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
      store: { get: () => undefined, set: () => undefined },
    });
    const host = registry.get('file:///replaced.ipynb', pool, 'replaced.ipynb');
    const run = async (source: string) => {
      const sink = new RecordingSink();
      const result = await runCell(parseCell(source), host, sink, new AbortController().signal);
      return { sink, result };
    };
    assert.strictEqual((await run('x = 1\nprint("first")')).sink.text(), 'first', 'no note on the first session');
    const first = host.session.sessionId!;
    await host.session.delete('was killed from the Sessions view');
    assert.strictEqual((await client.getSession(first)).state, 'killed');
    const next = await run('print("second")');
    const second = host.session.sessionId!;
    assert.notStrictEqual(second, first);
    assert.strictEqual(next.result.outcome, 'succeeded');
    assert.strictEqual(
      next.sink.text(),
      `Spark session ${first} was killed from the Sessions view, so this cell started a new session (${second}); ` +
        'variables and cached data from the old one are gone.\nsecond',
    );
    assert.strictEqual((await run('print("third")')).sink.text(), 'third', 'the note is shown once');

    // Died under a cell: that cell fails, the next one explains.
    emu.handle.faults.add({
      kind: 'sessionDeath',
      surface: 'livy',
      method: 'GET',
      path: `/sessions/${second}/statements/\\d+$`,
      count: 1,
      latencyMs: 0,
    });
    const died = await run('import time\ntime.sleep(5)');
    assert.strictEqual(died.result.outcome, 'failed');
    const recovered = await run('print("fourth")');
    assert.match(
      recovered.sink.text(),
      new RegExp(`^Spark session ${second} ended \\(dead\\), so this cell started a new session \\(\\d+\\)`),
    );
    assert.match(recovered.sink.text(), /fourth$/);

    // Asked for (Restart Session, %%configure -f): nothing to explain.
    await host.session.restart();
    assert.strictEqual((await run('print("fifth")')).sink.text(), 'fifth');
    await registry.closeNotebook('file:///replaced.ipynb', true);
  });

  /** The emulator's sessionDeath fault: the next poll of the session's statements kills its Python process. */
  function killViaFault(id: number): void {
    emu.handle.faults.add({
      kind: 'sessionDeath',
      surface: 'livy',
      method: 'GET',
      path: `/sessions/${id}/statements/\\d+$`,
      count: 1,
      latencyMs: 0,
    });
  }

  async function fetchStatements(id: number): Promise<{ state: string }[]> {
    const token = await emu.credential().getToken(SYNAPSE_SCOPE);
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const url = `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${pool.poolName}/sessions/${id}/statements`;
    const res = await emu.httpClient.sendRequest(
      createPipelineRequest({
        url,
        method: 'GET',
        headers: createHttpHeaders({ authorization: `Bearer ${token!.token}` }),
      }),
    );
    return JSON.parse(res.bodyAsText ?? '{}').statements;
  }
});
