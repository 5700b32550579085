// The New Pipeline template is valid with its files on disk; the graph lists nodes and edges.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePipeline, loadPipeline } from '../../../src/core/pipelines/analyze';
import { pipelineGraph } from '../../../src/core/pipelines/graph';
import { NodeFileReader } from '../../../src/core/pipelines/nodeFileReader';
import { toSlashes } from '../../../src/core/pipelines/paths';
import { newPipelineTemplate } from '../../../src/core/pipelines/template';
import { corpusFile } from './helpers';

describe('pipelines: template', () => {
  for (const opts of [{}, { trainOn: 'spark' as const }, { sparkPool: 'pool1', commandCompute: 'cpu' }]) {
    it(`writes a pipeline with no diagnostics: ${JSON.stringify(opts)}`, async () => {
      const dir = toSlashes(fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-template-')));
      try {
        const t = newPipelineTemplate(opts);
        for (const [rel, content] of Object.entries(t.files)) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), content);
        }
        const text = t.files[t.pipelinePath];
        // Only what the workspace has: an attached pool and (when named) a cluster; no 'cpu-cluster'.
        const computes = ['pool1', 'cpu'];
        const parsed = await loadPipeline(text, { filePath: `${dir}/${t.pipelinePath}`, reader: new NodeFileReader(), computes });
        assert.deepEqual(parsed.diagnostics, []);
        assert.deepEqual(
          parsed.model!.steps.map((s) => [s.name, s.type]),
          [
            ['prepare', 'spark'],
            ['train', opts.trainOn ?? 'command'],
            ['score', 'spark'],
          ],
        );
        assert.ok(text.split('\n').filter((l) => l.trim().startsWith('#')).length >= 4, 'template has comments');
        const steps = Object.fromEntries(parsed.model!.steps.map((s) => [s.name, s]));
        // Spark steps on the attached pool when one is given; a command step names a compute only when one
        // was chosen (else Azure ML uses settings.default_compute or serverless compute).
        for (const name of ['prepare', 'score'])
          assert.equal(steps[name].compute, opts.sparkPool ? `azureml:${opts.sparkPool}` : undefined);
        if (!opts.trainOn) assert.equal(steps.train.compute, opts.commandCompute ? `azureml:${opts.commandCompute}` : undefined);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('pipelines: graph', () => {
  it('lists steps, pipeline ports and edges from bindings', () => {
    const file = corpusFile('cli/jobs/pipelines-with-components/basics/1a_e2e_local_components/pipeline.yml');
    const model = analyzePipeline(fs.readFileSync(file, 'utf8'), { filePath: file }).model!;
    const graph = pipelineGraph(model);
    const steps = graph.nodes.filter((n) => n.kind === 'step');
    assert.deepEqual(
      steps.map((n) => [n.id, n.stepType, n.compute, n.status]),
      [
        ['step:train_job', 'command', 'cpu-cluster', 'unknown'],
        ['step:score_job', 'command', 'cpu-cluster', 'unknown'],
        ['step:evaluate_job', 'command', 'cpu-cluster', 'unknown'],
      ],
    );
    const edges = graph.edges.map((e) => `${e.source}.${e.sourcePort} -> ${e.target}.${e.targetPort}`);
    assert.ok(edges.includes('step:train_job.model_output -> step:score_job.model_input'));
    assert.ok(edges.includes('step:score_job.score_output -> step:evaluate_job.scoring_result'));
    assert.ok(edges.includes('pipelineInput:pipeline_job_training_max_epocs.pipeline_job_training_max_epocs -> step:train_job.max_epocs'));
    assert.ok(
      edges.includes('step:evaluate_job.eval_output -> pipelineOutput:pipeline_job_evaluation_report.pipeline_job_evaluation_report'),
    );
    assert.equal(edges.length, 7);
    for (const e of graph.edges) {
      assert.ok(graph.nodes.some((n) => n.id === e.source) && graph.nodes.some((n) => n.id === e.target));
    }
  });

  it('uses the serverless instance type when a Spark step has no compute', () => {
    const template = newPipelineTemplate();
    const model = analyzePipeline(template.files[template.pipelinePath]).model!;
    assert.equal(pipelineGraph(model).nodes.find((n) => n.id === 'step:prepare')!.compute, 'standard_e4s_v3');
  });
});
