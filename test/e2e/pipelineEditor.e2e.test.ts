/**
 * The pipeline editor in the browser workbench with the packaged extension: a real Azure ML corpus
 * pipeline opens as a step graph with one node per step, and an edit in the step form changes the
 * YAML text (saved to disk, comments and the rest of the file intact).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { sharedDir } from '../support/shared';
import { useWorkbench } from './support/workbench';

const corpusFolder = 'corpus/aml-pipelines/cli/jobs/pipelines-with-components/shakespear_sample_and_word_count_using_spark';

describe('Pipeline editor in the browser workbench', () => {
  const wb = useWorkbench();
  let file: string;
  let original: string;

  before(() => {
    const workspace = process.env.E2E_WORKSPACE;
    assert.ok(workspace, 'E2E_WORKSPACE is not set: run through `npm run test:e2e`');
    const dest = path.join(workspace, 'corpus-wordcount');
    fs.cpSync(path.join(sharedDir(), corpusFolder), dest, { recursive: true });
    file = path.join(dest, 'wordcount.pipeline.yml');
    fs.renameSync(path.join(dest, 'pipeline.yml'), file);
    original = fs.readFileSync(file, 'utf8');
  });

  it('shows one graph node per step of a corpus pipeline', async function () {
    this.timeout(120_000);
    await wb.get().quickOpen('wordcount.pipeline.yml');
    const frame = await wb.get().webviewFrame('svg.graph g.node');
    const steps = Object.keys((parse(original) as { jobs: Record<string, unknown> }).jobs);
    assert.ok(steps.length >= 2, 'the corpus pipeline has several steps');
    await frame.locator(`svg.graph g.node[data-node-id="step:${steps[steps.length - 1]}"]`).waitFor({ timeout: 15_000 });
    // Pipeline-level inputs and outputs are drawn as nodes of their own; steps are `step:<name>`.
    const ids = await frame.locator('svg.graph g.node').evaluateAll((nodes) => nodes.map((n) => String(n.getAttribute('data-node-id'))));
    const stepNodes = ids.filter((id) => id.startsWith('step:')).map((id) => id.slice('step:'.length));
    assert.deepStrictEqual(stepNodes.sort(), [...steps].sort());
    await wb.get().screenshot('pipeline-editor-graph');
  });

  it('renames a step in the form and the YAML follows, bindings included', async function () {
    this.timeout(120_000);
    const { page } = wb.get();
    const frame = await wb.get().webviewFrame('svg.graph g.node');
    await frame.locator('svg.graph g.node[data-node-id="step:sample_word"]').click();
    const name = frame.locator('vscode-textfield[data-field="name"] input');
    await name.waitFor({ timeout: 15_000 });
    await name.fill('sample_words');
    await name.press('Enter');
    await frame.locator('svg.graph g.node[data-node-id="step:sample_words"]').waitFor({ timeout: 15_000 });
    await wb.get().screenshot('pipeline-editor-before-save');
    await wb.get().runCommand('File: Save');
    const deadline = Date.now() + 15_000;
    let saved = original;
    while (Date.now() < deadline && saved === original) {
      await page.waitForTimeout(200);
      saved = fs.readFileSync(file, 'utf8');
    }
    assert.match(saved, /^ {2}sample_words:$/m, 'the step key is renamed');
    assert.match(saved, /\$\{\{parent\.jobs\.sample_words\.outputs\.file_output\}\}/, 'the binding to it follows');
    assert.ok(!/sample_word[:.]/.test(saved.replace(/sample_words/g, '')), 'no reference to the old name is left');
    assert.match(saved, /# input type can be uri_file,uri_folder,mltable/, 'comments survive the edit');
    await wb.get().screenshot('pipeline-editor-renamed');
  });
});
