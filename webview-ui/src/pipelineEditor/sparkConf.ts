/** `<pipeline-spark-conf>`: a Spark step's conf settings, one row each (value, Remove), and a row to add one. */
import * as l10n from '@vscode/l10n';
import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { StepView } from '../../../src/protocol/pipelineEditor';
import { button, coerce, LightElement, textfield, type StepFormEditor } from './formParts';

export class PipelineSparkConf extends LightElement {
  static override properties = { step: { attribute: false }, editor: { attribute: false } };
  declare step: StepView | undefined;
  declare editor: StepFormEditor | undefined;

  override render(): unknown {
    const step = this.step;
    if (!step) return undefined;
    const edit = (op: Parameters<StepFormEditor['edit']>[0]) => void this.editor?.edit(op);
    // Rows keep their elements by key, so the one being typed in stays focused when another goes.
    const rows = repeat(
      Object.entries(step.conf),
      ([key]) => key,
      ([key, value]) =>
        html`<div class="row">
          <span class="name" title=${key}>${key}</span>
          ${textfield(String(value), (v) => edit({ kind: 'setConf', step: step.name, key, value: coerce(v) }), { conf: key, label: l10n.t('Value of {0}', key) })}
          ${button(l10n.t('Remove'), () => edit({ kind: 'removeConf', step: step.name, key }), l10n.t('Remove Spark setting {0}', key))}
        </div>`,
    );
    const add = () => {
      const [key, value] = ['conf-new-key', 'conf-new-value'].map(
        (f) => this.querySelector<HTMLElement & { value: string }>(`[data-field="${f}"]`)?.value ?? '',
      );
      if (key) edit({ kind: 'setConf', step: step.name, key, value: coerce(value) });
    };
    return html`${rows}
      <div class="row">
        ${textfield('', undefined, { placeholder: 'spark.key', field: 'conf-new-key', label: l10n.t('New Spark setting: key') })}
        ${textfield('', undefined, { placeholder: l10n.t('value'), field: 'conf-new-value', label: l10n.t('New Spark setting: value') })}
        ${button(l10n.t('Add'), add, l10n.t('Add the Spark setting'))}
      </div>`;
  }
}

customElements.define('pipeline-spark-conf', PipelineSparkConf);
