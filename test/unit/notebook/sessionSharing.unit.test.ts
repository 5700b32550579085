/**
 * Against the emulator over real HTTPS: with sessionSharing `sharedPerPool`, notebooks of a window on the
 * same pool with the same settings use one Livy session (they see each other's variables; an interrupt stops
 * only the notebook's own statement), a notebook whose %%configure differs moves to a session of its own, the
 * session lives until the last notebook using it closes, and a window reload re-attaches all of them to it
 * once. `perNotebook` (the default) keeps a session per notebook.
 */
import * as assert from 'assert';
import type { LivyApi, SdkLivyClient } from '../../../src/core/livy/livyClient';
import { isEndedServerState } from '../../../src/core/livy/types';
import { runCell } from '../../../src/core/notebook/cellRunner';
import { parseCell } from '../../../src/core/notebook/magics';
import {
  NotebookSessionRegistry,
  type NotebookKernelSession,
  type SessionSharing,
  type StoredSession,
} from '../../../src/core/notebook/sessionRegistry';
import type { SessionConfig } from '../../../src/core/notebook/configure';
import type { TestEmulator } from '../../support/emulator';
import { waitUntil } from '../../support/waitUntil';
import { livyEmulatorForSuite, RecordingSink } from '../../support/livySessions';
import { attachedPoolsFromSeed } from '../../support/sparkCatalog';

describe('Sharing one Spark session between notebooks, against the emulator', function () {
  this.timeout(120_000);
  const suite = livyEmulatorForSuite();
  let emu: TestEmulator;
  let client: SdkLivyClient;

  before(() => {
    emu = suite.emu();
    client = suite.client();
  });

  /** A registry as the window builds it, over the real client; `deletes` counts the DELETEs it sends. */
  function window(sharing: SessionSharing, stored = new Map<string, StoredSession>(), defaults: SessionConfig = {}) {
    const deletes: number[] = [];
    const api: LivyApi = Object.create(client, {
      deleteSession: {
        value: (id: number, signal?: AbortSignal) => {
          deletes.push(id);
          return client.deleteSession(id, signal);
        },
      },
    });
    const registry = new NotebookSessionRegistry({
      apiFor: () => api,
      settings: {
        sessionDefaults: () => defaults,
        idleShutdownMinutes: () => 0,
        outputLimits: () => ({ maxBytes: 100_000 }),
        sessionSharing: () => sharing,
      },
      store: { get: (k) => stored.get(k), set: (k, v) => (v ? stored.set(k, v) : stored.delete(k)) },
    });
    return { registry, stored, deletes };
  }

  const pool = () => attachedPoolsFromSeed(emu.url, emu.seed)[0];
  const open = (registry: NotebookSessionRegistry, name: string) => registry.get(`file:///${name}`, pool(), name);
  const run = async (host: NotebookKernelSession, source: string, signal = new AbortController().signal) => {
    const sink = new RecordingSink();
    const result = await runCell(parseCell(source), host, sink, signal);
    return { sink, result, text: sink.text() };
  };
  /** The live sessions on the pool that Livy lists, by id. */
  const liveOnPool = async () => (await client.listSessions()).filter((s) => !isEndedServerState(s.state)).map((s) => s.id);
  const stateOf = async (id: number) => (await client.getSession(id)).state;

  it('two notebooks on the same pool with the same settings use one Livy session; closing the last one deletes it', async () => {
    const before = new Set(await liveOnPool());
    const { registry, stored, deletes } = window('sharedPerPool');
    const a = open(registry, 'a.ipynb');
    const b = open(registry, 'b.ipynb');
    assert.strictEqual((await run(a, 'shared_x = 41\nprint("a")')).text, 'a');
    assert.strictEqual((await run(b, 'print(shared_x + 1)')).text, '42', 'B sees the variable A set: it is the same Spark session');
    const id = a.session.sessionId!;
    assert.strictEqual(b.session.sessionId, id);
    assert.deepStrictEqual(
      (await liveOnPool()).filter((s) => !before.has(s)),
      [id],
      'Livy lists one new session',
    );
    assert.deepStrictEqual(
      registry.heldSessions().map((h) => h.notebookNames()),
      [['a.ipynb', 'b.ipynb']],
    );
    assert.deepStrictEqual(
      a.sharedWith().map((h) => h.notebookName),
      ['b.ipynb'],
    );
    assert.match(
      (await run(a, '%%info')).text,
      new RegExp(`Session: ${id} \\(Shared notebook session \\(VS Code\\)\\)[\\s\\S]*\\nShared with: b\\.ipynb\\n`),
    );
    assert.deepStrictEqual(
      [...stored.values()].map((s) => s.sessionId),
      [id, id],
      'each notebook stores the id to re-attach after a reload',
    );

    await registry.closeNotebook('file:///a.ipynb', true);
    assert.strictEqual(await stateOf(id), 'idle', 'B still uses it: closing A keeps it');
    assert.deepStrictEqual(deletes, []);
    assert.strictEqual((await run(b, 'print(shared_x)')).text, '41');
    assert.deepStrictEqual(
      registry.heldSessions().map((h) => h.notebookNames()),
      [['b.ipynb']],
    );

    await registry.closeNotebook('file:///b.ipynb', true);
    assert.strictEqual(await stateOf(id), 'killed', 'the last notebook closed: the session is deleted');
    assert.deepStrictEqual(deletes, [id], 'deleted once');
    assert.deepStrictEqual(registry.heldSessions(), []);
    assert.strictEqual(stored.size, 0);
  });

  it('an interrupt in one notebook cancels only its own statement on the shared session', async () => {
    const { registry } = window('sharedPerPool');
    const a = open(registry, 'slow.ipynb');
    const b = open(registry, 'quick.ipynb');
    assert.strictEqual((await run(a, 'print("up")')).text, 'up');
    assert.strictEqual(b.session, a.session);
    const interrupt = new AbortController();
    const slow = run(a, 'import time\ntime.sleep(30)\nprint("not reached")', interrupt.signal);
    await waitUntil(() => a.session.runningStatement, "A's statement to be submitted");
    const quick = run(b, 'import time\ntime.sleep(2)\nprint("b ran")'); // waits in Livy behind A's statement
    interrupt.abort();
    assert.strictEqual((await slow).result.outcome, 'cancelled');
    assert.strictEqual(b.session.state, 'busy', "B's statement still runs: the shared session is not idle yet");
    assert.ok(b.session.runningStatement, 'and the Sessions view still shows a running statement');
    const done = await quick;
    assert.strictEqual(done.result.outcome, 'succeeded', done.text);
    assert.strictEqual(done.text, 'b ran');
    assert.strictEqual(a.session.state, 'idle');
    await registry.closeNotebook('file:///slow.ipynb', true);
    await registry.closeNotebook('file:///quick.ipynb', true);
  });

  it('a notebook whose %%configure differs moves to a session of its own; the other keeps the shared one', async () => {
    const { registry } = window('sharedPerPool');
    const a = open(registry, 'same.ipynb');
    const b = open(registry, 'other.ipynb');
    assert.strictEqual((await run(a, 'kept = "yes"\nprint("a")')).text, 'a');
    const shared = a.session.sessionId!;
    assert.strictEqual((await run(b, 'print(kept)')).text, 'yes', 'B ran a cell on the shared session: it has state there');
    const refused = await run(b, '%%configure\n{"executorMemory": "3g"}');
    assert.strictEqual(refused.result.outcome, 'failed');
    assert.match(refused.text, new RegExp(`shares Spark session ${shared} with same\\.ipynb.*%%configure -f to move this notebook`));
    assert.strictEqual(b.session.sessionId, shared, 'refused: nothing moved');

    const moved = await run(b, '%%configure -f\n{"executorMemory": "3g"}');
    assert.strictEqual(moved.result.outcome, 'succeeded', moved.text);
    const own = b.session.sessionId!;
    assert.notStrictEqual(own, shared);
    assert.strictEqual((await client.getSession(own)).request?.executorMemory, '3g');
    assert.strictEqual(await stateOf(shared), 'idle', 'A still uses the shared session');
    assert.strictEqual((await run(a, 'print(kept)')).text, 'yes');
    assert.deepStrictEqual(
      registry.heldSessions().map((h) => h.notebookNames()),
      [['same.ipynb'], ['other.ipynb']],
    );

    // A third notebook asking for B's settings joins B's session, not A's: it ran nothing on A's, so no -f is needed.
    const c = open(registry, 'third.ipynb');
    assert.strictEqual((await run(c, '%%configure\n{"executorMemory": "3g"}')).result.outcome, 'succeeded');
    assert.strictEqual(c.session.sessionId, own);
    assert.strictEqual(a.session.sessionId, shared);
    for (const name of ['same.ipynb', 'other.ipynb', 'third.ipynb']) await registry.closeNotebook(`file:///${name}`, true);
    assert.deepStrictEqual([await stateOf(shared), await stateOf(own)], ['killed', 'killed']);
  });

  it('perNotebook (the default) starts a session per notebook', async () => {
    const { registry } = window('perNotebook');
    const a = open(registry, 'own-a.ipynb');
    const b = open(registry, 'own-b.ipynb');
    await run(a, 'only_a = 1');
    const seen = await run(b, 'print(only_a)');
    assert.strictEqual(seen.result.outcome, 'failed', "B has a session of its own, without A's variables");
    assert.notStrictEqual(a.session.sessionId, b.session.sessionId);
    assert.deepStrictEqual(
      registry.heldSessions().map((h) => h.notebookNames()),
      [['own-a.ipynb'], ['own-b.ipynb']],
    );
    await registry.closeNotebook('file:///own-a.ipynb', true);
    await registry.closeNotebook('file:///own-b.ipynb', true);
  });

  it('after a window reload both notebooks re-attach to the shared session once; it is deleted once, when the last closes', async () => {
    const first = window('sharedPerPool');
    const a = open(first.registry, 'reload-a.ipynb');
    const b = open(first.registry, 'reload-b.ipynb');
    await run(a, 'survives = "reload"');
    const id = a.session.sessionId!;
    assert.strictEqual(b.session.sessionId, id);
    first.registry.dispose(); // the window reloads: nothing is deleted
    assert.strictEqual(await stateOf(id), 'idle');

    const before = new Set(await liveOnPool());
    const second = window('sharedPerPool', first.stored);
    const a2 = open(second.registry, 'reload-a.ipynb');
    const b2 = open(second.registry, 'reload-b.ipynb');
    assert.strictEqual(a2.session, b2.session, 'one session for both while it re-attaches');
    await Promise.all([a2.restored(), b2.restored()]);
    assert.strictEqual(a2.session.sessionId, id);
    assert.strictEqual((await run(b2, 'print(survives)')).text, 'reload');
    assert.deepStrictEqual(
      (await liveOnPool()).filter((s) => !before.has(s)),
      [],
      'no new session',
    );
    assert.strictEqual(second.registry.heldSessions().length, 1);

    await second.registry.closeNotebook('file:///reload-a.ipynb', true);
    assert.strictEqual(await stateOf(id), 'idle');
    await second.registry.closeNotebook('file:///reload-b.ipynb', true);
    assert.strictEqual(await stateOf(id), 'killed');
    assert.deepStrictEqual(second.deletes, [id], 'one DELETE, not one per notebook');
    assert.strictEqual(first.stored.size, 0);
  });

  it('a notebook reopened after its stored session ended joins the live shared one instead of starting another', async () => {
    const stored = new Map<string, StoredSession>();
    const first = window('sharedPerPool', stored);
    const gone = open(first.registry, 'stale.ipynb');
    await run(gone, 'print(1)');
    const staleId = gone.session.sessionId!;
    first.registry.dispose();
    await client.deleteSession(staleId); // ended while the window was away (idle timeout, Synapse Studio)

    const second = window('sharedPerPool', stored);
    const live = open(second.registry, 'live.ipynb');
    await run(live, 'marker = "live"');
    const reopened = open(second.registry, 'stale.ipynb');
    await reopened.restored();
    assert.strictEqual(reopened.session.sessionId, live.session.sessionId);
    assert.strictEqual((await run(reopened, 'print(marker)')).text, 'live');
    assert.strictEqual(second.registry.heldSessions().length, 1);
    await second.registry.closeNotebook('file:///stale.ipynb', true);
    await second.registry.closeNotebook('file:///live.ipynb', true);
    assert.strictEqual(stored.size, 0);
  });
});
