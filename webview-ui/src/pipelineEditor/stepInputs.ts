/**
 * `<pipeline-step-inputs>`: a step's inputs, each with its value and a drop-down binding it to another step's
 * output, and a row to connect a new input to one.
 */
import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { EditorState, StepView } from '../../../src/protocol/pipelineEditor';
import { stepOfNodeId } from '../../../src/protocol/messages';
import { LightElement, select, textfield, type StepFormEditor } from './formParts';

const STEP_OUTPUT = /parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/;

/** The steps that depend on `step`, directly or through other steps (binding to them would be a cycle). */
export function downstreamOf(state: EditorState | undefined, step: string): Set<string> {
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
export function notFromStepLabel(value: string | undefined): string {
  const parentInput = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value?.trim() ?? '');
  if (parentInput) return l10n.t('pipeline input {0}', parentInput[1]);
  return value?.trim() ? l10n.t('(not from a step)') : l10n.t('(not bound)');
}

export class PipelineStepInputs extends LightElement {
  static override properties = { step: { attribute: false }, state: { attribute: false }, editor: { attribute: false } };
  declare step: StepView | undefined;
  declare state: EditorState | undefined;
  declare editor: StepFormEditor | undefined;

  override render(): unknown {
    const step = this.step;
    if (!step) return undefined;
    // Outputs of the other steps, except those downstream of this one (choosing them could only make a cycle).
    const downstream = downstreamOf(this.state, step.name);
    const sources = (this.state?.steps ?? [])
      .filter((s) => s.name !== step.name && !downstream.has(s.name))
      .flatMap((s) => s.outputs.map((o) => `${s.name}.${o.name}`));
    const connect = (output: string, toInput: string) => {
      const [fromStep, fromOutput] = output.split('.');
      void this.editor?.edit({ kind: 'connect', fromStep, fromOutput, toStep: step.name, toInput });
    };
    const rows = repeat(
      step.inputs,
      (input) => input.name,
      (input) => {
        const bound = STEP_OUTPUT.exec(input.value ?? '');
        const current = bound ? `${bound[1]}.${bound[2]}` : '';
        // A binding to a step not offered (downstream, or gone) still shows as the current choice.
        const options = ['', ...sources, ...(current && !sources.includes(current) ? [current] : [])];
        return html`<div class="row">
          <span class="name">${input.name}</span>
          ${textfield(input.value, (v) => void this.editor?.edit({ kind: 'setField', step: step.name, path: ['inputs', input.name], value: v || null }), { input: input.name, label: l10n.t('Input {0}', input.name) })}
          ${
            sources.length > 0
              ? select(options, current, (v) => v && connect(v, input.name), {
                  title: l10n.t('Bind to the output of another step'),
                  label: l10n.t('Bind input {0} to a step output', input.name),
                  emptyLabel: notFromStepLabel(input.value),
                })
              : nothing
          }
        </div>`;
      },
    );
    if (sources.length === 0) return rows;
    const newInput = () => this.querySelector<HTMLElement & { value: string }>('[data-field="input-new"]')?.value ?? '';
    return html`${rows}
      <div class="row">
        ${textfield('', undefined, { placeholder: l10n.t('new input'), field: 'input-new', label: l10n.t('New input name') })}
        ${select(['', ...sources], '', (v) => v && newInput() && connect(v, newInput()), {
          title: l10n.t('Connect a new input to the output of another step'),
          label: l10n.t('Step output for the new input'),
          emptyLabel: l10n.t('(choose a step output)'),
        })}
      </div>`;
  }
}

customElements.define('pipeline-step-inputs', PipelineStepInputs);
