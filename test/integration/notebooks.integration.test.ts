/**
 * Notebook kernels inside a real extension host, against the emulator the runner started: pick the
 * pool's controller, run print / expression / error / table / %%configure / %%info / %%logs, interrupt a
 * long cell, survive a session killed through the admin API, and delete the session when the notebook closes.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { controllerIdFor } from '../../src/core/notebook/controllerIds';
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';
import { LIVY_TABLE_MIME } from '../../src/protocol/livyTable';
import { attachedPoolsFromSeed, staticCatalog } from '../support/sparkCatalog';

const extensionId = 'azureml-synapse-spark.azureml-synapse-spark';
const ERROR_MIME = 'application/vnd.code.notebook.error';
const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../emulator/seed.default.json'), 'utf8'));

function request(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const ca = fs.readFileSync(process.env.SYNAPSE_EMULATOR_CA!, 'utf8');
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(url), { method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const emulatorUrl = () => process.env.SYNAPSE_EMULATOR_URL!;
const admin = (method: string, p: string, body?: unknown) =>
  request(method, new URL(p, emulatorUrl()).toString(), body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json' });

async function livyToken(): Promise<string> {
  const sp = seed.servicePrincipals[0];
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: sp.clientId, client_secret: sp.clientSecret,
    scope: 'https://dev.azuresynapse.net/.default' }).toString();
  const res = await request('POST', `${emulatorUrl()}/${seed.tenantId}/oauth2/v2.0/token`, form, { 'content-type': 'application/x-www-form-urlencoded' });
  return res.body.access_token;
}

async function livySession(pool: AttachedSparkPool, id: number): Promise<{ state: string }> {
  const url = `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${pool.poolName}/sessions/${id}`;
  return (await request('GET', url, undefined, { authorization: `Bearer ${await livyToken()}` })).body;
}

async function waitFor<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const decode = (item: vscode.NotebookCellOutputItem) => new TextDecoder().decode(item.data);
const items = (cell: vscode.NotebookCell) => cell.outputs.flatMap((o) => o.items);
const text = (cell: vscode.NotebookCell) => items(cell).filter((i) => i.mime.startsWith('text/')).map(decode).join('\n');

describe('Notebook kernels on attached Spark pools', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let pool: AttachedSparkPool;
  let controllerId: string;
  let notebook: vscode.NotebookDocument;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;

  async function openNotebook(name: string, sources: string[]): Promise<vscode.NotebookDocument> {
    const uri = vscode.Uri.joinPath(folder(), 'notebooks', name);
    const nb = {
      cells: sources.map((s) => ({ cell_type: 'code', execution_count: null, metadata: { synapse_extra: { keep: true } }, outputs: [], source: s })),
      metadata: { kernelspec: { name: 'synapse_pyspark', display_name: 'Synapse PySpark' }, language_info: { name: 'python' }, synapse_widget: { version: '0.1' } },
      nbformat: 4, nbformat_minor: 5,
    };
    await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(nb, null, 1)));
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId, extension: extensionId });
    return doc;
  }

  async function runCell(doc: vscode.NotebookDocument, index: number, timeoutMs = 60_000): Promise<vscode.NotebookCell> {
    const cell = doc.cellAt(index);
    const before = cell.executionSummary?.timing?.endTime;
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: doc.uri });
    await waitFor(`cell ${index} to finish`, () => cell.executionSummary, (s) => !!s?.timing?.endTime && s.timing.endTime !== before, timeoutMs);
    return cell;
  }

  before(async function () {
    if (!process.env.SYNAPSE_EMULATOR_URL || !process.env.SYNAPSE_EMULATOR_CA) {
      throw new Error('SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA are not set: run through scripts/run-integration.mjs');
    }
    api = await vscode.extensions.getExtension<ExtensionApi>(extensionId)!.activate();
    const wanted = (p: AttachedSparkPool) => p.computeName === 'sparksmall' && p.amlWorkspace.name === 'contoso-aml';
    // Prefer the real catalog (sign-in through the emulator settings); fall back to one built from the seed.
    let pools: AttachedSparkPool[] = [];
    try {
      pools = await waitFor('the real catalog to list pools', () => api.sparkPools.listAttachedPools().catch(() => []), (p) => p.some(wanted), 15_000);
    } catch {
      console.log('    (the real catalog listed no pool: using the seed catalog test hook)');
    }
    if (!pools.some(wanted)) {
      const { ClientSecretCredential } = await import('@azure/identity');
      const { createDefaultHttpClient } = await import('@azure/core-rest-pipeline');
      const agent = new https.Agent({ ca: fs.readFileSync(process.env.SYNAPSE_EMULATOR_CA!, 'utf8'), keepAlive: true });
      const inner = createDefaultHttpClient();
      const httpClient = { sendRequest: (r: any) => { r.agent ??= agent; return inner.sendRequest(r); } };
      const sp = seed.servicePrincipals[0];
      const credential = new ClientSecretCredential(seed.tenantId, sp.clientId, sp.clientSecret,
        { authorityHost: emulatorUrl(), disableInstanceDiscovery: true, httpClient });
      await api.notebooks.useCatalog(staticCatalog(attachedPoolsFromSeed(emulatorUrl(), seed), credential, httpClient));
      pools = attachedPoolsFromSeed(emulatorUrl(), seed);
    }
    pool = pools.find(wanted)!;
    controllerId = controllerIdFor(pool);
    await waitFor('the pool controller', () => api.notebooks.controllerIds(), (ids) => ids.includes(controllerId));
  });

  it('runs print, expression, error and table cells with outputs and execution order', async () => {
    notebook = await openNotebook('kernel-basics.ipynb', [
      'print("hello from spark")',
      '21 * 2',
      '1 / 0',
      'rows = [{"city": "Seattle", "trips": 120}, {"city": "Redmond", "trips": 45}]',
      '%table rows',
    ]);
    const printed = await runCell(notebook, 0);
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
    await runCell(notebook, 3);
    const table = await runCell(notebook, 4);
    const tableItem = items(table).find((i) => i.mime === LIVY_TABLE_MIME);
    assert.ok(tableItem, `no table item: ${items(table).map((i) => i.mime)}`);
    assert.deepStrictEqual(JSON.parse(decode(tableItem)).data, [['Seattle', 120], ['Redmond', 45]]);
    assert.match(text(table), /Seattle/);
    assert.match(api.notebooks.statusText() ?? '', /sparksmall: idle \(#\d+\)/);
  });

  it('applies %%configure, and shows %%info, %%logs and %%help', async () => {
    await vscode.workspace.getConfiguration('synapseSpark.notebook').update('outputLimitKB', 512, vscode.ConfigurationTarget.Workspace);
    const doc = notebook;
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, [vscode.NotebookEdit.insertCells(doc.cellCount, [
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%configure -f\n{"executorMemory": "2g", "conf": {"spark.test.flag": "on"}}', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%info', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%logs', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%nosuchmagic', 'python'),
    ])]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const base = doc.cellCount - 4;
    const before = api.notebooks.sessions(doc.uri.toString())[0].sessionId;
    const configured = await runCell(doc, base);
    assert.strictEqual(configured.executionSummary?.success, true, text(configured));
    assert.match(text(configured), /Restarted the session with the session settings/);
    const after = api.notebooks.sessions(doc.uri.toString())[0].sessionId;
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
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await waitFor('the session to be busy', () => api.notebooks.sessions(doc.uri.toString())[0]?.state, (s) => s === 'busy', 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await vscode.commands.executeCommand('notebook.cancelExecution', doc.uri);
    await waitFor('the cell to stop', () => cell.executionSummary?.timing?.endTime, (t) => t !== undefined, 5000);
    assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
    assert.notStrictEqual(cell.executionSummary?.success, true);
    assert.ok(!/not reached/.test(text(cell)));
    const next = await runCell(doc, 1);
    assert.strictEqual(text(next), 'after', 'the session is still usable');
  });

  it('fails the cell cleanly when the session is killed through the admin API', async () => {
    const doc = await openNotebook('kernel-death.ipynb', ['print("warm")', 'import time\ntime.sleep(30)', 'print("fresh")']);
    await runCell(doc, 0);
    const id = api.notebooks.sessions(doc.uri.toString())[0].sessionId!;
    const fault = await admin('POST', '/_emulator/faults',
      { kind: 'sessionDeath', surface: 'livy', method: 'GET', path: `/sessions/${id}/statements/\\d+$`, count: 1, latencyMs: 200 });
    assert.strictEqual(fault.status, 201);
    const started = Date.now();
    const cell = await runCell(doc, 1, 20_000);
    assert.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
    assert.strictEqual(cell.executionSummary?.success, false);
    const err = JSON.parse(decode(items(cell).find((i) => i.mime === ERROR_MIME)!));
    assert.strictEqual(err.name, 'SparkSessionEnded');
    assert.match(err.message, new RegExp(`session ${id} ended \\(dead\\)`));
    assert.match(err.message, /Restart Session/);
    const fresh = await runCell(doc, 2);
    assert.strictEqual(text(fresh), 'fresh', 'the next cell starts a new session');
    assert.notStrictEqual(api.notebooks.sessions(doc.uri.toString())[0].sessionId, id);
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
    const id = api.notebooks.sessions(uri)[0].sessionId!;
    assert.ok(['idle', 'busy'].includes((await livySession(pool, id)).state));
    await vscode.workspace.saveAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The document may stay loaded after its last tab closes; closing the tab is what deletes the session.
    await waitFor('the session to be deleted', () => livySession(pool, id), (s) => s.state === 'killed', 20_000);
    assert.deepStrictEqual(api.notebooks.sessions(uri), []);
  });
});
