/**
 * Cancelling a submit in each stage, against the emulator over real HTTPS with latency injected through
 * its admin API (POST /_emulator/faults): the cancel takes effect at once (in-flight requests are
 * aborted), no job is left behind, what was uploaded is reused by the next submit, and a cancel that
 * arrives while the job PUT is in flight cancels the job that PUT created.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileReader } from '../../../src/core/pipelines';
import { submitPipeline, SubmitCancelledError, type SubmitStage } from '../../../src/core/jobs/submitPipeline';
import { AmlWorkspaceClient } from '../../../src/core/jobs/amlWorkspaceClient';
import { JobMonitor } from '../../../src/core/jobs/jobMonitor';
import { isCancellation } from '../../../src/core/util/errors';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorAccess } from '../../support/emulatorAccess';

const SUB = '11111111-aaaa-4bbb-8ccc-000000000001';
const WS = {
  id: `/subscriptions/${SUB}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`,
  name: 'contoso-aml',
  subscriptionId: SUB,
  resourceGroup: 'rg-datascience',
};
const SAMPLE = path.resolve(__dirname, '..', '..', '..', '..', 'sample-workspace');
const LATENCY_MS = 3000;

/** The emulator's admin API, over HTTPS with its CA (loopback only). */
function admin(emu: TestEmulator, method: string, p: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${emu.url}${p}`, { method, ca: emu.caPem, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () =>
        (res.statusCode ?? 500) >= 400
          ? reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`))
          : resolve(text ? JSON.parse(text) : undefined),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('pipeline submit: cancel in every stage (emulator, injected latency)', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: AmlWorkspaceClient;
  let root: string;
  const pipelineFile = () => path.join(root, 'pipelines', 'prepare-train.pipeline.yml');

  before(async () => {
    emu = await startTestEmulator({ storage: true, settings: { pageSize: 50 } });
    client = new AmlWorkspaceClient(emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId }).arm, WS);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'submit-cancel-'));
    fs.cpSync(SAMPLE, root, { recursive: true });
  });
  afterEach(async () => {
    await admin(emu, 'DELETE', '/_emulator/faults');
  });
  after(async () => {
    await emu?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** Submits with a latency fault on `fault`; cancels as soon as progress reports `cancelAt` (matching `when`). */
  async function submitAndCancel(fault: { method: string; path: string }, cancelAt: SubmitStage, when: RegExp = /./, jobName?: string) {
    // New content each time, so the code is uploaded and registered again.
    fs.appendFileSync(path.join(root, 'src', 'prepare.py'), `\n# ${Date.now()}\n`);
    const added = await admin(emu, 'POST', '/_emulator/faults', {
      kind: 'latency',
      surface: 'arm',
      ...fault,
      latencyMs: LATENCY_MS,
      count: 1,
    });
    const abort = new AbortController();
    const stages: string[] = [];
    let cancelledAt = 0;
    const started = Date.now();
    const error = await submitPipeline({
      text: fs.readFileSync(pipelineFile(), 'utf8'),
      filePath: pipelineFile(),
      rootDir: root,
      reader: new NodeFileReader(),
      client,
      jobName,
      signal: abort.signal,
      onProgress: (stage, message) => {
        stages.push(`${stage}: ${message}`);
        if (stage === cancelAt && when.test(message) && !abort.signal.aborted) {
          // Cancel while the delayed request is in flight.
          setTimeout(() => {
            cancelledAt = Date.now();
            abort.abort();
          }, 300);
        }
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const faults = (await admin(emu, 'GET', '/_emulator/faults')).value as { id: string }[];
    assert.ok(!faults.some((f) => f.id === added.id), `the delayed request was made (stages: ${stages.join(' | ')})`);
    return { error, stages, cancelledAt, finished: Date.now(), started };
  }

  async function jobNames(): Promise<string[]> {
    return (await client.listJobs(500)).map((j) => j.name);
  }

  it('cancels during the upload: at once, nothing registered, no job', async () => {
    const before = await jobNames();
    const r = await submitAndCancel({ method: 'POST', path: '/datastores/workspaceblobstore/listSecrets' }, 'upload');
    assert.ok(r.error instanceof SubmitCancelledError, String(r.error));
    assert.ok(isCancellation(r.error), 'a cancellation, which commands keep quiet');
    assert.equal(r.error.stage, 'upload');
    assert.deepEqual(r.error.uploaded, []);
    assert.match(r.error.message, /no job was created/);
    assert.ok(
      r.finished - r.cancelledAt < LATENCY_MS / 2,
      `the cancel did not wait out the delayed request (${r.finished - r.cancelledAt} ms)`,
    );
    assert.ok(!r.stages.some((s) => s.startsWith('register') || s.startsWith('put')), r.stages.join(' | '));
    await new Promise((res) => setTimeout(res, LATENCY_MS));
    assert.deepEqual(await jobNames(), before, 'no job was created');
  });

  it('cancels during the registration: no job; the next submit reuses the upload and succeeds', async () => {
    const before = await jobNames();
    const r = await submitAndCancel(
      { method: 'PUT', path: '/components/azureml_anonymous/versions/' },
      'register',
      /Registering the component/,
    );
    assert.ok(r.error instanceof SubmitCancelledError, String(r.error));
    assert.equal(r.error.stage, 'register');
    assert.ok(
      r.error.uploaded.some((u) => u.includes('LocalUpload/')),
      r.error.message,
    );
    assert.ok(r.finished - r.cancelledAt < LATENCY_MS / 2, `${r.finished - r.cancelledAt} ms`);
    assert.ok(!r.stages.some((s) => s.startsWith('put')), r.stages.join(' | '));
    await new Promise((res) => setTimeout(res, LATENCY_MS));
    assert.deepEqual(await jobNames(), before, 'no job was created');

    const again = await submitPipeline({
      text: fs.readFileSync(pipelineFile(), 'utf8'),
      filePath: pipelineFile(),
      rootDir: root,
      reader: new NodeFileReader(),
      client,
    });
    assert.equal(again.uploads[0].uploaded, false, 'the upload of the cancelled submit is reused');
    const final = await new JobMonitor(client, again.jobName).follow({ backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
    assert.equal(final.status, 'Completed');
  });

  it('a cancel while the job PUT is in flight cancels the job that PUT created', async () => {
    const name = `cancel_in_put_${Date.now().toString(36)}`;
    const r = await submitAndCancel({ method: 'PUT', path: `/jobs/${name}$` }, 'put', /Creating job/, name);
    assert.ok(r.error instanceof SubmitCancelledError, String(r.error));
    assert.equal(r.error.stage, 'put');
    assert.equal(r.error.cancelledJob, name);
    assert.match(r.error.message, /has been cancelled/);
    const final = await new JobMonitor(client, name).follow({ backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
    assert.equal(final.status, 'Canceled', 'the created job does not run');
    const active = (await client.listJobs(500)).filter((j) => !['Completed', 'Failed', 'Canceled'].includes(String(j.properties.status)));
    assert.deepEqual(
      active.map((j) => j.name),
      [],
      'no job is left running',
    );
  });
});
