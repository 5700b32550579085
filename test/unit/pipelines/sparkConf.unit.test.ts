/** The `key=value, ...` Spark configuration of Run Python File on Spark Pool: parsed, or refused with the reason. */
import * as assert from 'node:assert/strict';
import { parseSparkConf } from '../../../src/core/jobs/sparkConf';

describe('Spark configuration text', () => {
  it('parses key=value pairs separated by commas, trimming spaces; empty text is no configuration', () => {
    assert.deepEqual(parseSparkConf(' spark.executor.instances = 2, spark.executor.memory=4g,,spark.app.name=a=b '), {
      conf: { 'spark.executor.instances': '2', 'spark.executor.memory': '4g', 'spark.app.name': 'a=b' },
    });
    assert.deepEqual(parseSparkConf(''), { conf: {} });
    assert.deepEqual(parseSparkConf('  ,  '), { conf: {} });
  });

  it('refuses what Livy would take as-is and Spark would reject later', () => {
    const cases: [string, RegExp][] = [
      ['garbage', /'garbage' is not key=value/],
      ['=3', /has no key before '='/],
      ['spark.executor.instances=', /has no value after '='/],
      ['spark executor=1', /is not a Spark configuration key/],
      ['spark.executor.instances=two', /must be a whole number, not 'two'/],
      ['spark.executor.memory=lots', /must be a size such as 4g/],
      ['spark.dynamicAllocation.enabled=yes', /must be true or false/],
      ['a.b=1, a.b=2', /a\.b is given twice/],
    ];
    for (const [text, reason] of cases) {
      const result = parseSparkConf(text);
      assert.equal(result.conf, undefined, text);
      assert.match(result.error ?? '', reason, text);
    }
  });
});
