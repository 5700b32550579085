import * as assert from 'assert';
import { ERROR_MIME, formatTable, mapStatementOutput } from '../../../src/core/notebook/outputs';
import { LIVY_TABLE_MIME } from '../../../src/protocol/livyTable';

const ok = (data: Record<string, unknown>) => ({ status: 'ok' as const, executionCount: 0, data });

describe('statement output mapping', () => {
  it('maps stdout to text/plain and drops empty output', () => {
    assert.deepStrictEqual(mapStatementOutput(ok({ 'text/plain': 'hello' })), [{ items: [{ mime: 'text/plain', text: 'hello' }] }]);
    assert.deepStrictEqual(mapStatementOutput(ok({ 'text/plain': '' })), []);
  });

  it('maps a user exception to an error item with name, message and traceback', () => {
    const [out] = mapStatementOutput({
      status: 'error', executionCount: 1, ename: 'ZeroDivisionError', evalue: 'division by zero',
      traceback: ['Traceback (most recent call last):\n', '  File "<stdin>", line 1\n', 'ZeroDivisionError: division by zero\n'],
    });
    assert.deepStrictEqual(out.items, [{
      mime: ERROR_MIME,
      error: { name: 'ZeroDivisionError', message: 'division by zero', stack: 'Traceback (most recent call last):\n  File "<stdin>", line 1\nZeroDivisionError: division by zero\n' },
    }]);
  });

  it('maps a Livy table to the table mime with a text fallback', () => {
    const table = { headers: [{ name: 'city', type: 'STRING_TYPE' }, { name: 'trips', type: 'INT_TYPE' }], data: [['Seattle', 120], ['Redmond', null]] };
    const [out] = mapStatementOutput(ok({ [LIVY_TABLE_MIME]: table }));
    assert.strictEqual(out.items[0].mime, LIVY_TABLE_MIME);
    assert.deepStrictEqual((out.items[0] as { json: unknown }).json, table);
    assert.strictEqual(out.items[1].mime, 'text/plain');
    assert.match((out.items[1] as { text: string }).text, /\| Seattle \| 120 {3}\|/);
    assert.match((out.items[1] as { text: string }).text, /\| Redmond \| null  \|/);
  });

  it('turns Livy SQL JSON (schema + data) into a table', () => {
    const [out] = mapStatementOutput(ok({ 'application/json': { schema: { type: 'struct', fields: [{ name: 'n', type: 'integer', nullable: false }] }, data: [[1], [2]] } }));
    assert.deepStrictEqual((out.items[0] as { json: unknown }).json, { headers: [{ name: 'n', type: 'INTEGER_TYPE' }], data: [[1], [2]] });
    assert.strictEqual(out.items.filter((i) => i.mime === 'application/json').length, 0);
  });

  it('keeps html, png and json, with text/plain last', () => {
    const [out] = mapStatementOutput(ok({ 'text/html': '<b>x</b>', 'image/png': 'iVBORw0KGgo=', 'application/json': { a: 1 }, 'text/plain': 'x' }));
    assert.deepStrictEqual(out.items.map((i) => i.mime), ['text/html', 'image/png', 'application/json', 'text/plain']);
    assert.deepStrictEqual((out.items[1] as { base64: string }).base64, 'iVBORw0KGgo=');
  });

  it('truncates over the cap with a visible note', () => {
    const outputs = mapStatementOutput(ok({ 'text/plain': 'x'.repeat(5000) }), { maxBytes: 1000 });
    assert.strictEqual((outputs[0].items[0] as { text: string }).text.length, 1000);
    assert.match((outputs[1].items[0] as { text: string }).text, /Output truncated.*synapseSpark\.notebook\.outputLimitKB/);
    const table = { headers: [{ name: 'n', type: 'INT_TYPE' }], data: Array.from({ length: 1000 }, (_, i) => [i]) };
    const capped = mapStatementOutput(ok({ [LIVY_TABLE_MIME]: table }), { maxBytes: 500 });
    const rows = ((capped[0].items[0] as { json: { data: unknown[] } }).json.data).length;
    assert.ok(rows > 10 && rows < 1000, `rows kept: ${rows}`);
    assert.match((capped[1].items[0] as { text: string }).text, new RegExp(`showing ${rows} of 1000 rows`));
    const png = mapStatementOutput(ok({ 'image/png': 'A'.repeat(4000), 'text/plain': '' }), { maxBytes: 1000 });
    assert.deepStrictEqual(png.length, 1);
    assert.match((png[0].items[0] as { text: string }).text, /image omitted/);
  });

  it('formats long tables with a row count', () => {
    const text = formatTable({ headers: [{ name: 'n', type: 'INT_TYPE' }], data: [[1], [2], [3]] }, 2);
    assert.match(text, /only showing top 2 of 3 rows/);
  });
});
