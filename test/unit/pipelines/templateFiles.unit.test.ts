// The New Pipeline files come from the template files in src/core/pipelines/templates: every option
// combination fills every placeholder, picks the right parts and writes the shared helpers once per script.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newPipelineTemplate, type NewPipelineOptions } from '../../../src/core/pipelines/template';
import { fillTemplate } from '../../../src/core/pipelines/templates/fill';

const templatesDir = path.resolve(__dirname, '../../../../src/core/pipelines/templates');

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

function variants(): NewPipelineOptions[] {
  const all: NewPipelineOptions[] = [];
  for (const name of [undefined, 'churn-model'])
    for (const trainOn of [undefined, 'command', 'spark'] as const)
      for (const sparkPool of [undefined, 'pool1'])
        for (const commandCompute of [undefined, 'cpu-cluster']) all.push({ name, trainOn, sparkPool, commandCompute });
  return all;
}

describe('pipelines: template files', () => {
  for (const opts of variants()) {
    it(`renders every file: ${JSON.stringify(opts)}`, () => {
      const t = newPipelineTemplate(opts);
      const name = opts.name ?? 'spark-prepare-train-score';
      const spark = opts.trainOn === 'spark';
      assert.equal(t.pipelinePath, `${name}.pipeline.yml`);
      assert.deepEqual(
        Object.keys(t.files).sort(),
        [t.pipelinePath, 'data/sample.csv', 'src/prepare.py', 'src/score.py', spark ? 'src/train_spark.py' : 'src/train.py'].sort(),
      );
      for (const [rel, content] of Object.entries(t.files)) {
        assert.doesNotMatch(content, /@@/, `${rel}: a placeholder is left`);
        assert.doesNotMatch(content, /\r/, `${rel}: line ends are \\n`);
        assert.ok(content.endsWith('\n') && !content.endsWith('\n\n'), `${rel}: ends with one newline`);
      }

      const yml = t.files[t.pipelinePath];
      assert.match(yml, /^\$schema: https:\/\/azuremlschemas\.azureedge\.net\/latest\/pipelineJob\.schema\.json\n/);
      assert.match(yml, new RegExp(`^# Submit with .* az ml job create --file ${name}\\.pipeline\\.yml$`, 'm'));
      assert.match(yml, new RegExp(`^display_name: ${name}\nexperiment_name: ${name}$`, 'm'));
      // Azure ML's own ${{...}} bindings pass through untouched.
      assert.match(yml, /^ {6}raw_data: \$\{\{parent\.inputs\.raw_data\}\}$/m);
      assert.deepEqual(yml.match(/^ {2}\w+:$/gm), ['  raw_data:', '  scored_data:', '  prepare:', '  train:', '  score:']);
      // Steps are separated by one blank line and each ends with the Spark conf (or the command step's outputs).
      assert.match(yml, /spark\.executor\.instances: 2\n\n {2}train:\n/);
      assert.match(
        yml,
        spark ? /spark\.executor\.instances: 2\n\n {2}score:\n/ : /--model_output \$\{\{outputs\.model_output\}\}\n\n {2}score:\n/,
      );

      const sparkSteps = spark ? 3 : 2;
      assert.equal(count(yml, '      spark.executor.memory: 2g\n'), sparkSteps);
      if (opts.sparkPool) {
        assert.equal(count(yml, '\n    compute: azureml:pool1\n'), sparkSteps);
        assert.equal(count(yml, 'resources:'), 0);
      } else {
        assert.equal(count(yml, '    resources:\n      instance_type: standard_e4s_v3\n      runtime_version: "3.4"\n'), sparkSteps);
        assert.equal(count(yml, 'compute: azureml:pool1'), 0);
      }
      if (spark) {
        assert.match(yml, /^ {2}train:\n {4}type: spark\n[^]*?file: train_spark\.py\n/m);
        assert.doesNotMatch(yml, /cpu-cluster|type: command/);
      } else {
        assert.match(yml, /^ {2}train:\n {4}type: command\n/m);
        const computeLines = opts.commandCompute
          ? '    compute: azureml:cpu-cluster\n'
          : "    # No 'compute': Azure ML runs this step on serverless compute";
        assert.match(yml, new RegExp(`labels/latest\n${computeLines.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        assert.match(yml, /\n {4}inputs:\n {6}training_data: \$\{\{parent\.jobs\.prepare\.outputs\.prepared_data\}\}\n/);
      }

      // Each script carries the plain-Python helpers it uses, once, after a blank line.
      for (const rel of Object.keys(t.files).filter((f) => f.endsWith('.py'))) {
        const py = t.files[rel];
        assert.match(py, /^"""\w+: /, `${rel}: docstring first`);
        assert.equal(count(py, '\ndef read_rows(path):\n'), 1, rel);
        assert.equal(count(py, '\ndef fit_logistic('), /train/.test(rel) ? 1 : 0, rel);
        assert.doesNotMatch(py, /\n\n\n\n/, `${rel}: at most two blank lines in a row`);
        assert.match(py, /\n\ndef csv_files\(path\):\n/, `${rel}: a blank line before the helpers`);
      }
      assert.equal(t.files['data/sample.csv'], 'feature_a,feature_b,label\n1.0,0.5,0\n2.0,1.5,1\n3.0,0.1,0\n4.0,2.5,1\n');
    });
  }

  it('every template file is used by some variant', () => {
    const placeholders = new Set<string>();
    const files = fs.readdirSync(templatesDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(yml|py|csv)$/.test(f));
    assert.ok(files.length >= 10, `found ${files.length} template files`);
    const rendered = variants()
      .map((opts) => Object.values(newPipelineTemplate(opts).files).join('\n'))
      .join('\n');
    for (const file of files) {
      const text = fs.readFileSync(path.join(templatesDir, file), 'utf8');
      for (const m of text.matchAll(/@@(\w+)@@/g)) placeholders.add(m[1]);
      // The longest line without a placeholder stands for the file in the output.
      const line = text
        .split('\n')
        .filter((l) => !l.includes('@@'))
        .sort((a, b) => b.length - a.length)[0];
      assert.ok(rendered.includes(line), `${file} is never rendered (${JSON.stringify(line)})`);
    }
    assert.deepEqual([...placeholders].sort(), [
      'clusterName',
      'commandCompute',
      'fitPlain',
      'name',
      'pipelinePath',
      'poolName',
      'readRows',
      'sparkCompute',
      'trainArgs',
      'trainStep',
    ]);
  });
});

describe('pipelines: fillTemplate', () => {
  it('replaces a placeholder in place and a placeholder line by a block of lines', () => {
    assert.equal(fillTemplate('a: @@x@@ and @@x@@\n', { x: 'v' }), 'a: v and v\n');
    assert.equal(fillTemplate('top\n@@block@@\nend\n', { block: '  one\n  two\n' }), 'top\n  one\n  two\nend\n');
    assert.equal(fillTemplate('top\n@@block@@\nend\n', { block: 'no newline' }), 'top\nno newline\nend\n');
    assert.equal(fillTemplate('${{inputs.a}} @ @@\n', {}), '${{inputs.a}} @ @@\n');
  });

  it('throws on a placeholder without a value', () => {
    assert.throws(() => fillTemplate('name: @@name@@\n', { nmae: 'x' }), /@@name@@ has no value/);
    assert.throws(() => fillTemplate('@@toString@@\n', {}), /@@toString@@ has no value/);
  });
});
