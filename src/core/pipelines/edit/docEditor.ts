// Minimal text edits on a YAML document. The Document API locates nodes (with their CST source
// ranges); changes are made as small text replacements so everything else, comments, blank lines,
// quoting and key order included, stays byte-for-byte as it was.
import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { LineIndex, applyEdits, type TextEdit } from '../text';
import { pairOf, spanOf, toJs } from '../yamlNodes';
import { PipelineEditError } from './errors';
import { renderAfterColon, renderBlockAt, renderFlow, renderPair } from './render';

export type YamlPath = readonly string[];

export class DocEditor {
  readonly doc: Document.Parsed;
  readonly lines: LineIndex;
  private readonly edits: TextEdit[] = [];

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { keepSourceTokens: true });
    this.lines = new LineIndex(text);
    if (this.doc.errors.length > 0) {
      throw new PipelineEditError('The YAML has syntax errors; fix them before editing the pipeline.');
    }
    if (!isMap(this.doc.contents)) {
      throw new PipelineEditError('The YAML document is not a mapping.');
    }
  }

  get root(): YAMLMap<unknown, unknown> {
    return this.doc.contents as YAMLMap<unknown, unknown>;
  }

  /** The pair at `path` and the map that holds it. */
  locate(path: YamlPath): { map: YAMLMap<unknown, unknown>; pair: Pair<unknown, unknown> } | undefined {
    let map: unknown = this.root;
    for (let i = 0; i < path.length; i++) {
      const pair = pairOf(map, path[i]);
      if (!pair) {
        return undefined;
      }
      if (i === path.length - 1) {
        return { map: map as YAMLMap<unknown, unknown>, pair };
      }
      map = pair.value;
    }
    return undefined;
  }

  /** Sets the value at `path`, creating missing maps on the way. */
  set(path: YamlPath, value: unknown): void {
    let map: YAMLMap<unknown, unknown> = this.root;
    for (let i = 0; i < path.length; i++) {
      const pair = pairOf(map, path[i]);
      const rest = path.slice(i + 1);
      if (!pair) {
        this.insertPair(map, path[i], nest(rest, value));
        return;
      }
      if (rest.length === 0 || !isMap(pair.value)) {
        this.replaceValue(map, pair, nest(rest, value));
        return;
      }
      map = pair.value;
    }
  }

  /** Removes the pair at `path`; an emptied map becomes `{}`. Returns false when absent. */
  remove(path: YamlPath): boolean {
    const found = this.locate(path);
    if (!found) {
      return false;
    }
    this.removePairs(path.slice(0, -1), [found.pair]);
    return true;
  }

  /** Removes several pairs of the map at `mapPath` in one edit set. */
  removePairs(mapPath: YamlPath, pairs: Pair<unknown, unknown>[]): void {
    const map = mapPath.length === 0 ? this.root : this.locate(mapPath)?.pair.value;
    if (!isMap(map)) {
      return;
    }
    if (map.flow) {
      const keep = Object.fromEntries(Object.entries(toJs(map) as object).filter(([k]) => !pairs.some((p) => keyOf(p) === k)));
      this.replaceNode(map, renderFlow(keep));
      return;
    }
    if (pairs.length >= map.items.length && mapPath.length > 0) {
      const parent = this.locate(mapPath)!;
      this.replaceValue(parent.map, parent.pair, {});
      return;
    }
    for (const pair of pairs) {
      const keyStart = spanOf(pair.key)![0];
      const lineStart = this.lines.lineStart(keyStart);
      if (this.text.slice(lineStart, keyStart).trim() !== '') {
        throw new PipelineEditError(`Cannot remove '${keyOf(pair)}': it does not start its own line.`);
      }
      this.edits.push({ offset: lineStart, length: this.lineAfter(pair) - lineStart, newText: '' });
    }
  }

  /** Replaces the source text of a scalar or key node (e.g. to rename or rewrite a binding). */
  replaceNodeText(node: unknown, newText: string): void {
    const span = spanOf(node);
    if (span) {
      this.edits.push({ offset: span[0], length: span[1] - span[0], newText });
    }
  }

  /** Inserts raw text at an offset. */
  insertText(offset: number, newText: string): void {
    this.edits.push({ offset, length: 0, newText });
  }

  result(): { text: string; edits: TextEdit[] } {
    const edits = [...this.edits].sort((a, b) => a.offset - b.offset);
    return { text: applyEdits(this.text, edits), edits };
  }

  /** Offset where a new line can go after `pair` (past its trailing comment). */
  lineAfter(pair: Pair<unknown, unknown>): number {
    const end = this.trimmedEnd(pair.value) ?? spanOf(pair.key)![1];
    return this.lines.nextLineStart(Math.max(end - 1, spanOf(pair.key)![1]));
  }

  insertPair(map: YAMLMap<unknown, unknown>, key: string, value: unknown): void {
    const items = map.items;
    if (map.flow || items.length === 0) {
      this.replaceNode(map, renderFlow({ ...(toJs(map) as object), [key]: value }));
      return;
    }
    const firstKey = spanOf(items[0].key)![0];
    const indent = this.lines.position(firstKey).col;
    let at = this.lineAfter(items[items.length - 1] as Pair<unknown, unknown>);
    let text = renderPair(key, value, indent);
    if (at === this.text.length && !this.text.endsWith('\n')) {
      text = '\n' + text;
    }
    at = Math.min(at, this.text.length);
    this.edits.push({ offset: at, length: 0, newText: text });
  }

  replaceValue(map: YAMLMap<unknown, unknown>, pair: Pair<unknown, unknown>, value: unknown): void {
    if (map.flow) {
      this.replaceNode(map, renderFlow({ ...(toJs(map) as object), [keyOf(pair)]: value }));
      return;
    }
    const keySpan = spanOf(pair.key)!;
    const keyIndent = this.lines.position(keySpan[0]).col;
    const old = pair.value;
    const oldEnd = this.trimmedEnd(old);
    const isBlockCollection = (v: unknown): boolean =>
      typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).length > 0 : Array.isArray(v) && v.length > 0;
    if (isMap(old) && !old.flow && isBlockCollection(value) && oldEnd !== undefined) {
      const start = spanOf(old)![0];
      this.edits.push({ offset: start, length: oldEnd - start, newText: renderBlockAt(value, this.lines.position(start).col) });
      return;
    }
    const colon = this.text.indexOf(':', keySpan[1]);
    const from = colon + 1;
    const to = oldEnd !== undefined && !(isScalar(old) && old.value === null && old.source === '') ? oldEnd : from;
    this.edits.push({ offset: from, length: Math.max(0, to - from), newText: renderAfterColon(value, keyIndent) });
  }

  private replaceNode(node: unknown, text: string): void {
    const span = spanOf(node)!;
    this.edits.push({ offset: span[0], length: span[1] - span[0], newText: text });
  }

  /** End of a node's value without the trailing whitespace/newlines block scalars and maps include. */
  private trimmedEnd(node: unknown): number | undefined {
    const span = spanOf(node);
    if (!span) {
      return undefined;
    }
    let end = span[1];
    while (end > span[0] && /\s/.test(this.text[end - 1])) {
      end--;
    }
    return end;
  }
}

function keyOf(pair: Pair<unknown, unknown>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function nest(path: YamlPath, value: unknown): unknown {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value);
}
