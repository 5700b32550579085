// Edit operations change only what they must: comments, blank lines, quoting and key order stay.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzePipeline } from '../../../src/core/pipelines/analyze';
import { PipelineEditError } from '../../../src/core/pipelines/edit/errors';
import {
  addStep,
  connect,
  removeConf,
  removeStep,
  renameStep,
  setConf,
  setPipelineField,
  setStepField,
} from '../../../src/core/pipelines/edit/operations';
import { applyEdits } from '../../../src/core/pipelines/text';
import { corpusFile } from './helpers';

const SPARK_PIPELINE = () => fs.readFileSync(corpusFile('cli/jobs/pipelines/add-column-and-word-count-using-spark/pipeline.yml'), 'utf8');
const SHAKESPEARE = () =>
  fs.readFileSync(corpusFile('cli/jobs/pipelines-with-components/shakespear_sample_and_word_count_using_spark/pipeline.yml'), 'utf8');

const comments = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.includes('#') && !l.includes('${{'))
    .map((l) => l.slice(l.indexOf('#')));
const js = (text: string): any => analyzePipeline(text).doc.toJS();

describe('pipelines: edits', () => {
  it('setConf changes one value in place and keeps comments and key order', () => {
    const text = SPARK_PIPELINE();
    const result = setConf(text, 'count_by_rows', 'spark.executor.instances', 4);
    assert.deepEqual(result.edits.length, 1);
    assert.equal(applyEdits(text, result.edits), result.text);
    assert.deepEqual(comments(result.text), comments(text));
    assert.equal(js(result.text).jobs.count_by_rows.conf['spark.executor.instances'], 4);
    assert.deepEqual(Object.keys(js(result.text).jobs.count_by_rows.conf), Object.keys(js(text).jobs.count_by_rows.conf));
    // Only that line differs.
    const before = text.split('\n');
    const after = result.text.split('\n');
    assert.equal(after.length, before.length);
    assert.deepEqual(
      after.filter((l, i) => l !== before[i]),
      ['      spark.executor.instances: 4'],
    );
  });

  it('setConf adds a new key after the others; removeConf removes its line', () => {
    const text = SPARK_PIPELINE();
    const added = setConf(text, 'add_greeting_columns', 'spark.sql.shuffle.partitions', '8');
    const conf = js(added.text).jobs.add_greeting_columns.conf;
    assert.equal(Object.keys(conf).at(-1), 'spark.sql.shuffle.partitions');
    assert.equal(conf['spark.sql.shuffle.partitions'], '8', 'a numeric-looking string stays a string');
    const removed = removeConf(added.text, 'add_greeting_columns', 'spark.sql.shuffle.partitions');
    assert.equal(removed.text, text);
  });

  it('removing the last conf key leaves an empty mapping', () => {
    const text = 'type: pipeline\njobs:\n  a: # step a\n    type: spark\n    conf:\n      k: v # only\n    args: x\n';
    const result = removeConf(text, 'a', 'k');
    assert.equal(result.text, 'type: pipeline\njobs:\n  a: # step a\n    type: spark\n    conf: {}\n    args: x\n');
  });

  it('setStepField creates missing maps, replaces scalars and multi-line values', () => {
    const text = SPARK_PIPELINE();
    let r = setStepField(text, 'add_greeting_columns', ['identity', 'type'], 'user_identity');
    r = setStepField(r.text, 'add_greeting_columns', ['resources', 'runtime_version'], '3.4');
    r = setStepField(r.text, 'count_by_rows', ['args'], '--a 1\n--b 2\n');
    r = setStepField(r.text, 'count_by_rows', ['compute'], 'azureml:pool1');
    const step = js(r.text).jobs;
    assert.deepEqual(step.add_greeting_columns.identity, { type: 'user_identity' });
    assert.equal(step.add_greeting_columns.resources.runtime_version, '3.4');
    assert.equal(step.count_by_rows.args, '--a 1\n--b 2\n');
    assert.equal(step.count_by_rows.compute, 'azureml:pool1');
    assert.deepEqual(comments(r.text), comments(text));
    assert.deepEqual(analyzePipeline(r.text).diagnostics, []);
  });

  it('setStepField with undefined removes the field', () => {
    const r = setStepField(SPARK_PIPELINE(), 'add_greeting_columns', ['files'], undefined);
    assert.equal(js(r.text).jobs.add_greeting_columns.files, undefined);
    assert.ok(js(r.text).jobs.add_greeting_columns.py_files);
  });

  it('setPipelineField sets settings.default_compute', () => {
    const r = setPipelineField(SPARK_PIPELINE(), ['settings', 'default_compute'], 'azureml:pool1');
    assert.equal(js(r.text).settings.default_compute, 'azureml:pool1');
    assert.ok(r.text.startsWith(SPARK_PIPELINE()), 'appended at the end');
  });

  it('renameStep renames the key and every binding to it', () => {
    const text = SHAKESPEARE();
    const r = renameStep(text, 'sample_word', 'sample');
    assert.deepEqual(Object.keys(js(r.text).jobs), ['sample', 'count_word']);
    assert.equal(js(r.text).jobs.count_word.inputs.file_input.path, '${{parent.jobs.sample.outputs.file_output}}');
    assert.deepEqual(comments(r.text), comments(text));
    assert.equal(r.edits.length, 2);
    assert.throws(() => renameStep(text, 'sample_word', 'count_word'), PipelineEditError);
    assert.throws(() => renameStep(text, 'sample_word', 'bad name'), PipelineEditError);
    assert.throws(() => renameStep(text, 'nope', 'x'), PipelineEditError);
  });

  it('addStep appends a step under jobs, separated by a blank line', () => {
    const text = SHAKESPEARE();
    const r = addStep(text, 'report', {
      type: 'command',
      command: 'python report.py',
      environment: 'azureml:env:1',
      compute: 'azureml:cpu',
    });
    const jobs = js(r.text).jobs;
    assert.deepEqual(Object.keys(jobs), ['sample_word', 'count_word', 'report']);
    assert.equal(jobs.report.command, 'python report.py');
    assert.ok(r.text.startsWith(text.trimEnd()), 'existing text untouched');
    assert.throws(() => addStep(text, 'count_word', { type: 'spark' }), PipelineEditError);
  });

  it('addStep creates jobs: when there is none', () => {
    const r = addStep('type: pipeline # keep\n', 'a', { type: 'command', command: 'echo' });
    assert.equal(r.text, 'type: pipeline # keep\njobs:\n  a:\n    type: command\n    command: echo\n');
  });

  it('removeStep removes the step and the bindings that pointed at it, and reports them', () => {
    const text = SHAKESPEARE();
    const r = removeStep(text, 'sample_word');
    assert.deepEqual(r.removedBindings, [
      { step: 'count_word', port: 'file_input', side: 'inputs', expr: 'parent.jobs.sample_word.outputs.file_output' },
    ]);
    const jobs = js(r.text).jobs;
    assert.deepEqual(Object.keys(jobs), ['count_word']);
    assert.deepEqual(jobs.count_word.inputs, {});
    assert.deepEqual(comments(r.text), comments(text));
    assert.deepEqual(
      analyzePipeline(r.text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it("connect binds an input, keeping a mapping input's mode", () => {
    const text = SHAKESPEARE();
    const r = connect(text, 'sample_word', 'file_output', 'count_word', 'extra');
    assert.equal(js(r.text).jobs.count_word.inputs.extra, '${{parent.jobs.sample_word.outputs.file_output}}');
    const graph = analyzePipeline(r.text).model!.edges.filter((e) => e.to.kind === 'step' && e.to.step === 'count_word');
    assert.equal(graph.length, 2);
    const kept = connect(text, 'sample_word', 'other_output', 'count_word', 'file_input');
    assert.deepEqual(js(kept.text).jobs.count_word.inputs.file_input, {
      path: '${{parent.jobs.sample_word.outputs.other_output}}',
      mode: 'direct',
    });
  });

  it('connect refuses to create a cycle or a self-loop', () => {
    const text = SHAKESPEARE();
    assert.throws(() => connect(text, 'count_word', 'out', 'sample_word', 'file_input'), /cycle/);
    assert.throws(() => connect(text, 'count_word', 'out', 'count_word', 'x'), PipelineEditError);
  });

  it('refuses to edit a document with syntax errors', () => {
    assert.throws(() => setConf('type: pipeline\njobs: [\n', 'a', 'k', 1), PipelineEditError);
  });

  it('edits flow mappings by rewriting just that mapping', () => {
    const text = 'type: pipeline\njobs:\n  a:\n    type: spark\n    conf: {a: 1} # flow\n';
    const r = setConf(text, 'a', 'b', 2);
    assert.equal(r.text, 'type: pipeline\njobs:\n  a:\n    type: spark\n    conf: { a: 1, b: 2 } # flow\n');
  });
});
