/**
 * Messages between the pipeline editor webview and the extension. The extension owns the YAML text: the
 * webview asks for edits (`edit`, answered by `result` with the same requestId) and redraws from `state`.
 */
import { hasFields, isGraph, isNumber, isObject, isScalar, isString, isStringArray, type GraphView } from './messages';

export interface PortView {
  name: string;
  /** The value as written: a binding, a literal or a path ('' when only declared). */
  value: string;
}

export interface StepView {
  name: string;
  type: string;
  editable: boolean;
  displayName?: string;
  compute?: string;
  entryFile?: string;
  command?: string;
  args?: string;
  conf: Record<string, string | number | boolean>;
  inputs: PortView[];
  outputs: PortView[];
  line: number;
}

export interface ProblemView {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 0-based line. */
  line: number;
  step?: string;
}

export interface EditorState {
  /** Text version the state was computed from. */
  version: number;
  graph: GraphView;
  steps: StepView[];
  problems: ProblemView[];
  /** Attached Spark pools (compute names) to offer for Spark steps. */
  sparkPools: string[];
  /** Set when the text is not a pipeline at all. */
  notAPipeline?: string;
}

export type EditOp =
  | { kind: 'setField'; step: string; path: string[]; value: string | number | boolean | null }
  | { kind: 'setConf'; step: string; key: string; value: string | number | boolean }
  | { kind: 'removeConf'; step: string; key: string }
  | { kind: 'rename'; step: string; to: string }
  | { kind: 'addStep'; name: string; stepType: 'spark' | 'command' }
  | { kind: 'removeStep'; step: string }
  | { kind: 'connect'; fromStep: string; fromOutput: string; toStep: string; toInput: string };

export type FromEditor =
  { type: 'ready' } | { type: 'edit'; requestId: number; op: EditOp } | { type: 'reveal'; step: string } | { type: 'openAsText' };

export type ToEditor =
  | { type: 'state'; state: EditorState }
  | { type: 'result'; requestId: number; ok: boolean; error?: string }
  | { type: 'select'; step: string };

function isEditOp(v: unknown): v is EditOp {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'setField':
      return hasFields(v, { step: isString, path: isStringArray }) && (v.value === null || isScalar(v.value));
    case 'setConf':
      return hasFields(v, { step: isString, key: isString, value: isScalar });
    case 'removeConf':
      return hasFields(v, { step: isString, key: isString });
    case 'rename':
      return hasFields(v, { step: isString, to: isString });
    case 'addStep':
      return hasFields(v, { name: isString }) && (v.stepType === 'spark' || v.stepType === 'command');
    case 'removeStep':
      return hasFields(v, { step: isString });
    case 'connect':
      return hasFields(v, { fromStep: isString, fromOutput: isString, toStep: isString, toInput: isString });
    default:
      return false;
  }
}

export function parseFromEditor(v: unknown): FromEditor | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'openAsText':
      return { type: v.type };
    case 'edit':
      return isNumber(v.requestId) && isEditOp(v.op) ? { type: 'edit', requestId: v.requestId, op: v.op } : undefined;
    case 'reveal':
      return isString(v.step) ? { type: 'reveal', step: v.step } : undefined;
    default:
      return undefined;
  }
}

export function parseToEditor(v: unknown): ToEditor | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'state': {
      const s = v.state;
      return hasFields(s, { version: isNumber, graph: isGraph, steps: Array.isArray, problems: Array.isArray, sparkPools: isStringArray })
        ? { type: 'state', state: s as unknown as EditorState }
        : undefined;
    }
    case 'result':
      return hasFields(v, { requestId: isNumber, ok: (x): x is boolean => typeof x === 'boolean', 'error?': isString })
        ? (v as unknown as ToEditor)
        : undefined;
    case 'select':
      return isString(v.step) ? { type: 'select', step: v.step } : undefined;
    default:
      return undefined;
  }
}
