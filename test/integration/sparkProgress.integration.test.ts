/**
 * Live Spark progress in the real extension host on the emulator's real Spark: a running Spark cell shows
 * its jobs' progress under it (and in the Sessions view), which collapses to a one-line summary above the
 * cell's own output when it ends; the saved .ipynb keeps both as valid outputs; a failing monitoring
 * pass-through (fault injected through the emulator's admin API) leaves the cell's result alone.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import { admin, connectNotebookPool, decode, openNotebook, runCell, text, waitFor } from './notebookHarness';

/** Two Spark jobs of 16 tasks that each sleep 0.3 s: several seconds of Spark work on two cores. */
const SLOW_CELL = [
  'import time',
  'rdd = spark.sparkContext.parallelize(range(16), 16).mapPartitions(lambda it: (time.sleep(0.3), list(it))[1])',
  'print(rdd.count(), rdd.sum())',
].join('\n');

const PROGRESS_KEY = 'synapseSparkProgress';
const kindOf = (o: vscode.NotebookCellOutput) => (o.metadata?.[PROGRESS_KEY] as { kind?: string } | undefined)?.kind;
const plainOf = (o: vscode.NotebookCellOutput) =>
  o.items
    .filter((i) => i.mime === 'text/plain')
    .map(decode)
    .join('');

describe('Live Spark progress under a running cell', function () {
  this.timeout(600_000);
  let hooks: TestHooks;
  let controllerId: string;

  before(async () => {
    ({ hooks, controllerId } = await connectNotebookPool());
  });

  it("shows the running cell's Spark jobs, then a summary above its output; the saved notebook stays valid", async () => {
    const doc = await openNotebook(controllerId, 'spark-progress.ipynb', ['spark.range(3).count()', SLOW_CELL]);
    await runCell(doc, 0, 240_000); // Spark is up before the measured cell
    const cell = doc.cellAt(1);
    const seen: string[] = [];
    const sessionRows: string[] = [];
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 1, end: 2 }], document: doc.uri });
    await waitFor(
      'the cell to end',
      async () => {
        const live = cell.outputs.find((o) => kindOf(o) === 'live');
        if (live) {
          seen.push(plainOf(live));
          const row = (await hooks.notebooks.sessionsView()).find((r) => r.kind === 'session' && r.mine);
          if (row?.description) sessionRows.push(row.description);
        }
        return cell.executionSummary?.timing?.endTime;
      },
      (end) => end !== undefined,
      120_000,
    );
    assert.strictEqual(cell.executionSummary?.success, true, text(cell));
    assert.ok(seen.length > 0, 'live progress was shown while the cell ran');
    assert.ok(
      seen.every((s) => /^Spark job \d+ \(.+\), (running|done): \d+\/16 tasks \(\d+%\)/.test(s)),
      seen.join('\n'),
    );
    assert.ok(
      sessionRows.some((d) => /^statement \d+: \d+\/\d+ tasks/.test(d)),
      `Sessions view rows: ${sessionRows.join(' / ')}`,
    );
    // Ended: the summary (all 32 tasks, so 100%) comes first, then the statement's own output, unmarked.
    await waitFor(
      'the summary',
      () => cell.outputs.map(kindOf),
      (kinds) => kinds[0] === 'summary',
      5000,
    );
    assert.strictEqual(cell.outputs.length, 2);
    assert.match(plainOf(cell.outputs[0]), /^Spark: 2 jobs, 2 stages, 32 tasks in \d+\.\d s\. Spark UI: https:\/\//);
    assert.ok(cell.outputs[0].items.some((i) => i.mime === 'text/markdown' && /\[Spark UI\]\(https:/.test(decode(i))));
    assert.strictEqual(kindOf(cell.outputs[1]), undefined);
    assert.strictEqual(plainOf(cell.outputs[1]), '16 120');

    assert.ok(await doc.save());
    const saved = JSON.parse(fs.readFileSync(doc.uri.fsPath, 'utf8'));
    assert.strictEqual(saved.nbformat, 4);
    const outputs = saved.cells[1].outputs as {
      output_type: string;
      data?: Record<string, unknown>;
      metadata?: Record<string, unknown>;
      text?: unknown;
    }[];
    assert.strictEqual(outputs.length, 2, JSON.stringify(outputs));
    assert.strictEqual(outputs[0].output_type, 'display_data');
    assert.deepStrictEqual(Object.keys(outputs[0].data ?? {}).sort(), ['text/markdown', 'text/plain']);
    assert.strictEqual(outputs[0].metadata?.synapse_spark_progress, 'summary');
    assert.ok(['stream', 'execute_result', 'display_data'].includes(outputs[1].output_type), JSON.stringify(outputs[1]));
    assert.match(JSON.stringify(outputs[1]), /16 120/);
  });

  it('a failing monitoring pass-through does not break the cell', async () => {
    const doc = await openNotebook(controllerId, 'spark-progress-fault.ipynb', ['spark.range(3).count()', SLOW_CELL]);
    await runCell(doc, 0, 240_000);
    const fault = await admin('POST', '/_emulator/faults', {
      kind: 'status',
      surface: 'livy',
      method: 'GET',
      path: '/applications/[^/]+/(jobs|stages)',
      status: 503,
    });
    assert.strictEqual(fault.status, 201);
    try {
      const cell = await runCell(doc, 1, 120_000);
      assert.strictEqual(cell.executionSummary?.success, true, text(cell));
      assert.deepStrictEqual(cell.outputs.map(kindOf), [undefined], "only the statement's output");
      assert.strictEqual(plainOf(cell.outputs[0]), '16 120');
    } finally {
      await admin('DELETE', `/_emulator/faults/${fault.body.id}`);
    }
  });
});
