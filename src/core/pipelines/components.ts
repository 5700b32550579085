// `component:` references: a relative file, an inline definition, or a registered asset.
import * as l10n from '@vscode/l10n';
import { isMap, parseDocument } from 'yaml';
import { readText, type PipelineFileReader } from './fileReader';
import { dirname, isRemote, resolvePath, stripFilePrefix } from './paths';
import { parsePipelineText } from './parse';
import { componentFromObject, isObject, mergeSpecs } from './spec';
import type { LineIndex } from './text';
import type { ComponentRef, Diagnostic, PipelineModel } from './types';
import { validateModel } from './validate';
import { spanOf, stringOf, toJs } from './yamlNodes';

/** Parses the `component:` node of a step. `baseDir` is the pipeline file's folder, if known. */
export function parseComponentRef(node: unknown, baseDir: string | undefined, lines: LineIndex): ComponentRef | undefined {
  const span = spanOf(node);
  if (!span) {
    return undefined;
  }
  const range = lines.range(span[0], span[1]);
  if (isMap(node)) {
    const obj = toJs(node);
    return { kind: 'inline', definition: componentFromObject(isObject(obj) ? obj : {}, baseDir), range };
  }
  const text = stringOf(node);
  if (text === undefined) {
    return undefined;
  }
  if (text.startsWith('azureml:') && !text.startsWith('azureml://')) {
    return { range, ...parseRegisteredName(text.slice('azureml:'.length)) };
  }
  if (text.startsWith('azureml://') || text.startsWith('/subscriptions/') || (isRemote(text) && !text.startsWith('file:'))) {
    return { kind: 'assetId', id: text, range };
  }
  const path = stripFilePrefix(text);
  return { kind: 'file', path, resolvedPath: baseDir ? resolvePath(baseDir, path) : undefined, range };
}

function parseRegisteredName(rest: string): { kind: 'registered'; name: string; version?: string; label?: string } {
  const at = rest.indexOf('@');
  if (at >= 0) {
    return { kind: 'registered', name: rest.slice(0, at), label: rest.slice(at + 1) };
  }
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    return { kind: 'registered', name: rest.slice(0, colon), version: rest.slice(colon + 1) };
  }
  return { kind: 'registered', name: rest };
}

/**
 * Loads every file component through `reader`, fills in its definition and recomputes the steps'
 * effective specs. Returns problems found on the way (missing file, YAML errors inside it).
 */
export async function resolveFileComponents(model: PipelineModel, reader: PipelineFileReader, depth = 0): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const cache = new Map<string, Promise<string | undefined>>();
  for (const step of model.steps) {
    const ref = step.component;
    if (ref?.kind !== 'file' || !ref.resolvedPath) {
      continue;
    }
    const path = ref.resolvedPath;
    if (!cache.has(path)) {
      cache.set(path, readText(reader, path));
    }
    const text = await cache.get(path)!;
    if (text === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'missing-file',
        message: l10n.t("Component file '{0}' of step '{1}' does not exist.", ref.path, step.name),
        range: ref.range,
      });
      continue;
    }
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      diagnostics.push({
        severity: 'error',
        code: 'component-error',
        message: l10n.t("Component file '{0}' is not valid YAML: {1}", ref.path, doc.errors[0].message.split('\n')[0]),
        range: ref.range,
      });
      continue;
    }
    const obj = doc.toJS();
    if (!isObject(obj)) {
      diagnostics.push({
        severity: 'error',
        code: 'component-error',
        message: l10n.t("Component file '{0}' is not a mapping.", ref.path),
        range: ref.range,
      });
      continue;
    }
    ref.definition = componentFromObject(obj, dirname(path));
    if (!step.typeWritten && ref.definition.type) {
      step.type = ref.definition.type;
    }
    if (ref.definition.type === 'pipeline') {
      diagnostics.push(...(await loadNestedPipeline(ref.path, path, text, reader, depth, ref)));
    }
    if (ref.definition.type && ref.definition.type !== step.type) {
      diagnostics.push({
        severity: 'error',
        code: 'component-error',
        message: l10n.t(
          "Step '{0}' has type '{1}' but its component '{2}' has type '{3}'.",
          step.name,
          String(step.type),
          ref.path,
          String(ref.definition.type),
        ),
        range: ref.range,
      });
    }
    step.effective = mergeSpecs(ref.definition.spec, step.own);
  }
  return diagnostics;
}

/** Nesting deeper than this is reported rather than followed (a component that uses itself). */
const MAX_NESTING = 8;

/** Parses a pipeline component file used by a `type: pipeline` step, resolves its own file components and validates it. */
async function loadNestedPipeline(
  shown: string,
  path: string,
  text: string,
  reader: PipelineFileReader,
  depth: number,
  ref: Extract<ComponentRef, { kind: 'file' }>,
): Promise<Diagnostic[]> {
  if (depth >= MAX_NESTING) {
    return [
      {
        severity: 'error',
        code: 'component-error',
        message: l10n.t("Pipeline component '{0}' nests more than {1} levels deep (does it use itself?).", shown, MAX_NESTING),
        range: ref.range,
      },
    ];
  }
  const nested = parsePipelineText(text, path);
  const problems = [...nested.diagnostics];
  if (nested.model) {
    problems.push(...(await resolveFileComponents(nested.model, reader, depth + 1)));
    problems.push(...validateModel(nested.model));
    ref.definition!.pipeline = nested.model;
  }
  // Problems inside the component file are reported at the `component:` value, naming the line in that file.
  return problems
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      severity: 'error' as const,
      code: 'component-error' as const,
      message: l10n.t("In pipeline component '{0}' (line {1}): {2}", shown, d.range.start.line + 1, d.message),
      range: ref.range,
    }));
}
