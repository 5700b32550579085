/** %%configure with broken JSON says where (cell line and column), shows the line, and names the likely mistake. */
import * as assert from 'node:assert/strict';
import { parseCell } from '../../../src/core/notebook/magics';

function message(source: string): string {
  const cmd = parseCell(source);
  assert.equal(cmd.type, 'invalid', JSON.stringify(cmd));
  return (cmd as { message: string }).message;
}

describe('%%configure JSON errors', () => {
  it('a trailing comma: line and column of the cell, the line quoted, the fix named', () => {
    const m = message('%%configure\n{\n  "executorMemory": "4g",\n}');
    assert.match(m, /^The %%configure JSON has an error at line 4, column 1: /);
    assert.match(m, /\n {2}\}\n {2}\^\n/);
    assert.match(m, /remove the trailing comma/);
    assert.doesNotMatch(m, /position \d+/, 'no character offset');
  });

  it('an unquoted value or key, and single quotes', () => {
    const value = message('%%configure -f\n{"driverMemory": 8g}');
    assert.match(value, /line 2, column 19/);
    assert.match(value, /need double quotes: "8g"/);
    assert.match(message('%%configure\n{numExecutors: 2}'), /need double quotes: "numExecutors"/);
    assert.match(message("%%configure\n{'numExecutors': 2}"), /double quotes \("\), not single quotes/);
  });

  it('counts lines from the magic line, wherever the cell starts', () => {
    assert.match(message('\n\n%%configure\n{"numExecutors": 2,}'), /line 4, column 20/);
  });

  it('JSON that ends early says a bracket is missing', () => {
    assert.match(message('%%configure\n{"numExecutors": 2'), /ends before it is complete: is a closing \} or \] missing\?/);
  });
});
