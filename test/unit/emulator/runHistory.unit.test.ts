/**
 * Azure ML run history as real clients see it: discovery (no auth), RunHistory runs / children (paged) /
 * details (logFiles as blob SAS URLs on Azurite), ARM's stub for a child run, child cancel, step outputs on
 * the default datastore. Real HTTP to a started emulator with storage on; command steps only (fast).
 */
import * as assert from 'node:assert/strict';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';
import { runHistoryClient } from '../../support/runHistory';
import { containerClient } from '../../../emulator/src/storage/azurite';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const WS = `/subscriptions/${SUB1}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`;
const API = 'api-version=2024-04-01';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TERMINAL = ['Completed', 'Failed', 'Canceled'];

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('emulator RunHistory: discovery, child runs, details and logs on blob storage', function () {
  this.timeout(120_000);
  let emu: TestEmulator;
  let arm: ReturnType<typeof armClient>;
  let noAuth: ReturnType<typeof armClient>;
  let history: ReturnType<typeof runHistoryClient>;

  before(async () => {
    emu = await startTestEmulator({ storage: true, settings: { pageSize: 50, pipelineStepDelayMs: 50 } });
    arm = armClient(emu);
    noAuth = armClient(emu, { auth: false });
    history = runHistoryClient(emu, WS);
  });
  after(async () => {
    await emu?.stop();
  });

  const submit = async (name: string, properties: Record<string, unknown>) => {
    const res = await arm('PUT', `${WS}/jobs/${name}?${API}`, { properties });
    assert.equal(res.status, 201, res.text);
  };
  const armStatus = async (name: string) => (await arm('GET', `${WS}/jobs/${name}?${API}`)).body.properties.status as string;
  const waitEnded = (name: string, ms = 60_000) => waitFor(async () => TERMINAL.includes(await armStatus(name)), ms, `${name} to end`);
  const childByNode = async (pipeline: string, node: string) => (await history.children(pipeline)).runs.find((r) => r.displayName === node);
  /** A plain GET of a SAS URL: no auth header at all. */
  const readSas = (url: string, headers: Record<string, string> = {}) => noAuth('GET', url, undefined, headers);

  it('serves the discovery document named by the workspace, without auth and with CORS *', async () => {
    const ws = await arm('GET', `${WS}?${API}`);
    const url: string = ws.body.properties.discoveryUrl;
    assert.equal(url, `${emu.url}/discovery`);
    const res = await noAuth('GET', url);
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.deepEqual(Object.keys(res.body).sort(), [
      'api',
      'catalog',
      'experimentation',
      'history',
      'hyperdrive',
      'labeling',
      'modelmanagement',
      'pipelines',
      'studio',
    ]);
    assert.equal(res.body.api, emu.url);
    assert.equal(res.body.history, emu.url);
    assert.equal(res.body.studio, `${emu.url}/_emulator/studio`);
  });

  it('requires an ARM-audience bearer token on RunHistory', async () => {
    await submit('authjob', { jobType: 'Command', command: 'true' });
    const anonymous = runHistoryClient(emu, WS, { auth: false });
    const res = await anonymous.run('authjob');
    assert.equal(res.status, 401);
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer /);
    const synapseToken = await emu.credential().getToken('https://dev.azuresynapse.net/.default');
    const wrong = await anonymous.get('runs/authjob', { authorization: `Bearer ${synapseToken!.token}` });
    assert.equal(wrong.status, 401);
    assert.equal((await history.run('authjob')).status, 200);
    assert.equal((await history.get('runs/authjob')).status, 200, 'api-version is optional');
    const mixedCase = await history.get(
      `${emu.url}/HISTORY/v1.0${WS.replace('resourceGroups', 'resourcegroups')}/RUNS/authjob?api-version=v1.0`,
    );
    assert.equal(mixedCase.status, 200, 'paths match case-insensitively');
  });

  it('answers an unknown run with the RunHistory 404 error shape', async () => {
    const res = await history.run('no-such-run');
    assert.equal(res.status, 404);
    assert.deepEqual(Object.keys(res.body).sort(), ['componentName', 'correlation', 'environment', 'error', 'location', 'time']);
    assert.equal(res.body.componentName, 'run-history');
    assert.deepEqual(Object.keys(res.body.correlation).sort(), ['operation', 'request']);
    const e = res.body.error;
    assert.equal(e.code, 'UserError');
    assert.match(e.message, /no-such-run/);
    assert.deepEqual(e.messageParameters, {});
    assert.deepEqual(e.details, []);
    assert.equal(e.innerError.code, 'NotFoundError');
    for (const k of ['severity', 'messageFormat', 'referenceCode', 'detailsUri', 'target', 'debugInfo', 'additionalInfo'])
      assert.ok(k in e, `error.${k}`);
    assert.equal((await history.get('runs/no-such-run/children')).status, 404);
    assert.equal((await history.get('runs/no-such-run/details')).status, 404);
  });

  it("pages a 60-step pipeline's children by 50 (continuationToken and nextLink) and honours $top; ARM never lists them", async () => {
    const jobs = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`s${String(i).padStart(2, '0')}`, { type: 'command', command: 'true' }]),
    );
    await submit('wide', { jobType: 'Pipeline', jobs });
    await waitFor(async () => (await history.get('runs/wide/children')).body?.value?.length > 0, 10_000, 'children to appear');

    const byToken = await history.children('wide');
    assert.deepEqual(
      byToken.pages.map((p) => p.value.length),
      [50, 10],
    );
    assert.ok(byToken.pages[0].continuationToken && byToken.pages[0].nextLink, 'a truncated page has both continuation forms');
    assert.equal(new URL(byToken.pages[0].nextLink).searchParams.get('$continuationtoken'), byToken.pages[0].continuationToken);
    assert.ok(!('continuationToken' in byToken.pages[1]) && !('nextLink' in byToken.pages[1]), 'the last page has neither');
    const names = byToken.runs.map((r) => r.displayName);
    assert.deepEqual(names, Object.keys(jobs), 'every step exactly once, in creation order');

    const byLink = await history.children('wide', { top: 25, via: 'nextLink' });
    assert.deepEqual(
      byLink.pages.map((p) => p.value.length),
      [25, 25, 10],
    );
    assert.deepEqual(
      byLink.runs.map((r) => r.runId),
      byToken.runs.map((r) => r.runId),
    );

    await waitEnded('wide');
    const list = await arm('GET', `${WS}/jobs?${API}&listViewType=All`);
    const listed = new Set<string>();
    for (let page = list.body; page; page = page.nextLink ? (await arm('GET', page.nextLink)).body : undefined) {
      for (const j of page.value) listed.add(j.name);
    }
    assert.ok(listed.has('wide'));
    assert.ok(
      byToken.runs.every((r) => !listed.has(r.runId)),
      'no child run in the ARM list',
    );
    const final = await history.children('wide');
    assert.ok(final.runs.every((r) => r.status === 'Completed'));
  });

  it('serves runs/{id} for a pipeline and its child, and ARM answers a stub without properties for the child', async () => {
    await submit('pair', {
      jobType: 'Pipeline',
      experimentName: 'exp-pair',
      jobs: {
        first: { type: 'command', command: 'echo one', compute: 'azureml:sparksmall', outputs: { out: { type: 'uri_folder' } } },
        second: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.first.outputs.out}}' } } },
      },
    });
    await waitEnded('pair');
    const parent = (await history.run('pair')).body;
    assert.equal(parent.runId, 'pair');
    assert.equal(parent.runType, 'azureml.PipelineRun');
    assert.equal(parent.rootRunId, 'pair');
    assert.equal(parent.parentRunId, null);
    assert.equal(parent.status, 'Completed');
    assert.match(parent.experimentId, GUID);

    const child = await childByNode('pair', 'first');
    assert.match(child.runId, GUID);
    const got = (await history.run(child.runId)).body;
    assert.deepEqual(got, {
      ...child,
      duration: got.duration,
      currentComputeTime: got.currentComputeTime,
      computeDuration: got.computeDuration,
    });
    assert.equal(got.parentRunId, 'pair');
    assert.equal(got.rootRunId, 'pair');
    assert.equal(got.displayName, 'first');
    assert.equal(got.name, 'azureml_anonymous');
    assert.equal(got.experimentId, parent.experimentId, 'one experiment id per experiment name');
    assert.equal(got.runType, 'azureml.StepRun');
    assert.deepEqual(got.runTypeV2.traits, ['azureml.StepRun', 'scriptRun', 'remote', 'CommonRuntime']);
    assert.equal(got.dataContainerId, `dcid.${got.runId}`);
    assert.equal(got.status, 'Completed');
    assert.equal(got.hidden, false);
    assert.ok(got.createdUtc && got.startTimeUtc && got.endTimeUtc);
    assert.ok(Date.parse(got.startTimeUtc) <= Date.parse(got.endTimeUtc));
    assert.equal(got.target, 'sparksmall');
    assert.equal(got.compute.target, 'sparksmall');
    assert.match(got.properties['azureml.nodeid'], /^[0-9a-f]{8}$/);
    assert.equal(got.properties['azureml.pipelinerunid'], 'pair');
    assert.equal(got.properties['azureml.rootpipelinerunid'], 'pair');
    assert.equal(got.properties['azureml.runsource'], 'azureml.StepRun');
    assert.ok(got.properties.StepType);
    assert.deepEqual(got.tags, { 'azureml.nodeid': got.properties['azureml.nodeid'], 'azureml.pipeline': 'pair' });
    assert.equal(got.error, null);
    assert.equal(got.outputs.out.assetId, `azureml://datastores/workspaceblobstore/paths/azureml/${got.runId}/out/`);
    assert.equal((await history.get(`experiments/exp-pair/runs/${got.runId}`)).status, 200, 'experiment-scoped twin');
    assert.equal((await history.get(`experiments/other/runs/${got.runId}`)).status, 404);
    assert.deepEqual((await history.get(`runs/${got.runId}/children`)).body, { value: [] });

    const stub = await arm('GET', `${WS}/jobs/${got.runId}?${API}`);
    assert.equal(stub.status, 200);
    assert.deepEqual(Object.keys(stub.body).sort(), ['id', 'name', 'systemData', 'type']);
    assert.equal(stub.body.name, got.runId);
    assert.equal(stub.body.type, 'Microsoft.MachineLearningServices/workspaces/jobs');
    assert.deepEqual(Object.keys(stub.body.systemData).sort(), ['createdAt', 'createdBy', 'createdByType']);
    assert.equal((await arm('GET', `${WS}/jobs/pair?${API}`)).body.properties.jobType, 'Pipeline');
  });

  it('serves logFiles as SAS URLs that read without auth, with Range, and grow while a step runs', async () => {
    await submit('talk', {
      jobType: 'Pipeline',
      jobs: { talker: { type: 'command', command: 'echo first line; sleep 4; echo second line' } },
    });
    let child: any;
    let sas = '';
    await waitFor(
      async () => {
        child = await childByNode('talk', 'talker');
        if (!child) return false;
        const d = (await history.details(child.runId)).body;
        sas = d.logFiles?.['user_logs/std_log.txt'] ?? '';
        if (!sas) return false;
        return (await readSas(sas)).text.includes('first line');
      },
      20_000,
      'the first line in the uploaded log',
    );
    const details = (await history.details(child.runId)).body;
    assert.equal(details.status, 'Running');
    assert.ok('createdTimeUtc' in details && !('createdUtc' in details));
    assert.deepEqual(Object.keys(details.logFiles), ['user_logs/std_log.txt']);
    const url = new URL(details.logFiles['user_logs/std_log.txt']);
    assert.equal(`${url.protocol}//${url.host}`, emu.handle.blobServiceUrl);
    assert.equal(url.pathname, `/devstoreaccount1/azureml/ExperimentRun/dcid.${child.runId}/user_logs/std_log.txt`);
    assert.equal(url.searchParams.get('sp'), 'r');
    assert.ok(url.searchParams.get('sig') && url.searchParams.get('se') && url.searchParams.get('st'));

    const early = await readSas(url.href);
    assert.equal(early.status, 200);
    assert.ok(!early.text.includes('second line'));
    const size = Buffer.byteLength(early.text);

    await waitEnded('talk');
    const after = (await history.details(child.runId)).body;
    assert.equal(after.status, 'Completed');
    const full = await readSas(after.logFiles['user_logs/std_log.txt']);
    assert.equal(full.text, 'first line\nsecond line\n');
    const tail = await readSas(after.logFiles['user_logs/std_log.txt'], { range: `bytes=${size}-` });
    assert.equal(tail.status, 206);
    assert.equal(tail.text, 'second line\n');
    const atEnd = await readSas(after.logFiles['user_logs/std_log.txt'], { range: `bytes=${Buffer.byteLength(full.text)}-` });
    assert.ok(
      atEnd.status === 416 || (atEnd.status === 206 && atEnd.text === ''),
      `at the end: ${atEnd.status} ${JSON.stringify(atEnd.text)}`,
    );
    const past = await readSas(after.logFiles['user_logs/std_log.txt'], { range: `bytes=${Buffer.byteLength(full.text) + 10}-` });
    assert.equal(past.status, 416);
    // The SAS is read-only.
    const write = await noAuth('PUT', after.logFiles['user_logs/std_log.txt'], 'x', { 'x-ms-blob-type': 'BlockBlob' });
    assert.equal(write.status, 403);

    const parent = (await history.details('talk')).body;
    assert.deepEqual(Object.keys(parent.logFiles), ['logs/azureml/executionlogs.txt']);
    const exec = (await readSas(parent.logFiles['logs/azureml/executionlogs.txt'])).text;
    const nodeId = child.properties['azureml.nodeid'];
    assert.match(
      exec,
      new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\] Submitting 1 runs, first five are: ${nodeId}:${child.runId}$`, 'm'),
    );
    assert.match(exec, new RegExp(`^\\[[^\\]]+\\] Completing processing run id ${child.runId}\\.$`, 'm'));
  });

  it("reports a failed step's error and log, and fails the pipeline", async () => {
    await submit('broken', {
      jobType: 'Pipeline',
      jobs: {
        bad: { type: 'command', command: 'echo going down >&2; exit 3', outputs: { o: {} } },
        after: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.bad.outputs.o}}' } } },
      },
    });
    await waitEnded('broken');
    assert.equal(await armStatus('broken'), 'Failed');
    const bad = await childByNode('broken', 'bad');
    assert.equal(bad.status, 'Failed');
    assert.equal(bad.error.componentName, 'CommonRuntime');
    assert.equal(bad.error.error.code, 'UserError');
    assert.match(bad.error.error.message, /exited with status code 3/);
    assert.ok(Array.isArray(bad.warnings));
    assert.equal((await childByNode('broken', 'after')).status, 'Canceled');
    const d = (await history.details(bad.runId)).body;
    assert.equal((await readSas(d.logFiles['user_logs/std_log.txt'])).text, 'going down\n');
    const parent = (await history.run('broken')).body;
    assert.equal(parent.status, 'Failed');
    assert.match(parent.error.error.message, /\/bad/);
    const exec = (await readSas((await history.details('broken')).body.logFiles['logs/azureml/executionlogs.txt'])).text;
    assert.match(exec, new RegExp(`\\(bad\\) failed, run id ${bad.runId}: .*status code 3`));
  });

  it('cancels one step through ARM: it and its dependants end Canceled, the others finish, the pipeline ends Canceled', async () => {
    await submit('partial', {
      jobType: 'Pipeline',
      jobs: {
        slow: { type: 'command', command: 'sleep 30', outputs: { o: {} } },
        next: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.slow.outputs.o}}' } } },
        quick: { type: 'command', command: 'sleep 1' },
      },
    });
    let slow: any;
    await waitFor(async () => (slow = await childByNode('partial', 'slow'))?.status === 'Running', 10_000, 'slow to run');
    const cancel = await arm('POST', `${WS}/jobs/${slow.runId}/cancel?${API}`);
    assert.equal(cancel.status, 202);
    await waitEnded('partial', 20_000);
    const byNode = Object.fromEntries((await history.children('partial')).runs.map((r) => [r.displayName, r.status]));
    assert.deepEqual(byNode, { slow: 'Canceled', next: 'Canceled', quick: 'Completed' });
    assert.equal(await armStatus('partial'), 'Canceled');
  });

  it("uploads a standalone job's outputs (a folder and a file) to the default datastore and names them there", async () => {
    await submit('solo', {
      jobType: 'Command',
      command: 'echo hi > ${{outputs.result}}/hello.txt; rmdir ${{outputs.single}} && echo one > ${{outputs.single}}; echo done',
      outputs: { result: { jobOutputType: 'uri_folder' }, single: { jobOutputType: 'uri_file' } },
    });
    await waitEnded('solo');
    const job = (await arm('GET', `${WS}/jobs/solo?${API}`)).body;
    assert.equal(job.properties.status, 'Completed');
    assert.equal(job.properties.outputs.result.uri, 'azureml://datastores/workspaceblobstore/paths/azureml/solo/result/');
    const ds = await arm('GET', `${WS}/datastores/workspaceblobstore?${API}`);
    const blob = containerClient(emu.handle.blobServiceUrl!, emu.caPem, ds.body.properties.containerName).getBlobClient(
      'azureml/solo/result/hello.txt',
    );
    assert.equal((await blob.downloadToBuffer()).toString(), 'hi\n');
    // A file written where the output folder was becomes one blob, named after the output.
    assert.equal(job.properties.outputs.single.uri, 'azureml://datastores/workspaceblobstore/paths/azureml/solo/single/single');
    assert.equal(job.properties.outputs.single.jobOutputType, 'uri_file');
    const file = containerClient(emu.handle.blobServiceUrl!, emu.caPem, ds.body.properties.containerName).getBlobClient(
      'azureml/solo/single/single',
    );
    assert.equal((await file.downloadToBuffer()).toString(), 'one\n');
    const d = (await history.details('solo')).body;
    assert.equal((await readSas(d.logFiles['user_logs/std_log.txt'])).text, 'done\n');
    assert.equal(d.runId, 'solo');
    assert.equal(d.parentRunId, null);
  });
});

describe('emulator RunHistory without storage', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ storage: false });
  });
  after(async () => {
    await emu?.stop();
  });

  it('answers logFiles {} when the blob service is off', async () => {
    const arm = armClient(emu);
    assert.equal((await arm('PUT', `${WS}/jobs/nostore?${API}`, { properties: { jobType: 'Command', command: 'echo x' } })).status, 201);
    await waitFor(async () => TERMINAL.includes((await arm('GET', `${WS}/jobs/nostore?${API}`)).body.properties.status));
    const d = await runHistoryClient(emu, WS).details('nostore');
    assert.equal(d.status, 200);
    assert.equal(d.body.status, 'Completed');
    assert.deepEqual(d.body.logFiles, {});
  });
});
