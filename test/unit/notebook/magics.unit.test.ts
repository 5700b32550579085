import * as assert from 'assert';
import { mergeSessionConfig, parseConfigureBody } from '../../../src/core/notebook/configure';
import { kindForLanguage, parseCell } from '../../../src/core/notebook/magics';

describe('cell magics', () => {
  it('runs a plain cell in the language of the cell', () => {
    assert.deepStrictEqual(parseCell('print(1)'), { type: 'statement', kind: 'pyspark', code: 'print(1)' });
    assert.deepStrictEqual(parseCell('val x = 1', 'scala'), { type: 'statement', kind: 'spark', code: 'val x = 1' });
    assert.deepStrictEqual(parseCell('SELECT 1', 'sql'), { type: 'statement', kind: 'sql', code: 'SELECT 1' });
    assert.strictEqual(kindForLanguage('csharp'), 'dotnetspark');
    assert.strictEqual(kindForLanguage('r'), 'pyspark');
  });

  it('maps language magics to Livy kinds and strips the magic line', () => {
    const cases: [string, string][] = [
      ['pyspark', 'pyspark'],
      ['spark', 'spark'],
      ['scala', 'spark'],
      ['sql', 'sql'],
      ['csharp', 'dotnetspark'],
      ['synapse', 'pyspark'],
    ];
    for (const [magic, kind] of cases) {
      assert.deepStrictEqual(
        parseCell(`\n%%${magic}\nline 1\nline 2`, 'python'),
        { type: 'statement', kind, code: 'line 1\nline 2' },
        magic,
      );
    }
    assert.deepStrictEqual(parseCell('%%sql\n   \n'), { type: 'empty' });
  });

  it('leaves Livy single-% magics to the session', () => {
    assert.deepStrictEqual(parseCell('%table rows'), { type: 'statement', kind: 'pyspark', code: '%table rows' });
  });

  it('parses %%configure with and without -f and validates the body', () => {
    const cmd = parseCell(
      '%%configure -f\n{"executorMemory": "8g", "numExecutors": 3, "conf": {"spark.a": 1, "spark.b": true}, "kind": "pyspark"}',
    );
    assert.deepStrictEqual(cmd, {
      type: 'configure',
      force: true,
      ignored: ['kind'],
      config: { executorMemory: '8g', numExecutors: 3, conf: { 'spark.a': '1', 'spark.b': 'true' } },
    });
    const plain = parseCell('%%configure\n{"driverCores": 4}');
    assert.strictEqual(plain.type === 'configure' && plain.force, false);
    const bad = parseCell('%%configure\n{"executorMemory": 8, "numExecutors": -1, "colour": "red"}');
    assert.strictEqual(bad.type, 'invalid');
    const message = (bad as { message: string }).message;
    assert.match(message, /'executorMemory' must be a size/);
    assert.match(message, /'numExecutors' must be a positive whole number/);
    assert.match(message, /unknown key 'colour'/);
    assert.match((parseCell('%%configure\n{not json') as { message: string }).message, /JSON has an error at line 2, column 2/);
    assert.match((parseCell('%%configure') as { message: string }).message, /needs a JSON object/);
    assert.match((parseCell('%%configure -x\n{}') as { message: string }).message, /only -f/);
  });

  it('parses the command magics', () => {
    assert.deepStrictEqual(parseCell('%%info'), { type: 'info' });
    assert.deepStrictEqual(parseCell('  %%logs  '), { type: 'logs' });
    assert.deepStrictEqual(parseCell('%%help'), { type: 'help' });
    assert.deepStrictEqual(parseCell('%%cleanup'), { type: 'cleanup', force: false });
    assert.deepStrictEqual(parseCell('%%cleanup -f'), { type: 'cleanup', force: true });
    assert.strictEqual(parseCell('%%info\nextra').type, 'invalid');
  });

  it('rejects unknown magics with the list of known ones', () => {
    const cmd = parseCell('%%local\nprint(1)');
    assert.strictEqual(cmd.type, 'invalid');
    assert.match((cmd as { message: string }).message, /Unknown cell magic '%%local'.*%%pyspark.*%%configure.*%%help/);
    assert.match((parseCell('%%sql -o df\nSELECT 1') as { message: string }).message, /takes no options/);
  });

  it('treats blank cells as empty', () => {
    assert.deepStrictEqual(parseCell('  \n\n'), { type: 'empty' });
  });

  it('merges %%configure over the settings defaults, conf key by key', () => {
    const merged = mergeSessionConfig(
      { executorMemory: '4g', numExecutors: 2, conf: { a: '1', b: '2' } },
      { numExecutors: 5, conf: { b: '3' } },
    );
    assert.deepStrictEqual(merged, { executorMemory: '4g', numExecutors: 5, conf: { a: '1', b: '3' } });
    assert.ok('error' in parseConfigureBody('[1]'));
  });
});
