/**
 * The pipeline editor's step form (<pipeline-step-form> and its parts) in a DOM: the controls a step gets and
 * their accessible names, and the edits that typing, choosing and clicking ask for.
 */
import * as assert from 'assert';
import type { EditOp, EditorState, StepView } from '../../../src/protocol/pipelineEditor';
import { bundle, choose, commitText, controls, openWebview, type El, type WebviewDom } from './webviewDom';

function sparkStep(name: string, extra: Partial<StepView> = {}): StepView {
  return {
    name,
    type: 'spark',
    editable: true,
    compute: 'pool1',
    entryFile: 'prep.py',
    args: '--in x',
    conf: {},
    inputs: [],
    outputs: [],
    line: 1,
    ...extra,
  };
}

/** prepare -> train -> score (score binds train's model); prepare's conf has two settings. */
function pipeline(): EditorState {
  const steps: StepView[] = [
    sparkStep('prepare', {
      conf: { 'spark.executor.instances': 2, 'spark.app.name': 'prep' },
      inputs: [{ name: 'raw', value: '${{parent.inputs.raw}}' }],
      outputs: [{ name: 'clean', value: '' }],
    }),
    sparkStep('train', {
      inputs: [{ name: 'data', value: '${{parent.jobs.prepare.outputs.clean}}' }],
      outputs: [{ name: 'model', value: '' }],
    }),
    {
      name: 'score',
      type: 'command',
      editable: true,
      compute: 'azureml:cpu',
      command: 'python score.py',
      conf: {},
      inputs: [{ name: 'model', value: '${{parent.jobs.train.outputs.model}}' }],
      outputs: [{ name: 'scores', value: '' }],
      line: 20,
    },
    { name: 'sub', type: 'pipeline', editable: false, conf: {}, inputs: [], outputs: [], line: 30 },
  ];
  const node = (s: StepView) => ({
    id: `step:${s.name}`,
    kind: 'step' as const,
    label: s.name,
    inputs: s.inputs.map((i) => i.name),
    outputs: s.outputs.map((o) => o.name),
  });
  const subgraph = {
    nodes: [
      { id: 'step:a', kind: 'step' as const, label: 'a', inputs: [], outputs: [] },
      { id: 'step:b', kind: 'step' as const, label: 'b', inputs: [], outputs: [] },
    ],
    edges: [],
  };
  return {
    version: 1,
    graph: {
      nodes: steps.map((s) => (s.name === 'sub' ? { ...node(s), subgraph } : node(s))),
      edges: [
        { id: 'e1', source: 'step:prepare', sourcePort: 'clean', target: 'step:train', targetPort: 'data' },
        { id: 'e2', source: 'step:train', sourcePort: 'model', target: 'step:score', targetPort: 'model' },
      ],
    },
    steps,
    problems: [],
    sparkPools: ['pool1', 'pool2'],
  };
}

describe('Pipeline editor step form (DOM)', () => {
  let script: string;
  let dom: WebviewDom;
  let form: El;
  /** The edits the form asked for; `refuse` makes the next ones fail. */
  let edits: EditOp[];
  let refuse: boolean;
  const calls: string[] = [];

  before(async function () {
    this.timeout(60_000);
    script = await bundle('webview-ui/src/pipelineEditor/stepForm.ts');
  });

  beforeEach(() => {
    dom = openWebview(script);
    edits = [];
    refuse = false;
    calls.length = 0;
    form = dom.document.createElement('pipeline-step-form');
    form.editor = {
      edit: async (op: EditOp) => {
        // A copy in this realm, as the message channel would make one.
        edits.push(JSON.parse(JSON.stringify(op)) as EditOp);
        return !refuse;
      },
      reveal: (step: string) => calls.push(`reveal ${step}`),
      openNested: (step: string) => calls.push(`openNested ${step}`),
    };
    dom.document.body.appendChild(form);
  });

  afterEach(() => dom.close());

  async function show(step: string | undefined, state: EditorState = pipeline()): Promise<void> {
    form.state = state;
    form.step = step;
    await dom.settle();
  }

  const control = (name: string): El => {
    const found = controls(form).find((c) => c.name === name);
    assert.ok(
      found,
      `no control named ${name}: ${controls(form)
        .map((c) => c.name)
        .join(' | ')}`,
    );
    return found.el;
  };

  it('gives a Spark step its fields, each control named for assistive technology', async () => {
    await show('prepare');
    assert.strictEqual(form.querySelector('h2')?.textContent, 'prepare (spark)');
    const named = controls(form).map((c) => `${c.role}: ${c.name}`);
    assert.deepStrictEqual(named, [
      'textbox: Name',
      'combobox: Compute (attached Spark pool)',
      'textbox: Entry file',
      'textbox: Arguments',
      'textbox: Value of spark.executor.instances',
      'button: Remove Spark setting spark.executor.instances',
      'textbox: Value of spark.app.name',
      'button: Remove Spark setting spark.app.name',
      'textbox: New Spark setting: key',
      'textbox: New Spark setting: value',
      'button: Add the Spark setting',
      'textbox: Input raw',
      // prepare feeds train and score: only a step not downstream of it could be bound, and there is none.
      'button: Show in text: step prepare',
      'button: Remove step prepare',
    ]);
    // The selectors the page and the e2e suites use, and the values shown.
    assert.strictEqual(form.querySelector('vscode-textfield[data-field="name"]')?.value, 'prepare');
    assert.strictEqual(form.querySelector('vscode-textfield[data-field="entry"]')?.value, 'prep.py');
    assert.strictEqual(form.querySelector('vscode-textfield[data-conf="spark.executor.instances"]')?.value, '2');
    assert.strictEqual(form.querySelector('vscode-textfield[data-input="raw"]')?.value, '${{parent.inputs.raw}}');
    assert.strictEqual(form.querySelector('vscode-single-select[data-field="compute"]')?.value, 'pool1');
    const groups = [...form.querySelectorAll('[role="group"]')].map((g) => g.getAttribute('aria-label'));
    assert.deepStrictEqual(groups, ['Spark conf', 'Inputs', 'Outputs']);
    assert.deepStrictEqual(
      [...form.querySelectorAll('.field > label')].map((l) => l.textContent),
      ['Name', 'Compute (attached Spark pool)', 'Entry file', 'Arguments', 'Spark conf', 'Inputs', 'Outputs'],
    );
  });

  it('gives a command step a Command and a free-text Compute, and offers only steps that make no cycle', async () => {
    await show('train');
    // train may bind prepare's output, not score's (score depends on train).
    const bind = control('Bind input data to a step output');
    const options = [...bind.querySelectorAll('vscode-option')].map((o) => o.textContent);
    assert.deepStrictEqual(options, ['(not from a step)', 'prepare.clean']);
    assert.strictEqual(bind.value, 'prepare.clean');

    await show('score');
    assert.strictEqual(form.querySelector('h2')?.textContent, 'score (command)');
    const names = controls(form).map((c) => c.name);
    for (const name of [
      'Name',
      'Compute',
      'Command',
      'Input model',
      'Bind input model to a step output',
      'New input name',
      'Step output for the new input',
    ])
      assert.ok(names.includes(name), `${name} in ${names.join(' | ')}`);
    assert.ok(!names.some((n) => /Spark setting|Entry file|Arguments/.test(n)), names.join(' | '));
    assert.strictEqual(control('Compute').tagName, 'VSCODE-TEXTFIELD');
    assert.strictEqual(control('Command').value, 'python score.py');
    const sources = [...control('Step output for the new input').querySelectorAll('vscode-option')].map((o) => o.textContent);
    assert.deepStrictEqual(sources, ['(choose a step output)', 'prepare.clean', 'train.model']);
  });

  it('asks for an edit of each field when it is committed, and for none when nothing changed', async () => {
    await show('prepare');
    commitText(control('Entry file'), 'prep.py', dom.window);
    assert.deepStrictEqual(edits, [], 'an unchanged value is no edit');
    commitText(control('Entry file'), '', dom.window);
    commitText(control('Arguments'), '--in y', dom.window);
    choose(control('Compute (attached Spark pool)'), 'pool2', dom.window);
    choose(control('Compute (attached Spark pool)'), '', dom.window);
    commitText(control('Input raw'), 'azureml:raw:1', dom.window);
    commitText(control('Name'), 'prep', dom.window);
    assert.deepStrictEqual(edits, [
      { kind: 'setField', step: 'prepare', path: ['entry', 'file'], value: null },
      { kind: 'setField', step: 'prepare', path: ['args'], value: '--in y' },
      { kind: 'setField', step: 'prepare', path: ['compute'], value: 'azureml:pool2' },
      { kind: 'setField', step: 'prepare', path: ['compute'], value: null },
      { kind: 'setField', step: 'prepare', path: ['inputs', 'raw'], value: 'azureml:raw:1' },
      { kind: 'rename', step: 'prepare', to: 'prep' },
    ]);
    await show('score');
    edits = [];
    commitText(control('Compute'), 'azureml:gpu', dom.window);
    commitText(control('Command'), '', dom.window);
    assert.deepStrictEqual(edits, [
      { kind: 'setField', step: 'score', path: ['compute'], value: 'azureml:gpu' },
      { kind: 'setField', step: 'score', path: ['command'], value: null },
    ]);
  });

  it('edits, removes and adds Spark settings with numbers and booleans typed as such', async () => {
    await show('prepare');
    commitText(control('Value of spark.executor.instances'), '4', dom.window);
    control('Remove Spark setting spark.app.name').click();
    control('Add the Spark setting').click();
    assert.strictEqual(edits.length, 2, 'Add without a key asks for nothing');
    commitText(control('New Spark setting: key'), 'spark.dynamicAllocation.enabled', dom.window);
    commitText(control('New Spark setting: value'), 'true', dom.window);
    assert.strictEqual(edits.length, 2, 'typing a new setting is no edit until Add');
    control('Add the Spark setting').click();
    assert.deepStrictEqual(edits, [
      { kind: 'setConf', step: 'prepare', key: 'spark.executor.instances', value: 4 },
      { kind: 'removeConf', step: 'prepare', key: 'spark.app.name' },
      { kind: 'setConf', step: 'prepare', key: 'spark.dynamicAllocation.enabled', value: true },
    ]);
  });

  it('binds inputs to step outputs, and connects a new input only once it has a name', async () => {
    await show('score');
    choose(control('Bind input model to a step output'), 'prepare.clean', dom.window);
    choose(control('Step output for the new input'), 'train.model', dom.window);
    assert.strictEqual(edits.length, 1, 'a new input without a name is not connected');
    commitText(control('New input name'), 'extra', dom.window);
    choose(control('Step output for the new input'), 'prepare.clean', dom.window);
    assert.deepStrictEqual(edits, [
      { kind: 'connect', fromStep: 'prepare', fromOutput: 'clean', toStep: 'score', toInput: 'model' },
      { kind: 'connect', fromStep: 'prepare', fromOutput: 'clean', toStep: 'score', toInput: 'extra' },
    ]);
    control('Show in text: step score').click();
    control('Remove step score').click();
    assert.deepStrictEqual(calls, ['reveal score']);
    assert.deepStrictEqual(edits.at(-1), { kind: 'removeStep', step: 'score' });
  });

  it('shows the state again after a refused edit instead of the refused value', async () => {
    await show('prepare');
    refuse = true;
    const compute = control('Compute (attached Spark pool)');
    choose(compute, 'pool2', dom.window);
    commitText(control('Name'), 'taken', dom.window);
    assert.strictEqual(compute.value, 'pool2');
    (form.revert as () => void)();
    await dom.settle();
    assert.strictEqual(compute.value, 'pool1', 'the drop-down shows the compute of the state');
    assert.strictEqual(control('Name').value, 'prepare', 'the name field shows the name of the state');
  });

  it('keeps the keyboard in a Spark setting while the row above it goes away', async () => {
    await show('prepare');
    const field = form.querySelector('vscode-textfield[data-conf="spark.app.name"]')!;
    field.focus();
    assert.strictEqual(dom.document.activeElement, field);
    const state = pipeline();
    state.steps[0].conf = { 'spark.app.name': 'prep' };
    await show('prepare', state);
    assert.strictEqual(form.querySelectorAll('vscode-textfield[data-conf]').length, 1);
    assert.strictEqual(dom.document.activeElement, field, 'the same field keeps the focus');
    assert.ok(field.isConnected);
  });

  it('explains the steps it does not edit, and hints when no step is selected', async () => {
    await show('sub');
    assert.strictEqual(form.querySelector('h2')?.textContent, 'sub (pipeline)');
    assert.match(form.textContent ?? '', /runs a pipeline component of 2 steps; it is kept as written/);
    assert.deepStrictEqual(
      controls(form).map((c) => c.name),
      ['Open nested pipeline sub'],
    );
    control('Open nested pipeline sub').click();
    assert.deepStrictEqual(calls, ['openNested sub']);

    const other = pipeline();
    other.steps.push({ name: 'odd', type: 'automl', editable: false, conf: {}, inputs: [], outputs: [], line: 40 });
    await show('odd', other);
    assert.strictEqual(form.querySelector('.hint')?.textContent, "Steps of type 'automl' are kept as written; edit them in the text.");

    await show(undefined);
    assert.strictEqual(form.querySelector('.hint')?.textContent, 'Select a step to edit it (click, or arrow keys in the graph).');
    await show(undefined, { ...pipeline(), steps: [], graph: { nodes: [], edges: [] } });
    assert.strictEqual(form.querySelector('.hint')?.textContent, 'No steps yet: add one with the toolbar.');
    assert.strictEqual(controls(form).length, 0);
  });
});
