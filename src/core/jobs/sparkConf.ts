/**
 * The Spark configuration typed as `key=value, key=value` (Run Python File on Spark Pool): parsed and checked
 * before anything is uploaded, so a typo is reported where it was typed instead of reaching Livy.
 */

export type SparkConfParse = { conf: Record<string, string>; error?: undefined } | { conf?: undefined; error: string };

const KEY = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const INTEGER_KEYS = new Set([
  'spark.executor.instances', 'spark.executor.cores', 'spark.driver.cores',
  'spark.dynamicAllocation.minExecutors', 'spark.dynamicAllocation.maxExecutors', 'spark.dynamicAllocation.initialExecutors',
  'spark.sql.shuffle.partitions', 'spark.default.parallelism',
]);
const MEMORY_KEYS = new Set(['spark.executor.memory', 'spark.driver.memory', 'spark.executor.memoryOverhead', 'spark.driver.memoryOverhead']);
const BOOLEAN_KEYS = new Set(['spark.dynamicAllocation.enabled']);

/** Parses `key=value` pairs separated by commas; empty text is an empty configuration. */
export function parseSparkConf(text: string): SparkConfParse {
  const conf: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq < 0) return { error: `'${pair}' is not key=value (for example spark.executor.instances=2).` };
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!key) return { error: `'${pair}' has no key before '='.` };
    if (!KEY.test(key)) return { error: `'${key}' is not a Spark configuration key (dotted names such as spark.executor.memory).` };
    if (!value) return { error: `${key} has no value after '='.` };
    if (key in conf) return { error: `${key} is given twice.` };
    if (INTEGER_KEYS.has(key) && !/^\d+$/.test(value)) return { error: `${key} must be a whole number, not '${value}'.` };
    if (MEMORY_KEYS.has(key) && !/^\d+[kmgt]?b?$/i.test(value)) return { error: `${key} must be a size such as 4g or 512m, not '${value}'.` };
    if (BOOLEAN_KEYS.has(key) && !/^(true|false)$/i.test(value)) return { error: `${key} must be true or false, not '${value}'.` };
    conf[key] = value;
  }
  return { conf };
}
