/**
 * The whole pipeline editor webview in a DOM, talking through a stubbed `acquireVsCodeApi`: what it posts
 * for the form's and the toolbar's actions, how it takes the extension's answers, and that it drops what
 * the protocol does not allow.
 */
import * as assert from 'assert';
import type { EditorState, StepView } from '../../../src/protocol/pipelineEditor';
import { bundle, commitText, controls, openWebview, type El, type WebviewDom } from './webviewDom';

function step(name: string, extra: Partial<StepView> = {}): StepView {
  return {
    name,
    type: 'spark',
    editable: true,
    compute: 'pool1',
    entryFile: `${name}.py`,
    conf: {},
    inputs: [],
    outputs: [],
    line: 1,
    ...extra,
  };
}

function state(steps: StepView[], version = 1): EditorState {
  return {
    version,
    graph: {
      nodes: steps.map((s) => ({ id: `step:${s.name}`, kind: 'step' as const, label: s.name, inputs: [], outputs: [] })),
      edges: [],
    },
    steps,
    problems: [],
    sparkPools: ['pool1'],
  };
}

describe('Pipeline editor webview (DOM)', () => {
  let script: string;
  let dom: WebviewDom;
  const side = (): El => dom.document.getElementById('side')!;
  const named = (name: string): El => {
    const found = controls(side()).find((c) => c.name === name);
    assert.ok(
      found,
      `no control named ${name}: ${controls(side())
        .map((c) => c.name)
        .join(' | ')}`,
    );
    return found.el;
  };
  const edits = () => dom.posted.filter((m) => m.type === 'edit');

  before(async function () {
    this.timeout(60_000);
    script = await bundle('webview-ui/src/pipelineEditor.entry.ts');
  });

  beforeEach(async () => {
    // The selection is kept across reloads of the webview (getState).
    dom = openWebview(script, { selected: 'prepare' });
    dom.send({ type: 'state', state: state([step('prepare'), step('train')]) });
    await dom.settle();
  });

  afterEach(() => dom.close());

  it('says ready, then shows the form of the step selected before a reload', () => {
    assert.deepStrictEqual(dom.posted[0], { type: 'ready' });
    assert.strictEqual(side().querySelector('h2')?.textContent, 'prepare (spark)');
    assert.strictEqual(named('Name').value, 'prepare');
  });

  it('sends a rename as an edit request, and the selection follows the renamed step', async () => {
    commitText(named('Name'), 'prep', dom.window);
    const [request] = edits();
    assert.deepStrictEqual(request, { type: 'edit', requestId: 1, op: { kind: 'rename', step: 'prepare', to: 'prep' } });
    dom.send({ type: 'result', requestId: 1, ok: true });
    dom.send({ type: 'state', state: state([step('prep'), step('train')], 2) });
    await dom.settle();
    assert.strictEqual(side().querySelector('h2')?.textContent, 'prep (spark)');
    assert.strictEqual(dom.document.getElementById('status')?.textContent, '');
  });

  it('shows why an edit was refused and the value of the state again', async () => {
    commitText(named('Entry file'), 'other.py', dom.window);
    dom.send({ type: 'result', requestId: 1, ok: false, error: 'The file is read-only.' });
    await dom.settle();
    const status = dom.document.getElementById('status')!;
    assert.strictEqual(status.textContent, 'The file is read-only.');
    assert.ok(status.classList.contains('error'));
    assert.strictEqual(named('Entry file').value, 'prepare.py');
  });

  it('posts reveal and removeStep from the form, and addStep with a fresh name from the toolbar', async () => {
    named('Show in text: step prepare').click();
    named('Remove step prepare').click();
    dom.document.getElementById('add-spark')!.click();
    dom.document.getElementById('add-command')!.click();
    const sent = dom.posted.slice(1).map((m) => (m.type === 'edit' ? m.op : m));
    assert.deepStrictEqual(sent, [
      { type: 'reveal', step: 'prepare' },
      { kind: 'removeStep', step: 'prepare' },
      { kind: 'addStep', name: 'spark_step_1', stepType: 'spark' },
      { kind: 'addStep', name: 'command_step_1', stepType: 'command' },
    ]);
  });

  it('selects the step the extension names, and drops messages the protocol does not allow', async () => {
    dom.send({ type: 'select', step: 'train' });
    dom.send({ type: 'state', state: { version: 3 } });
    dom.send({ type: 'bogus' });
    await dom.settle();
    assert.strictEqual(side().querySelector('h2')?.textContent, 'train (spark)');
    assert.deepStrictEqual(
      dom.posted.map((m) => m.type),
      ['ready'],
    );
  });

  it('shows a text that is not a pipeline with a way to open it as text', async () => {
    dom.send({ type: 'state', state: { ...state([]), notAPipeline: 'This YAML file is not an Azure ML pipeline.' } });
    await dom.settle();
    assert.strictEqual(side().querySelector('.banner')?.textContent, 'This YAML file is not an Azure ML pipeline.');
    named('Open as Text').click();
    assert.deepStrictEqual(dom.posted.at(-1), { type: 'openAsText' });
  });
});
