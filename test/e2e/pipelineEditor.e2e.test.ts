/**
 * The pipeline editor in the browser workbench with the packaged extension: a real Azure ML corpus
 * pipeline opens as a step graph with one node per step, and an edit in the step form changes the
 * YAML text (saved to disk, comments and the rest of the file intact) while the renamed step stays
 * selected. The graph works from the keyboard (Tab into it, arrows, Enter into the form, Escape back,
 * +/- zoom, 0 fits), an output port dragged onto another step connects them (Undo takes it back), and
 * its text and lines keep readable contrast in a light and a dark theme.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { parse } from 'yaml';
import { referencePath } from '../support/reference';
import { useWorkbench } from './support/workbench';

/** What the test reads from the webview: the focused element, the selection, the form, the viewport. */
interface GraphProbe {
  focusedNode?: string;
  focusedField?: string;
  selected: string[];
  formTitle?: string;
  transform: string;
  nodes: Record<string, { x: number; y: number }>;
}

function probe(frame: Frame): Promise<GraphProbe> {
  return frame.evaluate(() => {
    const d = (globalThis as any).document;
    const active = d.activeElement;
    const nodes: Record<string, { x: number; y: number }> = {};
    for (const g of d.querySelectorAll('svg.graph g.node')) {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
      if (m) nodes[g.getAttribute('data-node-id')] = { x: Number(m[1]), y: Number(m[2]) };
    }
    return {
      focusedNode: active?.getAttribute?.('data-node-id') ?? undefined,
      focusedField: active?.closest?.('#side') ? (active.getAttribute('data-field') ?? active.tagName.toLowerCase()) : undefined,
      selected: [...d.querySelectorAll('svg.graph g.node.selected')].map((g: any) => String(g.getAttribute('data-node-id'))),
      formTitle: d.querySelector('#side h2')?.textContent ?? undefined,
      transform: d.querySelector('svg.graph > g')?.getAttribute('transform') ?? '',
      nodes,
    };
  });
}

const scaleOf = (transform: string): number => Number(/scale\(([-\d.]+)\)/.exec(transform)?.[1] ?? NaN);

/** Whether the node's box is drawn wholly inside the visible canvas (1 px slack for rounding). */
async function nodeInView(frame: Frame, id: string): Promise<boolean> {
  const canvas = await frame.locator('#canvas').boundingBox();
  const box = await frame.locator(`svg.graph g.node[data-node-id="${id}"] rect.box`).boundingBox();
  if (!canvas || !box) return false;
  return (
    box.x >= canvas.x - 1 &&
    box.y >= canvas.y - 1 &&
    box.x + box.width <= canvas.x + canvas.width + 1 &&
    box.y + box.height <= canvas.y + canvas.height + 1
  );
}

async function until(page: Page, check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: the colours used are opaque). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? [])
      .slice(0, 3)
      .map(Number)
      .map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

/** Computed colours of the graph's parts and the page background behind them. */
function graphColours(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(() => {
    const d = (globalThis as any).document;
    const w = globalThis as any;
    // Any CSS colour (color-mix() computes to color(srgb ...)) as rgb(), through a canvas pixel.
    const canvas = d.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const rgb = (c: string) => {
      if (!c || c === 'none' || /rgba\(.*,\s*0\)$/.test(c)) return '';
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    };
    const style = (sel: string, prop: string) => {
      const e = d.querySelector(sel);
      return e ? rgb(String(w.getComputedStyle(e)[prop])) : '';
    };
    return {
      // The body is transparent over the editor background VS Code paints: resolve that colour.
      page: (() => {
        const probeEl = d.createElement('div');
        probeEl.style.background = 'var(--vscode-editor-background)';
        d.body.appendChild(probeEl);
        const c = rgb(String(w.getComputedStyle(probeEl).backgroundColor));
        probeEl.remove();
        return c;
      })(),
      box: style('svg.graph g.node .box', 'fill'),
      label: style('svg.graph g.node .label', 'fill'),
      sub: style('svg.graph g.node.kind-step .sub', 'fill'),
      edge: style('svg.graph .edge', 'stroke'),
      boxStroke: style('svg.graph g.node:not(.selected):not(.has-errors) .box', 'stroke'),
      selectedStroke: style('svg.graph g.node.selected .box', 'stroke'),
      badge: style('svg.graph .badge circle', 'fill'),
      badgeText: style('svg.graph .badge text', 'fill'),
      hint: style('#side label', 'color'),
    };
  });
}

function assertContrast(colours: Record<string, string>, theme: string): void {
  const pairs: [string, string, number][] = [
    ['label', 'box', 4.5],
    ['sub', 'box', 4.5],
    ['edge', 'page', 3],
    ['boxStroke', 'page', 3],
    ['selectedStroke', 'page', 3],
    ['badgeText', 'badge', 3],
    ['hint', 'page', 4.5],
  ];
  const low = pairs
    .filter(([a, b]) => colours[a] && colours[b])
    .map(([a, b, min]) => ({ a, b, min, ratio: contrast(colours[a], colours[b]) }))
    .filter((p) => p.ratio < p.min);
  assert.deepStrictEqual(
    low.map((p) => `${p.a} on ${p.b}: ${p.ratio.toFixed(2)} < ${p.min}`),
    [],
    `${theme}: ${JSON.stringify(colours)}`,
  );
}

const corpusFolder = 'corpus/aml-pipelines/cli/jobs/pipelines-with-components/shakespear_sample_and_word_count_using_spark';
const fixturesDir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const nestedFolder =
  'azureml-examples/cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component';

describe('Pipeline editor in the browser workbench', () => {
  const wb = useWorkbench();
  let file: string;
  let original: string;

  before(() => {
    const workspace = process.env.E2E_WORKSPACE;
    assert.ok(workspace, 'E2E_WORKSPACE is not set: run through `npm run test:e2e`');
    const dest = path.join(workspace, 'corpus-wordcount');
    fs.cpSync(referencePath(corpusFolder), dest, { recursive: true });
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
    // The first fit keeps the text legible: it never zooms out below 0.6 (a larger graph pans instead).
    const first = scaleOf((await probe(frame)).transform);
    assert.ok(first >= 0.6 && first <= 1.5, `initial scale ${first}`);
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
    // The renamed step stays selected with its form open, through the quick state and the full analysis
    // that follows it (~150 ms later), and the keyboard stays in the name field.
    await until(page, async () => (await probe(frame)).formTitle === 'sample_words (spark)', 'the form of the renamed step');
    await page.waitForTimeout(1000);
    const after = await probe(frame);
    assert.strictEqual(after.formTitle, 'sample_words (spark)', 'the form stays on the renamed step');
    assert.deepStrictEqual(after.selected, ['step:sample_words'], 'the renamed node is the selected one');
    assert.strictEqual(after.focusedField, 'name', 'the name field keeps the focus');
    assert.strictEqual(await frame.locator('vscode-textfield[data-field="name"] input').inputValue(), 'sample_words');
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

  it('is keyboard-navigable: Tab into the graph, arrows move the selection, Enter opens the form, +/- zoom, 0 fits', async function () {
    this.timeout(120_000);
    const { page } = wb.get();
    const frame = await wb.get().webviewFrame('svg.graph g.node');
    // Click the empty canvas (deselects; the graph takes the focus), then Tab in from the toolbar.
    const canvas = await frame.locator('#canvas').boundingBox();
    assert.ok(canvas);
    await frame.locator('svg.graph').click({ position: { x: 8, y: 8 } });
    await until(page, async () => (await probe(frame)).selected.length === 0, 'the selection to clear');
    await frame.locator('#fit').focus();
    await page.keyboard.press('Tab');
    let p = await probe(frame);
    assert.ok(p.focusedNode, `Tab from the toolbar lands on a graph node (focused: ${JSON.stringify(p)})`);
    assert.ok(await nodeInView(frame, p.focusedNode), `the focused node ${p.focusedNode} is panned into view`);
    const ids = Object.keys(p.nodes);
    assert.ok(ids.length >= 5, ids.join(', '));

    // From a pipeline input (left column) ArrowRight goes right, to the step it feeds.
    const inputs = ids.filter(
      (id) => id.startsWith('input:') || (!id.startsWith('step:') && p.nodes[id].x === Math.min(...ids.map((i) => p.nodes[i].x))),
    );
    await frame.locator(`svg.graph g.node[data-node-id="${inputs[0]}"]`).focus();
    await page.keyboard.press('ArrowRight');
    await until(page, async () => (await probe(frame)).focusedNode === 'step:sample_words', 'ArrowRight to reach sample_words');
    p = await probe(frame);
    assert.deepStrictEqual(p.selected, ['step:sample_words'], 'the selection follows the focus');
    assert.strictEqual(p.formTitle, 'sample_words (spark)', 'the form shows the selected step');
    assert.ok(await nodeInView(frame, 'step:sample_words'), 'the selected node is in view');

    // ArrowRight again: a node further right; ArrowLeft comes back.
    await page.keyboard.press('ArrowRight');
    p = await probe(frame);
    assert.ok(p.focusedNode && p.focusedNode !== 'step:sample_words', JSON.stringify(p));
    assert.ok(p.nodes[p.focusedNode].x > p.nodes['step:sample_words'].x, 'ArrowRight moves right');
    assert.deepStrictEqual(p.selected, [p.focusedNode]);
    const right = p.focusedNode;
    // ArrowDown/ArrowUp move between the nodes of the right column.
    const column = ids.filter((id) => p.nodes[id].x === p.nodes[right].x).sort((a, b) => p.nodes[a].y - p.nodes[b].y);
    assert.ok(column.length >= 2, `right column: ${column.join(', ')}`);
    await page.keyboard.press(column.indexOf(right) === 0 ? 'ArrowDown' : 'ArrowUp');
    p = await probe(frame);
    assert.ok(
      p.focusedNode && column.includes(p.focusedNode) && p.focusedNode !== right,
      `ArrowDown/Up stays in the column: ${JSON.stringify(p)}`,
    );
    await page.keyboard.press('ArrowLeft');
    await until(page, async () => (await probe(frame)).focusedNode === 'step:sample_words', 'ArrowLeft back to sample_words');

    // Enter opens the form of the focused step: the keyboard lands in its first field; Escape returns.
    await page.keyboard.press('ArrowRight');
    await until(
      page,
      async () => (await probe(frame)).focusedNode === 'step:count_word' || (await probe(frame)).selected[0] === 'step:count_word',
      'a step right of sample_words',
      2_000,
    ).catch(async () => {
      // count_word is not the nearest node to the right: pick it directly.
      await frame.locator('svg.graph g.node[data-node-id="step:count_word"]').focus();
    });
    await page.keyboard.press('Enter');
    await until(page, async () => (await probe(frame)).focusedField === 'name', 'the name field to take the focus');
    p = await probe(frame);
    assert.strictEqual(p.formTitle, 'count_word (spark)');
    assert.deepStrictEqual(p.selected, ['step:count_word']);
    await page.keyboard.press('Escape');
    await until(page, async () => (await probe(frame)).focusedNode === 'step:count_word', 'Escape back to the node');

    // Zoom: + enlarges, - shrinks (around the centre), 0 fits again; the transform is what is drawn.
    await page.keyboard.press('0');
    const fitted = (await probe(frame)).transform;
    const s0 = scaleOf(fitted);
    // Fit (0) fits the whole graph but never zooms out below 0.35 (nor in beyond 1.5).
    assert.ok(s0 >= 0.35 && s0 <= 1.5, fitted);
    await page.keyboard.press('+');
    const s1 = scaleOf((await probe(frame)).transform);
    assert.ok(s1 > s0 * 1.1, `+ zooms in: ${s0} -> ${s1}`);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    const s2 = scaleOf((await probe(frame)).transform);
    assert.ok(s2 < s0 * 0.9, `- zooms out: ${s0} -> ${s2}`);
    await page.keyboard.press('0');
    assert.strictEqual((await probe(frame)).transform, fitted, '0 fits the graph again');
    // The keys did not leave the graph, and nothing was edited by them.
    assert.strictEqual((await probe(frame)).focusedNode, 'step:count_word');
    // Zoomed in far, moving the selection to a node that is off-screen pans it into view; 0 fits as before.
    for (let i = 0; i < 6; i++) await page.keyboard.press('+');
    await page.keyboard.press('ArrowLeft');
    await until(
      page,
      async () => ((await probe(frame)).focusedNode ?? 'step:count_word') !== 'step:count_word',
      'ArrowLeft to move the focus while zoomed in',
    );
    const moved = (await probe(frame)).focusedNode!;
    await until(page, () => nodeInView(frame, moved), `${moved} panned into view`, 2_000);
    await page.keyboard.press('0');
    assert.strictEqual((await probe(frame)).transform, fitted, '0 fits the graph again after panning');
    assert.strictEqual((await probe(frame)).focusedNode, moved, 'the focus stays in the graph');
    await wb.get().screenshot('pipeline-editor-keyboard');
  });

  it('connects two steps by dragging an output port onto a step, and Undo takes it back', async function () {
    this.timeout(120_000);
    const { page } = wb.get();
    const frame = await wb.get().webviewFrame('svg.graph g.node');
    const edges = () => frame.locator('svg.graph path.edge:not(.connecting)').count();
    const before = await edges();
    const grip = await frame
      .locator('svg.graph g.node[data-node-id="step:sample_words"] circle.port-grip[data-port="file_output"]')
      .boundingBox();
    const target = await frame.locator('svg.graph g.node[data-node-id="step:count_word"] rect.box').boundingBox();
    assert.ok(grip && target, 'the output grip and the target step are on screen');
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
    assert.strictEqual(
      await frame.locator('svg.graph g.node.drop-target').getAttribute('data-node-id'),
      'step:count_word',
      'the step under the pointer is marked',
    );
    await page.mouse.up();
    await until(page, async () => (await edges()) === before + 1, 'the new edge');
    await until(page, async () => (await probe(frame)).formTitle === 'count_word (spark)', 'the connected step selected');
    await wb.get().screenshot('pipeline-editor-connected');
    const saved = async () => {
      const was = fs.readFileSync(file, 'utf8');
      await wb.get().runCommand('File: Save');
      let text = was;
      for (const deadline = Date.now() + 15_000; Date.now() < deadline && text === was;) {
        await page.waitForTimeout(200);
        text = fs.readFileSync(file, 'utf8');
      }
      return text;
    };
    const connected = parse(await saved()) as { jobs: Record<string, { inputs: Record<string, unknown> }> };
    assert.strictEqual(
      connected.jobs.count_word.inputs.file_output,
      '${{parent.jobs.sample_words.outputs.file_output}}',
      'a new input named after the output',
    );
    assert.deepStrictEqual(
      (connected.jobs.count_word.inputs.file_input as { path: string }).path,
      '${{parent.jobs.sample_words.outputs.file_output}}',
      'the existing binding stays',
    );

    await frame.locator('svg.graph').focus();
    await wb.get().runCommand('Undo');
    await until(page, async () => (await edges()) === before, 'the edge to go with Undo');
    const undone = parse(await saved()) as { jobs: Record<string, { inputs: Record<string, unknown> }> };
    assert.deepStrictEqual(Object.keys(undone.jobs.count_word.inputs), ['file_input']);
  });

  it('keeps readable contrast in a light and a dark theme', async function () {
    this.timeout(120_000);
    const { page } = wb.get();
    let frame = await wb.get().webviewFrame('svg.graph g.node');
    assertContrast(await graphColours(frame), 'light');

    const settingsFile = path.join(process.env.E2E_WORKSPACE!, '.vscode', 'settings.json');
    const before = fs.readFileSync(settingsFile, 'utf8');
    try {
      fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(before), 'workbench.colorTheme': 'Default Dark Modern' }, null, 2));
      await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
      frame = await wb.get().webviewFrame('svg.graph g.node');
      await until(
        page,
        async () => frame.evaluate(() => (globalThis as any).document.body.classList.contains('vscode-dark')),
        'the webview to take the dark theme',
      );
      await page.waitForTimeout(300);
      await wb.get().screenshot('pipeline-editor-dark');
      assertContrast(await graphColours(frame), 'dark');
    } finally {
      fs.writeFileSync(settingsFile, before);
      await page
        .locator('.monaco-workbench.vs')
        .waitFor({ timeout: 30_000 })
        .catch(() => undefined);
    }
  });

  it('names every control of the step form for assistive technology, and says what each Remove acts on', async function () {
    this.timeout(120_000);
    // A pipeline whose Spark step has conf settings (a Remove button each) and an input.
    await wb.get().runCommand('View: Close All Editors');
    await wb.get().quickOpen('prepare-train.pipeline.yml');
    const frame = await wb.get().webviewFrame('svg.graph g.node[data-node-id="step:prepare"]');
    await frame.locator('svg.graph g.node[data-node-id="step:prepare"]').click();
    await frame.locator('#side h2').waitFor({ timeout: 15_000 });
    await frame.locator('#side vscode-textfield[data-conf]').first().waitFor({ timeout: 15_000 });
    // The accessibility tree as a screen reader gets it (shadow DOM included): role and name of every control.
    const snapshot = await frame.locator('#side').ariaSnapshot();
    const controls = snapshot
      .split('\n')
      .map((l) => /^\s*- (textbox|combobox|button|checkbox|listbox)(?: "([^"]*)")?/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.ok(controls.length >= 6, `the form's controls:\n${snapshot}`);
    const unnamed = controls.filter((m) => !m[2]?.trim());
    assert.deepStrictEqual(
      unnamed.map((m) => m[0].trim()),
      [],
      `controls without a name:\n${snapshot}`,
    );
    for (const name of ['Name', 'Entry file', 'Arguments'])
      assert.ok(
        controls.some((m) => m[1] === 'textbox' && m[2] === name),
        `a textbox named ${name}:\n${snapshot}`,
      );
    assert.ok(
      controls.some((m) => m[1] === 'combobox' && /^Compute/.test(m[2])),
      `the compute combobox is named:\n${snapshot}`,
    );
    const removes = controls.filter((m) => m[1] === 'button' && /^Remove/.test(m[2]));
    assert.ok(removes.length >= 2, snapshot);
    assert.strictEqual(
      new Set(removes.map((m) => m[2])).size,
      removes.length,
      `each Remove button says what it removes:\n${removes.map((m) => m[2]).join('\n')}`,
    );
  });
  it('opens a pipeline component step to show its own steps, read-only, and Back returns', async function () {
    this.timeout(120_000);
    const workspace = process.env.E2E_WORKSPACE!;
    const dest = path.join(workspace, 'train-eval');
    fs.cpSync(path.join(fixturesDir, 'real-pipelines', nestedFolder), dest, { recursive: true });
    fs.renameSync(path.join(dest, 'pipeline.yml'), path.join(dest, 'train-eval.pipeline.yml'));
    await wb.get().runCommand('View: Close All Editors');
    await wb.get().quickOpen('train-eval.pipeline.yml');
    const outer = 'step:train_and_evaluate_model1';
    const frame = await wb.get().webviewFrame(`svg.graph g.node[data-node-id="${outer}"]`);
    await frame.locator(`svg.graph g.node[data-node-id="${outer}"]`).click();
    await frame
      .locator('#side')
      .getByText(/runs a pipeline component of 3 steps/)
      .waitFor({ timeout: 15_000 });
    await frame.locator('#side vscode-button', { hasText: 'Open nested pipeline' }).click();
    // The canvas now shows the component's own steps, and the toolbar says where we are.
    for (const inner of ['train_job', 'score_job', 'evaluate_job'])
      await frame.locator(`svg.graph g.node[data-node-id="step:${inner}"]`).waitFor({ timeout: 15_000 });
    assert.match((await frame.locator('#crumb-path').textContent()) ?? '', /train_and_evaluate_model1/);
    assert.strictEqual(await frame.locator(`svg.graph g.node[data-node-id="${outer}"]`).count(), 0);
    await frame.locator('svg.graph g.node[data-node-id="step:train_job"]').click();
    await frame.locator('#side h2', { hasText: 'train_job' }).waitFor({ timeout: 10_000 });
    assert.strictEqual(await frame.locator('#side vscode-textfield').count(), 0, 'the nested steps are read-only here');
    await frame.locator('#back').click();
    await frame.locator(`svg.graph g.node[data-node-id="${outer}"]`).waitFor({ timeout: 15_000 });
    assert.ok(await frame.locator('#crumbs').isHidden());
  });
});
