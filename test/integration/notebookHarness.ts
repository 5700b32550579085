/**
 * Shared by the notebook suites and the host benchmark that run inside the real extension host against
 * the emulator the runner started (SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA): raw HTTPS to the emulator
 * (Livy REST, admin API, tokens for the seed's service principal), the attached pool's controller, and
 * opening notebooks and running their cells through VS Code commands.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateWithHooks, EXTENSION_ID, type TestHooks } from './testHooks';
import { controllerIdFor } from '../../src/core/notebook/controllerIds';
import type { AttachedSparkPool } from '../../src/core/model/sparkTargets';

export const extensionId = EXTENSION_ID;
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../emulator/seed.default.json'), 'utf8'));

let agent: https.Agent | undefined;
/** One keep-alive agent trusting the emulator's CA (as a client that reuses its connection would). */
export function emulatorAgent(): https.Agent {
  agent ??= new https.Agent({ ca: fs.readFileSync(process.env.SYNAPSE_EMULATOR_CA!, 'utf8'), keepAlive: true });
  return agent;
}

export function request(
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(url), { method, agent: emulatorAgent(), headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const emulatorUrl = (): string => process.env.SYNAPSE_EMULATOR_URL!;
export const admin = (method: string, p: string, body?: unknown) =>
  request(method, new URL(p, emulatorUrl()).toString(), body === undefined ? undefined : JSON.stringify(body), {
    'content-type': 'application/json',
  });

let token: { value: string; expires: number } | undefined;
/** A Synapse data-plane token for the seed's service principal (cached like a client would). */
export async function livyToken(): Promise<string> {
  if (token && token.expires > Date.now() + 60_000) return token.value;
  const sp = seed.servicePrincipals[0];
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sp.clientId,
    client_secret: sp.clientSecret,
    scope: 'https://dev.azuresynapse.net/.default',
  }).toString();
  const res = await request('POST', `${emulatorUrl()}/${seed.tenantId}/oauth2/v2.0/token`, form, {
    'content-type': 'application/x-www-form-urlencoded',
  });
  token = { value: res.body.access_token, expires: Date.now() + (res.body.expires_in ?? 3600) * 1000 };
  return token.value;
}

/** The pool's Livy sessions endpoint. */
export const livySessionsUrl = (pool: AttachedSparkPool): string =>
  `${pool.synapseWorkspace.devEndpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${pool.poolName}/sessions`;

export async function livy(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  return request(method, url, body === undefined ? undefined : JSON.stringify(body), {
    authorization: `Bearer ${await livyToken()}`,
    'content-type': 'application/json',
  });
}

export async function livySession(pool: AttachedSparkPool, id: number): Promise<{ state: string; submitterName?: string; log?: string[] }> {
  return (await livy('GET', `${livySessionsUrl(pool)}/${id}?detailed=true`)).body;
}

export async function waitFor<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const decode = (item: vscode.NotebookCellOutputItem): string => new TextDecoder().decode(item.data);
/** Live Spark progress and its end-of-cell summary are outputs of their own, marked in their metadata. */
export const isSparkProgress = (o: vscode.NotebookCellOutput): boolean => !!o.metadata && 'synapseSparkProgress' in o.metadata;
/** The items of the statement's own outputs (Spark progress and summary left out). */
export const items = (cell: vscode.NotebookCell): vscode.NotebookCellOutputItem[] =>
  cell.outputs.filter((o) => !isSparkProgress(o)).flatMap((o) => o.items);
export const text = (cell: vscode.NotebookCell): string =>
  items(cell)
    .filter((i) => i.mime.startsWith('text/'))
    .map(decode)
    .join('\n');

export interface NotebookPool {
  hooks: TestHooks;
  pool: AttachedSparkPool;
  controllerId: string;
}

/**
 * Activates the extension, signs in to the emulator the runner configured (its settings select the
 * emulator's credential source, which asks nothing), and waits until the real Spark pool catalog lists
 * the sparksmall pool and its controller exists.
 */
export async function connectNotebookPool(): Promise<NotebookPool> {
  if (!process.env.SYNAPSE_EMULATOR_URL || !process.env.SYNAPSE_EMULATOR_CA) {
    throw new Error('SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA are not set: run through scripts/run-integration.mjs');
  }
  const hooks = await activateWithHooks();
  const wanted = (p: AttachedSparkPool) => p.computeName === 'sparksmall' && p.amlWorkspace.name === 'contoso-aml';
  await vscode.commands.executeCommand('synapseSpark.signIn');
  const pools = await waitFor(
    'the Spark pool catalog to list sparksmall',
    () => hooks.sparkPools.listAttachedPools().catch(() => []),
    (p) => p.some(wanted),
    30_000,
  );
  const pool = pools.find(wanted)!;
  const controllerId = controllerIdFor(pool);
  await waitFor(
    'the pool controller',
    () => hooks.notebooks.controllerIds(),
    (ids) => ids.includes(controllerId),
  );
  return { hooks, pool, controllerId };
}

/** Writes a notebook of code cells (with Synapse-style metadata), opens it and picks the pool's kernel. */
export async function openNotebook(controllerId: string, name: string, sources: string[]): Promise<vscode.NotebookDocument> {
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'notebooks', name);
  const nb = {
    cells: sources.map((s) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: { synapse_extra: { keep: true } },
      outputs: [],
      source: s,
    })),
    metadata: {
      kernelspec: { name: 'synapse_pyspark', display_name: 'Synapse PySpark' },
      language_info: { name: 'python' },
      synapse_widget: { version: '0.1' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(nb, null, 1)));
  const doc = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId, extension: extensionId });
  return doc;
}

/** Runs one cell through VS Code's notebook.cell.execute and waits until its execution summary ends. */
export async function runCell(doc: vscode.NotebookDocument, index: number, timeoutMs = 60_000): Promise<vscode.NotebookCell> {
  const cell = doc.cellAt(index);
  const before = cell.executionSummary?.timing?.endTime;
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: doc.uri });
  await waitFor(
    `cell ${index} to finish`,
    () => cell.executionSummary,
    (s) => !!s?.timing?.endTime && s.timing.endTime !== before,
    timeoutMs,
  );
  return cell;
}
