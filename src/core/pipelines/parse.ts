// YAML text -> Document + PipelineModel + structural diagnostics. No file access, no semantics
// beyond the document's shape (see validate.ts and analyze.ts for the rest).
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { parseComponentRef } from './components';
import { computeEdges } from './graph';
import { tooLargeMessage } from './limits';
import { dirname } from './paths';
import { parsePorts } from './ports';
import { isObject, mergeSpecs, specFromObject } from './spec';
import { LineIndex, type Range } from './text';
import type { Diagnostic, PipelineModel, PipelineSettings, PipelineStep } from './types';
import { keyText, mapPairs, spanOf, stringOf, toJs, valueOf } from './yamlNodes';
import { describeError } from '../util/errors';

export interface ParsedPipeline {
  text: string;
  doc: Document.Parsed;
  lines: LineIndex;
  /** Undefined when the text is not a pipeline at all (diagnostics say why). */
  model?: PipelineModel;
  diagnostics: Diagnostic[];
}

export function parsePipelineText(text: string, filePath?: string): ParsedPipeline {
  const tooLarge = tooLargeMessage(text);
  if (tooLarge) {
    // Not parsed at all: one error, and no model (the editor shows the message, submit refuses with it).
    const lines = new LineIndex(text);
    return {
      text,
      doc: parseDocument(''),
      lines,
      diagnostics: [{ severity: 'error', code: 'too-large', message: tooLarge, range: lines.range(0, 0) }],
    };
  }
  return parseWithoutLimits(text, filePath);
}

/** What parsePipelineText does below the size limits; exported for the benchmark that measures the limits' effect. */
export function parseWithoutLimits(text: string, filePath?: string): ParsedPipeline {
  // Duplicate keys are found below in one pass: the yaml package's own check (`uniqueKeys`) compares each key
  // with every earlier one of its map, quadratic in a `jobs:` map of thousands of steps.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    diagnostics.push(yamlProblem('error', err.message, err.pos, lines));
  }
  for (const offset of duplicateKeys(doc)) {
    diagnostics.push(yamlProblem('error', l10n.t('Map keys must be unique'), [offset, offset + 1], lines));
  }
  for (const warn of doc.warnings) {
    diagnostics.push(yamlProblem('warning', warn.message, warn.pos, lines));
  }
  const parsed: ParsedPipeline = { text, doc, lines, diagnostics };
  // Aliases (`*name`) and merge keys (`<<: *name`) are read as the values they stand for, on a copy of the
  // document (edits keep working on the text as written). An alias bomb stops here with a clear error.
  const expanded = expandAliases(doc);
  if ('error' in expanded) {
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: expanded.error, range: lines.range(0, 0) });
    return parsed;
  }
  const root = expanded.doc.contents;
  const typeNode = valueOf(root, 'type');
  if (!isMap(root) || stringOf(typeNode) !== 'pipeline') {
    const span = spanOf(typeNode) ?? spanOf(root) ?? [0, 0];
    const found = stringOf(typeNode);
    diagnostics.push({
      severity: 'error',
      code: 'not-a-pipeline',
      message: found
        ? l10n.t("This is a '{0}' YAML, not a pipeline: an Azure ML pipeline has '{1}'.", found, 'type: pipeline')
        : l10n.t("Not an Azure ML pipeline: expected a mapping with '{0}'.", 'type: pipeline'),
      range: lines.range(span[0], span[0] === span[1] ? span[0] : span[1]),
    });
    return parsed;
  }
  // Keys of the file as written (merge keys and anchors' hosts count as written).
  checkKeys(doc.contents, [...PIPELINE_KEYS, '<<'], l10n.t('The pipeline'), lines, diagnostics);
  parsed.model = buildModel(root, lines, diagnostics, filePath);
  if (parsed.model.kind === 'component') {
    const span = spanOf(typeNode) ?? [0, 0];
    diagnostics.push({
      severity: 'info',
      code: 'pipeline-component',
      message:
        'This file is a pipeline component (its inputs are declared with types and defaults, not given values): it is validated as a component. ' +
        "Register it with 'az ml component create', or use it from a pipeline job's step with 'type: pipeline'; it cannot be submitted as a job.",
      range: lines.range(span[0], span[1]),
    });
  }
  return parsed;
}

/**
 * Whether a `type: pipeline` document is a pipeline component rather than a job: its `$schema` says so, or
 * (no schema) it declares inputs the way components do (every input a mapping with a `type` and no `path`
 * or value) and has a `name`.
 */
export function isPipelineComponentObject(obj: Record<string, unknown>): boolean {
  const schema = typeof obj.$schema === 'string' ? obj.$schema : '';
  if (/pipelineComponent/i.test(schema)) {
    return true;
  }
  if (/pipelineJob/i.test(schema)) {
    return false;
  }
  const inputs = isObject(obj.inputs) ? Object.values(obj.inputs) : [];
  return (
    typeof obj.name === 'string' && inputs.length > 0 && inputs.every((v) => isObject(v) && typeof v.type === 'string' && !('path' in v))
  );
}

/** Offsets of the keys that repeat an earlier scalar key of the same mapping (what `uniqueKeys` reports). */
function duplicateKeys(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value) && pair.key.range) offsets.push(pair.key.range[0]);
        seen.add(pair.key.value);
      }
    },
  });
  return offsets;
}

function yamlProblem(severity: 'error' | 'warning', message: string, pos: [number, number], lines: LineIndex): Diagnostic {
  // The yaml package appends a code excerpt after the first line; the editor shows the position itself.
  return {
    severity,
    code: 'yaml-syntax',
    message: message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    range: lines.range(pos[0], pos[1]),
  };
}

function buildModel(root: unknown, lines: LineIndex, diagnostics: Diagnostic[], filePath?: string): PipelineModel {
  const baseDir = filePath ? dirname(filePath) : undefined;
  const obj = toJs(root) as Record<string, unknown>;
  const settingsObj = isObject(obj.settings) ? obj.settings : {};
  const settings: PipelineSettings = {
    defaultCompute: typeof settingsObj.default_compute === 'string' ? settingsObj.default_compute : undefined,
    defaultDatastore: typeof settingsObj.default_datastore === 'string' ? settingsObj.default_datastore : undefined,
    continueOnStepFailure: typeof settingsObj.continue_on_step_failure === 'boolean' ? settingsObj.continue_on_step_failure : undefined,
    raw: settingsObj,
    defaultComputeRange: rangeOf(valueOf(valueOf(root, 'settings'), 'default_compute'), lines),
  };
  const tags = isObject(obj.tags) ? Object.fromEntries(Object.entries(obj.tags).map(([k, v]) => [k, String(v)])) : {};
  const model: PipelineModel = {
    filePath,
    kind: isPipelineComponentObject(obj) ? 'component' : 'job',
    name: typeof obj.name === 'string' ? obj.name : undefined,
    displayName: typeof obj.display_name === 'string' ? obj.display_name : undefined,
    description: typeof obj.description === 'string' ? obj.description : undefined,
    experimentName: typeof obj.experiment_name === 'string' ? obj.experiment_name : undefined,
    compute: stringOf(valueOf(root, 'compute')),
    computeRange: rangeOf(valueOf(root, 'compute'), lines),
    settings,
    inputs: parsePorts(mappingOf(root, 'inputs', l10n.t('the pipeline'), lines, diagnostics), lines, diagnostics),
    outputs: parsePorts(mappingOf(root, 'outputs', l10n.t('the pipeline'), lines, diagnostics), lines, diagnostics),
    steps: mapPairs(mappingOf(root, 'jobs', l10n.t('the pipeline'), lines, diagnostics)).map((pair) =>
      parseStep(pair, lines, diagnostics, baseDir),
    ),
    edges: [],
    tags,
  };
  model.edges = computeEdges(model);
  return model;
}

/** How many alias expansions a file may have before it is treated as an alias bomb (as PyYAML-safe tools do). */
const MAX_ALIAS_EXPANSIONS = 1000;

/** The document with every alias replaced by a copy of what it names, and merge keys merged; the original when it has none. */
function expandAliases(doc: Document.Parsed): { doc: Document.Parsed } | { error: string } {
  let aliases = 0;
  visit(doc, {
    Alias: () => {
      aliases++;
    },
  });
  if (aliases === 0) return { doc };
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    const why = describeError(err);
    return {
      error: l10n.t(
        "The YAML's aliases expand too far ({0}): it looks like an alias bomb, so it is not read.",
        /excessive alias/i.test(why) ? l10n.t('more than {0} copies', MAX_ALIAS_EXPANSIONS) : why,
      ),
    };
  }
  const copy = doc.clone() as Document.Parsed;
  visit(copy, {
    Alias: (_key, node) => {
      const target = node.resolve(copy);
      return target ? (target.clone() as YamlNode) : undefined;
    },
  });
  visit(copy, {
    Map: (_key, map) => {
      const merges = map.items.filter((p) => isScalar(p.key) && p.key.value === '<<');
      if (merges.length === 0) return undefined;
      const own = new Set(map.items.filter((p) => !merges.includes(p)).map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
      map.items = map.items.filter((p) => !merges.includes(p));
      for (const merge of merges) {
        const sources = isMap(merge.value) ? [merge.value] : isSeq(merge.value) ? merge.value.items.filter(isMap) : [];
        for (const source of sources) {
          for (const pair of source.items) {
            const key = isScalar(pair.key) ? String(pair.key.value) : '';
            if (own.has(key)) continue;
            own.add(key);
            map.items.push(pair);
          }
        }
      }
      return undefined;
    },
  });
  return { doc: copy };
}

function whatMaps(key: string): string {
  switch (key) {
    case 'jobs':
      return l10n.t('step names to steps');
    case 'inputs':
      return l10n.t('input names to values');
    case 'outputs':
      return l10n.t('output names to outputs');
    default:
      return l10n.t('names to values');
  }
}

/** The key's value when it is a mapping (or absent/empty); anything else is an error at the value, read as empty. */
function mappingOf(parent: unknown, key: string, owner: string, lines: LineIndex, diagnostics: Diagnostic[]): unknown {
  const node = valueOf(parent, key);
  if (node === undefined || node === null || isMap(node) || (isScalar(node) && (node.value === null || node.value === ''))) return node;
  const span = spanOf(node) ?? [0, 0];
  diagnostics.push({
    severity: 'error',
    code: 'invalid-field',
    message: l10n.t("'{0}' of {1} must be a mapping of {2}.", key, owner, whatMaps(key)),
    range: lines.range(span[0], span[1]),
  });
  return undefined;
}

function rangeOf(node: unknown, lines: LineIndex): Range | undefined {
  const span = spanOf(node);
  return span && lines.range(span[0], span[1]);
}

const RANGED_FIELDS = ['type', 'code', 'entry', 'command', 'resources', 'identity', 'conf', 'args'];

/** Keys a pipeline node of each editable type may have (the CLI v2 node schemas); others are typos or misplaced. */
const COMMON_NODE_KEYS = [
  'type',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'component',
  'compute',
  'inputs',
  'outputs',
  'resources',
  'identity',
  'code',
  'environment',
  'experiment_name',
  '$schema',
  'is_deterministic',
  'version',
];
const NODE_KEYS: Record<string, readonly string[]> = {
  spark: [
    ...COMMON_NODE_KEYS,
    'entry',
    'py_files',
    'jars',
    'files',
    'archives',
    'conf',
    'args',
    'driver_cores',
    'driver_memory',
    'executor_cores',
    'executor_memory',
    'executor_instances',
    'dynamic_allocation_enabled',
    'dynamic_allocation_min_executors',
    'dynamic_allocation_max_executors',
  ],
  command: [...COMMON_NODE_KEYS, 'command', 'environment_variables', 'distribution', 'limits', 'services', 'queue_settings'],
};

/** Keys of a pipeline job or pipeline component file (the CLI v2 schemas). */
const PIPELINE_KEYS = [
  '$schema',
  'type',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'experiment_name',
  'compute',
  'settings',
  'inputs',
  'outputs',
  'jobs',
  'identity',
  'services',
  'version',
  'is_deterministic',
  'code',
];

/** An unknown key of a spark or command node, at its own line, with the likely intended key. */
function checkNodeKeys(step: string, type: string, value: unknown, lines: LineIndex, diagnostics: Diagnostic[]): void {
  const known = NODE_KEYS[type];
  if (known) checkKeys(value, known, l10n.t("Step '{0}' ({1})", step, type), lines, diagnostics);
}

function checkKeys(map: unknown, known: readonly string[], owner: string, lines: LineIndex, diagnostics: Diagnostic[]): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const key = keyText(pair);
    if (known.includes(key)) continue;
    const span = spanOf(pair.key);
    if (!span) continue;
    const guess = closest(key, known);
    // The CLI reports unknown fields as warnings and drops them; the likely intended key makes it useful.
    diagnostics.push({
      severity: 'warning',
      code: 'unknown-field',
      message: guess
        ? l10n.t("{0} has an unknown key '{1}'. Did you mean '{2}'?", owner, key, guess)
        : l10n.t("{0} has an unknown key '{1}'.", owner, key),
      range: lines.range(span[0], span[1]),
    });
  }
}

/** The candidate nearest to `word` by edit distance, when it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Edit distance where swapping two neighbouring letters counts as one edit (entyr -> entry). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function parseStep(pair: Pair<unknown, unknown>, lines: LineIndex, diagnostics: Diagnostic[], baseDir?: string): PipelineStep {
  const name = keyText(pair);
  const keySpan = spanOf(pair.key) ?? [0, 0];
  const value = pair.value;
  const valueSpan = spanOf(value) ?? keySpan;
  const nameRange = lines.range(keySpan[0], keySpan[1]);
  const obj = isMap(value) ? (toJs(value) as Record<string, unknown>) : {};
  if (!isMap(value)) {
    diagnostics.push({
      severity: 'error',
      code: 'invalid-field',
      message: l10n.t("Step '{0}' must be a mapping with a 'type'.", name),
      range: nameRange,
    });
  }
  const fieldRanges: PipelineStep['fieldRanges'] = {};
  for (const field of RANGED_FIELDS) {
    const span = spanOf(valueOf(value, field));
    if (span) {
      fieldRanges[field] = lines.range(span[0], span[1]);
    }
  }
  const entryFile = spanOf(valueOf(valueOf(value, 'entry'), 'file'));
  if (entryFile) {
    fieldRanges['entry.file'] = lines.range(entryFile[0], entryFile[1]);
  }
  const computeNode = valueOf(value, 'compute');
  const computeSpan = spanOf(computeNode);
  const typeText = isScalar(valueOf(value, 'type')) ? String((valueOf(value, 'type') as { value?: unknown }).value ?? '') : '';
  checkNodeKeys(name, typeText || 'command', value, lines, diagnostics);
  const own = specFromObject(obj, baseDir);
  const component = parseComponentRef(valueOf(value, 'component'), baseDir, lines);
  const componentSpec = component?.kind === 'inline' ? component.definition.spec : undefined;
  const typeNode = valueOf(value, 'type');
  const written = isScalar(typeNode) ? String(typeNode.value ?? '') : '';
  return {
    name,
    // The CLI and the SDK load a node without `type:` as a command node.
    type: written === '' && isMap(value) ? 'command' : written,
    typeWritten: written !== '',
    nameRange,
    range: lines.range(keySpan[0], valueSpan[1]),
    displayName: typeof obj.display_name === 'string' ? obj.display_name : undefined,
    compute: stringOf(computeNode),
    computeRange: computeSpan && lines.range(computeSpan[0], computeSpan[1]),
    component,
    inputs: parsePorts(mappingOf(value, 'inputs', l10n.t("step '{0}'", name), lines, diagnostics), lines, diagnostics),
    outputs: parsePorts(mappingOf(value, 'outputs', l10n.t("step '{0}'", name), lines, diagnostics), lines, diagnostics),
    own,
    effective: mergeSpecs(componentSpec, own),
    fieldRanges,
  };
}
