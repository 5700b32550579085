/**
 * The product's main job through the real extension host on the emulator's real Apache Spark: the sample
 * notebook (prepare-data.ipynb) runs every cell with Spark's own outputs; a table it saved is read from a
 * second notebook's session; the sample Spark pipeline step reads what the notebook wrote and a notebook reads
 * what the step wrote; Interrupt cancels a long Spark query and the session goes on.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';
import { LIVY_TABLE_MIME } from '../../src/protocol/livyTable';
import {
  connectNotebookPool,
  decode,
  extensionId,
  items,
  livy,
  livySessionsUrl,
  openNotebook as openWith,
  runCell,
  text,
  waitFor,
} from './notebookHarness';

const sourceOf = (cell: vscode.NotebookCell) => cell.document.getText();
const tableOf = (cell: vscode.NotebookCell): { headers: { name: string }[]; data: unknown[][] } => {
  const item = items(cell).find((i) => i.mime === LIVY_TABLE_MIME);
  assert.ok(item, `no table output in: ${sourceOf(cell).slice(0, 80)} (${items(cell).map((i) => i.mime)})`);
  return JSON.parse(decode(item));
};

describe("The sample notebook on the emulator's real Spark", function () {
  this.timeout(600_000);
  let hooks: TestHooks;
  let pool: AttachedSparkPool;
  let controllerId: string;
  let reader: vscode.NotebookDocument;

  before(async () => {
    ({ hooks, pool, controllerId } = await connectNotebookPool());
  });

  it("runs every cell of prepare-data.ipynb and shows Spark's own outputs", async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'notebooks', 'prepare-data.ipynb');
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId, extension: extensionId });
    const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.ok(code.length >= 10, `the sample has ${code.length} code cells`);
    for (const cell of code) {
      const done = await runCell(doc, cell.index, 240_000);
      assert.strictEqual(
        done.executionSummary?.success,
        true,
        `cell ${cell.index} failed:\n${sourceOf(cell)}\n---\n${items(done).map(decode).join('\n').slice(0, 2000)}`,
      );
      assert.ok(done.outputs.length > 0, `cell ${cell.index} shows no output:\n${sourceOf(cell)}`);
    }
    const find = (pattern: RegExp) => code.find((c) => pattern.test(sourceOf(c))) ?? assert.fail(`no cell matches ${pattern}`);
    assert.match(text(find(/printSchema\(\)/)), /^root\n \|-- \w+: \w+ \(nullable = (true|false)\)/m);
    assert.match(text(find(/\.show\(/)), /^\+-+\+/m, "show() prints Spark's text table");
    const sql = tableOf(find(/^%%sql/));
    assert.ok(sql.data.length > 0 && sql.headers.length > 0, JSON.stringify(sql).slice(0, 300));
    assert.ok(tableOf(find(/^display\(|\ndisplay\(/)).data.length > 0);
    assert.ok(
      items(find(/plt\.show\(\)/)).some((i) => i.mime === 'image/png'),
      'the plot is an image',
    );
    assert.match(
      text(code[code.length - 1]),
      /read back 200 rows from .*customer_spend: 4 segments \['consumer', 'corporate', 'public_sector', 'smb'\]/,
    );
  });

  it("sees the table the notebook saved from a second notebook's own session", async () => {
    reader = await openWith(controllerId, 'spark-reader.ipynb', [
      '%%sql\nSELECT segment, count(*) AS customers FROM customer_spend GROUP BY segment ORDER BY segment',
      'spark.read.parquet("abfss://synapse@contosodatalake.dfs.core.windows.net/sample/curated/customer_spend").count()',
    ]);
    const segments = await runCell(reader, 0, 240_000);
    assert.strictEqual(segments.executionSummary?.success, true, text(segments));
    assert.deepStrictEqual(tableOf(segments).data, [
      ['consumer', 86],
      ['corporate', 58],
      ['public_sector', 15],
      ['smb', 41],
    ]);
    assert.strictEqual(text(await runCell(reader, 1)), '200');
    const sessions = (await livy('GET', livySessionsUrl(pool))).body.sessions as { name: string; state: string }[];
    assert.ok(sessions.filter((s) => ['idle', 'busy'].includes(s.state)).length >= 2, 'two live sessions share the lake database');
  });

  it('runs the sample Spark step on what the notebook wrote, and a notebook reads what the step wrote', async () => {
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'pipelines', 'customer-features.pipeline.yml');
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', file, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    const run = await waitFor(
      'the run to end',
      () => {
        const s = hooks.pipelines.runState(result.jobName);
        return s?.terminal ? s : undefined;
      },
      (s) => s !== undefined,
      240_000,
    );
    assert.strictEqual(run!.status, 'Completed', hooks.pipelines.runLog(result.jobName));
    await waitFor(
      'the step log',
      () => hooks.pipelines.runLog(result.jobName),
      (log) => /customer_features: wrote 200 rows to abfss:/.test(log),
      30_000,
    );
    const edit = new vscode.WorkspaceEdit();
    edit.set(reader.uri, [
      vscode.NotebookEdit.insertCells(2, [
        new vscode.NotebookCellData(
          vscode.NotebookCellKind.Code,
          'features = spark.read.parquet("/sample/features/customer_features")\nprint(features.count(), len(features.columns))',
          'python',
        ),
      ]),
    ]);
    await vscode.workspace.applyEdit(edit);
    assert.match(text(await runCell(reader, 2)), /^200 \d+$/);
  });

  it('interrupts a long Spark query: Livy cancels its job group and the next cell runs', async () => {
    const doc = await openWith(controllerId, 'spark-interrupt.ipynb', [
      'spark.range(0, 10**12, 1, 4).selectExpr("sum(id * id)").collect()',
      'spark.range(3).count()',
    ]);
    await runCell(doc, 1, 240_000); // Spark is up before the long query starts
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    const sessionId = await waitFor(
      'the session to be busy',
      () => hooks.notebooks.sessions(doc.uri.toString())[0],
      (s) => s?.state === 'busy',
      30_000,
    ).then((s) => s!.sessionId!);
    await new Promise((r) => setTimeout(r, 2500)); // the Spark job is running
    const started = Date.now();
    await vscode.commands.executeCommand('notebook.cancelExecution', doc.uri);
    await waitFor(
      'the cell to stop',
      () => doc.cellAt(0).executionSummary?.timing?.endTime,
      (t) => t !== undefined,
      5000,
    );
    assert.ok(Date.now() - started < 2000, `the cell stopped after ${Date.now() - started} ms`);
    const statements = `${livySessionsUrl(pool)}/${sessionId}/statements`;
    const last = await waitFor(
      'the statement to be cancelled in Livy',
      async () => (await livy('GET', statements)).body.statements.at(-1),
      (s: { state: string; code: string }) => s.state === 'cancelled',
      10_000,
    );
    assert.match(last.code, /10\*\*12/);
    assert.strictEqual(text(await runCell(doc, 1)), '3');
  });
});
