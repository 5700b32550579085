/**
 * The run view webview: the submitted job's step graph with live states, the selected step's error and log,
 * outputs (download, copy, browse), cancel of the run or of a step, and rerun of a failed run.
 */
import './shared/l10n';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import { parseToRun, type FromRun, type RunNotice, type RunState, type ToRun } from '../../src/protocol/runView';
import { stepNodeId, stepOfNodeId, unhandledMessage } from '../../src/protocol/messages';
import { Bridge } from './shared/bridge';
import { GraphView } from './graph/graphView';
import css from './editor.css';
import graphCss from './graph/graph.css';

const style = document.createElement('style');
style.textContent = css + graphCss;
document.head.appendChild(style);

document.body.innerHTML = `
  <div class="toolbar">
    <strong id="title"></strong><span id="job-status" class="status" role="status"></span>
    <span id="notice" class="notice" role="alert" hidden></span><vscode-button id="notice-action" hidden></vscode-button>
    <span class="spacer"></span>
    <vscode-button id="rerun" secondary hidden></vscode-button>
    <vscode-button id="cancel" secondary disabled></vscode-button>
    <vscode-button id="studio" secondary></vscode-button>
  </div>
  <div class="main">
    <div class="canvas" id="canvas"></div>
    <div class="side"><div id="step-bar" class="step-bar" hidden><span id="step-info" role="status"></span>
      <vscode-button id="cancel-step" secondary></vscode-button></div>
      <pre id="step-error" class="step-error" role="alert" hidden></pre>
      <h2 id="log-title"></h2><pre class="log" id="log" tabindex="0" aria-live="off"></pre><h2 id="outputs-title"></h2><dl class="outputs" id="outputs"></dl></div>
  </div>`;

const $ = (id: string) => document.getElementById(id)!;
// Text goes in as text (a translation is never markup).
$('rerun').textContent = l10n.t('Rerun');
$('cancel').textContent = l10n.t('Cancel run');
$('studio').textContent = l10n.t('Open in Azure ML studio');
$('cancel-step').textContent = l10n.t('Cancel step');
$('log-title').textContent = l10n.t('Logs');
$('outputs-title').textContent = l10n.t('Outputs');
const logs = new Map<string, string>();
let selected: string | undefined;
let state: RunState | undefined;

const graph = new GraphView($('canvas'), {
  onSelect: (id) => {
    selected = stepOfNodeId(id);
    renderLog();
  },
});

function renderStep(): void {
  const step = selected ? state?.steps.find((s) => s.step === selected) : undefined;
  $('step-bar').hidden = !step;
  $('step-info').textContent = step ? `${step.step}: ${step.status}` : '';
  ($('cancel-step') as HTMLElement & { disabled: boolean }).disabled =
    !step?.runId || !['queued', 'running', 'notStarted'].includes(step.nodeStatus);
  $('step-error').hidden = !step?.error;
  $('step-error').textContent = step?.error ? l10n.t('Error: {0}', step.error) : '';
}

function notify(text: string): void {
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

function outputButton(label: string, action: 'download' | 'copy' | 'browse', key: string, title: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.textContent = label;
  b.title = title;
  b.setAttribute(
    'aria-label',
    l10n.t({ message: '{0} {1}', args: [label, key], comment: ['{0} is the action (Download, Copy, Browse), {1} the output name'] }),
  );
  b.addEventListener('click', () => bridge.post({ type: 'output', action, key }));
  return b;
}

function renderLog(): void {
  renderStep();
  $('log-title').textContent = selected ? l10n.t('Log of {0}', selected) : l10n.t('Logs (all steps)');
  const text = selected ? (logs.get(selected) ?? '') : [...logs.entries()].map(([s, t]) => `== ${s} ==\n${t}`).join('\n');
  $('log').textContent =
    text || (state && !state.logsAvailable ? l10n.t('Step logs are available in Azure ML studio.') : l10n.t('No log yet.'));
}

const bridge = new Bridge<ToRun, FromRun>(parseToRun, (m) => {
  switch (m.type) {
    case 'notice':
      return showNotice(m.notice);
    case 'logs':
      logs.clear();
      for (const l of m.logs) logs.set(l.step, (logs.get(l.step) ?? '') + l.text);
      return renderLog();
    case 'log':
      logs.set(m.step, (logs.get(m.step) ?? '') + m.text);
      return renderLog();
    case 'state':
      return showState(m.state);
    case 'result':
      // The answer to a request the bridge no longer waits for (it timed out): its caller has said so already.
      return;
    default:
      unhandledMessage(m);
  }
});

function showNotice(n: RunNotice): void {
  const notice = $('notice');
  const action = $('notice-action');
  notice.textContent = n.message;
  notice.hidden = !n.message;
  action.hidden = !n.action;
  action.textContent = n.action === 'signIn' ? l10n.t('Sign In') : l10n.t('Retry');
  action.dataset.action = n.action ?? '';
}

function showState(next: RunState): void {
  state = next;
  bridge.state = state.persist;
  $('title').textContent = `${state.displayName ?? state.jobName} `;
  $('job-status').textContent = state.error ? `${state.status} (${state.error})` : state.status;
  document.body.dataset.status = state.status;
  ($('cancel') as HTMLElement & { disabled: boolean }).disabled = state.terminal;
  $('rerun').hidden = !state.canRerun;
  const statuses = new Map(state.steps.map((s) => [stepNodeId(s.step), s.nodeStatus]));
  void graph.render({ nodes: state.graph.nodes.map((n) => ({ ...n, status: statuses.get(n.id) ?? n.status })), edges: state.graph.edges });
  const outputs = $('outputs');
  outputs.replaceChildren();
  for (const [k, v] of Object.entries(state.outputs)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    const uri = document.createElement('code');
    uri.textContent = v;
    dd.append(uri);
    const onDatastore = v.startsWith('azureml://datastores/');
    if (onDatastore) dd.append(outputButton(l10n.t('Download'), 'download', k, l10n.t('Download this output to a local folder')));
    dd.append(outputButton(l10n.t('Copy'), 'copy', k, l10n.t('Copy the URI')));
    if (onDatastore) dd.append(outputButton(l10n.t('Browse'), 'browse', k, l10n.t('Browse the datastore in Azure ML studio')));
    outputs.append(dt, dd);
  }
  renderLog();
}

$('cancel').addEventListener('click', async () => {
  const res = await bridge
    .request({ type: 'cancel' } as FromRun)
    .catch((e: Error) => ({ type: 'result', ok: false, error: e.message }) as ToRun);
  if (res.type === 'result' && !res.ok) {
    $('notice').textContent = l10n.t('Cancel failed: {0}', res.error ?? l10n.t('unknown error'));
    $('notice').hidden = false;
  }
});
$('studio').addEventListener('click', () => bridge.post({ type: 'openStudio' }));
$('rerun').addEventListener('click', async () => {
  const res = await bridge
    .request({ type: 'rerun' } as FromRun)
    .catch((e: Error) => ({ type: 'result', ok: false, error: e.message }) as ToRun);
  if (res.type === 'result' && !res.ok) notify(l10n.t('Rerun failed: {0}', res.error ?? l10n.t('unknown error')));
});
$('cancel-step').addEventListener('click', async () => {
  if (!selected) return;
  const res = await bridge
    .request({ type: 'cancelStep', step: selected } as FromRun)
    .catch((e: Error) => ({ type: 'result', ok: false, error: e.message }) as ToRun);
  if (res.type === 'result' && !res.ok) notify(l10n.t('Cancel of {0} failed: {1}', selected, res.error ?? l10n.t('unknown error')));
});
$('notice-action').addEventListener('click', () => {
  const action = $('notice-action').dataset.action;
  if (action === 'signIn' || action === 'retry') bridge.post({ type: action });
});
bridge.post({ type: 'ready' });
