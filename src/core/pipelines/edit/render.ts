// Renders values as YAML text that fits at a given indentation inside an existing document.
import { Document } from 'yaml';

const OPTIONS = { lineWidth: 0, indent: 2 } as const;

function indentLines(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

/** `key: value` lines (with trailing newline) for a key at column `indent`. */
export function renderPair(key: string, value: unknown, indent: number): string {
  const text = new Document({ [key]: value }).toString(OPTIONS);
  return ' '.repeat(indent) + indentLines(text.replace(/\n$/, ''), indent) + '\n';
}

/**
 * What follows `key:` for a key at column `indent`: ` scalar`, ` |-` + indented lines, or a newline
 * and an indented block collection.
 */
export function renderAfterColon(value: unknown, indent: number): string {
  const text = new Document({ k: value }).toString(OPTIONS).replace(/\n$/, '');
  return indentLines(text.slice(text.indexOf(':') + 1), indent);
}

/** A block collection to put where an existing block collection starts (at column `indent`). */
export function renderBlockAt(value: unknown, indent: number): string {
  const text = new Document(value).toString(OPTIONS).replace(/\n$/, '');
  return indentLines(text, indent);
}

/** A flow collection / scalar on one line, for flow contexts like `{a: 1}`. */
export function renderFlow(value: unknown): string {
  const doc = new Document(value);
  if (doc.contents && typeof doc.contents === 'object' && 'flow' in doc.contents) {
    (doc.contents as { flow: boolean }).flow = true;
  }
  return doc.toString({ ...OPTIONS, collectionStyle: 'flow' }).replace(/\n$/, '');
}
