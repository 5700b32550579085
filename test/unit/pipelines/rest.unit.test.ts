// REST bodies: the PipelineJob of a corpus Spark pipeline has the key shape of the PipelineJob that
// azure-ai-ml really sent (recording), standalone Spark jobs use the spec's camelCase keys, and the
// Livy batch body uses the Synapse data plane's SparkBatchJobOptions keys.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePipeline, loadPipeline } from '../../../src/core/pipelines/analyze';
import { setStepField } from '../../../src/core/pipelines/edit/operations';
import { NodeFileReader } from '../../../src/core/pipelines/nodeFileReader';
import { toAnonymousComponent } from '../../../src/core/pipelines/rest/componentSpec';
import { splitArgs, toLivyBatchBody } from '../../../src/core/pipelines/rest/livyBatch';
import { toPipelineJobBody } from '../../../src/core/pipelines/rest/pipelineJob';
import { toSparkJobBody } from '../../../src/core/pipelines/rest/sparkJob';
import { sparkRunFromScript, sparkRunFromStep } from '../../../src/core/pipelines/rest/sparkRun';
import { corpusFile, readJson, referencePath } from './helpers';

const WS = { subscriptionId: 'sub', resourceGroup: 'rg', workspaceName: 'ws' };
const PIPELINE = () => corpusFile('cli/jobs/pipelines/add-column-and-word-count-using-spark/pipeline.yml');

function recordedPipelineJob(): any {
  const file = referencePath(
    'azure-api/recordings/azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/recordings/dsl/e2etests/test_dsl_pipeline.pyTestDSLPipelinetest_spark_components.EXCERPT_last4entries.json',
  );
  const entry = readJson(file).Entries.find((e: any) => e.RequestMethod === 'PUT' && e.RequestBody?.properties?.jobType === 'Pipeline');
  return entry.RequestBody;
}

/** Keys and JSON value kinds, recursively, except under maps keyed by user names (given by `free`). */
function shape(value: unknown, free: string[] = [], at = ''): unknown {
  if (Array.isArray(value)) {
    return ['array', ...new Set(value.map((v) => JSON.stringify(shape(v, free, at))))];
  }
  if (value && typeof value === 'object') {
    if (free.includes(at)) {
      return `map<${[...new Set(Object.values(value).map((v) => JSON.stringify(shape(v, free, `${at}.*`))))].sort().join('|')}>`;
    }
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as any)[k], free, `${at}.${k}`)]),
    );
  }
  return typeof value;
}

describe('pipelines: REST conversion', () => {
  it('the PipelineJob of the corpus Spark pipeline has the recorded key shape', async () => {
    // The recorded YAML set identity: user_identity on both nodes; the corpus copy does not, so set it.
    let text = fs.readFileSync(PIPELINE(), 'utf8');
    text = setStepField(text, 'add_greeting_columns', ['identity', 'type'], 'user_identity').text;
    text = setStepField(text, 'count_by_rows', ['identity', 'type'], 'user_identity').text;
    const parsed = await loadPipeline(text, { filePath: PIPELINE(), reader: new NodeFileReader(), checkLocalFiles: false });
    const localData = path.join(path.dirname(PIPELINE()), 'data/iris.csv');
    const { body, unresolved } = toPipelineJobBody(parsed.model!, {
      workspace: WS,
      displayName: 'spark_pipeline_from_yaml',
      experimentName: 'spark_in_pipeline',
      componentIds: { add_greeting_columns: 'id-1', count_by_rows: 'id-2' },
      dataUris: { [localData]: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/iris.csv' },
    });
    assert.deepEqual(unresolved, []);
    const recorded = recordedPipelineJob();
    const recordedNodes = Object.values(recorded.properties.jobs) as any[];
    const ourNodes = Object.values(body.properties.jobs as object) as any[];
    assert.equal(ourNodes.length, recordedNodes.length);
    // Maps keyed by user-chosen names (conf keys, port names) compare by their values' shapes only.
    const free = ['.conf', '.inputs', '.outputs'];
    for (let i = 0; i < ourNodes.length; i++) {
      const ours = { ...ourNodes[i] };
      const theirs = { ...recordedNodes[i] };
      assert.deepEqual(shape(ours, free), shape(theirs, free), `node ${i}`);
      assert.equal(ours.entry.spark_job_entry_type, 'SparkJobPythonEntry');
      assert.deepEqual(ours.identity, theirs.identity);
      assert.deepEqual(ours.conf, theirs.conf, 'conf values keep their YAML types');
    }
    // Pipeline level: the recording has no description (its YAML had none); ours has one.
    const top = { ...(body.properties as any) };
    assert.equal(top.description, 'submit a pipeline with spark job');
    delete top.description;
    const topShape = shape(top, ['.jobs', '.inputs', '.outputs', '.settings']) as any;
    const recShape = shape(recorded.properties, ['.jobs', '.inputs', '.outputs', '.settings']) as any;
    assert.deepEqual(Object.keys(topShape), Object.keys(recShape));
    assert.deepEqual(shape(top.inputs.iris_data), shape(recorded.properties.inputs.iris_data));
    assert.deepEqual(shape(top.outputs.output), shape(recorded.properties.outputs.output));
    assert.equal(top.inputs.iris_data.mode, 'Direct');
  });

  it('reports what must be resolved before sending', () => {
    const parsed = analyzePipeline(fs.readFileSync(PIPELINE(), 'utf8'), { filePath: PIPELINE() });
    const { unresolved } = toPipelineJobBody(parsed.model!, { workspace: WS });
    assert.deepEqual(unresolved.map((u) => u.kind).sort(), ['anonymousComponent', 'anonymousComponent', 'localData']);
  });

  it('registered components, default compute and command nodes', () => {
    const file = corpusFile('cli/jobs/pipelines-with-components/basics/1b_e2e_registered_components/pipeline.yml');
    const parsed = analyzePipeline(fs.readFileSync(file, 'utf8'), { filePath: file });
    const { body, unresolved } = toPipelineJobBody(parsed.model!, {
      workspace: WS,
      componentIds: { train_job: '/x/components/my_train/versions/7' },
    });
    const p = body.properties as any;
    assert.equal(
      p.settings.default_compute,
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/cpu-cluster',
    );
    assert.equal(p.jobs.train_job.componentId, '/x/components/my_train/versions/7');
    assert.equal(p.jobs.score_job.componentId, 'azureml:my_score@latest');
    assert.deepEqual(
      unresolved.map((u) => [u.step, u.kind]).filter(([, k]) => k !== 'localData'),
      [
        ['score_job', 'componentLabel'],
        ['evaluate_job', 'componentLabel'],
      ],
    );
    assert.deepEqual(p.jobs.train_job.inputs.max_epocs, {
      job_input_type: 'literal',
      value: '${{parent.inputs.pipeline_job_training_max_epocs}}',
    });
    assert.deepEqual(p.inputs.pipeline_job_training_max_epocs, { jobInputType: 'literal', value: '20' });
    assert.deepEqual(p.outputs.pipeline_job_trained_model, { jobOutputType: 'uri_folder', mode: 'Upload' });
    assert.deepEqual(p.jobs.score_job.outputs.score_output, { value: '${{parent.outputs.pipeline_job_scored_data}}', type: 'literal' });
  });

  it('versioned and registry component references become ids; attached compute becomes an ARM id', () => {
    const text =
      'type: pipeline\njobs:\n  a:\n    type: spark\n    component: azureml:comp:3\n    compute: azureml:pool1\n  b:\n    type: spark\n    component: azureml://registries/azureml/components/x/versions/1\n    compute: pool1\n';
    const p = toPipelineJobBody(analyzePipeline(text).model!, { workspace: WS }).body.properties as any;
    assert.equal(
      p.jobs.a.componentId,
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/components/comp/versions/3',
    );
    assert.equal(p.jobs.b.componentId, 'azureml://registries/azureml/components/x/versions/1');
    assert.equal(p.jobs.a.computeId, p.jobs.b.computeId);
    assert.match(p.jobs.a.computeId, /\/computes\/pool1$/);
  });

  it('the anonymous component of an inline Spark step carries code id, entry and inferred port types', () => {
    const parsed = analyzePipeline(fs.readFileSync(PIPELINE(), 'utf8'), { filePath: PIPELINE() });
    const step = parsed.model!.steps[1];
    const a = toAnonymousComponent(parsed.model!, step, WS, '/codes/c/versions/1');
    const spec = a.body.properties.componentSpec as any;
    assert.equal(spec.code, '/codes/c/versions/1');
    assert.deepEqual(spec.entry, { file: 'count_by_row.py' });
    assert.deepEqual(spec.inputs.file_input, { type: 'uri_file' });
    assert.deepEqual(spec.outputs.output, { type: 'uri_folder' });
    assert.equal(a.version, toAnonymousComponent(parsed.model!, step, WS, '/codes/c/versions/1').version, 'stable version');
    assert.notEqual(a.version, toAnonymousComponent(parsed.model!, step, WS, '/codes/c/versions/2').version);
  });

  it("a Spark step as a standalone jobType Spark body uses the spec's keys", () => {
    const defs = readJson(referencePath('corpus/aml-rest/jobs-definitions.json')).definitions;
    const allowed = new Set([
      ...Object.keys(defs.SparkJob.properties),
      ...Object.keys(defs.JobBase.properties),
      ...Object.keys(defs.ResourceBase.properties),
    ]);
    const parsed = analyzePipeline(fs.readFileSync(PIPELINE(), 'utf8'), { filePath: PIPELINE() });
    const run = sparkRunFromStep(parsed.model!, 'count_by_rows');
    assert.deepEqual(run.unresolved, []);
    const p = toSparkJobBody(run, { workspace: WS, codeId: '/codes/c/versions/1' }).properties as any;
    for (const key of Object.keys(p)) {
      assert.ok(allowed.has(key), `'${key}' is not a SparkJob property`);
    }
    assert.deepEqual(p.entry, { sparkJobEntryType: 'SparkJobPythonEntry', file: 'count_by_row.py' });
    assert.deepEqual(Object.keys(p.resources).sort(), Object.keys(defs.SparkResourceConfiguration.properties).sort());
    assert.equal(p.conf['spark.executor.instances'], '1');
    assert.deepEqual(p.inputs.file_input, { jobInputType: 'uri_file', uri: './data/iris.csv', mode: 'Direct' });
    assert.deepEqual(p.outputs.output, { jobOutputType: 'uri_folder', mode: 'Direct' });
    for (const required of defs.SparkJob.required) {
      assert.ok(p[required] !== undefined, `missing required ${required}`);
    }
  });

  it('a script as a Livy batch uses SparkBatchJobOptions keys and maps sizing conf', () => {
    const spec = readJson(
      referencePath('azure-api/specs/specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/sparkJob.json'),
    );
    const options = spec.definitions.SparkBatchJobOptions;
    const run = sparkRunFromScript({
      codeDir: '/ws/src',
      file: 'train.py',
      args: `--data \${{inputs.data}} --name "a b" --out \${{outputs.out}}`,
      conf: { 'spark.driver.memory': '2g', 'spark.executor.instances': 3, 'spark.sql.shuffle.partitions': 8 },
      pyFiles: ['utils.zip'],
    });
    run.inputs.data = { path: 'abfss://c@a.dfs.core.windows.net/data.csv' };
    const body = toLivyBatchBody(run, { name: 'train', codeUri: 'abfss://c@a.dfs.core.windows.net/code/' }) as unknown as Record<
      string,
      unknown
    >;
    for (const key of Object.keys(body)) {
      assert.ok(key in options.properties, `'${key}' is not a SparkBatchJobOptions property`);
    }
    for (const required of options.required) {
      assert.ok(body[required], `missing required ${required}`);
    }
    assert.equal(body.file, 'abfss://c@a.dfs.core.windows.net/code/train.py');
    assert.deepEqual(body.pyFiles, ['abfss://c@a.dfs.core.windows.net/code/utils.zip']);
    assert.deepEqual(body.args, ['--data', 'abfss://c@a.dfs.core.windows.net/data.csv', '--name', 'a b', '--out', '${{outputs.out}}']);
    assert.equal(body.driverMemory, '2g');
    assert.equal(body.numExecutors, 3);
    assert.deepEqual(body.conf, { 'spark.sql.shuffle.partitions': '8' });
  });

  it('splitArgs handles quotes and folded whitespace', () => {
    assert.deepEqual(splitArgs(`  a  'b c' "d \\" e"\nf''`), ['a', 'b c', 'd " e', 'f']);
    assert.deepEqual(splitArgs(''), []);
  });
});
