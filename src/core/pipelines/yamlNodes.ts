// Small typed helpers over the `yaml` package's node tree.
import { isMap, isNode, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';

export type AnyNode = Node | null | undefined;

export function pairOf(map: unknown, key: string): Pair<unknown, unknown> | undefined {
  if (!isMap(map)) {
    return undefined;
  }
  for (const item of map.items) {
    if (isPair(item) && keyText(item) === key) {
      return item;
    }
  }
  return undefined;
}

export function valueOf(map: unknown, key: string): AnyNode {
  const value = pairOf(map, key)?.value;
  return isNode(value) ? value : undefined;
}

export function keyText(pair: Pair<unknown, unknown>): string {
  const key = pair.key;
  if (isScalar(key)) {
    return String(key.value);
  }
  return String(key);
}

/** The scalar's value as a string, or undefined for non-scalars and null. */
export function stringOf(node: unknown): string | undefined {
  if (isScalar(node) && node.value !== null && node.value !== undefined) {
    return String(node.value);
  }
  return undefined;
}

export function toJs(node: unknown): unknown {
  return isNode(node) ? node.toJSON() : node;
}

/** [start, end) of a node's value (comments excluded). */
export function spanOf(node: unknown): [number, number] | undefined {
  if (isNode(node) && node.range) {
    return [node.range[0], node.range[1]];
  }
  return undefined;
}

/** [start, end) of a `key: value` pair, from the key to the end of the value. */
export function pairSpan(pair: Pair<unknown, unknown>): [number, number] {
  const key = spanOf(pair.key) ?? [0, 0];
  const value = spanOf(pair.value);
  return [key[0], value ? Math.max(value[1], key[1]) : key[1]];
}

export function mapPairs(node: unknown): Pair<unknown, unknown>[] {
  return isMap(node) ? (node as YAMLMap<unknown, unknown>).items.filter(isPair) : [];
}

export function stringList(node: unknown): string[] | undefined {
  if (!isSeq(node)) {
    return undefined;
  }
  return node.items.map((item) => stringOf(item) ?? '').filter((s) => s !== '');
}
