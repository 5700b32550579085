/**
 * Livy statement outputs -> the notebook output model (mime bundles), VS Code-free. The glue turns each
 * item into a NotebookCellOutputItem. Rich items come first in a bundle with a text/plain fallback last;
 * anything over the output cap is truncated with a visible note.
 */
import * as l10n from '@vscode/l10n';
import { LIVY_TABLE_MIME, parseLivyTable, type LivyTable } from '../../protocol/livyTable';
import type { StatementOutput } from '../livy/types';

export const ERROR_MIME = 'application/vnd.code.notebook.error';

export type OutputItemModel =
  | { mime: string; text: string }
  | { mime: string; json: unknown }
  | { mime: string; base64: string }
  | { mime: typeof ERROR_MIME; error: { name: string; message: string; stack: string } };

export interface CellOutputModel {
  items: OutputItemModel[];
  /** The output's metadata (e.g. PROGRESS_METADATA marks Spark progress, not the statement's own output). */
  metadata?: Record<string, unknown>;
}

export interface OutputLimits {
  /** Largest output item, in bytes (characters for text); anything bigger is truncated with a note. */
  maxBytes: number;
  /** Rows shown in the text/plain fallback of a table. */
  textTableRows?: number;
  /** The most rows the session returns of a SQL result (sent as `livy.rsc.sql.num-rows`). */
  sqlRowLimit?: number;
}

/** Livy's `livy.rsc.sql.num-rows` default: the most rows a session returns of a SQL result. */
export const DEFAULT_SQL_ROW_LIMIT = 1000;

export const DEFAULT_LIMITS: OutputLimits = { maxBytes: 1024 * 1024, textTableRows: 50, sqlRowLimit: DEFAULT_SQL_ROW_LIMIT };

export function textOutput(text: string, mime = 'text/plain'): CellOutputModel {
  return { items: [{ mime, text }] };
}

/**
 * An error item. Its stack reads as Python prints it (and Jupyter shows it): the traceback, then
 * `Name: message` last, one line per line with no trailing newlines, so VS Code's .ipynb serializer saves
 * the same lines as `traceback` (see ipynbError) and a reopened notebook shows the same text, name included.
 */
export function errorOutput(name: string, message: string, traceback?: string | string[]): CellOutputModel {
  return { items: [{ mime: ERROR_MIME, error: { name, message, stack: errorStack(name, message, traceback) } }] };
}

/** The traceback's lines (without a last line repeating `Name: message`), then `Name: message`, joined by "\n". */
export function errorStack(name: string, message: string, traceback?: string | string[]): string {
  const header = name && message ? `${name}: ${message}` : name || message;
  const text = Array.isArray(traceback) ? traceback.join('') : (traceback ?? '');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  while (lines.length && lines[0].trim() === '') lines.shift();
  if (lines.length && lines[lines.length - 1] === header) lines.pop();
  return [...lines, header].join('\n');
}

/**
 * The nbformat error output an error item is saved as. The glue passes it as the output's
 * `originalError` metadata, which VS Code's .ipynb serializer saves as is (else it splits the stack
 * into lines that keep their "\n", and a reopen joins them with another "\n": blank lines between them).
 */
export function ipynbError(error: { name: string; message: string; stack?: string }): {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
} {
  const stack = error.stack || errorStack(error.name, error.message);
  return { output_type: 'error', ename: error.name, evalue: error.message, traceback: stack.split('\n') };
}

export function truncationNote(what: string, shown: string, total: string): CellOutputModel {
  return textOutput(
    l10n.t('[Output truncated: {0} showing {1} of {2}. Raise {3} to see more.]', what, shown, total, 'synapseSpark.notebook.outputLimitKB'),
  );
}

/** Maps one statement output to cell outputs. */
export function mapStatementOutput(output: StatementOutput, limits: OutputLimits = DEFAULT_LIMITS): CellOutputModel[] {
  if (output.status === 'error') {
    const traceback = output.traceback.join('');
    const stack =
      traceback.length > limits.maxBytes ? `${traceback.slice(0, limits.maxBytes)}\n${l10n.t('[traceback truncated]')}` : traceback;
    return [errorOutput(output.ename, output.evalue, stack)];
  }
  const data = output.data ?? {};
  const outputs: CellOutputModel[] = [];
  const notes: CellOutputModel[] = [];
  const bundle: OutputItemModel[] = [];
  let plain = typeof data['text/plain'] === 'string' ? (data['text/plain'] as string) : undefined;

  const table =
    data[LIVY_TABLE_MIME] !== undefined
      ? parseLivyTable(data[LIVY_TABLE_MIME])
      : isSqlJson(data['application/json'])
        ? { table: sqlJsonToTable(data['application/json']) }
        : undefined;
  if (table && 'table' in table) {
    const { table: capped, total } = capTable(table.table, limits.maxBytes);
    // Livy returns at most its row limit of a SQL result: a result that fills it was cut there, total unknown.
    const rowLimit = limits.sqlRowLimit ?? DEFAULT_SQL_ROW_LIMIT;
    const atServiceLimit = data[LIVY_TABLE_MIME] === undefined && table.table.data.length >= rowLimit;
    if (capped.data.length < total) capped.truncated = atServiceLimit ? {} : { total };
    else if (atServiceLimit) capped.truncated = {};
    bundle.push({ mime: LIVY_TABLE_MIME, json: capped });
    if (!plain) plain = formatTable(capped, limits.textTableRows ?? 50);
    if (atServiceLimit) {
      notes.push(
        textOutput(
          l10n.t(
            '[Showing the first {0} rows; more were not fetched: the session returns at most {1} rows of a SQL result. Raise {2} (new sessions) to fetch more, or aggregate or LIMIT the query.]',
            capped.data.length.toLocaleString('en-US'),
            rowLimit.toLocaleString('en-US'),
            'synapseSpark.notebook.sqlRowLimit',
          ),
        ),
      );
    } else if (capped.data.length < total) {
      notes.push(truncationNote(l10n.t('the table is'), `${capped.data.length}`, l10n.t('{0} rows', total)));
    }
  } else if (table && 'error' in table) {
    notes.push(textOutput(l10n.t('[The service sent a malformed table ({0}); showing it as JSON.]', table.error)));
    bundle.push({ mime: 'application/json', json: data[LIVY_TABLE_MIME] });
  }
  if (typeof data['text/html'] === 'string') {
    const html = data['text/html'] as string;
    if (html.length <= limits.maxBytes) bundle.push({ mime: 'text/html', text: html });
    else notes.push(truncationNote(l10n.t('HTML output omitted,'), '0', `${kb(html.length)}`));
  }
  if (typeof data['image/png'] === 'string') {
    const png = (data['image/png'] as string).replace(/\s+/g, '');
    if (png.length * 0.75 <= limits.maxBytes) bundle.push({ mime: 'image/png', base64: png });
    else notes.push(truncationNote(l10n.t('image omitted,'), '0', `${kb(png.length * 0.75)}`));
  }
  if (data['application/json'] !== undefined && !(table && 'table' in table && !data[LIVY_TABLE_MIME])) {
    const json = data['application/json'];
    const text = JSON.stringify(json, null, 2) ?? 'null';
    if (text.length <= limits.maxBytes) {
      bundle.push({ mime: 'application/json', json });
      if (!plain) plain = text;
    } else {
      notes.push(truncationNote(l10n.t('JSON shown as text,'), kb(limits.maxBytes), kb(text.length)));
      plain = plain || text;
    }
  }
  for (const [mime, value] of Object.entries(data)) {
    if (['text/plain', 'text/html', 'image/png', 'application/json', LIVY_TABLE_MIME].includes(mime)) continue;
    if (typeof value === 'string') bundle.push({ mime, text: value }); // e.g. text/markdown, image/svg+xml
  }
  if (plain !== undefined && plain !== '') {
    if (plain.length > limits.maxBytes) {
      notes.push(truncationNote(l10n.t('text'), kb(limits.maxBytes), kb(plain.length)));
      plain = plain.slice(0, limits.maxBytes);
    }
    // Livy folds stdout into text/plain; with no rich item it is the whole output, else the fallback.
    bundle.push({ mime: 'text/plain', text: plain });
  }
  if (bundle.length) outputs.push({ items: bundle });
  return [...outputs, ...notes];
}

function kb(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** Keeps the leading rows whose JSON fits in maxBytes. */
export function capTable(table: LivyTable, maxBytes: number): { table: LivyTable; total: number } {
  const total = table.data.length;
  if (JSON.stringify(table).length <= maxBytes) return { table, total };
  let size = JSON.stringify({ headers: table.headers, data: [] }).length;
  let rows = 0;
  for (const row of table.data) {
    size += JSON.stringify(row).length + 1;
    if (size > maxBytes) break;
    rows++;
  }
  return { table: { headers: table.headers, data: table.data.slice(0, rows) }, total };
}

/** Livy's SQL interpreter answers application/json {schema: {fields: [{name, type}]}, data: [[...]]}. */
function isSqlJson(value: unknown): value is { schema: { fields: { name: string; type: unknown }[] }; data: unknown[][] } {
  const v = value as { schema?: { fields?: unknown }; data?: unknown } | undefined;
  return !!v && typeof v === 'object' && Array.isArray(v.schema?.fields) && Array.isArray(v.data);
}

function sqlJsonToTable(value: { schema: { fields: { name: string; type: unknown }[] }; data: unknown[][] }): LivyTable {
  const typeName = (t: unknown) => (typeof t === 'string' ? `${t.toUpperCase()}_TYPE` : 'STRING_TYPE');
  return { headers: value.schema.fields.map((f) => ({ name: f.name, type: typeName(f.type) })), data: value.data };
}

/** A plain-text grid for the text fallback of a table. */
export function formatTable(table: LivyTable, maxRows: number): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const rows = table.data.slice(0, maxRows).map((r) => table.headers.map((_, i) => cell(r[i])));
  const names = table.headers.map((h) => h.name);
  const widths = names.map((n, i) => Math.min(40, Math.max(n.length, ...rows.map((r) => r[i].length))));
  const fmt = (cells: string[]) => `|${cells.map((c, i) => ` ${c.slice(0, widths[i]).padEnd(widths[i])} `).join('|')}|`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const lines = [rule, fmt(names), rule, ...rows.map(fmt), rule];
  if (table.data.length > maxRows) lines.push(l10n.t('only showing top {0} of {1} rows', maxRows, table.data.length));
  return lines.join('\n');
}
