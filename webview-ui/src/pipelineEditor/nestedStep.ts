/** `<pipeline-nested-step>`: read-only details of a step of an opened nested pipeline (a pipeline component). */
import * as l10n from '@vscode/l10n';
import { html } from 'lit';
import type { GraphView } from '../../../src/protocol/messages';
import { stepNodeId, stepOfNodeId } from '../../../src/protocol/messages';
import { button, LightElement, type StepFormEditor } from './formParts';

export class PipelineNestedStep extends LightElement {
  static override properties = {
    graph: { attribute: false },
    step: { attribute: false },
    pipeline: { attribute: false },
    editor: { attribute: false },
  };
  /** The nested pipeline's graph, as shown on the canvas. */
  declare graph: GraphView | undefined;
  /** The selected step of the nested pipeline. */
  declare step: string | undefined;
  /** The name of the opened pipeline component step. */
  declare pipeline: string | undefined;
  declare editor: StepFormEditor | undefined;

  override render(): unknown {
    const step = this.step;
    const node = step === undefined ? undefined : this.graph?.nodes.find((n) => n.id === stepNodeId(step));
    if (!node)
      return html`<p class="hint">
        ${l10n.t('The steps of {0}. Select one to see it; Back returns to the pipeline.', this.pipeline ?? '')}
      </p>`;
    const details = [
      [l10n.t('Compute'), node.compute ?? l10n.t('(pipeline default)')],
      [l10n.t('Inputs'), node.inputs.join(', ') || l10n.t('none')],
      [l10n.t('Outputs'), node.outputs.join(', ') || l10n.t('none')],
    ];
    return html`<h2>${node.label} (${node.stepType ?? l10n.t('step')})</h2>
      <dl class="outputs">
        ${details.map(
          ([k, v]) =>
            html`<dt>${k}</dt>
              <dd>${v}</dd>`,
        )}
      </dl>
      ${
        node.subgraph
          ? button(
              l10n.t('Open nested pipeline'),
              () => this.editor?.openNested(stepOfNodeId(node.id) ?? node.label),
              l10n.t('Open nested pipeline {0}', node.label),
            )
          : undefined
      }`;
  }
}

customElements.define('pipeline-nested-step', PipelineNestedStep);
