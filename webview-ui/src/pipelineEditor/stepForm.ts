/**
 * `<pipeline-step-form>`: the form of the selected step. It never edits YAML itself: every change goes to
 * `editor.edit`, and the form shows whatever `state` comes back.
 */
import * as l10n from '@vscode/l10n';
import { html, nothing, type TemplateResult } from 'lit';
import type { EditorState, StepView } from '../../../src/protocol/pipelineEditor';
import { stepNodeId } from '../../../src/protocol/messages';
import { button, field, fieldGroup, focusWhenReady, LightElement, select, textfield, type StepFormEditor } from './formParts';
import './sparkConf';
import './stepInputs';

const FOCUS_KEYS = ['data-field', 'data-conf', 'data-input'] as const;

export class PipelineStepForm extends LightElement {
  static override properties = { state: { attribute: false }, step: { attribute: false }, editor: { attribute: false } };
  declare state: EditorState | undefined;
  /** The selected step's name. */
  declare step: string | undefined;
  declare editor: StepFormEditor | undefined;
  /** The form field to give the focus back to after a render replaced it, until that has happened. */
  private refocus: readonly [string, string] | undefined;

  /** Shows the state again after a refused edit: a control that kept the refused value goes back to the state's. */
  revert(): void {
    this.requestUpdate();
    for (const part of this.querySelectorAll<LightElement>('pipeline-spark-conf, pipeline-step-inputs')) part.requestUpdate();
  }

  protected override willUpdate(): void {
    // A render must not throw the keyboard out of the form: note the focused field to focus it again.
    const active = document.activeElement;
    if (!active || !this.contains(active)) return;
    this.refocus = FOCUS_KEYS.map((a) => [a, active.closest(`[${a}]`)?.getAttribute(a) ?? ''] as const).find(([, v]) => v) ?? this.refocus;
  }

  protected override updated(): void {
    const key = this.refocus;
    if (!key) return;
    const el = this.querySelector<HTMLElement>(`[${key[0]}="${CSS.escape(key[1])}"]`);
    if (el && el === document.activeElement) this.refocus = undefined;
    else focusWhenReady(el, () => (this.refocus = undefined));
  }

  override render(): unknown {
    const step = this.state?.steps.find((s) => s.name === this.step);
    if (!step) {
      this.refocus = undefined;
      const hint =
        this.state && this.state.steps.length > 0
          ? l10n.t('Select a step to edit it (click, or arrow keys in the graph).')
          : l10n.t('No steps yet: add one with the toolbar.');
      return html`<p class="hint">${hint}</p>`;
    }
    const title = html`<h2>${step.name} (${step.type})</h2>`;
    if (!step.editable) {
      this.refocus = undefined;
      return html`${title}${this.keptAsWritten(step)}`;
    }
    const setField = (path: string[]) => (v: string) =>
      void this.editor?.edit({ kind: 'setField', step: step.name, path, value: v || null });
    return html`${title}
      ${field(l10n.t('Name'), (label) => textfield(step.name, (to) => void this.editor?.edit({ kind: 'rename', step: step.name, to }), { field: 'name', label }))}
      ${this.computeField(step)}
      ${
        step.type === 'spark'
          ? field(l10n.t('Entry file'), (label) => textfield(step.entryFile, setField(['entry', 'file']), { field: 'entry', label }))
          : field(l10n.t('Command'), (label) => textfield(step.command, setField(['command']), { field: 'command', label }))
      }
      ${
        step.type === 'spark'
          ? html`${field(l10n.t('Arguments'), (label) => textfield(step.args, setField(['args']), { field: 'args', label }))}
            ${fieldGroup(l10n.t('Spark conf'), html`<pipeline-spark-conf .step=${step} .editor=${this.editor}></pipeline-spark-conf>`)}`
          : nothing
      }
      ${fieldGroup(l10n.t('Inputs'), html`<pipeline-step-inputs .step=${step} .state=${this.state} .editor=${this.editor}></pipeline-step-inputs>`)}
      ${
        step.outputs.length > 0
          ? fieldGroup(
              l10n.t('Outputs'),
              step.outputs.map((o) => html`<div class="row">${o.name}</div>`),
            )
          : nothing
      }
      <div class="row">
        ${button(l10n.t('Show in text'), () => this.editor?.reveal(step.name), l10n.t('Show in text: step {0}', step.name))}
        ${button(l10n.t('Remove step'), () => void this.editor?.edit({ kind: 'removeStep', step: step.name }), l10n.t('Remove step {0}', step.name))}
      </div>`;
  }

  /** A step the form does not edit (a pipeline component, or a type it does not know). */
  private keptAsWritten(step: StepView): TemplateResult {
    const sub = this.state?.graph.nodes.find((n) => n.id === stepNodeId(step.name))?.subgraph;
    if (!sub) return html`<p class="hint">${l10n.t("Steps of type '{0}' are kept as written; edit them in the text.", step.type)}</p>`;
    const steps = sub.nodes.filter((n) => n.kind === 'step').length;
    const text =
      steps === 1
        ? l10n.t("This step runs a pipeline component of 1 step; it is kept as written (edit it in the text or the component's file).")
        : l10n.t(
            "This step runs a pipeline component of {0} steps; it is kept as written (edit it in the text or the component's file).",
            steps,
          );
    return html`<p class="hint">${text}</p>
      ${button(l10n.t('Open nested pipeline'), () => this.editor?.openNested(step.name), l10n.t('Open nested pipeline {0}', step.name))}`;
  }

  private computeField(step: StepView): TemplateResult {
    const setCompute = (v: string | null) => void this.editor?.edit({ kind: 'setField', step: step.name, path: ['compute'], value: v });
    if (step.type !== 'spark') {
      return field(l10n.t('Compute'), (label) =>
        textfield(step.compute, (v) => setCompute(v ? `azureml:${v.replace(/^azureml:/, '')}` : null), { field: 'compute', label }),
      );
    }
    const pools = [...new Set(['', ...(this.state?.sparkPools ?? []), ...(step.compute ? [step.compute] : [])])];
    return field(l10n.t('Compute (attached Spark pool)'), (label) =>
      select(pools, step.compute, (v) => setCompute(v ? `azureml:${v}` : null), { field: 'compute', label }),
    );
  }
}

customElements.define('pipeline-step-form', PipelineStepForm);
