// Pipeline edit operations. Each takes the current text and returns the new text plus the minimal
// edits that produce it (offsets into the old text), for the glue to apply as a WorkspaceEdit.
import { isMap, isScalar, visit, type Pair } from 'yaml';
import { hasBinding, parseBindings, renameStepInBindings, stepOutputBinding } from '../bindings';
import { edgesOnCycles } from '../graph';
import { parsePipelineText } from '../parse';
import type { TextEdit } from '../text';
import { mapPairs, pairOf, stringOf, valueOf } from '../yamlNodes';
import { DocEditor, type YamlPath } from './docEditor';
import { PipelineEditError } from './errors';

export interface EditResult {
  text: string;
  edits: TextEdit[];
}

export interface RemovedBinding {
  step: string;
  port: string;
  side: 'inputs' | 'outputs';
  expr: string;
}

export interface RemoveStepResult extends EditResult {
  /** Ports of other steps that were bound to the removed step and were removed with it. */
  removedBindings: RemovedBinding[];
}

const STEP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function requireStep(editor: DocEditor, step: string): Pair<unknown, unknown> {
  const pair = pairOf(valueOf(editor.root, 'jobs'), step);
  if (!pair) {
    throw new PipelineEditError(`There is no step '${step}'.`);
  }
  return pair;
}

/** Sets (or with `undefined` removes) a field of a step: `setStepField(t, 'prep', ['resources', 'instance_type'], 'standard_e4s_v3')`. */
export function setStepField(text: string, step: string, path: YamlPath, value: unknown): EditResult {
  const editor = new DocEditor(text);
  requireStep(editor, step);
  if (value === undefined) {
    editor.remove(['jobs', step, ...path]);
  } else {
    editor.set(['jobs', step, ...path], value);
  }
  return editor.result();
}

/** Sets (or removes) a field at pipeline level, e.g. `['settings', 'default_compute']`. */
export function setPipelineField(text: string, path: YamlPath, value: unknown): EditResult {
  const editor = new DocEditor(text);
  if (value === undefined) {
    editor.remove(path);
  } else {
    editor.set(path, value);
  }
  return editor.result();
}

export function setConf(text: string, step: string, key: string, value: string | number | boolean): EditResult {
  return setStepField(text, step, ['conf', key], value);
}

export function removeConf(text: string, step: string, key: string): EditResult {
  return setStepField(text, step, ['conf', key], undefined);
}

/** Renames a step and rewrites every `${{parent.jobs.<old>...}}` that refers to it. */
export function renameStep(text: string, from: string, to: string): EditResult {
  const editor = new DocEditor(text);
  const pair = requireStep(editor, from);
  if (!STEP_NAME.test(to)) {
    throw new PipelineEditError(`'${to}' is not a valid step name: use letters, digits and '_'.`);
  }
  if (from !== to && pairOf(valueOf(editor.root, 'jobs'), to)) {
    throw new PipelineEditError(`A step named '${to}' already exists.`);
  }
  editor.replaceNodeText(pair.key, to);
  visit(editor.doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && hasBinding(node.value) && node.range) {
        const source = editor.text.slice(node.range[0], node.range[1]);
        const renamed = renameStepInBindings(source, from, to);
        if (renamed !== source) {
          editor.replaceNodeText(node, renamed);
        }
      }
    },
  });
  return editor.result();
}

/** Adds a step at the end of `jobs:` (creating `jobs:` if needed). `body` is the step's mapping. */
export function addStep(text: string, name: string, body: Record<string, unknown>): EditResult {
  const editor = new DocEditor(text);
  if (!STEP_NAME.test(name)) {
    throw new PipelineEditError(`'${name}' is not a valid step name: use letters, digits and '_'.`);
  }
  const jobs = valueOf(editor.root, 'jobs');
  if (pairOf(jobs, name)) {
    throw new PipelineEditError(`A step named '${name}' already exists.`);
  }
  if (isMap(jobs) && !jobs.flow && jobs.items.length > 0) {
    // Separate the new step from the previous one by a blank line, as the templates do.
    const at = editor.lineAfter(jobs.items[jobs.items.length - 1] as Pair<unknown, unknown>);
    const before = text.slice(0, at);
    editor.insertText(at, before.endsWith('\n\n') || at === 0 ? '' : '\n');
  }
  editor.set(['jobs', name], body);
  return editor.result();
}

/** Removes a step and every input/output of other steps bound to it (reported in the result). */
export function removeStep(text: string, name: string): RemoveStepResult {
  const editor = new DocEditor(text);
  const stepPair = requireStep(editor, name);
  const removedBindings: RemovedBinding[] = [];
  for (const other of mapPairs(valueOf(editor.root, 'jobs'))) {
    const otherName = stringOf(other.key) ?? '';
    if (other === stepPair) {
      continue;
    }
    for (const side of ['inputs', 'outputs'] as const) {
      const bound = mapPairs(valueOf(other.value, side)).filter((port) => {
        const expr = bindingText(port.value);
        const hits = expr ? parseBindings(expr).filter((b) => (b.kind === 'stepOutput' || b.kind === 'stepInput') && b.step === name) : [];
        if (hits.length > 0) {
          removedBindings.push({ step: otherName, port: stringOf(port.key) ?? '', side, expr: hits[0].expr });
        }
        return hits.length > 0;
      });
      if (bound.length > 0) {
        editor.removePairs(['jobs', otherName, side], bound);
      }
    }
  }
  editor.removePairs(['jobs'], [stepPair]);
  return { ...editor.result(), removedBindings };
}

/** The binding string of a port value: the scalar itself or its `path:`. */
function bindingText(value: unknown): string | undefined {
  const direct = isScalar(value) ? stringOf(value) : stringOf(valueOf(value, 'path'));
  return direct !== undefined && hasBinding(direct) ? direct : undefined;
}

/** Binds `toStep.inputs.toInput` to `fromStep.outputs.fromOutput`. Refuses to create a cycle. */
export function connect(text: string, fromStep: string, fromOutput: string, toStep: string, toInput: string): EditResult {
  const editor = new DocEditor(text);
  requireStep(editor, fromStep);
  const target = requireStep(editor, toStep);
  if (fromStep === toStep) {
    throw new PipelineEditError(`A step cannot consume its own output ('${fromStep}').`);
  }
  const binding = stepOutputBinding(fromStep, fromOutput);
  const existing = valueOf(valueOf(target.value, 'inputs'), toInput);
  // An input written as a mapping keeps its other keys (mode, type); only its path changes.
  if (isMap(existing)) {
    editor.set(['jobs', toStep, 'inputs', toInput, 'path'], binding);
  } else {
    editor.set(['jobs', toStep, 'inputs', toInput], binding);
  }
  const result = editor.result();
  const after = parsePipelineText(result.text);
  if (after.model && edgesOnCycles(after.model).length > 0) {
    throw new PipelineEditError(`Connecting '${fromStep}.${fromOutput}' to '${toStep}.${toInput}' would create a cycle.`);
  }
  return result;
}
