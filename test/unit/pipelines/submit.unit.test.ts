/**
 * Submit against the emulator over real HTTPS (ARM + Azurite): the plan, uploads skipped by content hash,
 * code versions and anonymous components registered before the job PUT, `@latest` resolved, bad input
 * refused before anything is sent, and a failure after upload leaving no job behind.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_PIPELINE_STEPS, NodeFileReader, type UploadItem } from '../../../src/core/pipelines';
import { submitPipeline, SubmitFailedError, SubmitRefusedError } from '../../../src/core/jobs/submitPipeline';
import { AmlWorkspaceClient } from '../../../src/core/jobs/amlWorkspaceClient';
import { JobMonitor } from '../../../src/core/jobs/jobMonitor';
import { containerUrl, DatastoreUploader } from '../../../src/core/jobs/datastoreUpload';
import { createTrustingHttpClient } from '../../../src/core/util/httpClient';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorAccess, type EmulatorAccess } from '../../support/emulatorAccess';
import { generatedPipeline } from '../../support/generatedPipeline';

const SUB = '11111111-aaaa-4bbb-8ccc-000000000001';
const WS = {
  id: `/subscriptions/${SUB}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`,
  name: 'contoso-aml',
  subscriptionId: SUB,
  resourceGroup: 'rg-datascience',
};
const SAMPLE = path.resolve(__dirname, '..', '..', '..', '..', 'sample-workspace');

describe('pipeline submit against the emulator', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let access: EmulatorAccess;
  let client: AmlWorkspaceClient;
  let root: string;
  const reader = new NodeFileReader();
  const pipelineFile = () => path.join(root, 'pipelines', 'prepare-train.pipeline.yml');

  before(async () => {
    emu = await startTestEmulator({ storage: true, settings: { pageSize: 50 } });
    access = emulatorAccess({ url: emu.url, caPem: emu.caPem, tenantId: emu.tenantId });
    client = new AmlWorkspaceClient(access.arm, WS);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'submit-test-'));
    fs.cpSync(SAMPLE, root, { recursive: true });
  });
  after(async () => {
    await emu?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const submit = (text = fs.readFileSync(pipelineFile(), 'utf8'), jobName?: string) =>
    submitPipeline({ text, filePath: pipelineFile(), rootDir: root, reader, client, jobName });

  it('uploads code, registers it and anonymous components, PUTs the job and the emulator runs it to Completed', async () => {
    const result = await submit();
    assert.deepEqual(
      result.uploads.map((u) => [u.kind, path.basename(u.localPath), u.uploaded]),
      [['code', 'src', true]],
    );
    const code = result.uploads[0];
    assert.match(code.assetId, /\/codes\/[0-9a-f]{64}\/versions\/1$/);
    // The code is in the datastore under its hash, path-style on the emulator's IP endpoint.
    const ds = await client.defaultDatastore();
    assert.ok(containerUrl(ds).startsWith(`https://${ds.endpoint}/${ds.accountName}/`));
    // Both steps point at registered anonymous components that carry the code id.
    assert.deepEqual(Object.keys(result.componentIds).sort(), ['prepare', 'train']);
    const jobs = result.job.properties.jobs!;
    for (const step of ['prepare', 'train']) {
      assert.equal(jobs[step].componentId, result.componentIds[step]);
      const version = result.componentIds[step].split('/').pop()!;
      const component = await client.client.componentVersions.get(WS.resourceGroup, WS.name, 'azureml_anonymous', version);
      assert.equal((component.properties.componentSpec as any).code, code.assetId);
    }
    assert.equal(result.job.properties.status, 'NotStarted');
    for (const stage of ['validate', 'upload', 'register', 'put'] as const) assert.ok(result.timings[stage] >= 0);

    const logs: string[] = [];
    const final = await new JobMonitor(client, result.jobName).follow({
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
      onLog: (c) => logs.push(`${c.step}: ${c.text}`),
    });
    assert.equal(final.status, 'Completed', logs.join('\n'));
    assert.deepEqual(final.steps.map((s) => [s.step, s.status]).sort(), [
      ['prepare', 'Completed'],
      ['train', 'Completed'],
    ]);
    assert.ok(
      logs.some((l) => l.startsWith('prepare: prepare: wrote 200 rows')),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((l) => /train: train: 200 rows/.test(l)),
      logs.join('\n'),
    );
    assert.ok(Object.keys(final.outputs).some((k) => k === 'train.model_output'));
    // A step fetched by name: ARM answers a stub without properties, so the job comes from run history.
    const step = final.steps.find((s) => s.step === 'train')!;
    const child = await client.getJob(step.runId);
    assert.equal(child.name, step.runId);
    assert.equal(child.properties.displayName, 'train');
    assert.equal(child.properties.status, 'Completed');
  });

  it('blob traffic goes through the HTTP client it is given: trusted with the emulator CA, refused without it', async () => {
    const ds = await client.defaultDatastore();
    const key = (await client.datastoreAccountKey(ds.name))!;
    const item: UploadItem = {
      kind: 'code',
      localPath: path.join(root, 'src'),
      isFolder: true,
      usedBy: ['prepare'],
      files: ['prepare.py'],
      totalBytes: 1,
      hash: 'f'.repeat(64),
    };
    const trusted = new DatastoreUploader(ds, key, createTrustingHttpClient([emu.caPem]));
    assert.equal(await trusted.isUploaded(item), false);
    const untrusted = new DatastoreUploader(ds, key, createTrustingHttpClient([]));
    await assert.rejects(untrusted.isUploaded(item), (err: Error & { code?: string }) => /certificate/i.test(`${err.code} ${err.message}`));
  });

  it('skips unchanged content by hash and uploads again after a change', async () => {
    const again = await submit();
    assert.equal(again.uploads[0].uploaded, false, 'unchanged code is not uploaded again');
    fs.appendFileSync(path.join(root, 'src', 'train.py'), '\n# changed\n');
    const changed = await submit();
    assert.equal(changed.uploads[0].uploaded, true);
    assert.notEqual(changed.uploads[0].hash, again.uploads[0].hash);
  });

  it('refuses bad input with the reasons and sends nothing', async () => {
    const before = (await client.listJobs()).length;
    const bad = fs
      .readFileSync(pipelineFile(), 'utf8')
      .replace('azureml:sparksmall', 'azureml:nopool')
      .replace('file: prepare.py', 'file: missing.py');
    await assert.rejects(submit(bad), (err: unknown) => {
      assert.ok(err instanceof SubmitRefusedError);
      assert.ok(
        err.problems.some((p) => /nopool.*not attached/.test(p)),
        err.message,
      );
      assert.ok(
        err.problems.some((p) => /missing\.py/.test(p)),
        err.message,
      );
      return true;
    });
    assert.equal((await client.listJobs()).length, before);
  });

  it('refuses a file too large to check with that reason and sends nothing', async () => {
    const before = (await client.listJobs()).length;
    await assert.rejects(submit(generatedPipeline(MAX_PIPELINE_STEPS + 1)), (err: unknown) => {
      assert.ok(err instanceof SubmitRefusedError);
      assert.equal(err.problems.length, 1);
      assert.match(err.problems[0], /^This pipeline file is too large to check \(2,001 steps \/ 0\.\d MB; limit 2,000 steps \/ 1 MB\)/);
      return true;
    });
    assert.equal((await client.listJobs()).length, before);
  });

  it('leaves no job behind when the PUT fails after the upload, and says what was uploaded', async () => {
    fs.appendFileSync(path.join(root, 'src', 'prepare.py'), '\n# another change\n');
    emu.handle.faults.add({
      kind: 'status',
      surface: 'arm',
      method: 'PUT',
      path: '/jobs/',
      status: 400,
      code: 'UserError',
      message: 'injected',
      count: 1,
    });
    const before = (await client.listJobs()).length;
    await assert.rejects(submit(undefined, 'should_not_exist'), (err: unknown) => {
      assert.ok(err instanceof SubmitFailedError, String(err));
      assert.match(err.message, /No job was created/);
      assert.ok(
        err.uploaded.some((u) => u.includes('LocalUpload/')),
        err.message,
      );
      return true;
    });
    assert.equal((await client.listJobs()).length, before);
    await assert.rejects(client.getJob('should_not_exist'), /ResourceNotFound|404/);
  });

  it('resolves azureml:name@latest to the latest registered version', async () => {
    const spec = { name: 'shared_prepare', type: 'command', command: 'echo shared', version: '3' };
    await client.putComponentVersion('shared_prepare', '2', { properties: { componentSpec: { ...spec, version: '2' } } });
    await client.putComponentVersion('shared_prepare', '3', { properties: { componentSpec: spec } });
    const text = [
      'type: pipeline',
      'display_name: latest_ref',
      'jobs:',
      '  only:',
      '    type: command',
      '    component: azureml:shared_prepare@latest',
      '',
    ].join('\n');
    const result = await submit(text);
    assert.match(String(result.job.properties.jobs!.only.componentId), /\/components\/shared_prepare\/versions\/3$/);
    const final = await new JobMonitor(client, result.jobName).follow({ backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
    assert.equal(final.status, 'Completed');
  });

  it('a follower that starts after the run ended hands over the whole log before the terminal state', async () => {
    const text = [
      'type: pipeline',
      'display_name: ended_first',
      'jobs:',
      '  only:',
      '    type: command',
      '    command: echo first line && echo second line',
      '',
    ].join('\n');
    const result = await submit(text);
    await new JobMonitor(client, result.jobName).follow({ backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
    // A new follower (a run view reconnecting, or reopened later) sees the terminal state at its first poll.
    const events: string[] = [];
    await new JobMonitor(client, result.jobName).follow({
      onSnapshot: (s) => events.push(`state ${s.status}`),
      onLog: (c) => events.push(`log ${c.step}: ${c.text.trim().replace(/\n/g, ' | ')}`),
    });
    // The pipeline's own orchestration log comes first; then the step's, whole; then the terminal state.
    assert.match(events[0], new RegExp(`^log ${result.jobName}: .*Submitting 1 run`));
    assert.deepEqual(events.slice(1), ['log only: first line | second line', 'state Completed']);
  });

  it('the emulator keeps component versions immutable and rejects a component without a runnable spec', async () => {
    await assert.rejects(
      client.putComponentVersion('azureml_anonymous', 'x1', { properties: { componentSpec: { type: 'spark' } } }),
      /entry/,
    );
    const spec = { type: 'command', command: 'echo one' };
    await client.putComponentVersion('fixed', '1', { properties: { componentSpec: spec } });
    await client.putComponentVersion('fixed', '1', { properties: { componentSpec: spec } });
    await assert.rejects(
      client.putComponentVersion('fixed', '1', { properties: { componentSpec: { ...spec, command: 'echo two' } } }),
      /immutable/,
    );
  });
});
