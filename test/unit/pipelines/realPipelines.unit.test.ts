// Real pipeline and component files from Azure/azureml-examples (test/fixtures/real-pipelines, see its
// SOURCES.md) that no other test uses: each parses, a valid file gives no error, the graph has the right
// nodes and edges, and the submit body renders spark and command nodes the way azure-ai-ml does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePipeline, loadPipeline } from '../../../src/core/pipelines/analyze';
import { nestedPipeline, pipelineGraph } from '../../../src/core/pipelines/graph';
import { NodeFileReader } from '../../../src/core/pipelines/nodeFileReader';
import type { ParsedPipeline } from '../../../src/core/pipelines/parse';
import { toAnonymousComponent, toAnonymousPipelineComponent } from '../../../src/core/pipelines/rest/componentSpec';
import { toPipelineJobBody } from '../../../src/core/pipelines/rest/pipelineJob';
import { submitPipeline, SubmitRefusedError } from '../../../src/core/jobs/submitPipeline';
import type { AmlWorkspaceClient } from '../../../src/core/jobs/amlWorkspaceClient';

// Compiled, this runs from out/test/unit/pipelines/.
const ROOT = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'real-pipelines', 'azureml-examples');
const WS = { subscriptionId: 'sub', resourceGroup: 'rg', workspaceName: 'ws' };
const WS_ID = '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

interface Expect {
  kind: 'job' | 'component';
  /** Step names and types, in file order. */
  steps: Record<string, string>;
  /** Graph edges (pipeline inputs/outputs and steps). */
  edges: number;
  /** Codes of warnings expected (errors are never expected: every file is valid). */
  warnings?: string[];
}

const FILES: Record<string, Expect> = {
  'cli/jobs/pipelines/cifar-10/pipeline.yml': {
    kind: 'job',
    steps: { get_data: 'command', train_model: 'command', eval_model: 'command' },
    edges: 3,
  },
  'cli/jobs/pipelines/tensorflow-image-segmentation/pipeline.yml': {
    kind: 'job',
    steps: { prepare_data: 'command', train: 'command' },
    edges: 1,
  },
  'cli/jobs/pipelines/nyc-taxi/pipeline.yml': {
    kind: 'job',
    steps: { prep_job: 'command', transform_job: 'command', train_job: 'command', predict_job: 'command', score_job: 'command' },
    edges: 6,
  },
  'cli/jobs/pipelines/iris-batch-prediction-using-parallel/pipeline.yml': {
    kind: 'job',
    steps: { batch_prediction: 'parallel' },
    edges: 3,
    warnings: ['unsubmittable-step-type'],
  },
  'cli/jobs/pipelines/shakespear-sample-and-word-count-using-spark/pipeline.yml': {
    kind: 'job',
    steps: { sample_word: 'spark', count_word: 'spark' },
    edges: 4,
  },
  'cli/jobs/pipelines/automl/cli-automl-regression-housepricing-pipeline/pipeline.yml': {
    kind: 'job',
    steps: { preprocessing_node: 'command', regression_node: 'automl', register_model_node: 'command' },
    edges: 4,
    warnings: ['unsubmittable-step-type'],
  },
  'cli/jobs/pipelines-with-components/basics/6b_pytorch_hello_world/pipeline.yml': {
    kind: 'job',
    steps: { pytorch_job: 'command' },
    edges: 0,
  },
  'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/pipeline.yml': {
    kind: 'job',
    steps: { train_and_evaluate_model1: 'pipeline', train_and_evaluate_model2: 'pipeline', compare: 'command' },
    edges: 14,
  },
  'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/components/train_pipeline_component.yml':
    {
      kind: 'component',
      steps: { train_job: 'command', score_job: 'command', evaluate_job: 'command' },
      edges: 9,
    },
  'cli/jobs/pipelines-with-components/pipeline_with_hyperparameter_sweep/pipeline.yml': {
    kind: 'job',
    steps: { sweep_step: 'sweep', predict_step: 'command' },
    edges: 2,
    warnings: ['unsubmittable-step-type'],
  },
};

// Files whose component files are not kept (the upstream index has no copy): checked without loading files.
const NOT_LOADED = new Set(['cli/jobs/pipelines/automl/cli-automl-regression-housepricing-pipeline/pipeline.yml']);

async function load(rel: string): Promise<ParsedPipeline> {
  const file = path.join(ROOT, rel);
  const text = fs.readFileSync(file, 'utf8');
  if (NOT_LOADED.has(rel)) return analyzePipeline(text, { filePath: file });
  // Scripts and data the pipelines point at are not kept: only the YAML files are.
  return loadPipeline(text, { filePath: file, reader: new NodeFileReader(), rootDir: ROOT, checkLocalFiles: false });
}

function step(parsed: ParsedPipeline, name: string) {
  const s = parsed.model!.steps.find((x) => x.name === name);
  assert.ok(s, `no step ${name}`);
  return s;
}

describe('pipelines: real azureml-examples files', () => {
  it('keeps every fixture it names', () => {
    for (const rel of Object.keys(FILES)) assert.ok(fs.existsSync(path.join(ROOT, rel)), rel);
  });

  for (const [rel, expect] of Object.entries(FILES)) {
    it(`parses, validates and graphs: ${rel}`, async () => {
      const parsed = await load(rel);
      const model = parsed.model;
      assert.ok(model, 'no model');
      assert.equal(model.kind, expect.kind);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => d.message),
        [],
      );
      const warnings = parsed.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code);
      assert.deepEqual([...new Set(warnings)], expect.warnings ?? []);
      assert.deepEqual(Object.fromEntries(model.steps.map((s) => [s.name, s.type])), expect.steps);
      const graph = pipelineGraph(model);
      assert.equal(graph.nodes.filter((n) => n.kind === 'step').length, Object.keys(expect.steps).length);
      assert.equal(graph.nodes.filter((n) => n.kind !== 'step').length, model.inputs.length + model.outputs.length);
      assert.equal(graph.edges.length, expect.edges);
    });
  }

  it('names the step type submit cannot send in its warning, and still graphs the step', async () => {
    const parsed = await load('cli/jobs/pipelines-with-components/pipeline_with_hyperparameter_sweep/pipeline.yml');
    const warning = parsed.diagnostics.find((d) => d.code === 'unsubmittable-step-type')!;
    assert.match(warning.message, /'sweep_step' has type 'sweep'/);
    const node = pipelineGraph(parsed.model!).nodes.find((n) => n.id === 'step:sweep_step')!;
    assert.equal(node.stepType, 'sweep');
    assert.deepEqual(node.outputs, ['model_output', 'test_data']);
  });

  it('opens a pipeline component file as a component and says so', async () => {
    const rel =
      'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/nyc_taxi_data_regression_with_pipeline_component/data_pipeline/data_pipeline.yml';
    const parsed = analyzePipeline(fs.readFileSync(path.join(ROOT, rel), 'utf8'), { filePath: path.join(ROOT, rel) });
    assert.equal(parsed.model!.kind, 'component');
    assert.equal(parsed.model!.name, 'data_pipeline');
    assert.deepEqual(
      parsed.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const info = parsed.diagnostics.find((d) => d.code === 'pipeline-component')!;
    assert.equal(info.severity, 'info');
    assert.match(info.message, /pipeline component/);
  });

  describe('submit bodies, against what azure-ai-ml renders', () => {
    it("spark: the anonymous component keeps the component file's port declarations (uri_file, number, default)", async () => {
      const parsed = await load('cli/jobs/pipelines/shakespear-sample-and-word-count-using-spark/pipeline.yml');
      const spec = toAnonymousComponent(parsed.model!, step(parsed, 'sample_word'), WS, 'code-id').body.properties.componentSpec;
      assert.deepEqual(spec.inputs, { input1: { type: 'uri_file', mode: 'direct' }, sample_rate: { type: 'number', default: '0.01' } });
      assert.deepEqual(spec.outputs, { output1: { type: 'uri_file', mode: 'direct' } });
      assert.deepEqual(spec.entry, { file: 'sampleword.py' });
      const body = toPipelineJobBody(parsed.model!, { workspace: WS, componentIds: { sample_word: 'c1', count_word: 'c2' } });
      const node = (body.body.properties.jobs as Record<string, Record<string, unknown>>).sample_word;
      assert.equal(node.computeId, `${WS_ID}/computes/spark31`);
      assert.deepEqual(node.outputs, { output1: { value: '${{parent.outputs.output1}}', type: 'literal' } });
      assert.deepEqual(node.entry, { spark_job_entry_type: 'SparkJobPythonEntry', file: 'sampleword.py' });
    });

    it("command: integer and number declarations and defaults survive the step's bindings", async () => {
      const parsed = await load(
        'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/pipeline.yml',
      );
      const nested = nestedPipeline(step(parsed, 'train_and_evaluate_model1'))!;
      const train = nested.steps.find((s) => s.name === 'train_job')!;
      const spec = toAnonymousComponent(nested, train, WS, 'code-id').body.properties.componentSpec;
      assert.deepEqual(spec.inputs, {
        training_data: { type: 'uri_folder' },
        max_epochs: { type: 'integer' },
        learning_rate: { type: 'number', default: '0.01' },
        learning_rate_schedule: { type: 'string', default: 'time-based' },
      });
    });

    it('distribution: PyTorch and TensorFlow nodes as the SDK renders them', async () => {
      const cifar = await load('cli/jobs/pipelines/cifar-10/pipeline.yml');
      const cifarJobs = toPipelineJobBody(cifar.model!, { workspace: WS }).body.properties.jobs as Record<string, Record<string, unknown>>;
      assert.deepEqual(cifarJobs.train_model.distribution, { distribution_type: 'PyTorch', process_count_per_instance: 1 });
      assert.deepEqual(cifarJobs.train_model.resources, { instance_count: 2 });
      assert.equal(cifarJobs.get_data.distribution, undefined);
      const tf = await load('cli/jobs/pipelines/tensorflow-image-segmentation/pipeline.yml');
      const tfBody = toPipelineJobBody(tf.model!, { workspace: WS }).body.properties;
      const train = (tfBody.jobs as Record<string, Record<string, unknown>>).train;
      assert.deepEqual(train.distribution, { distribution_type: 'TensorFlow', parameter_server_count: 0, worker_count: 1 });
      assert.deepEqual(Object.keys(train.environment_variables as object), [
        'NCCL_DEBUG',
        'NCCL_DEBUG_SUBSYS',
        'NCCL_IB_PCI_RELAXED_ORDERING',
        'CUDA_DEVICE_ORDER',
        'NCCL_SOCKET_IFNAME',
      ]);
      // settings.default_datastore: resolved to the datastore's ARM id, as the SDK's job operations do.
      const settings = tfBody.settings as Record<string, unknown>;
      assert.equal(settings.default_datastore, `${WS_ID}/datastores/workspaceblobstore`);
      assert.equal(settings.continue_on_step_failure, true);
    });

    it('a compute bound to a pipeline input stays a binding in the node', async () => {
      const parsed = await load(
        'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/pipeline.yml',
      );
      const jobs = toPipelineJobBody(parsed.model!, {
        workspace: WS,
        componentIds: { train_and_evaluate_model1: 'p1', train_and_evaluate_model2: 'p2', compare: 'c' },
      }).body.properties.jobs as Record<string, Record<string, unknown>>;
      assert.equal(jobs.compare.computeId, '${{parent.inputs.compute_compare_node}}');
      assert.deepEqual(jobs.train_and_evaluate_model1, {
        type: 'pipeline',
        name: 'train_and_evaluate_model1',
        inputs: {
          training_data: { job_input_type: 'literal', value: '${{parent.inputs.pipeline_job_training_data}}' },
          test_data: { job_input_type: 'literal', value: '${{parent.inputs.pipeline_job_test_data}}' },
          training_max_epochs: { job_input_type: 'literal', value: '20' },
          training_learning_rate: { job_input_type: 'literal', value: '${{parent.inputs.pipeline_job_training_learning_rate1}}' },
          train_node_compute: { job_input_type: 'literal', value: '${{parent.inputs.compute_train_node}}' },
        },
        _source: 'YAML.COMPONENT',
        componentId: 'p1',
      });
    });

    it('a pipeline step: expandable in the graph, and its component registered with its nested jobs', async () => {
      const parsed = await load(
        'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/pipeline.yml',
      );
      const node = pipelineGraph(parsed.model!).nodes.find((n) => n.id === 'step:train_and_evaluate_model1')!;
      assert.deepEqual(node.outputs, ['trained_model', 'evaluation_report']);
      assert.deepEqual(
        node.subgraph!.nodes.filter((n) => n.kind === 'step').map((n) => n.id),
        ['step:train_job', 'step:score_job', 'step:evaluate_job'],
      );
      const nested = nestedPipeline(step(parsed, 'train_and_evaluate_model1'))!;
      const { component, unresolved } = toAnonymousPipelineComponent(nested, WS, { train_job: 't', score_job: 's', evaluate_job: 'e' });
      assert.deepEqual(unresolved, []);
      const spec = component.body.properties.componentSpec;
      assert.equal(spec.type, 'pipeline');
      assert.deepEqual((spec.inputs as Record<string, unknown>).learning_rate_schedule, { type: 'string', default: 'time-based' });
      const jobs = spec.jobs as Record<string, Record<string, unknown>>;
      assert.equal(jobs.train_job.computeId, '${{parent.inputs.train_node_compute}}');
      assert.deepEqual(jobs.train_job.outputs, { model_output: { value: '${{parent.outputs.trained_model}}', type: 'literal' } });
      assert.equal(jobs.score_job.componentId, 's');
    });
  });

  describe('submit refuses before anything is sent', () => {
    // Only the compute list is asked for; anything else would mean the submit went on.
    const client = new Proxy({ computeNames: async () => ['cpu-cluster', 'gpu-cluster'] } as Record<string, unknown>, {
      get: (target, key) => (key in target ? target[key as string] : () => assert.fail(`submit called ${String(key)}`)),
    }) as unknown as AmlWorkspaceClient;

    const submit = (rel: string) => {
      const filePath = path.join(ROOT, rel);
      return submitPipeline({ text: fs.readFileSync(filePath, 'utf8'), filePath, rootDir: ROOT, reader: new NodeFileReader(), client });
    };

    it('a step of a type it cannot submit, naming the type', async () => {
      await assert.rejects(submit('cli/jobs/pipelines-with-components/pipeline_with_hyperparameter_sweep/pipeline.yml'), (err: unknown) => {
        assert.ok(err instanceof SubmitRefusedError);
        assert.match(err.message, /'sweep_step' has type 'sweep'/);
        return true;
      });
    });

    it('a pipeline component file, saying why', async () => {
      const rel =
        'cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component/components/train_pipeline_component.yml';
      await assert.rejects(submit(rel), (err: unknown) => {
        assert.ok(err instanceof SubmitRefusedError);
        assert.match(err.message, /pipeline component, not a pipeline job/);
        return true;
      });
    });
  });
});
