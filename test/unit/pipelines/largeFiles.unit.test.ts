/**
 * Huge pipeline files: above the limits they get one clear error at once instead of a parse that blocks the
 * extension host; below them a large file parses and validates completely (bench/pipelines.bench.ts measures
 * the time).
 */
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { analyzePipeline, countStepsInText, MAX_PIPELINE_BYTES, MAX_PIPELINE_STEPS, parsePipelineText } from '../../../src/core/pipelines';
import { quickState } from '../../../src/pipelines/editorState';
import { generatedPipeline } from '../../support/generatedPipeline';

const FILE = '/work/big.pipeline.yml';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

describe('pipeline files over the size limits', function () {
  this.timeout(120_000);

  it('answers a 40,000-step file with one clear error, quickly, without parsing it', () => {
    const text = generatedPipeline(40_000);
    const mb = (Buffer.byteLength(text) / (1024 * 1024)).toFixed(1);
    const { value: parsed, ms } = timed(() => analyzePipeline(text, { filePath: FILE }));
    assert.equal(parsed.model, undefined);
    assert.equal(parsed.diagnostics.length, 1);
    const [d] = parsed.diagnostics;
    assert.equal(d.severity, 'error');
    assert.equal(d.code, 'too-large');
    assert.equal(
      d.message.split(').')[0] + ').',
      `This pipeline file is too large to check (40,000 steps / ${mb} MB; limit ${MAX_PIPELINE_STEPS.toLocaleString('en-US')} steps / ${MAX_PIPELINE_BYTES / (1024 * 1024)} MB).`,
    );
    // The whole parse of this file takes many seconds (bench/README.md); the refusal is one scan of the text.
    assert.ok(ms < 1500, `refused in ${ms.toFixed(0)} ms`);
  });

  it('refuses by steps under the byte limit and by bytes with few steps', () => {
    const steps = parsePipelineText(generatedPipeline(MAX_PIPELINE_STEPS + 1), FILE);
    assert.ok(Buffer.byteLength(steps.text) < MAX_PIPELINE_BYTES, 'this case is about the step count');
    assert.match(steps.diagnostics[0].message, /\(2,001 steps \/ 0\.\d MB;/);
    const padded = generatedPipeline(3).replace(
      'display_name: bench',
      `display_name: bench\ndescription: "${'x'.repeat(MAX_PIPELINE_BYTES)}"`,
    );
    const bytes = parsePipelineText(padded, FILE);
    assert.equal(bytes.model, undefined);
    assert.match(bytes.diagnostics[0].message, /\(3 steps \/ 1 MB; limit/);
  });

  it('shows the reason in the editor instead of a graph', () => {
    const state = quickState(generatedPipeline(MAX_PIPELINE_STEPS + 1), FILE, 7, ['sparksmall']);
    assert.match(state.notAPipeline ?? '', /^This pipeline file is too large to check \(2,001 steps/);
    assert.deepEqual(state.graph, { nodes: [], edges: [] });
    assert.equal(state.problems.length, 1);
  });
});

describe('large pipeline files under the limits', function () {
  this.timeout(120_000);

  it('parses and validates 2,000 steps completely: every step, every binding, errors at their lines', () => {
    const text = generatedPipeline(2_000)
      .replace('step_900.outputs.out', 'step_9999.outputs.out')
      .replace(/( {2}step_1800:\n)/, '$1    bogus_key: 1\n');
    const parsed = analyzePipeline(text, { filePath: FILE });
    assert.equal(parsed.model?.steps.length, 2_000);
    assert.equal(parsed.model?.edges.length, 1_999);
    const problems = parsed.diagnostics.map((d) => [d.code, d.range.start.line]);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;
    assert.deepEqual(problems, [
      ['unknown-field', lineOf('bogus_key')],
      ['binding-unknown-step', lineOf('step_9999.outputs.out')],
    ]);
  });

  it('still reports a duplicate step name as a syntax error at the repeated key', () => {
    const text = `${generatedPipeline(1_000)}  step_999:\n    type: command\n    command: echo\n`;
    const d = analyzePipeline(text, { filePath: FILE }).diagnostics.filter((x) => x.code === 'yaml-syntax');
    assert.equal(d.length, 1);
    assert.equal(d[0].message, 'Map keys must be unique');
    assert.equal(d[0].range.start.line, text.split('\n').length - 4);
  });

  it('counts steps from the text as the parser does, whatever the layout', () => {
    const texts = [
      generatedPipeline(7),
      'type: pipeline\njobs:\n\n  # a comment\n  a:\n    type: command\n    command: echo\n\n  "b c":\n    type: command\n    command: |\n      x:\n      y:\n  d: {type: command, command: echo}\nsettings:\n  default_compute: x\n',
      'type: pipeline\r\njobs:   # steps\r\n    a:\r\n      type: command\r\n      command: echo\r\n    b:\r\n      type: command\r\n      command: echo\r\n',
      'type: pipeline\njobs: {a: {type: command, command: echo}}\n',
      'type: pipeline\n',
    ];
    for (const text of texts) {
      const steps = parsePipelineText(text, FILE).model?.steps.length ?? 0;
      assert.equal(countStepsInText(text), text.includes('jobs: {') ? 0 : steps, JSON.stringify(text.slice(0, 60)));
    }
  });
});
