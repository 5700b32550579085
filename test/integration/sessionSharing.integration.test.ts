/**
 * sessionSharing `sharedPerPool` inside a real extension host, against the emulator: two notebooks on the
 * sparksmall pool share one Livy session (one variable seen from both), the status bar counts the window's
 * sessions per pool and names the notebooks sharing each, the Sessions view says which notebooks share a
 * session, Restart Session says it restarts for both, and the session lives until the last notebook closes.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';
import { ScriptedUi } from '../support/scriptedUi';
import { connectNotebookPool, livy, livySession, livySessionsUrl, openNotebook, runCell, text, waitFor } from './notebookHarness';

describe('Notebooks sharing one Spark session per pool', function () {
  this.timeout(120_000);
  let hooks: TestHooks;
  let pool: AttachedSparkPool;
  let controllerId: string;
  const config = () => vscode.workspace.getConfiguration('synapseSpark.notebook');

  before(async () => {
    ({ hooks, pool, controllerId } = await connectNotebookPool());
    // Notebooks left open by earlier suites would add their sessions to the count.
    await vscode.workspace.saveAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(
      'no sessions held',
      () => hooks.notebooks.sessionCounts(),
      (c) => c === undefined,
      20_000,
    );
    await config().update('sessionSharing', 'sharedPerPool', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    hooks.notebooks.useUi(undefined);
    await config().update('sessionSharing', undefined, vscode.ConfigurationTarget.Workspace);
  });

  /** The ids of the live sessions Livy lists on the pool. */
  const liveIds = async (): Promise<number[]> =>
    ((await livy('GET', livySessionsUrl(pool))).body.sessions as { id: number; state: string }[])
      .filter((s) => !['dead', 'killed', 'error', 'success'].includes(s.state))
      .map((s) => s.id);
  const sessionOf = (doc: vscode.NotebookDocument) => hooks.notebooks.sessions(doc.uri.toString())[0]?.sessionId;
  const close = async (doc: vscode.NotebookDocument) => {
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  };

  it('two notebooks share one session; the status bar and the Sessions view show it; it ends with the last notebook', async () => {
    const before = new Set(await liveIds());
    const a = await openNotebook(controllerId, 'share-a.ipynb', ['shared_value = 7\nprint("a ran")', 'print("a again")']);
    const b = await openNotebook(controllerId, 'share-b.ipynb', ['print(shared_value * 6)']);
    const first = await runCell(a, 0);
    assert.strictEqual(text(first), 'a ran');
    const fromB = await runCell(b, 0);
    assert.strictEqual(fromB.executionSummary?.success, true, text(fromB));
    assert.strictEqual(text(fromB), '42', 'B sees the variable A set');
    const id = sessionOf(a)!;
    assert.strictEqual(sessionOf(b), id);
    assert.deepStrictEqual(
      (await liveIds()).filter((s) => !before.has(s)),
      [id],
      'Livy lists one new session for the two notebooks',
    );

    const counts = await waitFor(
      'the sessions count in the status bar',
      () => hooks.notebooks.sessionCounts(),
      (c) => !!c && new RegExp(`session ${id} \\(idle\\), shared by share-a\\.ipynb, share-b\\.ipynb`).test(c.tooltip),
    );
    assert.strictEqual(counts!.text, '$(zap) Spark: sparksmall 1');
    const row = await waitFor(
      'the session in the Sessions view',
      async () => (await hooks.notebooks.sessionsView()).find((r) => r.kind === 'session' && r.sessionId === id),
      (r) => !!r,
    );
    assert.strictEqual(row!.mine, true);
    assert.match(row!.description ?? '', / · this window · shared by share-a\.ipynb, share-b\.ipynb/);

    // Restart from B says it restarts for A too (declined here: the session stays).
    const ui = new ScriptedUi().script({ confirm: false });
    hooks.notebooks.useUi(ui);
    await vscode.commands.executeCommand('synapseSpark.notebook.restartSession', b.uri);
    assert.deepStrictEqual(ui.unexpected, []);
    assert.deepStrictEqual(ui.confirmDetails, [
      'It is shared with share-a.ipynb: it restarts for them too, and all of them lose their variables and cached data.',
    ]);
    assert.strictEqual((await livySession(pool, id)).state, 'idle');

    await close(a);
    await waitFor(
      'A to let go of the session',
      () => hooks.notebooks.sessions(a.uri.toString()),
      (s) => s.length === 0,
    );
    assert.strictEqual((await livySession(pool, id)).state, 'idle', 'B still uses it');
    await waitFor(
      'the status bar to name B alone',
      () => hooks.notebooks.sessionCounts(),
      (c) =>
        !!c && c.text === '$(zap) Spark: sparksmall 1' && new RegExp(`session ${id} \\(idle\\), used by share-b\\.ipynb$`).test(c.tooltip),
    );
    assert.strictEqual(text(await runCell(b, 0)), '42');

    await close(b);
    await waitFor(
      'the session to be deleted',
      () => livySession(pool, id),
      (s) => s.state === 'killed',
      20_000,
    );
    await waitFor(
      'the sessions count to go',
      () => hooks.notebooks.sessionCounts(),
      (c) => c === undefined,
    );
  });
});
