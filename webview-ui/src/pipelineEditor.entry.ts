/**
 * The pipeline editor webview: the step graph (ELK layout) and a form for the selected step
 * (`<pipeline-step-form>`, in ./pipelineEditor). It never
 * edits YAML itself: every change is an `edit` request the extension turns into a WorkspaceEdit on the
 * text document, whose new state comes back as `state`.
 */
import './shared/l10n';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import { html, render as renderTemplate, type TemplateResult } from 'lit';
import { parseToEditor, type EditOp, type EditorState, type FromEditor, type ToEditor } from '../../src/protocol/pipelineEditor';
import { Bridge } from './shared/bridge';
import { GraphView } from './graph/graphView';
import { focusWhenReady, type StepFormEditor } from './pipelineEditor/formParts';
import type { PipelineStepForm } from './pipelineEditor/stepForm';
import './pipelineEditor/stepForm';
import './pipelineEditor/nestedStep';
import css from './editor.css';
import graphCss from './graph/graph.css';
import { stepNodeId, stepOfNodeId, unhandledMessage, type GraphView as GraphData } from '../../src/protocol/messages';

const style = document.createElement('style');
style.textContent = css + graphCss;
document.head.appendChild(style);

document.body.innerHTML = `
  <div class="toolbar">
    <vscode-button id="add-spark" secondary></vscode-button>
    <vscode-button id="add-command" secondary></vscode-button>
    <vscode-button id="fit" secondary></vscode-button>
    <span id="crumbs" class="crumbs" hidden><vscode-button id="back" secondary></vscode-button><span id="crumb-path" role="status"></span></span>
    <span class="spacer"></span>
    <span class="status" id="status" role="status"></span>
  </div>
  <div class="main">
    <div class="canvas" id="canvas"></div>
    <div class="side" id="side" aria-live="polite"></div>
  </div>
  <ul class="problems" id="problems"></ul>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// Text goes in as text (a translation is never markup).
$('add-spark').textContent = l10n.t('Add Spark step');
$('add-command').textContent = l10n.t('Add command step');
$('fit').textContent = l10n.t('Fit');
$('fit').title = l10n.t('Fit the graph (0)');
$('back').textContent = l10n.t('Back');
$('problems').setAttribute('aria-label', l10n.t('Problems'));

let state: EditorState | undefined;
let selected: string | undefined = new URLSearchParams(location.search).get('step') ?? undefined;
/** Steps of `type: pipeline` opened from the top (their nested pipelines are shown read-only). */
let nested: string[] = [];
/** The selected step inside the opened nested pipeline. */
let nestedSelected: string | undefined;
/** A rename sent to the extension whose new state has not arrived yet: the selection follows it. */
let pendingRename: { from: string; to: string } | undefined;

const bridge = new Bridge<ToEditor, FromEditor>(parseToEditor, (m) => {
  switch (m.type) {
    case 'state':
      state = m.state;
      void render();
      return;
    case 'select':
      graph.select(stepNodeId(m.step));
      return;
    case 'result':
      // The answer to a request the bridge no longer waits for (it timed out): the status said so already.
      return;
    default:
      unhandledMessage(m);
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
  // The selection follows a rename once the new state shows it done.
  const rename = op.kind === 'rename' ? { from: op.step, to: op.to } : undefined;
  if (rename) pendingRename = rename;
  let error: string | undefined;
  try {
    const res = await bridge.request({ type: 'edit', op } as FromEditor);
    if (res.type === 'result' && !res.ok) error = res.error ?? l10n.t('The edit failed.');
  } catch (err) {
    error = String(err instanceof Error ? err.message : err);
  }
  if (error === undefined) {
    setStatus('');
    return true;
  }
  setStatus(error, true);
  if (rename && pendingRename?.to === rename.to) pendingRename = undefined;
  // Nothing changed: the form shows the state again, not the refused choice (a select would keep it).
  $('side').querySelector<PipelineStepForm>('pipeline-step-form')?.revert();
  return false;
}

async function render(): Promise<void> {
  if (!state) return;
  followRename(state);
  if (state.notAPipeline) renderForm();
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
  if (selected && state.steps.some((s) => s.name === selected) && graph.selection !== stepNodeId(selected))
    graph.select(stepNodeId(selected), false);
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
  $('crumb-path').textContent = nested.length ? l10n.t('Pipeline component: {0} (read-only; edit its file)', nested.join(' › ')) : '';
  $('back').textContent = nested.length > 1 ? l10n.t('Back to {0}', nested[nested.length - 2]) : l10n.t('Back to the pipeline');
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

function focusForm(): void {
  const side = $('side');
  const form = side.firstElementChild as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
  void Promise.resolve(form?.updateComplete).then(() =>
    focusWhenReady(side.querySelector<HTMLElement>('[data-field], vscode-textfield, vscode-single-select, vscode-button')),
  );
}

function renderProblems(): void {
  const list = $('problems');
  list.replaceChildren();
  for (const p of state?.problems ?? []) {
    const li = document.createElement('li');
    li.className = p.severity;
    li.textContent = l10n.t('{0} (line {1})', p.message, p.line + 1);
    li.tabIndex = 0;
    li.addEventListener('click', () => p.step && graph.select(stepNodeId(p.step)));
    list.appendChild(li);
  }
  list.hidden = list.childElementCount === 0;
}

/** The side panel: the banner of a text that is not a pipeline, the selected step's form, or a nested step's details. */
function renderForm(): void {
  let side: TemplateResult;
  if (state?.notAPipeline) {
    side = html`<p class="banner">${state.notAPipeline}</p>
      <vscode-button @click=${() => bridge.post({ type: 'openAsText' })}>${l10n.t('Open as Text')}</vscode-button>`;
  } else if (nested.length) {
    side = html`<pipeline-nested-step
      .graph=${shownGraph()}
      .step=${nestedSelected}
      .pipeline=${nested[nested.length - 1]}
      .editor=${formEditor}
    ></pipeline-nested-step>`;
  } else {
    side = html`<pipeline-step-form .state=${state} .step=${selected} .editor=${formEditor}></pipeline-step-form>`;
  }
  renderTemplate(side, $('side'));
}

const formEditor: StepFormEditor = {
  edit: (op) => edit(op),
  reveal: (step) => bridge.post({ type: 'reveal', step }),
  openNested: (step) => openNested(step),
};

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
