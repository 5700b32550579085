// Each kind of problem gives its diagnostic, pointing at the right text.
import * as assert from 'node:assert/strict';
import { analyzePipeline, loadPipeline } from '../../../src/core/pipelines/analyze';
import type { Diagnostic } from '../../../src/core/pipelines/types';
import { MemFileReader, textAt } from './helpers';
import { describeDiagnostic } from '../../../src/core/jobs/submitPipeline';

const HEAD = 'type: pipeline\n';

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one '${code}', got: ${JSON.stringify(diagnostics.map((d) => d.code))}`);
  return found[0];
}

const sparkStep = (name: string, extra = ''): string =>
  `  ${name}:\n    type: spark\n    code: ./src\n    entry:\n      file: main.py\n    resources:\n      instance_type: standard_e4s_v3\n${extra}`;

describe('pipelines: diagnostics', () => {
  it('reports YAML syntax errors at their position', () => {
    const text = `${HEAD}jobs:\n  a:\n    type: spark\n    conf: {x: 1\n`;
    const parsed = analyzePipeline(text);
    const d = parsed.diagnostics.find((x) => x.code === 'yaml-syntax');
    assert.ok(d, 'no yaml-syntax diagnostic');
    assert.equal(d.severity, 'error');
    assert.ok(d.range.start.line >= 4, `error at line ${d.range.start.line}`);
    assert.doesNotMatch(d.message, /\n/);
  });

  it('reports a duplicate key as a syntax error on that key', () => {
    const text = `${HEAD}jobs:\n${sparkStep('a')}${sparkStep('a')}`;
    const d = analyzePipeline(text).diagnostics.find((x) => x.code === 'yaml-syntax')!;
    assert.ok(d, 'no duplicate-key diagnostic');
    assert.equal(d.range.start.line, 9);
  });

  it('reports a YAML that is not a pipeline at its type', () => {
    const text = '$schema: x\ntype: command\ncommand: echo\n';
    const parsed = analyzePipeline(text);
    assert.equal(parsed.model, undefined);
    const d = only(parsed.diagnostics, 'not-a-pipeline');
    assert.equal(textAt(text, d.range), 'command');
    assert.deepEqual(d.range.start, { line: 1, col: 6 });
  });

  it('reports a non-mapping document as not a pipeline', () => {
    assert.equal(only(analyzePipeline('- a\n- b\n').diagnostics, 'not-a-pipeline').severity, 'error');
  });

  it('reports unknown step types at the type value, warns about types submit cannot send, and keeps pipeline steps with an info', () => {
    const text = `${HEAD}jobs:\n  a:\n    type: sparky\n  b:\n    type: parallel\n    component: azureml:p:1\n  c:\n    type: pipeline\n    component: azureml:pc:1\n`;
    const { diagnostics, model } = analyzePipeline(text);
    const d = only(diagnostics, 'unknown-step-type');
    assert.equal(textAt(text, d.range), 'sparky');
    const warning = only(diagnostics, 'unsubmittable-step-type');
    assert.equal(warning.severity, 'warning');
    assert.equal(textAt(text, warning.range), 'parallel');
    assert.match(warning.message, /'parallel'/);
    const info = only(diagnostics, 'unsupported-step-type');
    assert.equal(info.severity, 'info');
    assert.equal(textAt(text, info.range), 'pipeline');
    assert.deepEqual(
      model!.steps.map((s) => s.type),
      ['sparky', 'parallel', 'pipeline'],
    );
  });

  it('takes a step without type for a command step, as the CLI does', () => {
    const text = `${HEAD}jobs:\n  c:\n    command: echo hi\n    environment: azureml:env:1\n    compute: cpu\n`;
    const { diagnostics, model } = analyzePipeline(text);
    assert.deepEqual(
      diagnostics.filter((x) => x.severity === 'error'),
      [],
    );
    assert.equal(model!.steps[0].type, 'command');
    assert.equal(model!.steps[0].typeWritten, false);
  });

  it('accepts a compute bound to a pipeline input, and checks that the input exists', () => {
    const text = `${HEAD}inputs:\n  node_compute: cpu\njobs:\n  c:\n    command: echo hi\n    compute: \${{parent.inputs.node_compute}}\n  d:\n    command: echo hi\n    compute: \${{parent.inputs.nope}}\n`;
    const { diagnostics } = analyzePipeline(text, { computes: ['cpu'] });
    const errors = diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(
      errors.map((e) => e.code),
      ['binding-unknown-input'],
    );
    assert.equal(textAt(text, errors[0].range), '${{parent.inputs.nope}}');
  });

  it('accepts run-time expressions in output paths; the output keeps its type and mode', () => {
    const path = 'azureml://datastores/${{default_datastore}}/paths/${{name}}/${{output_name}}';
    const text = `${HEAD}jobs:\n  c:\n    command: echo hi\n    compute: cpu\n    outputs:\n      out:\n        type: uri_file\n        mode: upload\n        path: ${path}\n      bad:\n        path: \${{jobs.x}}\n`;
    const { diagnostics, model } = analyzePipeline(text);
    const errors = diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(
      errors.map((e) => e.code),
      ['binding-syntax'],
    );
    assert.equal(textAt(text, errors[0].range), '${{jobs.x}}');
    const out = model!.steps[0].outputs[0];
    assert.deepEqual([out.kind, out.type, out.mode, out.path], ['data', 'uri_file', 'upload', path]);
  });

  it('requires a Spark entry and a command', () => {
    const text = `${HEAD}jobs:\n  s:\n    type: spark\n    code: ./src\n    compute: pool1\n  c:\n    type: command\n    environment: azureml:env:1\n    compute: cpu\n`;
    const found = analyzePipeline(text).diagnostics.filter((d) => d.code === 'missing-field');
    assert.deepEqual(
      found.map((d) => textAt(text, d.range)),
      ['s', 'c'],
    );
    assert.match(found[0].message, /entry/);
    assert.match(found[1].message, /command/);
  });

  it('does not require fields a registered component provides', () => {
    const text = `${HEAD}jobs:\n  s:\n    type: spark\n    component: azureml:my_spark:3\n    compute: pool1\n`;
    assert.deepEqual(analyzePipeline(text).diagnostics, []);
  });

  it('reports bindings to a missing step, output or input at the binding', () => {
    const text =
      `${HEAD}inputs:\n  raw: 1\noutputs:\n  out:\n    mode: upload\njobs:\n` +
      sparkStep('a', '    outputs:\n      o1:\n        type: uri_folder\n') +
      sparkStep(
        'b',
        '    inputs:\n      x: ${{parent.jobs.nope.outputs.o1}}\n      y: ${{parent.jobs.a.outputs.o2}}\n      z:\n        path: ${{parent.inputs.missing}}\n    outputs:\n      w: ${{parent.outputs.absent}}\n',
      );
    const { diagnostics } = analyzePipeline(text);
    assert.equal(textAt(text, only(diagnostics, 'binding-unknown-step').range), '${{parent.jobs.nope.outputs.o1}}');
    const outputs = diagnostics.filter((d) => d.code === 'binding-unknown-output');
    assert.deepEqual(
      outputs.map((d) => textAt(text, d.range)),
      ['${{parent.jobs.a.outputs.o2}}', '${{parent.outputs.absent}}'],
    );
    assert.equal(textAt(text, only(diagnostics, 'binding-unknown-input').range), '${{parent.inputs.missing}}');
  });

  it('reports every binding of a cycle', () => {
    const text =
      `${HEAD}jobs:\n` +
      sparkStep('a', '    inputs:\n      i: ${{parent.jobs.b.outputs.o}}\n    outputs:\n      o:\n        type: uri_folder\n') +
      sparkStep('b', '    inputs:\n      i: ${{parent.jobs.a.outputs.o}}\n    outputs:\n      o:\n        type: uri_folder\n') +
      sparkStep('c', '    inputs:\n      i: ${{parent.jobs.b.outputs.o}}\n');
    const cycles = analyzePipeline(text).diagnostics.filter((d) => d.code === 'binding-cycle');
    assert.deepEqual(cycles.map((d) => textAt(text, d.range)).sort(), ['${{parent.jobs.a.outputs.o}}', '${{parent.jobs.b.outputs.o}}']);
  });

  it('reports a step bound to itself as a cycle', () => {
    const text =
      `${HEAD}jobs:\n` +
      sparkStep('a', '    inputs:\n      i: ${{parent.jobs.a.outputs.o}}\n    outputs:\n      o:\n        type: uri_folder\n');
    assert.equal(only(analyzePipeline(text).diagnostics, 'binding-cycle').severity, 'error');
  });

  it('reports invalid step names and compute names', () => {
    const text = `${HEAD}jobs:\n` + sparkStep('bad-name', '    compute: "9 pools"\n');
    const { diagnostics } = analyzePipeline(text);
    assert.equal(textAt(text, only(diagnostics, 'invalid-step-name').range), 'bad-name');
    assert.equal(textAt(text, only(diagnostics, 'invalid-compute-name').range), '"9 pools"');
  });

  it('reports computes that are not attached, when the list is known', () => {
    const text = `${HEAD}settings:\n  default_compute: azureml:cpu-cluster\njobs:\n` + sparkStep('a', '    compute: azureml:otherpool\n');
    const { diagnostics } = analyzePipeline(text, { computes: ['cpu-cluster', 'pool1'] });
    assert.equal(textAt(text, only(diagnostics, 'unknown-compute').range), 'azureml:otherpool');
    assert.deepEqual(analyzePipeline(text, { computes: ['cpu-cluster', 'otherpool'] }).diagnostics, []);
  });

  describe('with files', () => {
    const root = '/ws';
    const file = '/ws/pipes/pipeline.yml';

    it('reports paths that leave the root folder', async () => {
      const text = `${HEAD}jobs:\n  a:\n    type: spark\n    code: ../../outside\n    entry:\n      file: main.py\n    compute: pool1\n`;
      const parsed = await loadPipeline(text, { filePath: file, reader: new MemFileReader(), rootDir: root });
      const d = parsed.diagnostics.filter((x) => x.code === 'path-outside-root');
      assert.deepEqual(
        d.map((x) => textAt(text, x.range)),
        ['../../outside', 'main.py'],
      );
    });

    it('allows ../ paths that stay inside the given root', async () => {
      const text = `${HEAD}jobs:\n  a:\n    type: spark\n    code: ../src\n    entry:\n      file: main.py\n    compute: pool1\n`;
      const reader = new MemFileReader({ '/ws/src/main.py': 'print(1)' });
      assert.deepEqual((await loadPipeline(text, { filePath: file, reader, rootDir: root })).diagnostics, []);
      const strict = await loadPipeline(text, { filePath: file, reader });
      assert.equal(strict.diagnostics.filter((x) => x.code === 'path-outside-root').length, 2);
    });

    it('reports a missing code folder and a missing entry file', async () => {
      const text = `${HEAD}jobs:\n${sparkStep('a')}${sparkStep('b').replace('./src', './src2')}`;
      const reader = new MemFileReader({ '/ws/pipes/src2/other.py': '' });
      const { diagnostics } = await loadPipeline(text, { filePath: file, reader, rootDir: root });
      const folder = only(diagnostics, 'missing-folder');
      assert.equal(textAt(text, folder.range), './src');
      assert.equal(folder.range.start.line, 4);
      const entry = only(diagnostics, 'missing-file');
      assert.equal(textAt(text, entry.range), 'main.py');
      assert.equal(entry.range.start.line, 13);
    });

    it('loads component files, inherits their entry, and reports missing ones', async () => {
      const text = `${HEAD}jobs:\n  a:\n    type: spark\n    component: ./comp/spark.yml\n    compute: pool1\n  b:\n    type: spark\n    component: ./nope.yml\n    compute: pool1\n`;
      const component = 'type: spark\nname: c\ncode: ./src\nentry:\n  file: run.py\noutputs:\n  out:\n    type: uri_folder\n';
      const reader = new MemFileReader({ '/ws/pipes/comp/spark.yml': component, '/ws/pipes/comp/src/run.py': '' });
      const parsed = await loadPipeline(text, { filePath: file, reader, rootDir: root });
      assert.equal(textAt(text, only(parsed.diagnostics, 'missing-file').range), './nope.yml');
      assert.equal(parsed.diagnostics.length, 1, JSON.stringify(parsed.diagnostics));
      const a = parsed.model!.steps[0];
      assert.deepEqual(a.effective.entry, { file: 'run.py', className: undefined });
      assert.equal(a.effective.baseDir, '/ws/pipes/comp');
    });

    it('reports a component whose entry file is missing at the component reference', async () => {
      const text = `${HEAD}jobs:\n  a:\n    type: spark\n    component: ./comp.yml\n    compute: pool1\n`;
      const reader = new MemFileReader({
        '/ws/pipes/comp.yml': 'type: spark\ncode: ./src\nentry:\n  file: run.py\n',
        '/ws/pipes/src/x.py': '',
      });
      const parsed = await loadPipeline(text, { filePath: file, reader, rootDir: root });
      assert.equal(textAt(text, only(parsed.diagnostics, 'missing-file').range), './comp.yml');
    });

    it('reports a component of another type', async () => {
      const text = `${HEAD}jobs:\n  a:\n    type: spark\n    component: ./comp.yml\n    compute: pool1\n`;
      const reader = new MemFileReader({ '/ws/pipes/comp.yml': 'type: command\ncommand: echo\n' });
      const parsed = await loadPipeline(text, { filePath: file, reader, rootDir: root, checkLocalFiles: false });
      assert.match(only(parsed.diagnostics, 'component-error').message, /type 'command'/);
    });
  });
  it("reports a typo'd step key at its own line, with the key it probably meant", () => {
    const text = `${HEAD}jobs:\n  a:\n    type: spark\n    code: ./src\n    entyr:\n      file: main.py\n    resources:\n      instance_type: standard_e4s_v3\n    confs: {}\n    frobnicate: 1\n`;
    const unknown = analyzePipeline(text).diagnostics.filter((d) => d.code === 'unknown-field');
    assert.deepEqual(
      unknown.map((d) => [d.range.start.line, textAt(text, d.range)]),
      [
        [5, 'entyr'],
        [9, 'confs'],
        [10, 'frobnicate'],
      ],
    );
    assert.match(unknown[0].message, /unknown key 'entyr'\. Did you mean 'entry'\?$/);
    assert.match(unknown[1].message, /Did you mean 'conf'\?$/);
    assert.doesNotMatch(unknown[2].message, /Did you mean/);
    assert.ok(
      unknown.every((d) => d.severity === 'warning'),
      'warnings, as the CLI reports unknown fields',
    );
    // Command steps have their own keys; other node types are not checked here.
    const command = `${HEAD}jobs:\n  b:\n    type: command\n    command: echo\n    enviroment_variables: {A: 1}\n  c:\n    type: sweep\n    trial: x\n`;
    const cmd = analyzePipeline(command).diagnostics.filter((d) => d.code === 'unknown-field');
    assert.deepEqual(
      cmd.map((d) => d.message),
      ["Step 'b' (command) has an unknown key 'enviroment_variables'. Did you mean 'environment_variables'?"],
    );
  });

  it('lists a problem for the submit message with its words first and workspace-relative paths', () => {
    const d = {
      severity: 'error' as const,
      code: 'missing-folder' as const,
      message: "Code folder of step 'a' '/work/ws/src/missing' is not an existing folder.",
      range: { start: { line: 12, col: 4 }, end: { line: 12, col: 8 } },
    };
    assert.equal(describeDiagnostic(d, '/work/ws'), "Code folder of step 'a' 'src/missing' is not an existing folder. (line 13)");
  });
  it('says where a section is not a mapping, accepts file: code paths, and flags unknown top-level keys', async () => {
    const cases: [string, RegExp, number][] = [
      ['jobs: 5\n', /'jobs' of the pipeline must be a mapping of step names to steps/, 1],
      ['inputs: nope\njobs: {}\n', /'inputs' of the pipeline must be a mapping/, 1],
      ['jobs:\n  a:\n    type: command\n    command: echo\n    outputs: [x]\n', /'outputs' of step 'a' must be a mapping/, 5],
      ['jobz: {}\n', /The pipeline has an unknown key 'jobz'\. Did you mean 'jobs'\?/, 1],
    ];
    for (const [body, message, line] of cases) {
      const d = analyzePipeline(`${HEAD}${body}`).diagnostics.find((x) => message.test(x.message));
      assert.ok(d, `${body}: ${JSON.stringify(analyzePipeline(`${HEAD}${body}`).diagnostics.map((x) => x.message))}`);
      assert.equal(d.range.start.line, line, body);
    }
    const outside = await loadPipeline(`${HEAD}jobs:\n  a:\n    type: command\n    code: file:../..\n    command: echo\n`, {
      filePath: '/w/p/p.yml',
      reader: new MemFileReader(),
      rootDir: '/w',
    });
    assert.match(outside.diagnostics.map((x) => x.message).join('\n'), /Code folder of step 'a' .* is outside the folder/);
  });
});
