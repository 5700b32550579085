/**
 * Notebook kernels inside a real extension host, against the emulator the runner started: pick the
 * pool's controller, run print / expression / error / table / %%configure / %%info / %%logs, interrupt a
 * long cell, survive a session killed through the admin API, and delete the session when the notebook closes;
 * draw a matplotlib figure (%matplot); the Sessions view (own and outside sessions, Show Session Logs, Kill
 * Session and the next cell's recovery) and the status bar.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';
import { LIVY_TABLE_MIME } from '../../src/protocol/livyTable';
import { ScriptedUi } from '../support/scriptedUi';
import {
  admin,
  connectNotebookPool,
  decode,
  ERROR_MIME,
  items,
  livy,
  livySession,
  livySessionsUrl,
  openNotebook as openWith,
  runCell,
  text,
  waitFor,
} from './notebookHarness';

describe('Notebook kernels on attached Spark pools', function () {
  this.timeout(120_000);
  let hooks: TestHooks;
  let pool: AttachedSparkPool;
  let controllerId: string;
  let notebook: vscode.NotebookDocument;

  const openNotebook = (name: string, sources: string[]) => openWith(controllerId, name, sources);

  before(async function () {
    ({ hooks, pool, controllerId } = await connectNotebookPool());
  });

  it('runs print, expression, error and table cells with outputs and execution order', async () => {
    notebook = await openNotebook('kernel-basics.ipynb', [
      'print("hello from spark")',
      '21 * 2',
      '1 / 0',
      'rows = [{"city": "Seattle", "trips": 120}, {"city": "Redmond", "trips": 45}]',
      '%table rows',
    ]);
    // The status bar while the first cell cold-starts the session: Livy's "not_started" (queued) reads "starting".
    const seen = new Set<string>();
    const sampler = setInterval(() => {
      const t = hooks.notebooks.statusText();
      if (t) seen.add(t);
    }, 20);
    const printed = await runCell(notebook, 0).finally(() => clearInterval(sampler));
    assert.ok(
      [...seen].some((t) => /Spark sparksmall: starting \(#\d+\)$/.test(t)),
      [...seen].join(' | '),
    );
    assert.ok(![...seen].some((t) => /not started \(#/.test(t)), [...seen].join(' | '));
    assert.strictEqual(printed.executionSummary?.success, true, text(printed));
    assert.strictEqual(text(printed), 'hello from spark');
    assert.ok(!/Starting a Spark session/.test(text(printed)), 'cold-start progress was replaced by the result');
    const expr = await runCell(notebook, 1);
    assert.strictEqual(text(expr), '42');
    assert.strictEqual(expr.executionSummary?.executionOrder, (printed.executionSummary?.executionOrder ?? 0) + 1);
    const error = await runCell(notebook, 2);
    assert.strictEqual(error.executionSummary?.success, false);
    const errItem = items(error).find((i) => i.mime === ERROR_MIME);
    assert.ok(errItem, `no error item: ${items(error).map((i) => i.mime)}`);
    const err = JSON.parse(decode(errItem));
    assert.strictEqual(err.name, 'ZeroDivisionError');
    assert.match(err.message, /division by zero/);
    assert.match(err.stack, /Traceback/);
    assert.ok(
      err.stack.endsWith(`\nZeroDivisionError: ${err.message}`) && err.stack.startsWith('Traceback (most recent call last):'),
      `Python's order: ${err.stack}`,
    );
    // Saved as an ipynb traceback without trailing newlines, so a reopen (stack = traceback.join('\n')) shows the same text.
    assert.ok(await notebook.save());
    const savedError = JSON.parse(fs.readFileSync(notebook.uri.fsPath, 'utf8')).cells[2].outputs.find(
      (o: { output_type: string }) => o.output_type === 'error',
    ) as { ename: string; evalue: string; traceback: string[] };
    assert.strictEqual(savedError.ename, 'ZeroDivisionError');
    assert.strictEqual(savedError.evalue, err.message);
    assert.ok(
      savedError.traceback.every((l) => !l.includes('\n')),
      JSON.stringify(savedError.traceback),
    );
    assert.strictEqual(savedError.traceback.join('\n'), err.stack);
    await runCell(notebook, 3);
    const table = await runCell(notebook, 4);
    const tableItem = items(table).find((i) => i.mime === LIVY_TABLE_MIME);
    assert.ok(tableItem, `no table item: ${items(table).map((i) => i.mime)}`);
    assert.deepStrictEqual(JSON.parse(decode(tableItem)).data, [
      ['Seattle', 120],
      ['Redmond', 45],
    ]);
    assert.match(text(table), /Seattle/);
    await waitFor(
      'the status bar',
      () => hooks.notebooks.statusText(),
      (t) => /sparksmall: idle \(#\d+\)/.test(t ?? ''),
      5000,
    );
  });

  it('applies %%configure, and shows %%info, %%logs and %%help', async () => {
    await vscode.workspace.getConfiguration('synapseSpark.notebook').update('outputLimitKB', 512, vscode.ConfigurationTarget.Workspace);
    const doc = notebook;
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, [
      vscode.NotebookEdit.insertCells(doc.cellCount, [
        new vscode.NotebookCellData(
          vscode.NotebookCellKind.Code,
          '%%configure -f\n{"executorMemory": "2g", "conf": {"spark.test.flag": "on"}}',
          'python',
        ),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%info', 'python'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%logs', 'python'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%nosuchmagic', 'python'),
      ]),
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const base = doc.cellCount - 4;
    const before = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId;
    const configured = await runCell(doc, base);
    assert.strictEqual(configured.executionSummary?.success, true, text(configured));
    assert.match(text(configured), /Restarted the session with the session settings/);
    const after = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId;
    assert.notStrictEqual(after, before);
    assert.strictEqual((await livySession(pool, before!)).state, 'killed');
    const info = await runCell(doc, base + 1);
    assert.match(text(info), new RegExp(`Session: ${after}`));
    assert.match(text(info), /spark\.test\.flag/);
    const logs = await runCell(doc, base + 2);
    assert.match(text(logs), /Session \d+ log:/);
    const unknown = await runCell(doc, base + 3);
    assert.strictEqual(unknown.executionSummary?.success, false);
    assert.match(JSON.parse(decode(items(unknown)[0])).message, /Unknown cell magic '%%nosuchmagic'/);
  });

  it('interrupts a time.sleep(30) cell within 2 s', async () => {
    const doc = await openNotebook('kernel-interrupt.ipynb', ['import time\ntime.sleep(30)\nprint("not reached")', 'print("after")']);
    const cell = doc.cellAt(0);
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 2 }], document: doc.uri });
    await waitFor(
      'the session to be busy',
      () => hooks.notebooks.sessions(doc.uri.toString())[0]?.state,
      (s) => s === 'busy',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await vscode.commands.executeCommand('notebook.cancelExecution', doc.uri);
    await waitFor(
      'the cell to stop',
      () => cell.executionSummary?.timing?.endTime,
      (t) => t !== undefined,
      5000,
    );
    assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
    assert.notStrictEqual(cell.executionSummary?.success, true);
    assert.ok(!/not reached/.test(text(cell)));
    const skipped = doc.cellAt(1);
    await waitFor(
      'the queued cell to leave the queue',
      () => skipped.executionSummary,
      (s) => s !== undefined,
      5000,
    );
    assert.strictEqual(skipped.executionSummary?.timing, undefined, 'the queued cell never ran, so it shows no run time');
    assert.strictEqual(skipped.executionSummary?.success, undefined);
    assert.strictEqual(skipped.outputs.length, 0);
    const next = await runCell(doc, 1);
    assert.strictEqual(text(next), 'after', 'the session is still usable');
  });

  it('fails the cell cleanly when the session is killed through the admin API', async () => {
    const doc = await openNotebook('kernel-death.ipynb', ['print("warm")', 'import time\ntime.sleep(30)', 'print("fresh")']);
    await runCell(doc, 0);
    const id = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId!;
    const fault = await admin('POST', '/_emulator/faults', {
      kind: 'sessionDeath',
      surface: 'livy',
      method: 'GET',
      path: `/sessions/${id}/statements/\\d+$`,
      count: 1,
      latencyMs: 200,
    });
    assert.strictEqual(fault.status, 201);
    const started = Date.now();
    const cell = await runCell(doc, 1, 20_000);
    assert.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
    assert.strictEqual(cell.executionSummary?.success, false);
    const err = JSON.parse(decode(items(cell).find((i) => i.mime === ERROR_MIME)!));
    assert.strictEqual(err.name, 'SparkSessionEnded');
    assert.match(err.message, new RegExp(`session ${id} ended \\(dead\\)`));
    assert.match(err.message, /Restart Session/);
    assert.match(err.message, /the next cell you run starts a new session/);
    assert.ok(!/\.\./.test(err.message) && !/Run "Synapse Spark/.test(err.message), err.message);
    const fresh = await runCell(doc, 2);
    const replacement = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId;
    assert.notStrictEqual(replacement, id);
    assert.strictEqual(fresh.executionSummary?.success, true);
    assert.strictEqual(
      text(fresh),
      `Spark session ${id} ended (dead), so this cell started a new session (${replacement}); ` +
        'variables and cached data from the old one are gone.\nfresh',
      'the next cell explains and starts a new session',
    );
  });

  it('keeps unknown notebook and cell metadata when saving outputs', async () => {
    await vscode.window.showNotebookDocument(notebook);
    assert.ok(await notebook.save());
    const saved = JSON.parse(fs.readFileSync(notebook.uri.fsPath, 'utf8'));
    assert.deepStrictEqual(saved.metadata.synapse_widget, { version: '0.1' });
    assert.deepStrictEqual(saved.cells[0].metadata.synapse_extra, { keep: true });
    const out = saved.cells[0].outputs[0];
    assert.strictEqual([].concat(out.text ?? out.data?.['text/plain']).join(''), 'hello from spark', JSON.stringify(out));
    assert.strictEqual(saved.cells[0].execution_count, 1);
    assert.strictEqual(saved.cells[4].outputs[0].data[LIVY_TABLE_MIME].data.length, 2);
  });

  it('deletes the session when the notebook closes', async () => {
    const uri = notebook.uri.toString();
    const id = hooks.notebooks.sessions(uri)[0].sessionId!;
    assert.ok(['idle', 'busy'].includes((await livySession(pool, id)).state));
    await vscode.workspace.saveAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The document may stay loaded after its last tab closes; closing the tab is what deletes the session.
    await waitFor(
      'the session to be deleted',
      () => livySession(pool, id),
      (s) => s.state === 'killed',
      20_000,
    );
    assert.deepStrictEqual(hooks.notebooks.sessions(uri), []);
  });

  it('draws a matplotlib figure with %matplot plt as an image/png output', async () => {
    const doc = await openNotebook('kernel-image.ipynb', [
      'import matplotlib.pyplot as plt\nfig = plt.figure(figsize=(3, 2), dpi=100)\nplt.plot([1, 2, 3], [2, 1, 3])\n%matplot plt',
    ]);
    const cell = await runCell(doc, 0);
    assert.strictEqual(
      cell.executionSummary?.success,
      true,
      `${items(cell)
        .map((i) => `${i.mime}: ${decode(i).slice(0, 300)}`)
        .join('\n')}`,
    );
    const png = items(cell).find((i) => i.mime === 'image/png');
    assert.ok(png, `no image/png item: ${items(cell).map((i) => i.mime)}`);
    const bytes = Buffer.from(png.data);
    assert.deepStrictEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.strictEqual(bytes.toString('ascii', 12, 16), 'IHDR');
    assert.deepStrictEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [300, 200], 'a 3 x 2 in figure at 100 dpi');
    assert.strictEqual(bytes.toString('ascii', bytes.length - 8, bytes.length - 4), 'IEND', 'the PNG is complete');
    assert.ok(bytes.length > 2000, `a plotted figure, not an empty canvas (${bytes.length} bytes)`);
    assert.ok(await doc.save());
    const saved = JSON.parse(fs.readFileSync(doc.uri.fsPath, 'utf8'));
    const stored = Buffer.from([].concat(saved.cells[0].outputs[0].data['image/png']).join(''), 'base64');
    assert.ok(stored.equals(bytes), 'the saved notebook keeps the same PNG');
  });

  describe('Sessions view and status bar', () => {
    let doc: vscode.NotebookDocument;
    let id: number;
    let ui: ScriptedUi;
    const marker = `session-log-marker-${Date.now()}`;
    const rows = () => hooks.notebooks.sessionsView();
    const rowFor = async (sessionId: number) => (await rows()).find((r) => r.kind === 'session' && r.sessionId === sessionId);

    before(async () => {
      doc = await openNotebook('kernel-sessions.ipynb', [
        `x = 41\nimport os\nos.write(2, b"${marker}\\n")\nprint("ready")`,
        'print("recovered")',
        'x + 1',
      ]);
      const first = await runCell(doc, 0);
      assert.strictEqual(text(first), 'ready');
      id = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId!;
    });
    beforeEach(() => {
      ui = new ScriptedUi();
      hooks.notebooks.useUi(ui);
    });
    afterEach(() => hooks.notebooks.useUi(undefined));

    it('lists the session a cell started, with state and owner, and the status bar shows it', async () => {
      const fromLivy = await livySession(pool, id);
      assert.ok(fromLivy.submitterName, 'the emulator names the submitter');
      const row = await waitFor(
        'the session in the Sessions view',
        () => rowFor(id),
        (r) => r?.state === 'idle',
      );
      assert.strictEqual(row!.poolName, 'sparksmall');
      assert.strictEqual(row!.owner, fromLivy.submitterName);
      assert.strictEqual(row!.mine, true);
      assert.strictEqual(row!.contextValue, 'synapseSpark.session');
      assert.match(row!.label, new RegExp(`^kernel-sessions\\.ipynb \\(VS Code\\) #${id}$`));
      const [state, owner, age, where] = (row!.description ?? '').split(' · ');
      assert.deepStrictEqual([state, owner, where], ['idle', fromLivy.submitterName, 'this window'], row!.description);
      assert.match(age, /^\d+(s|m)$/, 'the age is shown');
      const poolRow = (await rows()).find((r) => r.kind === 'pool' && r.computeId === pool.computeId);
      assert.ok(poolRow, 'the pool is a top-level node');
      await vscode.window.showNotebookDocument(doc);
      await waitFor(
        'the status bar',
        () => hooks.notebooks.statusText(),
        (t) => new RegExp(`Spark sparksmall: idle \\(#${id}\\)$`).test(t ?? ''),
        5000,
      );
    });

    it('lists a session created outside the extension', async () => {
      const created = await livy('POST', livySessionsUrl(pool), { name: 'created-elsewhere', driverMemory: '28g' });
      assert.strictEqual(created.status, 200, JSON.stringify(created.body));
      const external = created.body.id as number;
      try {
        const row = await waitFor(
          'the external session in the Sessions view',
          () => rowFor(external),
          (r) => !!r,
        );
        assert.strictEqual(row!.mine, false);
        assert.strictEqual(row!.owner, (await livySession(pool, external)).submitterName);
        assert.ok(['not_started', 'starting', 'idle'].includes(row!.state!), row!.state);
        assert.match(row!.label, new RegExp(`^created-elsewhere #${external}$`));
        assert.ok(!/this window/.test(row!.description ?? ''));
        // Kill Session on a session this window does not use deletes it on the pool.
        ui.script({ confirm: true });
        await vscode.commands.executeCommand('synapseSpark.sessions.kill', row!.node);
        assert.deepStrictEqual(ui.unexpected, []);
        assert.strictEqual((await livySession(pool, external)).state, 'killed');
        assert.strictEqual(await rowFor(external), undefined, 'a killed session leaves the view');
      } finally {
        await livy('DELETE', `${livySessionsUrl(pool)}/${external}`);
      }
    });

    it('Show Session Logs opens the session log read-only, and reopening refreshes it', async () => {
      const row = await rowFor(id);
      assert.ok(row, 'the session is listed');
      const logUri = `synapse-spark-log:/sparksmall/session-${id}.log`;
      await vscode.commands.executeCommand('synapseSpark.sessions.showLogs', row.node);
      const editor = await waitFor(
        'the log document',
        () => vscode.window.activeTextEditor,
        (e) => !!e && e.document.uri.toString() === logUri && e.document.getText().startsWith(`Spark session ${id} `),
      );
      const logDoc = editor!.document;
      assert.strictEqual(logDoc.isUntitled, false, 'not an untitled (unsaved) document');
      assert.strictEqual(logDoc.isDirty, false);
      assert.strictEqual(logDoc.languageId, 'log');
      const content = logDoc.getText();
      assert.match(content, /^Spark session \d+ on sparksmall \(idle\)/);
      assert.ok(content.includes(marker), `the line the cell wrote to the driver's stderr is shown:\n${content.slice(0, 2000)}`);
      const fromLivy = (await livySession(pool, id)).log ?? [];
      for (const line of fromLivy.filter((l) => l.trim())) assert.ok(content.includes(line), `log line missing: ${line}`);

      // A new line in the driver log shows when the log is opened again, in the same document.
      const second = `session-log-second-${Date.now()}`;
      const edit = new vscode.WorkspaceEdit();
      edit.set(doc.uri, [
        vscode.NotebookEdit.insertCells(doc.cellCount, [
          new vscode.NotebookCellData(vscode.NotebookCellKind.Code, `import os\nos.write(2, b"${second}\\n")\nprint("again")`, 'python'),
        ]),
      ]);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.strictEqual(text(await runCell(doc, doc.cellCount - 1)), 'again');
      await vscode.commands.executeCommand('synapseSpark.sessions.showLogs', (await rowFor(id))!.node);
      const reopened = await waitFor(
        'the refreshed log',
        () => vscode.window.activeTextEditor,
        (e) => !!e && e.document.uri.toString() === logUri && e.document.getText().includes(second),
      );
      assert.strictEqual(reopened!.document, logDoc, 'the same document, refreshed');
      assert.strictEqual(vscode.workspace.textDocuments.filter((d) => d.uri.toString() === logUri).length, 1);
      assert.strictEqual(reopened!.document.isDirty, false);
      // Read-only: closing it does not ask to save.
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await waitFor(
        'the log editor to close',
        () => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === logUri),
        (v) => !v,
        5000,
      );
    });

    it('Kill Session asks first, kills it on the pool, and the next cell explains and starts a new session', async () => {
      await vscode.window.showNotebookDocument(doc);
      const row = (await rowFor(id))!;
      ui.script({ confirm: false });
      await vscode.commands.executeCommand('synapseSpark.sessions.kill', row.node);
      assert.deepStrictEqual(ui.unexpected, []);
      assert.strictEqual((await livySession(pool, id)).state, 'idle', 'declining keeps the session');

      ui.script({ confirm: true });
      await vscode.commands.executeCommand('synapseSpark.sessions.kill', row.node);
      assert.deepStrictEqual(ui.unexpected, []);
      assert.strictEqual(ui.remaining, 0);
      assert.strictEqual((await livySession(pool, id)).state, 'killed', 'the emulator killed the session');
      await waitFor(
        'the status bar',
        () => hooks.notebooks.statusText(),
        (t) => /Spark sparksmall: not started$/.test(t ?? ''),
      );
      await waitFor(
        'the view to drop it',
        () => rowFor(id),
        (r) => r === undefined,
      );

      const next = await runCell(doc, 1);
      const replacement = hooks.notebooks.sessions(doc.uri.toString())[0].sessionId!;
      assert.notStrictEqual(replacement, id);
      assert.strictEqual(next.executionSummary?.success, true, text(next));
      assert.strictEqual(
        text(next),
        `Spark session ${id} was killed from the Sessions view, so this cell started a new session (${replacement}); ` +
          'variables and cached data from the old one are gone.\nrecovered',
      );
      assert.strictEqual((await livySession(pool, replacement)).state, 'idle');
      await waitFor(
        'the status bar',
        () => hooks.notebooks.statusText(),
        (t) => new RegExp(`Spark sparksmall: idle \\(#${replacement}\\)$`).test(t ?? ''),
        5000,
      );
      // What the note says holds: the old session's variables are gone.
      const lost = await runCell(doc, 2);
      assert.strictEqual(lost.executionSummary?.success, false);
      assert.strictEqual(JSON.parse(decode(items(lost).find((i) => i.mime === ERROR_MIME)!)).name, 'NameError');
      const listed = await waitFor(
        'the new session in the view',
        () => rowFor(replacement),
        (r) => !!r,
      );
      assert.strictEqual(listed!.mine, true);
    });

    it('Restart Session asks first while the session is live, and restarts only when confirmed', async () => {
      await vscode.window.showNotebookDocument(doc);
      const current = () => hooks.notebooks.sessions(doc.uri.toString())[0];
      const before = (await waitFor('a live session', current, (s) => s?.state === 'idle')).sessionId!;
      ui.script({ confirm: false });
      await vscode.commands.executeCommand('synapseSpark.notebook.restartSession', doc.uri);
      assert.deepStrictEqual(ui.unexpected, []);
      assert.strictEqual(ui.remaining, 0);
      assert.deepStrictEqual(ui.titles, ['Restart the Spark session of kernel-sessions.ipynb?']);
      assert.strictEqual(current().sessionId, before, 'declining keeps the session');
      assert.strictEqual((await livySession(pool, before)).state, 'idle');

      ui.script({ confirm: true });
      await vscode.commands.executeCommand('synapseSpark.notebook.restartSession', doc.uri);
      assert.deepStrictEqual(ui.unexpected, []);
      assert.strictEqual(ui.remaining, 0);
      assert.strictEqual((await livySession(pool, before)).state, 'killed');
      const restarted = await waitFor(
        'the new session',
        current,
        (s) => s?.sessionId !== undefined && s.sessionId !== before && s.state === 'idle',
        60_000,
      );

      // Programmatic callers can skip the question.
      await vscode.commands.executeCommand('synapseSpark.notebook.restartSession', doc.uri, { confirm: false });
      assert.deepStrictEqual(ui.unexpected, [], 'no prompt with { confirm: false }');
      assert.strictEqual((await livySession(pool, restarted.sessionId!)).state, 'killed');
    });
  });
});
