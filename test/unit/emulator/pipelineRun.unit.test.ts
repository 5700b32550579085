import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';
import { runHistoryClient } from '../../support/runHistory';
import { containerClient } from '../../../emulator/src/storage/azurite';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const WS = `/subscriptions/${SUB1}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`;

describe('emulator pipeline runner and datastore (Azurite)', function () {
  this.timeout(40_000);
  let emu: TestEmulator;
  let code: string;
  before(async () => {
    emu = await startTestEmulator({ storage: true, settings: { pageSize: 50 } });
    code = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-code-'));
    // Spark steps are PySpark scripts run by spark-submit: their folders arrive as URIs Spark reads and writes.
    fs.writeFileSync(
      path.join(code, 'produce.py'),
      [
        'import sys',
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.getOrCreate()',
        'spark.createDataFrame([("hello " + sys.argv[1],)], ["value"]).coalesce(1).write.mode("overwrite").text(sys.argv[2])',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(code, 'consume.py'),
      [
        'import sys',
        'from pyspark.sql import SparkSession, functions as F',
        'spark = SparkSession.builder.getOrCreate()',
        'spark.read.text(sys.argv[1]).select(F.upper("value").alias("value")).coalesce(1).write.mode("overwrite").text(sys.argv[2])',
      ].join('\n'),
    );
  });
  after(async () => {
    await emu?.stop();
    fs.rmSync(code, { recursive: true, force: true });
  });

  it('serves the default datastore backed by the running Azurite, with its account key', async () => {
    const arm = armClient(emu);
    const ds = await arm('GET', `${WS}/datastores/workspaceblobstore?api-version=2022-10-01`);
    assert.equal(ds.status, 200);
    assert.equal(ds.body.properties.datastoreType, 'AzureBlob');
    assert.equal(ds.body.properties.isDefault, true);
    assert.equal(`https://${ds.body.properties.endpoint}`, emu.handle.blobServiceUrl);
    const secrets = await arm('POST', `${WS}/datastores/workspaceblobstore/listSecrets?api-version=2022-10-01`);
    assert.equal(secrets.body.secretsType, 'AccountKey');
    assert.ok(secrets.body.key.length > 40);
  });

  it('runs spark steps with spark-submit and command steps in dependency order; outputs end on the default datastore', async function () {
    this.timeout(150_000);
    const arm = armClient(emu);
    const history = runHistoryClient(emu, WS);
    const codeUrl = `${WS}/codes/demo/versions/1?api-version=2022-10-01`;
    const codeVersion = await arm('PUT', codeUrl, { properties: { codeUri: pathToFileURL(code).href } });
    const codeId = codeVersion.body.id;
    const job = {
      properties: {
        jobType: 'Pipeline',
        inputs: { greeting: { jobInputType: 'literal', value: 'spark' } },
        outputs: { final: { jobOutputType: 'uri_folder', mode: 'Direct' } },
        jobs: {
          // Declared consumer-first: the runner must still run the producer first.
          consume: {
            type: 'spark',
            code: codeId,
            entry: { spark_job_entry_type: 'SparkJobPythonEntry', file: 'consume.py' },
            args: '${{inputs.src}} ${{outputs.out}}',
            inputs: { src: { job_input_type: 'literal', value: '${{parent.jobs.produce.outputs.data}}' } },
            outputs: { out: { value: '${{parent.outputs.final}}', type: 'literal' } },
          },
          produce: {
            type: 'spark',
            code: codeId,
            entry: { spark_job_entry_type: 'SparkJobPythonEntry', file: 'produce.py' },
            args: '${{inputs.word}} ${{outputs.data}}',
            inputs: { word: { job_input_type: 'literal', value: '${{parent.inputs.greeting}}' } },
            outputs: { data: { type: 'uri_folder' } },
          },
          check: {
            type: 'command',
            command: 'test -f "${{inputs.d}}/_SUCCESS"',
            inputs: { d: { value: '${{parent.jobs.produce.outputs.data}}' } },
          },
        },
      },
    };
    const url = `${WS}/jobs/run1?api-version=2022-10-01`;
    assert.equal((await arm('PUT', url, job)).status, 201);
    const seen = new Set<string>();
    const end = Date.now() + 120_000;
    let status = '';
    while (Date.now() < end) {
      const { runs: kids } = await history.children('run1');
      for (const k of kids) seen.add(`${k.displayName}:${k.status}`);
      status = (await arm('GET', url)).body.properties.status;
      if (['Completed', 'Failed', 'Canceled'].includes(status)) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    assert.equal(status, 'Completed');
    assert.ok(seen.has('produce:Running') || seen.has('produce:Queued'), `intermediate states seen: ${[...seen].join(', ')}`);
    const final = path.join(emu.handle.dataDir, 'jobs', 'run1', 'outputs', 'final');
    const parts = fs.readdirSync(final).filter((f) => f.startsWith('part-'));
    assert.equal(
      parts
        .map((f) => fs.readFileSync(path.join(final, f), 'utf8'))
        .join('')
        .trim(),
      'HELLO SPARK',
    );
    const { runs: kids } = await history.children('run1');
    assert.deepEqual(
      kids.map((k: { status: string }) => k.status),
      ['Completed', 'Completed', 'Completed'],
    );
    // The pipeline output bound to consume's output now names consume's default output path on the datastore.
    const consume = kids.find((k: { displayName: string }) => k.displayName === 'consume');
    const parentOut = (await arm('GET', url)).body.properties.outputs.final.uri;
    assert.equal(parentOut, `azureml://datastores/workspaceblobstore/paths/azureml/${consume.runId}/out/`);
    const ds = await arm('GET', `${WS}/datastores/workspaceblobstore?api-version=2022-10-01`);
    const container = containerClient(emu.handle.blobServiceUrl!, emu.caPem, ds.body.properties.containerName);
    const blobs: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: `azureml/${consume.runId}/out/` })) blobs.push(b.name);
    assert.ok(
      blobs.some((b) => /\/part-[^/]+$/.test(b)),
      `uploaded: ${blobs.join(', ')}`,
    );
    const produce = kids.find((k: { displayName: string }) => k.displayName === 'produce');
    assert.equal(produce.outputs.data.assetId, `azureml://datastores/workspaceblobstore/paths/azureml/${produce.runId}/data/`);
  });

  it('fails the pipeline and cancels dependants when a step fails', async () => {
    const arm = armClient(emu);
    const url = `${WS}/jobs/run2?api-version=2022-10-01`;
    await arm('PUT', url, {
      properties: {
        jobType: 'Pipeline',
        jobs: {
          a: { type: 'command', command: 'exit 3', outputs: { o: {} } },
          b: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.a.outputs.o}}' } } },
        },
      },
    });
    let status = '';
    for (let i = 0; i < 200 && !['Completed', 'Failed'].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 30));
      status = (await arm('GET', url)).body.properties.status;
    }
    assert.equal(status, 'Failed');
    const { runs: kids } = await runHistoryClient(emu, WS).children('run2');
    const byName = Object.fromEntries(kids.map((k: { displayName: string; status: string }) => [k.displayName, k.status]));
    assert.deepEqual(byName, { a: 'Failed', b: 'Canceled' });
  });

  it('rejects a pipeline whose steps bind in a cycle', async () => {
    const res = await armClient(emu)('PUT', `${WS}/jobs/cyc?api-version=2022-10-01`, {
      properties: {
        jobType: 'Pipeline',
        jobs: {
          a: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.b.outputs.o}}' } } },
          b: { type: 'command', command: 'true', inputs: { i: { value: '${{parent.jobs.a.outputs.o}}' } } },
        },
      },
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /cycle/);
  });
  it('refuses node names that could leave the data folder, and quotes input values in commands', async function () {
    this.timeout(60_000);
    const arm = armClient(emu);
    const bad = await arm('PUT', `${WS}/jobs/escape1?api-version=2022-10-01`, {
      properties: { jobType: 'Pipeline', jobs: { '../../../x': { type: 'command', command: 'echo hi' } } },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /Invalid node name '\.\.\/\.\.\/\.\.\/x'/);
    const badPort = await arm('PUT', `${WS}/jobs/escape2?api-version=2022-10-01`, {
      properties: { jobType: 'Pipeline', jobs: { a: { type: 'command', command: 'echo', outputs: { '../o': { type: 'uri_folder' } } } } },
    });
    assert.equal(badPort.status, 400);

    const marker = path.join(os.tmpdir(), `pwned-${process.pid}-${Date.now()}`);
    const hostile = `a; touch ${marker}; echo $(id) \`whoami\` 'q'`;
    const url = `${WS}/jobs/quoted1?api-version=2022-10-01`;
    const put = await arm('PUT', url, {
      properties: {
        jobType: 'Pipeline',
        jobs: {
          say: {
            type: 'command',
            command: 'printf "%s\\n" ${{inputs.word}}',
            inputs: { word: { job_input_type: 'literal', value: hostile } },
          },
        },
      },
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const end = Date.now() + 30_000;
    let status = '';
    while (Date.now() < end && !['Completed', 'Failed', 'Canceled'].includes(status)) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await arm('GET', url)).body.properties.status;
    }
    assert.equal(status, 'Completed');
    assert.equal(fs.existsSync(marker), false, 'the input value ran no command');
    const log = fs.readFileSync(path.join(emu.handle.dataDir, 'jobs', 'quoted1', 'say', 'user_logs', 'std_log.txt'), 'utf8');
    assert.equal(log.trim(), hostile, 'the value arrives as one word, as written');
  });

  it('refuses a request body nested too deep with a 400, and keeps serving', async () => {
    const arm = armClient(emu);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await arm('PUT', `${WS}/jobs/deep1?api-version=2022-10-01`, deep);
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /nests more than 100000 levels deep|nests \d+ levels deep/);
    assert.equal((await arm('GET', `${WS}/datastores/workspaceblobstore?api-version=2022-10-01`)).status, 200);
  });
  it('accepts a node compute bound to a pipeline input, and checks the compute that input names', async () => {
    const arm = armClient(emu);
    const body = (computeName: string) => ({
      properties: {
        jobType: 'Pipeline',
        inputs: { compute_name: { jobInputType: 'literal', value: computeName } },
        jobs: { only: { type: 'command', command: 'echo bound', computeId: '${{parent.inputs.compute_name}}' } },
      },
    });
    const ok = await arm('PUT', `${WS}/jobs/bound1?api-version=2024-04-01`, body('sparksmall'));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.properties.jobs.only.computeId, '${{parent.inputs.compute_name}}', 'the binding is kept as sent');
    const bad = await arm('PUT', `${WS}/jobs/bound2?api-version=2024-04-01`, body('nosuchcompute'));
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /Compute 'nosuchcompute' was not found/);
  });
});
