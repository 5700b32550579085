// Binding expressions: `${{parent.inputs.x}}`, `${{parent.outputs.y}}`, `${{parent.jobs.a.outputs.y}}`.
import type { Binding } from './types';

const BINDING = /\$\{\{\s*([^}]*?)\s*\}\}/g;

export function hasBinding(value: string): boolean {
  return value.includes('${{');
}

/** Every `${{...}}` in `value`, parsed. Text around them is allowed (AML concatenates). */
export function parseBindings(value: string): Binding[] {
  const out: Binding[] = [];
  for (const match of value.matchAll(BINDING)) {
    out.push(parseBindingExpression(match[1]));
  }
  return out;
}

/** Expressions the service resolves when the job runs (documented "server expressions"). */
export const RUNTIME_EXPRESSIONS = ['default_datastore', 'name', 'output_name'];

export function parseBindingExpression(expr: string): Binding {
  const parts = expr.split('.');
  if (RUNTIME_EXPRESSIONS.includes(expr)) {
    return { kind: 'runtime', expr };
  }
  if (parts.length === 2 && (parts[0] === 'inputs' || parts[0] === 'outputs') && parts[1] !== '') {
    return { kind: 'ownPort', expr };
  }
  if (parts[0] === 'parent') {
    if (parts.length === 3 && parts[1] === 'inputs') {
      return { kind: 'pipelineInput', name: parts[2], expr };
    }
    if (parts.length === 3 && parts[1] === 'outputs') {
      return { kind: 'pipelineOutput', name: parts[2], expr };
    }
    if (parts.length === 5 && parts[1] === 'jobs' && (parts[3] === 'outputs' || parts[3] === 'inputs')) {
      const kind = parts[3] === 'outputs' ? 'stepOutput' : 'stepInput';
      return { kind, step: parts[2], port: parts[4], expr };
    }
  }
  return { kind: 'unsupported', expr };
}

/** Whether the binding refers to a port of the parent pipeline or of another step (an edge in the graph). */
export function isParentBinding(b: Binding): boolean {
  return b.kind === 'pipelineInput' || b.kind === 'pipelineOutput' || b.kind === 'stepOutput' || b.kind === 'stepInput';
}

export function stepOutputBinding(step: string, port: string): string {
  return `\${{parent.jobs.${step}.outputs.${port}}}`;
}

/** Rewrites references to step `from` so they name `to` (used by rename). */
export function renameStepInBindings(value: string, from: string, to: string): string {
  return value.replace(BINDING, (whole, expr: string) => {
    const parts = expr.split('.');
    if (parts[0] === 'parent' && parts[1] === 'jobs' && parts[2] === from) {
      parts[2] = to;
      return `\${{${parts.join('.')}}}`;
    }
    return whole;
  });
}

/** `${{inputs.x}}` / `${{outputs.y}}` placeholders used inside `args` and `command`. */
export function placeholderNames(text: string): { inputs: string[]; outputs: string[] } {
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const match of text.matchAll(BINDING)) {
    const [scope, name, ...rest] = match[1].split('.');
    if (rest.length === 0 && name && scope === 'inputs') {
      inputs.push(name);
    } else if (rest.length === 0 && name && scope === 'outputs') {
      outputs.push(name);
    }
  }
  return { inputs, outputs };
}
