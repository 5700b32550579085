// Every YAML of the real Azure ML corpus: pipelines parse, valid ones give no errors, and the
// document round-trips byte for byte (untouched, and around an edit).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadPipeline } from '../../../src/core/pipelines/analyze';
import { DocEditor } from '../../../src/core/pipelines/edit/docEditor';
import { setStepField } from '../../../src/core/pipelines/edit/operations';
import { NodeFileReader } from '../../../src/core/pipelines/nodeFileReader';
import { parsePipelineText } from '../../../src/core/pipelines/parse';
import { corpusPipelinesDir, corpusYamlFiles, textAt } from './helpers';

const files = corpusYamlFiles();
const isPipelineFile = (text: string): boolean => /^type: pipeline\s*$/m.test(text);

// Corpus files that are pipelines but genuinely invalid, and the errors they must give.
const INVALID: Record<string, string[]> = {
  // `<ATTACHED_SPARK_POOL_NAME>` is a placeholder, not a compute name.
  'attached-spark-pipeline-default-identity.yml': ['invalid-compute-name'],
  'attached-spark-pipeline-managed-identity.yml': ['invalid-compute-name'],
  'attached-spark-pipeline-user-identity.yml': ['invalid-compute-name'],
  // Pre-GA syntax (2022): `type: component`, `dataset`/`local_path`, unqualified bindings, hyphenated names.
  '1c_e2e_inline_components/pipeline.yml': ['binding-syntax', 'invalid-step-name', 'legacy-syntax', 'unknown-step-type'],
};

function expectedErrors(file: string): string[] {
  const key = Object.keys(INVALID).find((k) => file.endsWith(k));
  return key ? INVALID[key] : [];
}

describe('pipelines: corpus', () => {
  it('finds the corpus', () => {
    assert.ok(files.length >= 50, `only ${files.length} YAML files`);
    assert.ok(files.filter((f) => isPipelineFile(fs.readFileSync(f, 'utf8'))).length >= 16);
  });

  for (const file of files) {
    const short = file.slice(corpusPipelinesDir().length + 1);
    const text = fs.readFileSync(file, 'utf8');

    it(`round-trips untouched: ${short}`, () => {
      const result = new DocEditor(text).result();
      assert.equal(result.text, text);
      assert.deepEqual(result.edits, []);
    });

    if (!isPipelineFile(text)) {
      it(`reports not-a-pipeline: ${short}`, () => {
        const parsed = parsePipelineText(text, file);
        assert.equal(parsed.model, undefined);
        assert.deepEqual(
          parsed.diagnostics.map((d) => d.code),
          ['not-a-pipeline'],
        );
      });
      continue;
    }

    it(`parses and validates: ${short}`, async () => {
      const parsed = await loadPipeline(text, {
        filePath: file,
        reader: new NodeFileReader(),
        rootDir: corpusPipelinesDir(),
        checkLocalFiles: false,
      });
      assert.ok(parsed.model, 'no model');
      assert.ok(parsed.model.steps.length > 0);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual([...new Set(errors.map((d) => d.code))].sort(), expectedErrors(file));
      for (const d of errors.filter((e) => e.code === 'invalid-compute-name')) {
        assert.equal(textAt(text, d.range), '<ATTACHED_SPARK_POOL_NAME>');
      }
    });

    it(`keeps every other byte around an edit: ${short}`, () => {
      const step = parsePipelineText(text, file).model!.steps[0].name;
      const result = setStepField(text, step, ['tags', 'edited_by'], 'test');
      assert.ok(result.edits.length > 0 && result.edits.every((e) => e.length === 0), 'expected pure insertions');
      let restored = result.text;
      for (const e of [...result.edits].reverse()) {
        const at = e.offset + result.edits.filter((o) => o.offset < e.offset).reduce((n, o) => n + o.newText.length, 0);
        restored = restored.slice(0, at) + restored.slice(at + e.newText.length);
      }
      assert.equal(restored, text);
      const after = parsePipelineText(result.text, file);
      assert.deepEqual(
        after.diagnostics.filter((d) => d.code === 'yaml-syntax'),
        [],
      );
      const tags = (after.doc.toJS() as any).jobs[step].tags;
      assert.equal(tags.edited_by, 'test');
    });
  }
});
