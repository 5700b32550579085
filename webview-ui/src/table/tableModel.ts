/** Pure table logic for the Livy table renderer: typed comparison, sorting, paging and CSV. */
import type { LivyTable } from '../../../src/protocol/livyTable';

export type SortDirection = 'asc' | 'desc';

const numericTypes = new Set(['INT_TYPE', 'LONG_TYPE', 'SHORT_TYPE', 'BYTE_TYPE', 'FLOAT_TYPE', 'DOUBLE_TYPE', 'DECIMAL_TYPE']);

export function isNumericType(type: string): boolean {
  return numericTypes.has(type.toUpperCase());
}

/** Compares two cells of one column; nulls sort last whatever the direction. */
function compareCells(a: unknown, b: unknown, numeric: boolean): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (numeric && typeof a === 'number' && typeof b === 'number') return a - b;
  return formatCell(a).localeCompare(formatCell(b), undefined, { numeric: true });
}

/** Row indices in display order; the table itself is never reordered. */
export function sortedOrder(table: LivyTable, column: number | undefined, direction: SortDirection): number[] {
  const order = table.data.map((_, i) => i);
  if (column === undefined || column < 0 || column >= table.headers.length) return order;
  const numeric = isNumericType(table.headers[column].type);
  const sign = direction === 'asc' ? 1 : -1;
  return order.sort((i, j) => {
    const a = table.data[i][column];
    const b = table.data[j][column];
    if (a === null || a === undefined || b === null || b === undefined) return compareCells(a, b, numeric);
    return sign * compareCells(a, b, numeric) || i - j;
  });
}

export function pageCount(rows: number, pageSize: number): number {
  return Math.max(1, Math.ceil(rows / pageSize));
}

export function pageSlice<T>(items: T[], page: number, pageSize: number): T[] {
  const last = pageCount(items.length, pageSize) - 1;
  const p = Math.min(Math.max(page, 0), last);
  return items.slice(p * pageSize, p * pageSize + pageSize);
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : formatCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of the whole table in the given row order, header first. */
export function toCsv(table: LivyTable, order: number[] = table.data.map((_, i) => i)): string {
  const lines = [table.headers.map((h) => csvField(h.name)).join(',')];
  for (const i of order) lines.push(table.data[i].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
