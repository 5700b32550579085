import * as assert from 'assert';
import { ERROR_MIME, errorOutput, errorStack, formatTable, ipynbError, mapStatementOutput } from '../../../src/core/notebook/outputs';
import { LIVY_TABLE_MIME } from '../../../src/protocol/livyTable';

const ok = (data: Record<string, unknown>) => ({ status: 'ok' as const, executionCount: 0, data });

describe('statement output mapping', () => {
  it('maps stdout to text/plain and drops empty output', () => {
    assert.deepStrictEqual(mapStatementOutput(ok({ 'text/plain': 'hello' })), [{ items: [{ mime: 'text/plain', text: 'hello' }] }]);
    assert.deepStrictEqual(mapStatementOutput(ok({ 'text/plain': '' })), []);
  });

  it('maps a user exception to an error item with name, message and traceback', () => {
    const [out] = mapStatementOutput({
      status: 'error',
      executionCount: 1,
      ename: 'ZeroDivisionError',
      evalue: 'division by zero',
      traceback: ['Traceback (most recent call last):\n', '  File "<stdin>", line 1\n', 'ZeroDivisionError: division by zero\n'],
    });
    assert.deepStrictEqual(out.items, [
      {
        mime: ERROR_MIME,
        error: {
          name: 'ZeroDivisionError',
          message: 'division by zero',
          stack: 'Traceback (most recent call last):\n  File "<stdin>", line 1\nZeroDivisionError: division by zero',
        },
      },
    ]);
  });

  it('ends every error stack with Name: message, after the traceback as Python prints it, and keeps no trailing newlines', () => {
    assert.strictEqual(errorStack('MagicError', "Unknown cell magic '%%x'"), "MagicError: Unknown cell magic '%%x'");
    assert.strictEqual(
      errorStack('NameError', "name 'y' is not defined", [
        'Traceback (most recent call last):\n',
        '  File "<stdin>", line 1, in <module>\n    y\n',
        "NameError: name 'y' is not defined\n",
      ]),
      'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n    y\nNameError: name \'y\' is not defined',
    );
    assert.strictEqual(errorStack('E', 'boom', 'line 1\r\nline 2\r\n\n'), 'line 1\nline 2\nE: boom');
    assert.strictEqual(errorStack('', 'only a message'), 'only a message');
    assert.deepStrictEqual(errorOutput('MagicError', 'bad magic').items, [
      { mime: ERROR_MIME, error: { name: 'MagicError', message: 'bad magic', stack: 'MagicError: bad magic' } },
    ]);
    const [truncated] = mapStatementOutput(
      { status: 'error', executionCount: 1, ename: 'E', evalue: 'v', traceback: ['x'.repeat(30) + '\n'] },
      { maxBytes: 10 },
    );
    assert.strictEqual((truncated.items[0] as { error: { stack: string } }).error.stack, `${'x'.repeat(10)}\n[traceback truncated]\nE: v`);
  });

  it('saves errors as ipynb tracebacks without newlines that reopen to the same stack', () => {
    const errors = [
      (
        errorOutput('MagicError', "Unknown cell magic '%%nosuchmagic'").items[0] as {
          error: { name: string; message: string; stack: string };
        }
      ).error,
      (
        mapStatementOutput({
          status: 'error',
          executionCount: 1,
          ename: 'ZeroDivisionError',
          evalue: 'division by zero',
          traceback: [
            'Traceback (most recent call last):\n',
            '  File "<stdin>", line 1, in <module>\n',
            'ZeroDivisionError: division by zero\n',
          ],
        })[0].items[0] as { error: { name: string; message: string; stack: string } }
      ).error,
      (
        errorOutput('SparkSessionEnded', 'Session 4 died.\nDriver log: https://x/log').items[0] as {
          error: { name: string; message: string; stack: string };
        }
      ).error,
    ];
    for (const error of errors) {
      const saved = ipynbError(error);
      assert.strictEqual(saved.output_type, 'error');
      assert.strictEqual(saved.ename, error.name);
      assert.strictEqual(saved.evalue, error.message);
      assert.ok(
        saved.traceback.every((l) => !l.includes('\n')),
        JSON.stringify(saved.traceback),
      );
      assert.ok(saved.traceback.join('\n').endsWith(`${error.name}: ${error.message}`), 'the saved traceback keeps the name, last');
      // VS Code's ipynb serializer reopens an error output with stack = traceback.join('\n').
      assert.strictEqual(saved.traceback.join('\n'), error.stack);
    }
    assert.deepStrictEqual(ipynbError({ name: 'E', message: 'm' }).traceback, ['E: m']);
  });

  it('maps a Livy table to the table mime with a text fallback', () => {
    const table = {
      headers: [
        { name: 'city', type: 'STRING_TYPE' },
        { name: 'trips', type: 'INT_TYPE' },
      ],
      data: [
        ['Seattle', 120],
        ['Redmond', null],
      ],
    };
    const [out] = mapStatementOutput(ok({ [LIVY_TABLE_MIME]: table }));
    assert.strictEqual(out.items[0].mime, LIVY_TABLE_MIME);
    assert.deepStrictEqual((out.items[0] as { json: unknown }).json, table);
    assert.strictEqual(out.items[1].mime, 'text/plain');
    assert.match((out.items[1] as { text: string }).text, /\| Seattle \| 120 {3}\|/);
    assert.match((out.items[1] as { text: string }).text, /\| Redmond \| null  \|/);
  });

  it('turns Livy SQL JSON (schema + data) into a table', () => {
    const [out] = mapStatementOutput(
      ok({
        'application/json': { schema: { type: 'struct', fields: [{ name: 'n', type: 'integer', nullable: false }] }, data: [[1], [2]] },
      }),
    );
    assert.deepStrictEqual((out.items[0] as { json: unknown }).json, { headers: [{ name: 'n', type: 'INTEGER_TYPE' }], data: [[1], [2]] });
    assert.strictEqual(out.items.filter((i) => i.mime === 'application/json').length, 0);
  });

  it('keeps html, png and json, with text/plain last', () => {
    const [out] = mapStatementOutput(
      ok({ 'text/html': '<b>x</b>', 'image/png': 'iVBORw0KGgo=', 'application/json': { a: 1 }, 'text/plain': 'x' }),
    );
    assert.deepStrictEqual(
      out.items.map((i) => i.mime),
      ['text/html', 'image/png', 'application/json', 'text/plain'],
    );
    assert.deepStrictEqual((out.items[1] as { base64: string }).base64, 'iVBORw0KGgo=');
  });

  it('truncates over the cap with a visible note', () => {
    const outputs = mapStatementOutput(ok({ 'text/plain': 'x'.repeat(5000) }), { maxBytes: 1000 });
    assert.strictEqual((outputs[0].items[0] as { text: string }).text.length, 1000);
    assert.match((outputs[1].items[0] as { text: string }).text, /Output truncated.*synapseSpark\.notebook\.outputLimitKB/);
    const table = { headers: [{ name: 'n', type: 'INT_TYPE' }], data: Array.from({ length: 1000 }, (_, i) => [i]) };
    const capped = mapStatementOutput(ok({ [LIVY_TABLE_MIME]: table }), { maxBytes: 500 });
    const rows = (capped[0].items[0] as { json: { data: unknown[] } }).json.data.length;
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
  it("says when a SQL result stopped at the session's row limit, and when rows were dropped to fit", () => {
    const sql = (rows: number) => ({
      status: 'ok' as const,
      executionCount: 1,
      data: {
        'application/json': {
          schema: { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }] },
          data: Array.from({ length: rows }, (_, i) => [i]),
        },
      },
    });
    const [full, note] = mapStatementOutput(sql(1000));
    const table = (full.items[0] as { json: { data: unknown[]; truncated?: { total?: number } } }).json;
    assert.strictEqual(table.data.length, 1000);
    assert.deepStrictEqual(table.truncated, {}, 'more rows may exist: total unknown');
    assert.match((note.items[0] as { text: string }).text, /first 1,000 rows; more were not fetched.*synapseSpark\.notebook\.sqlRowLimit/);
    // Under the limit, the table is whole and says nothing.
    const [whole, ...rest] = mapStatementOutput(sql(999));
    assert.strictEqual((whole.items[0] as { json: { truncated?: unknown } }).json.truncated, undefined);
    assert.deepStrictEqual(rest, []);
    // A raised limit is honoured, and rows dropped to fit the size cap keep their total.
    assert.strictEqual(mapStatementOutput(sql(1000), { maxBytes: 1024 * 1024, sqlRowLimit: 5000 }).length, 1);
    const [capped] = mapStatementOutput(
      {
        status: 'ok',
        executionCount: 1,
        data: {
          [LIVY_TABLE_MIME]: { headers: [{ name: 'x', type: 'STRING_TYPE' }], data: Array.from({ length: 50 }, () => ['y'.repeat(40)]) },
        },
      },
      { maxBytes: 600 },
    );
    const cut = (capped.items[0] as { json: { data: unknown[]; truncated?: { total?: number } } }).json;
    assert.ok(cut.data.length < 50);
    assert.deepStrictEqual(cut.truncated, { total: 50 });
  });
});
