// `inputs:` / `outputs:` maps at pipeline and step level.
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, type Pair } from 'yaml';
import { hasBinding, parseBindings } from './bindings';
import type { LineIndex } from './text';
import type { Diagnostic, Literal, PortValue } from './types';
import { keyText, mapPairs, pairOf, spanOf, toJs } from './yamlNodes';

const PORT_KEYS = new Set(['type', 'path', 'mode']);

export function parsePorts(node: unknown, lines: LineIndex, diagnostics: Diagnostic[]): PortValue[] {
  return mapPairs(node).map((pair) => parsePort(pair, lines, diagnostics));
}

function parsePort(pair: Pair<unknown, unknown>, lines: LineIndex, diagnostics: Diagnostic[]): PortValue {
  const keySpan = spanOf(pair.key) ?? [0, 0];
  const valueSpan = spanOf(pair.value) ?? [keySpan[1], keySpan[1]];
  const port: PortValue = {
    name: keyText(pair),
    kind: 'empty',
    bindings: [],
    extra: {},
    keyRange: lines.range(keySpan[0], keySpan[1]),
    valueRange: lines.range(valueSpan[0], valueSpan[1]),
  };
  const value = pair.value;
  if (isScalar(value)) {
    if (value.value === null || value.value === undefined) {
      return port;
    }
    const literal = value.value as Literal;
    if (typeof literal === 'string' && hasBinding(literal)) {
      port.kind = 'binding';
      port.literal = literal;
      port.bindings = parseBindings(literal);
      port.bindingRange = port.valueRange;
    } else {
      port.kind = 'literal';
      port.literal = literal;
    }
    return port;
  }
  if (isMap(value)) {
    const obj = toJs(value) as Record<string, unknown>;
    port.type = typeof obj.type === 'string' ? obj.type : undefined;
    port.mode = typeof obj.mode === 'string' ? obj.mode : undefined;
    port.path = typeof obj.path === 'string' ? obj.path : undefined;
    for (const [k, v] of Object.entries(obj)) {
      if (!PORT_KEYS.has(k)) {
        port.extra[k] = v;
      }
    }
    if (port.path !== undefined && hasBinding(port.path)) {
      const pathSpan = spanOf(pairOf(value, 'path')?.value) ?? valueSpan;
      port.bindings = parseBindings(port.path);
      port.bindingRange = lines.range(pathSpan[0], pathSpan[1]);
      // A path built only from run-time expressions (`azureml://datastores/${{default_datastore}}/paths/${{name}}`)
      // is still a typed data port: it keeps its type and mode.
      port.kind = port.bindings.some((b) => b.kind !== 'runtime') ? 'binding' : 'data';
    } else {
      port.kind = 'data';
    }
    if ('dataset' in obj || 'local_path' in obj) {
      diagnostics.push({
        severity: 'error',
        code: 'legacy-syntax',
        message: l10n.t(
          "Input '{0}' uses pre-GA syntax ({1}); write {2} and {3} instead.",
          port.name,
          "'dataset'/'local_path'",
          "'type: uri_folder'",
          "'path:'",
        ),
        range: port.valueRange,
      });
    }
  }
  return port;
}
