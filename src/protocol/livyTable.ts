/**
 * The Livy table output (`%table` in Livy's Python interpreter, `%%sql` results), as the service
 * returns it under the `application/vnd.livy.table.v1+json` mime type. Shared by the notebook
 * controller, which emits it, and the table renderer in webview-ui, which draws it.
 */
export const LIVY_TABLE_MIME = 'application/vnd.livy.table.v1+json';

export interface LivyTableColumn {
  name: string;
  /** Livy's type name, e.g. INT_TYPE, DOUBLE_TYPE, STRING_TYPE, BOOLEAN_TYPE, NULL_TYPE. */
  type: string;
}

export interface LivyTable {
  headers: LivyTableColumn[];
  data: unknown[][];
  /**
   * Set when `data` holds only the first rows of a larger result: `total` when it is known (rows dropped to fit
   * the output size cap), absent when the service stopped at its row limit and more rows were never fetched.
   */
  truncated?: { total?: number };
}

/** Validates an untrusted value as a LivyTable; returns a reason when it is not one. */
export function parseLivyTable(value: unknown): { table: LivyTable } | { error: string } {
  if (typeof value !== 'object' || value === null) return { error: 'not an object' };
  const { headers, data } = value as Partial<LivyTable>;
  if (!Array.isArray(headers) || !headers.every((h) => h && typeof h.name === 'string' && typeof h.type === 'string')) {
    return { error: 'headers must be a list of {name, type}' };
  }
  if (!Array.isArray(data) || !data.every((row) => Array.isArray(row))) return { error: 'data must be a list of rows' };
  const { truncated } = value as Partial<LivyTable>;
  const total = truncated && typeof truncated === 'object' && Number.isInteger(truncated.total) ? truncated.total : undefined;
  return {
    table: { headers, data, ...(truncated && typeof truncated === 'object' ? { truncated: total === undefined ? {} : { total } } : {}) },
  };
}
