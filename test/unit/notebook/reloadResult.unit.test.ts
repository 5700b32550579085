/**
 * A window reload while a cell runs, through the core (no VS Code) against the emulator over real HTTPS:
 * the closing window stops following the statement without cancelling it, the pending cell is remembered
 * in the store the glue keeps, and once the next window's registry re-attaches the session, resumeCell lands
 * the statement's own result (not a re-run) in the cell; a session that ended meanwhile says the result was
 * lost and why. Also the pending list itself and how a result finds its cell.
 */
import * as assert from 'assert';
import { DetachedError } from '../../../src/core/livy/statementRunner';
import { isNotFound, type SdkLivyClient } from '../../../src/core/livy/livyClient';
import { resumeCell, runCell } from '../../../src/core/notebook/cellRunner';
import { parseCell } from '../../../src/core/notebook/magics';
import { locateCell, PendingCells, sourceHash, type PendingCell } from '../../../src/core/notebook/pendingCells';
import { NotebookSessionRegistry, type StoredSession } from '../../../src/core/notebook/sessionRegistry';
import type { AttachedSparkPool } from '../../../src/core/model/sparkTargets';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient, RecordingSink } from '../../support/livySessions';
import { attachedPoolsFromSeed } from '../../support/sparkCatalog';

describe('a cell running across a window reload', function () {
  this.timeout(90_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;
  let pool: AttachedSparkPool;
  const stored = new Map<string, StoredSession>();
  const pendingList: PendingCell[] = [];
  const registries: NotebookSessionRegistry[] = [];

  const window = () => {
    const registry = new NotebookSessionRegistry({
      apiFor: () => client,
      settings: {
        sessionDefaults: () => ({}),
        idleShutdownMinutes: () => 0,
        outputLimits: () => ({ maxBytes: 100_000 }),
        sparkProgress: () => false,
      },
      store: { get: (k) => stored.get(k), set: (k, v) => (v ? stored.set(k, v) : stored.delete(k)) },
    });
    registries.push(registry);
    return registry;
  };
  const pending = new PendingCells({ get: () => [...pendingList], set: (cells) => pendingList.splice(0, pendingList.length, ...cells) });

  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300 } });
    client = emulatorLivyClient(emu);
    pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
  });

  after(async () => {
    for (const r of registries) await r.closeNotebook('file:///reload.ipynb', true).catch(() => undefined);
    await emu?.stop();
  });

  /** Runs a cell as the glue does: the statement is remembered once Livy accepts it. */
  function startCell(registry: NotebookSessionRegistry, source: string, cellIndex: number, signal: AbortSignal) {
    const host = registry.get('file:///reload.ipynb', pool, 'reload.ipynb');
    const sink = new RecordingSink();
    sink.submitted = (sessionId, statementId) =>
      pending.add({
        notebook: 'file:///reload.ipynb',
        computeId: pool.computeId,
        cellIndex,
        sourceHash: sourceHash(source),
        startedAt: Date.now(),
        sessionId,
        statementId,
      });
    return { sink, result: runCell(parseCell(source), host, sink, signal) };
  }

  it("lands the statement's own result in its cell after the session is re-attached, without running it again", async () => {
    const first = window();
    const source = 'import time\ncount = globals().get("count", 0) + 1\ntime.sleep(3)\nprint("landed", count)';
    const closing = new AbortController();
    const { result } = startCell(first, source, 2, closing.signal);
    for (let i = 0; i < 100 && !pendingList.length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(pendingList.length, 1, 'the running statement is remembered');
    // The window goes away: the cell stops being followed, the statement is not cancelled.
    closing.abort(new DetachedError('The window closed.'));
    assert.strictEqual((await result).outcome, 'cancelled');
    const [entry] = pending.forNotebook('file:///reload.ipynb', pool.computeId.toUpperCase());
    assert.ok(entry, 'the pending cell survives the closing window');
    assert.notStrictEqual((await client.getStatement(entry.sessionId, entry.statementId)).statement.state, 'cancelled');

    // The next window: the registry re-attaches the stored session, and the result lands.
    const host = window().get('file:///reload.ipynb', pool, 'reload.ipynb');
    await host.restored();
    assert.strictEqual(host.session.sessionId, entry.sessionId, 're-attached to the same session');
    const sink = new RecordingSink();
    const resumed = await resumeCell(entry, host, sink, new AbortController().signal);
    assert.strictEqual(resumed.outcome, 'succeeded', sink.text());
    assert.match(
      sink.history[0]
        .flatMap((o) => o.items)
        .map((i) => ('text' in i ? i.text : ''))
        .join(''),
      new RegExp(`following statement ${entry.statementId} of Spark session ${entry.sessionId}`),
    );
    assert.strictEqual(sink.text(), 'landed 1', 'the result of the one run, not of a second one');
    assert.ok(sink.order! >= 1);
    await assert.rejects(
      client.getStatement(entry.sessionId, entry.statementId + 1),
      (err) => isNotFound(err),
      'nothing was submitted again',
    );
  });

  it('an interrupt, unlike a closing window, cancels the statement on the pool', async () => {
    const registry = registries.at(-1)!;
    const interrupt = new AbortController();
    pendingList.splice(0);
    const { result } = startCell(registry, 'import time\ntime.sleep(20)', 0, interrupt.signal);
    for (let i = 0; i < 100 && !pendingList.length; i++) await new Promise((r) => setTimeout(r, 50));
    const [entry] = pendingList;
    interrupt.abort();
    assert.strictEqual((await result).outcome, 'cancelled');
    assert.strictEqual((await client.getStatement(entry.sessionId, entry.statementId)).statement.state, 'cancelled');
  });

  it('says the result was lost, and why, when the session ended while the window was away', async () => {
    const registry = registries.at(-1)!;
    pendingList.splice(0);
    const closing = new AbortController();
    const { result } = startCell(registry, 'import time\ntime.sleep(20)', 1, closing.signal);
    for (let i = 0; i < 100 && !pendingList.length; i++) await new Promise((r) => setTimeout(r, 50));
    closing.abort(new DetachedError('The window closed.'));
    await result;
    const [entry] = pendingList;
    await client.deleteSession(entry.sessionId);
    const host = window().get('file:///reload.ipynb', pool, 'reload.ipynb');
    await host.restored();
    const sink = new RecordingSink();
    const resumed = await resumeCell(entry, host, sink, new AbortController().signal);
    assert.strictEqual(resumed.outcome, 'failed');
    assert.match(
      sink.text(),
      new RegExp(
        `ResultLost: The window reloaded while this cell ran, and its result \\(statement ${entry.statementId} ` +
          `of Spark session ${entry.sessionId}\\) can no longer be read: The Spark session ${entry.sessionId} ended`,
      ),
    );
  });
});

describe('pending cell results', () => {
  const entry = (over: Partial<PendingCell>): PendingCell => ({
    notebook: 'file:///a.ipynb',
    computeId: '/x/computes/pool',
    cellIndex: 0,
    sourceHash: sourceHash('print(1)'),
    startedAt: 1000,
    sessionId: 1,
    statementId: 0,
    ...over,
  });

  it('keeps one entry per cell, forgets a landed one, and drops entries a week old', () => {
    let list: PendingCell[] = [];
    let now = 2000;
    const cells = new PendingCells({ get: () => list, set: (l) => (list = l) }, () => now);
    cells.add(entry({ statementId: 1 }));
    cells.add(entry({ statementId: 2 })); // the same cell ran again
    cells.add(entry({ cellIndex: 3, statementId: 3, startedAt: 1500 }));
    cells.add(entry({ notebook: 'file:///b.ipynb', statementId: 4 }));
    assert.deepStrictEqual(
      cells.forNotebook('file:///a.ipynb', '/X/computes/POOL').map((c) => c.statementId),
      [2, 3],
    );
    cells.remove({ sessionId: 1, statementId: 2, computeId: '/x/computes/pool' });
    assert.deepStrictEqual(
      cells.forNotebook('file:///a.ipynb', '/x/computes/pool').map((c) => c.statementId),
      [3],
    );
    now = 1500 + 7 * 24 * 3600_000;
    assert.deepStrictEqual(cells.forNotebook('file:///a.ipynb', '/x/computes/pool'), []);
  });

  it('finds the cell by position and text, follows a moved cell, and never guesses', () => {
    const texts = ['# title', 'print(1)', 'print(2)'];
    assert.strictEqual(locateCell(texts, { cellIndex: 1, sourceHash: sourceHash('print(1)') }), 1);
    assert.strictEqual(locateCell(texts, { cellIndex: 0, sourceHash: sourceHash('print(2)') }), 2, 'a cell inserted above moved it');
    assert.strictEqual(locateCell(texts, { cellIndex: 1, sourceHash: sourceHash('print(3)') }), undefined, 'edited since');
    assert.strictEqual(
      locateCell(['print(1)', 'print(1)'], { cellIndex: 5, sourceHash: sourceHash('print(1)') }),
      undefined,
      'two candidates',
    );
  });
});
