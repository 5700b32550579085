/**
 * The pipeline editor webview: the step graph (ELK layout) and a form for the selected step. It never
 * edits YAML itself: every change is an `edit` request the extension turns into a WorkspaceEdit on the
 * text document, whose new state comes back as `state`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { parseToEditor, type EditOp, type EditorState, type FromEditor, type StepView, type ToEditor } from '../../src/protocol/pipelineEditor';
import { Bridge } from './shared/bridge';
import { GraphView } from './graph/graphView';
import css from './editor.css';
import graphCss from './graph/graph.css';
import { stepNodeId, stepOfNodeId, type GraphView as GraphData } from '../../src/protocol/messages';

const style = document.createElement('style');
style.textContent = css + graphCss;
document.head.appendChild(style);

document.body.innerHTML = `
  <div class="toolbar">
    <vscode-button id="add-spark" secondary>Add Spark step</vscode-button>
    <vscode-button id="add-command" secondary>Add command step</vscode-button>
    <vscode-button id="fit" secondary title="Fit the graph (0)">Fit</vscode-button>
    <span id="crumbs" class="crumbs" hidden><vscode-button id="back" secondary>Back</vscode-button><span id="crumb-path" role="status"></span></span>
    <span class="spacer"></span>
    <span class="status" id="status" role="status"></span>
  </div>
  <div class="main">
    <div class="canvas" id="canvas"></div>
    <div class="side" id="side" aria-live="polite"></div>
  </div>
  <ul class="problems" id="problems" aria-label="Problems"></ul>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let state: EditorState | undefined;
let selected: string | undefined = (new URLSearchParams(location.search).get('step')) ?? undefined;
/** Steps of `type: pipeline` opened from the top (their nested pipelines are shown read-only). */
let nested: string[] = [];
/** The selected step inside the opened nested pipeline. */
let nestedSelected: string | undefined;
/** A rename sent to the extension whose new state has not arrived yet: the selection follows it. */
let pendingRename: { from: string; to: string } | undefined;

const bridge = new Bridge<ToEditor, FromEditor>(parseToEditor, (m) => {
  if (m.type === 'state') {
    state = m.state;
    void render();
  } else if (m.type === 'select') {
    graph.select(stepNodeId(m.step));
  }
});

const graph = new GraphView($('canvas'), {
  onSelect: (id) => {
    const next = stepOfNodeId(id);
    if (nested.length) {
      nestedSelected = next;
      renderForm();
      return;
    }
    // A message about an edit of the previous step does not belong to the next one.
    if (next !== selected) setStatus('');
    selected = next;
    bridge.state = { selected };
    renderForm();
  },
  // Enter on a step opens its form: the keyboard goes to the form's first field (Escape comes back).
  onActivate: (id) => {
    const step = stepOfNodeId(id);
    if (step === undefined) return;
    if (nested.length) {
      nestedSelected = step;
      renderForm();
      return focusForm();
    }
    if (selected !== step) {
      selected = step;
      renderForm();
    }
    focusForm();
  },
  onReveal: (id) => {
    const step = stepOfNodeId(id);
    if (step !== undefined) bridge.post({ type: 'reveal', step });
  },
  onDelete: (id) => {
    const step = stepOfNodeId(id);
    if (step !== undefined && !nested.length) void edit({ kind: 'removeStep', step });
  },
  // An output dragged onto a step binds the input it was dropped on, else a new input named after the output.
  onConnect: (from, to) => {
    if (nested.length) return; // a nested pipeline is read-only here
    const fromStep = stepOfNodeId(from.node);
    const toStep = stepOfNodeId(to.node);
    if (fromStep === undefined || toStep === undefined) return;
    const taken = new Set(state?.steps.find((s) => s.name === toStep)?.inputs.map((i) => i.name) ?? []);
    let toInput = to.port ?? from.port;
    for (let i = 2; !to.port && taken.has(toInput); i++) toInput = `${from.port}_${i}`;
    void edit({ kind: 'connect', fromStep, fromOutput: from.port, toStep, toInput }).then((ok) => {
      if (ok) graph.select(to.node);
    });
  },
});
selected = (bridge.state as { selected?: string } | undefined)?.selected;

function setStatus(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

async function edit(op: EditOp): Promise<boolean> {
  let error: string | undefined;
  try {
    const res = await bridge.request({ type: 'edit', op } as FromEditor);
    if (res.type === 'result' && !res.ok) error = res.error ?? 'The edit failed.';
  } catch (err) {
    error = String(err instanceof Error ? err.message : err);
  }
  if (error === undefined) {
    setStatus('');
    return true;
  }
  setStatus(error, true);
  // Nothing changed: the form shows the state again, not the refused choice (a select would keep it).
  renderForm();
  return false;
}

async function render(): Promise<void> {
  if (!state) return;
  followRename(state);
  if (state.notAPipeline) {
    $('side').innerHTML = '';
    const p = document.createElement('p');
    p.className = 'banner';
    p.textContent = state.notAPipeline;
    $('side').appendChild(p);
    const open = document.createElement('vscode-button');
    open.textContent = 'Open as Text';
    open.addEventListener('click', () => bridge.post({ type: 'openAsText' }));
    $('side').appendChild(open);
  }
  const shown = shownGraph();
  renderCrumbs();
  await graph.render(shown);
  if (!state) return;
  if (nested.length) {
    renderForm();
    renderProblems();
    return;
  }
  // The layout is asynchronous: a newer state (the rename's) may have arrived meanwhile.
  followRename(state);
  if (selected && state.steps.some((s) => s.name === selected) && graph.selection !== stepNodeId(selected)) graph.select(stepNodeId(selected), false);
  renderForm();
  renderProblems();
}

/** The graph on the canvas: the pipeline's, or the opened nested pipeline's (back to the top when it is gone). */
function shownGraph(): GraphData {
  let g: GraphData = state?.graph ?? { nodes: [], edges: [] };
  for (let i = 0; i < nested.length; i++) {
    const sub = g.nodes.find((n) => n.id === stepNodeId(nested[i]))?.subgraph;
    if (!sub) {
      nested = nested.slice(0, i);
      nestedSelected = undefined;
      break;
    }
    g = sub;
  }
  return g;
}

function renderCrumbs(): void {
  $('crumbs').hidden = nested.length === 0;
  $('crumb-path').textContent = nested.length ? `Pipeline component: ${nested.join(' › ')} (read-only; edit its file)` : '';
  $('back').textContent = nested.length > 1 ? `Back to ${nested[nested.length - 2]}` : 'Back to the pipeline';
  for (const id of ['add-spark', 'add-command']) ($(id) as HTMLElement & { disabled: boolean }).disabled = nested.length > 0;
}

/** Shows a `type: pipeline` step's own steps on the canvas. */
function openNested(step: string): void {
  nested = [...nested, step];
  nestedSelected = undefined;
  void render().then(() => graph.focus());
}

function closeNested(): void {
  const left = nested.pop();
  nestedSelected = undefined;
  void render().then(() => {
    if (left) graph.select(stepNodeId(left));
  });
}

/** Read-only details of a step of an opened nested pipeline. */
function renderNestedForm(side: HTMLElement): void {
  const node = nestedSelected === undefined ? undefined : shownGraph().nodes.find((n) => n.id === stepNodeId(nestedSelected!));
  if (!node) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = `The steps of ${nested[nested.length - 1]}. Select one to see it; Back returns to the pipeline.`;
    side.appendChild(p);
    return;
  }
  const h = document.createElement('h2');
  h.textContent = `${node.label} (${node.stepType ?? 'step'})`;
  side.appendChild(h);
  const dl = document.createElement('dl');
  dl.className = 'outputs';
  for (const [k, v] of [['Compute', node.compute ?? '(pipeline default)'], ['Inputs', node.inputs.join(', ') || 'none'], ['Outputs', node.outputs.join(', ') || 'none']]) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  side.appendChild(dl);
  if (node.subgraph) side.appendChild(button('Open nested pipeline', () => openNested(stepOfNodeId(node.id) ?? node.label), true, `Open nested pipeline ${node.label}`));
}

/** Once the state shows a pending rename done, the renamed step stays selected under its new name. */
function followRename(s: EditorState): void {
  if (!pendingRename) return;
  const names = new Set(s.steps.map((x) => x.name));
  if (names.has(pendingRename.to) && !names.has(pendingRename.from)) {
    if (selected === pendingRename.from) {
      selected = pendingRename.to;
      bridge.state = { selected };
    }
    pendingRename = undefined;
  }
}

/** Focuses a form control once it has rendered (the web components render their inner input a tick later). */
function focusWhenReady(el: HTMLElement | null | undefined, done?: () => void): void {
  if (!el) return done?.();
  const ready = (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  const go = () => {
    // A newer render may have replaced the control meanwhile; that render focuses its own.
    if (!el.isConnected) return;
    el.focus();
    done?.();
  };
  if (ready) void ready.then(go);
  else go();
}

/** The form field to give the focus back to after a rebuild, until that has happened. */
let refocus: readonly [string, string] | undefined;

function focusForm(): void {
  focusWhenReady($('side').querySelector<HTMLElement>('[data-field], vscode-textfield, vscode-single-select, vscode-button'));
}

function renderProblems(): void {
  const list = $('problems');
  list.replaceChildren();
  for (const p of state?.problems ?? []) {
    const li = document.createElement('li');
    li.className = p.severity;
    li.textContent = `${p.message} (line ${p.line + 1})`;
    li.tabIndex = 0;
    li.addEventListener('click', () => p.step && graph.select(stepNodeId(p.step)));
    list.appendChild(li);
  }
  list.hidden = list.childElementCount === 0;
}

/**
 * A labelled form row. The visible label cannot point into a component's shadow DOM, so it also becomes the
 * control's accessible name (`label` of vscode-textfield / vscode-single-select), or, for a group of
 * controls, the group's name.
 */
function field(label: string, control: HTMLElement): HTMLElement {
  const div = document.createElement('div');
  div.className = 'field';
  const l = document.createElement('label');
  l.textContent = label;
  if (isLabelled(control)) {
    const labelled = control as HTMLElement & { label: string };
    if (!labelled.label) labelled.label = label;
  } else {
    control.setAttribute('role', 'group');
    control.setAttribute('aria-label', label);
  }
  div.append(l, control);
  return div;
}

function isLabelled(control: HTMLElement): boolean {
  return control.tagName === 'VSCODE-TEXTFIELD' || control.tagName === 'VSCODE-SINGLE-SELECT';
}

function textfield(value: string | undefined, onCommit: (v: string) => void, attrs: Record<string, string> = {}): HTMLElement {
  const tf = document.createElement('vscode-textfield') as HTMLElement & { value: string; label: string };
  tf.value = value ?? '';
  // `label` (the inner input's accessible name) is a property of the component, not an attribute.
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'label') tf.label = v;
    else tf.setAttribute(k, v);
  }
  tf.addEventListener('change', () => {
    if (tf.value !== (value ?? '')) onCommit(tf.value);
  });
  return tf;
}

/** A drop-down of `options`; the empty option reads `emptyLabel`. */
function select(options: string[], value: string | undefined, onCommit: (v: string) => void, attrs: Record<string, string> = {}, emptyLabel = '(none)'): HTMLElement {
  const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string; label: string };
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.value = o;
    opt.textContent = o || emptyLabel;
    if (o === (value ?? '')) opt.setAttribute('selected', '');
    sel.appendChild(opt);
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'label') sel.label = v;
    else sel.setAttribute(k, v);
  }
  sel.addEventListener('change', () => {
    if (sel.value !== (value ?? '')) onCommit(sel.value);
  });
  return sel;
}

/** `name` is the accessible name when the visible text alone does not say what the button acts on. */
function button(text: string, onClick: () => void, secondary = true, name?: string): HTMLElement {
  const b = document.createElement('vscode-button');
  if (secondary) b.setAttribute('secondary', '');
  b.textContent = text;
  if (name) b.setAttribute('aria-label', name);
  b.addEventListener('click', onClick);
  return b;
}

function renderForm(): void {
  const side = $('side');
  if (state?.notAPipeline) return;
  // Rebuilding the form must not throw the keyboard out of it: refocus the same field afterwards.
  const active = document.activeElement;
  const fromActive = active && side.contains(active)
    ? ['data-field', 'data-conf', 'data-input'].map((a) => [a, active.closest(`[${a}]`)?.getAttribute(a) ?? ''] as const).find(([, v]) => v)
    : undefined;
  const focusKey = fromActive ?? refocus;
  side.replaceChildren();
  refocus = undefined;
  if (nested.length) return renderNestedForm(side);
  const step = state?.steps.find((s) => s.name === selected);
  if (!step) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = state && state.steps.length > 0 ? 'Select a step to edit it (click, or arrow keys in the graph).' : 'No steps yet: add one with the toolbar.';
    side.appendChild(p);
    return;
  }
  const h = document.createElement('h2');
  h.textContent = `${step.name} (${step.type})`;
  side.appendChild(h);
  if (!step.editable) {
    const p = document.createElement('p');
    p.className = 'hint';
    const sub = state?.graph.nodes.find((n) => n.id === stepNodeId(step.name))?.subgraph;
    const steps = sub?.nodes.filter((n) => n.kind === 'step').length ?? 0;
    p.textContent = sub
      ? `This step runs a pipeline component of ${steps} step${steps === 1 ? '' : 's'}; it is kept as written (edit it in the text or the component's file).`
      : `Steps of type '${step.type}' are kept as written; edit them in the text.`;
    side.appendChild(p);
    if (sub) side.appendChild(button('Open nested pipeline', () => openNested(step.name), true, `Open nested pipeline ${step.name}`));
    return;
  }
  side.appendChild(field('Name', textfield(step.name, (v) => {
    pendingRename = { from: step.name, to: v };
    void edit({ kind: 'rename', step: step.name, to: v }).then((ok) => {
      if (!ok && pendingRename?.to === v) pendingRename = undefined;
    });
  }, { 'data-field': 'name' })));
  side.appendChild(computeField(step));
  if (step.type === 'spark') {
    side.appendChild(field('Entry file', textfield(step.entryFile, (v) => void edit({ kind: 'setField', step: step.name, path: ['entry', 'file'], value: v || null }), { 'data-field': 'entry' })));
  } else {
    side.appendChild(field('Command', textfield(step.command, (v) => void edit({ kind: 'setField', step: step.name, path: ['command'], value: v || null }), { 'data-field': 'command' })));
  }
  if (step.type === 'spark') {
    side.appendChild(field('Arguments', textfield(step.args, (v) => void edit({ kind: 'setField', step: step.name, path: ['args'], value: v || null }), { 'data-field': 'args' })));
    side.appendChild(confField(step));
  }
  side.appendChild(inputsField(step));
  const outs = document.createElement('div');
  for (const o of step.outputs) {
    const row = document.createElement('div');
    row.className = 'row';
    row.textContent = o.name;
    outs.appendChild(row);
  }
  if (step.outputs.length > 0) side.appendChild(field('Outputs', outs));
  const actions = document.createElement('div');
  actions.className = 'row';
  actions.append(
    button('Show in text', () => bridge.post({ type: 'reveal', step: step.name }), true, `Show in text: step ${step.name}`),
    button('Remove step', () => void edit({ kind: 'removeStep', step: step.name }), true, `Remove step ${step.name}`),
  );
  side.appendChild(actions);
  if (focusKey) {
    refocus = focusKey;
    focusWhenReady(side.querySelector<HTMLElement>(`[${focusKey[0]}="${CSS.escape(focusKey[1])}"]`), () => (refocus = undefined));
  }
}

function computeField(step: StepView): HTMLElement {
  if (step.type !== 'spark') {
    return field('Compute', textfield(step.compute, (v) => void edit({ kind: 'setField', step: step.name, path: ['compute'], value: v ? `azureml:${v.replace(/^azureml:/, '')}` : null }), { 'data-field': 'compute' }));
  }
  const pools = [...new Set(['', ...(state?.sparkPools ?? []), ...(step.compute ? [step.compute] : [])])];
  return field('Compute (attached Spark pool)', select(pools, step.compute, (v) => void edit({ kind: 'setField', step: step.name, path: ['compute'], value: v ? `azureml:${v}` : null }), { 'data-field': 'compute' }));
}

function confField(step: StepView): HTMLElement {
  const box = document.createElement('div');
  for (const [key, value] of Object.entries(step.conf)) {
    const row = document.createElement('div');
    row.className = 'row';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = key;
    name.title = key;
    row.append(name, textfield(String(value), (v) => void edit({ kind: 'setConf', step: step.name, key, value: coerce(v) }), { 'data-conf': key, label: `Value of ${key}` }),
      button('Remove', () => void edit({ kind: 'removeConf', step: step.name, key }), true, `Remove Spark setting ${key}`));
    box.appendChild(row);
  }
  const add = document.createElement('div');
  add.className = 'row';
  const k = textfield('', () => {}, { placeholder: 'spark.key', 'data-field': 'conf-new-key', label: 'New Spark setting: key' }) as HTMLElement & { value: string };
  const v = textfield('', () => {}, { placeholder: 'value', 'data-field': 'conf-new-value', label: 'New Spark setting: value' }) as HTMLElement & { value: string };
  add.append(k, v, button('Add', () => k.value && void edit({ kind: 'setConf', step: step.name, key: k.value, value: coerce(v.value) }), true, 'Add the Spark setting'));
  box.appendChild(add);
  return field('Spark conf', box);
}

const STEP_OUTPUT = /parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/;

/** The steps that depend on `step`, directly or through other steps (binding to them would be a cycle). */
function downstreamOf(step: string): Set<string> {
  const consumers = new Map<string, Set<string>>();
  const link = (from: string, to: string) => {
    if (!consumers.has(from)) consumers.set(from, new Set());
    consumers.get(from)!.add(to);
  };
  for (const e of state?.graph.edges ?? []) {
    const [from, to] = [stepOfNodeId(e.source), stepOfNodeId(e.target)];
    if (from !== undefined && to !== undefined) link(from, to);
  }
  for (const s of state?.steps ?? []) {
    for (const i of s.inputs) {
      const m = STEP_OUTPUT.exec(i.value ?? '');
      if (m) link(m[1], s.name);
    }
  }
  const seen = new Set<string>();
  const todo = [step];
  while (todo.length > 0) {
    for (const next of consumers.get(todo.pop()!) ?? []) {
      if (!seen.has(next) && next !== step) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

/** What the empty choice of an input's "from a step" drop-down says: the input's value when it is not a step output. */
function notFromStepLabel(value: string | undefined): string {
  const parentInput = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value?.trim() ?? '');
  if (parentInput) return `pipeline input ${parentInput[1]}`;
  return value?.trim() ? '(not from a step)' : '(not bound)';
}

function inputsField(step: StepView): HTMLElement {
  const box = document.createElement('div');
  // Outputs of the other steps, except those downstream of this one (choosing them could only make a cycle).
  const downstream = downstreamOf(step.name);
  const sources = (state?.steps ?? []).filter((s) => s.name !== step.name && !downstream.has(s.name)).flatMap((s) => s.outputs.map((o) => `${s.name}.${o.name}`));
  for (const input of step.inputs) {
    const row = document.createElement('div');
    row.className = 'row';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = input.name;
    row.append(name, textfield(input.value, (v) => void edit({ kind: 'setField', step: step.name, path: ['inputs', input.name], value: v || null }), { 'data-input': input.name, label: `Input ${input.name}` }));
    if (sources.length > 0) {
      const bound = STEP_OUTPUT.exec(input.value ?? '');
      const current = bound ? `${bound[1]}.${bound[2]}` : '';
      // A binding to a step not offered (downstream, or gone) still shows as the current choice.
      const options = ['', ...sources, ...(current && !sources.includes(current) ? [current] : [])];
      row.append(select(options, current, (v) => {
        if (!v) return;
        const [fromStep, fromOutput] = v.split('.');
        void edit({ kind: 'connect', fromStep, fromOutput, toStep: step.name, toInput: input.name });
      }, { title: 'Bind to the output of another step', label: `Bind input ${input.name} to a step output` }, notFromStepLabel(input.value)));
    }
    box.appendChild(row);
  }
  if (sources.length > 0) {
    const add = document.createElement('div');
    add.className = 'row';
    const n = textfield('', () => {}, { placeholder: 'new input', 'data-field': 'input-new', label: 'New input name' }) as HTMLElement & { value: string };
    add.append(n, select(['', ...sources], '', (v) => {
      if (!v || !n.value) return;
      const [fromStep, fromOutput] = v.split('.');
      void edit({ kind: 'connect', fromStep, fromOutput, toStep: step.name, toInput: n.value });
    }, { title: 'Connect a new input to the output of another step', label: 'Step output for the new input' }, '(choose a step output)'));
    box.appendChild(add);
  }
  return field('Inputs', box);
}

function coerce(v: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

function newStepName(prefix: string): string {
  const names = new Set(state?.steps.map((s) => s.name));
  for (let i = 1; ; i++) if (!names.has(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

$('add-spark').addEventListener('click', () => {
  const name = newStepName('spark_step');
  void edit({ kind: 'addStep', name, stepType: 'spark' }).then((ok) => ok && (selected = name));
});
$('add-command').addEventListener('click', () => {
  const name = newStepName('command_step');
  void edit({ kind: 'addStep', name, stepType: 'command' }).then((ok) => ok && (selected = name));
});
$('fit').addEventListener('click', () => graph.fit());
$('back').addEventListener('click', () => closeNested());
// Backspace in the graph of an opened nested pipeline goes back up, as the Back button does.
$('canvas').addEventListener('keydown', (ev) => {
  if (ev.key === 'Backspace' && nested.length) {
    ev.preventDefault();
    closeNested();
  }
});
// Escape in the form goes back to the step in the graph.
$('side').addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') {
    ev.preventDefault();
    graph.focus();
  }
});
window.addEventListener('resize', () => graph.fit(GraphView.READABLE_SCALE));

bridge.post({ type: 'ready' });
