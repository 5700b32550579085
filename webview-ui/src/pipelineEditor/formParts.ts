/**
 * What the pipeline editor's form components share: the editor they ask for edits, a light-DOM base (so
 * editor.css themes them and the page's selectors reach their controls), and the labelled controls.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import * as l10n from '@vscode/l10n';
import { html, LitElement, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { keyed } from 'lit/directives/keyed.js';
import { live } from 'lit/directives/live.js';
import type { EditOp } from '../../../src/protocol/pipelineEditor';

/** What the form asks of the editor around it. */
export interface StepFormEditor {
  /** Asks the extension for an edit; resolves false when it was refused (the editor shows why). */
  edit(op: EditOp): Promise<boolean>;
  /** Shows the step in the YAML text. */
  reveal(step: string): void;
  /** Shows a `type: pipeline` step's own steps on the canvas. */
  openNested(step: string): void;
}

/** A component that renders into its own element (no shadow root): styled by editor.css like the rest of the page. */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** Where a control is found again (tests, e2e, refocus after a render): one of its data attributes. */
export interface ControlKeys {
  field?: string;
  conf?: string;
  input?: string;
}

/**
 * A labelled form row. The visible label cannot point into a component's shadow DOM, so it is also the
 * control's accessible name (`label` of vscode-textfield / vscode-single-select).
 */
export function field(label: string, control: (label: string) => unknown): TemplateResult {
  return html`<div class="field"><label>${label}</label>${control(label)}</div>`;
}

/** A labelled row of several controls: the label is the group's name. */
export function fieldGroup(label: string, content: unknown): TemplateResult {
  return html`<div class="field">
    <label>${label}</label>
    <div role="group" aria-label=${label}>${content}</div>
  </div>`;
}

interface TextfieldOptions extends ControlKeys {
  label?: string;
  placeholder?: string;
}

/**
 * A text field showing `value` (again after every render, so a refused edit does not stay on screen);
 * `onCommit` gets a changed value when the field commits it (Enter or leaving the field).
 */
export function textfield(
  value: string | undefined,
  onCommit: ((v: string) => void) | undefined,
  o: TextfieldOptions = {},
): TemplateResult {
  const shown = value ?? '';
  // `label` (the inner input's accessible name) is a property of the component, not an attribute.
  return html`<vscode-textfield
    .value=${live(shown)}
    .label=${o.label ?? ''}
    placeholder=${ifDefined(o.placeholder)}
    data-field=${ifDefined(o.field)}
    data-conf=${ifDefined(o.conf)}
    data-input=${ifDefined(o.input)}
    @change=${(ev: Event) => {
      const v = (ev.currentTarget as HTMLElement & { value: string }).value;
      if (onCommit && v !== shown) onCommit(v);
    }}
  ></vscode-textfield>`;
}

interface SelectOptions {
  field?: string;
  label: string;
  title?: string;
  /** What the empty option reads. */
  emptyLabel?: string;
}

/** A drop-down of `options` showing `value`; `onCommit` gets a different choice. */
export function select(options: string[], value: string | undefined, onCommit: (v: string) => void, o: SelectOptions): unknown {
  const shown = value ?? '';
  // A new option list gets a new drop-down, as the component reads its options when they are slotted in.
  return keyed(
    options.join('\n'),
    html`<vscode-single-select
      .label=${o.label}
      title=${ifDefined(o.title)}
      data-field=${ifDefined(o.field)}
      .value=${live(shown)}
      @change=${(ev: Event) => {
        const v = (ev.currentTarget as HTMLElement & { value: string }).value;
        if (v !== shown) onCommit(v);
      }}
      >${options.map((opt) => html`<vscode-option .value=${opt} ?selected=${opt === shown}>${opt || (o.emptyLabel ?? l10n.t('(none)'))}</vscode-option>`)}</vscode-single-select
    >`,
  );
}

/** A secondary button; `name` is the accessible name when the visible text alone does not say what it acts on. */
export function button(text: string, onClick: () => void, name?: string): TemplateResult {
  return html`<vscode-button secondary aria-label=${ifDefined(name)} @click=${onClick}>${text}</vscode-button>`;
}

/** A Spark conf value as typed: numbers and booleans become YAML numbers and booleans. */
export function coerce(v: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** Focuses a form control once it has rendered (the web components render their inner input a tick later). */
export function focusWhenReady(el: HTMLElement | null | undefined, done?: () => void): void {
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
