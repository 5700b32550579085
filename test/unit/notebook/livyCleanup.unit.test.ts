/**
 * Against the emulator: %%cleanup -f deletes other notebooks' sessions through their SparkSession (they explain
 * it in their next cell), a submit to a session deleted behind our back is a SessionEndedError, and Livy
 * errors read as sentences.
 */
import * as assert from 'assert';
import { SessionEndedError } from '../../../src/core/livy/errors';
import { SdkLivyClient } from '../../../src/core/livy/livyClient';
import { AzureRequestError } from '../../../src/core/http/errors';
import { SparkSession } from '../../../src/core/livy/sparkSession';
import { runCell } from '../../../src/core/notebook/cellRunner';
import { parseCell } from '../../../src/core/notebook/magics';
import { NotebookSessionRegistry } from '../../../src/core/notebook/sessionRegistry';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient, RecordingSink } from '../../support/livySessions';
import { attachedPoolsFromSeed } from '../../support/sparkCatalog';

describe('Sessions deleted elsewhere, against the emulator', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;

  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300 } });
    client = emulatorLivyClient(emu);
  });

  after(async () => {
    await emu?.stop();
  });

  it("%%cleanup -f in one notebook ends the other notebook's session the way a Sessions-view kill does", async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
      store: { get: () => undefined, set: () => undefined },
    });
    const a = registry.get('file:///a.ipynb', pool, 'a.ipynb');
    const b = registry.get('file:///b.ipynb', pool, 'b.ipynb');
    const run = async (host: typeof a, source: string) => {
      const sink = new RecordingSink();
      const result = await runCell(parseCell(source), host, sink, new AbortController().signal);
      return { sink, result };
    };
    assert.strictEqual((await run(a, 'x = 1\nprint("a")')).sink.text(), 'a');
    assert.strictEqual((await run(b, 'print("b")')).sink.text(), 'b');
    const idA = a.session.sessionId!;
    const idB = b.session.sessionId!;

    let changes = 0;
    registry.onDidChange(() => changes++);
    const cleaned = await run(b, '%%cleanup -f');
    assert.strictEqual(cleaned.result.outcome, 'succeeded');
    assert.match(cleaned.sink.text(), new RegExp(`^Deleted \\d+ Spark session\\(s\\): .*\\b${idA}\\b`));
    assert.strictEqual((await client.getSession(idA)).state, 'killed');
    assert.strictEqual((await client.getSession(idB)).state, 'killed');
    assert.strictEqual(a.session.sessionId, undefined, 'notebook A forgot its deleted session');
    assert.strictEqual(a.session.state, 'killed', 'the status bar no longer says idle');
    assert.ok(changes > 0, 'the registry told the Sessions view and status bar');

    const next = await run(a, 'print("again")');
    const newA = a.session.sessionId!;
    assert.strictEqual(next.result.outcome, 'succeeded', next.sink.text());
    assert.notStrictEqual(newA, idA);
    assert.strictEqual(
      next.sink.text(),
      `Spark session ${idA} was deleted by %%cleanup in b.ipynb, so this cell started a new session (${newA}); ` +
        'variables and cached data from the old one are gone.\nagain',
    );
    // B asked for it: no note there.
    assert.strictEqual((await run(b, 'print("b2")')).sink.text(), 'b2');
    await registry.closeNotebook('file:///a.ipynb', true);
    await registry.closeNotebook('file:///b.ipynb', true);
  });

  it('a session whose delete keeps failing when its notebook closes is retried, then listed as orphaned with its id logged', async () => {
    const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
    const warnings: string[] = [];
    const log = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
      store: { get: () => undefined, set: () => undefined },
      log: log as never,
    });
    const host = registry.get('file:///leaky.ipynb', pool, 'leaky.ipynb');
    const sink = new RecordingSink();
    await runCell(parseCell('print("up")'), host, sink, new AbortController().signal);
    const id = host.session.sessionId!;
    const fault = emu.handle.faults.add({ kind: 'status', surface: 'livy', method: 'DELETE', path: `/sessions/${id}$`, status: 503 });
    try {
      await registry.closeNotebook('file:///leaky.ipynb', true);
    } finally {
      emu.handle.faults.remove(fault.id);
    }
    assert.deepStrictEqual(registry.orphaned(pool), [id]);
    assert.ok(
      warnings.some((w) => w.includes(`Spark session ${id}`) && /orphaned/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(!warnings.some((w) => /session undefined/.test(w)));
    assert.notStrictEqual((await client.getSession(id)).state, 'killed', 'it is still alive: nothing hides that');
    // Kill (or the session ending) clears the mark.
    await client.deleteSession(id);
    registry.forgetOrphan(pool, id);
    assert.deepStrictEqual(registry.orphaned(pool), []);
  });

  it('treats a submit Livy refuses because the session is killed as the session having ended', async () => {
    const session = new SparkSession({ api: client, name: 'unit', request: () => ({}) });
    const id = await session.ensureReady();
    await client.deleteSession(id); // behind the SparkSession's back (another window, Synapse Studio)
    assert.strictEqual(session.state, 'idle');
    // Livy answers the submit with 400 "Session N is killed; it cannot run statements.": the session ended.
    await assert.rejects(
      session.run('print(1)', 'pyspark'),
      (err: Error) => err instanceof SessionEndedError && err.sessionId === id && err.state === 'killed',
    );
    assert.strictEqual(session.state, 'killed');
    const fresh = await session.run('print(2)', 'pyspark');
    assert.strictEqual(fresh.output.status, 'ok');
    assert.notStrictEqual(session.sessionId, id);
    assert.match(
      session.takeReplacementNotice() ?? '',
      new RegExp(`^Spark session ${id} ended \\(killed\\), so this cell started a new session`),
    );
    await session.delete();
  });

  it('a refused token is dropped and asked for again once; refused again, the error says to sign in again', async () => {
    const once = emu.handle.faults.add({
      kind: 'status',
      surface: 'livy',
      method: 'GET',
      path: '/sessions$',
      status: 401,
      code: 'Unauthorized',
      message: 'Token expired',
      count: 1,
    });
    try {
      assert.ok(Array.isArray(await client.listSessions()), 'the second try, with a new token, answers');
      assert.equal(
        emu.handle.faults.list().some((f) => f.id === once.id),
        false,
        'the refusal was used up: the first try saw it',
      );
    } finally {
      emu.handle.faults.remove(once.id);
    }
    const always = emu.handle.faults.add({
      kind: 'status',
      surface: 'livy',
      method: 'GET',
      path: '/sessions$',
      status: 401,
      code: 'Unauthorized',
      message: 'Token revoked',
    });
    try {
      await assert.rejects(
        client.listSessions(),
        (err: Error) =>
          err instanceof AzureRequestError &&
          err.statusCode === 401 &&
          /refused the sign-in \(HTTP 401\), also with a fresh token\. Sign in again \(Synapse Spark: Sign In\), then try again\./.test(
            err.message,
          ),
      );
    } finally {
      emu.handle.faults.remove(always.id);
    }
    assert.ok(Array.isArray(await client.listSessions()), 'after signing in again, calls work');
  });

  it('fails the cell with a readable message when Livy answers the create with a 500', async () => {
    const fault = emu.handle.faults.add({
      kind: 'status',
      surface: 'livy',
      method: 'POST',
      path: '/sessions$',
      status: 500,
      code: 'InternalServerError',
      message: 'Internal error creating session',
    });
    const session = new SparkSession({ api: client, name: 'unit', request: () => ({}) });
    try {
      await assert.rejects(
        session.ensureReady(),
        (err: Error) =>
          err instanceof AzureRequestError &&
          err.name === 'AzureRequestError' &&
          err.statusCode === 500 &&
          err.code === 'InternalServerError' &&
          err.message ===
            `Could not create a Spark session on pool 'sparksmall' (HTTP 500): InternalServerError: Internal error creating session. ` +
              'Try again; if it persists, check the pool in Synapse Studio.',
      );
    } finally {
      emu.handle.faults.remove(fault.id);
      session.dispose();
    }
  });
});
