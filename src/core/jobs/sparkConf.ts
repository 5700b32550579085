/**
 * The Spark configuration typed as `key=value, key=value` (Run Python File on Spark Pool): parsed and checked
 * before anything is uploaded, so a typo is reported where it was typed instead of reaching Livy.
 */
import * as l10n from '@vscode/l10n';

export type SparkConfParse = { conf: Record<string, string>; error?: undefined } | { conf?: undefined; error: string };

const KEY = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const INTEGER_KEYS = new Set([
  'spark.executor.instances',
  'spark.executor.cores',
  'spark.driver.cores',
  'spark.dynamicAllocation.minExecutors',
  'spark.dynamicAllocation.maxExecutors',
  'spark.dynamicAllocation.initialExecutors',
  'spark.sql.shuffle.partitions',
  'spark.default.parallelism',
]);
const MEMORY_KEYS = new Set([
  'spark.executor.memory',
  'spark.driver.memory',
  'spark.executor.memoryOverhead',
  'spark.driver.memoryOverhead',
]);
const BOOLEAN_KEYS = new Set(['spark.dynamicAllocation.enabled']);

/** Parses `key=value` pairs separated by commas; empty text is an empty configuration. */
export function parseSparkConf(text: string): SparkConfParse {
  const conf: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq < 0) return { error: l10n.t("'{0}' is not {1} (for example {2}).", pair, 'key=value', 'spark.executor.instances=2') };
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!key) return { error: l10n.t("'{0}' has no key before '='.", pair) };
    if (!KEY.test(key))
      return { error: l10n.t("'{0}' is not a Spark configuration key (dotted names such as {1}).", key, 'spark.executor.memory') };
    if (!value) return { error: l10n.t("{0} has no value after '='.", key) };
    if (key in conf) return { error: l10n.t('{0} is given twice.', key) };
    if (INTEGER_KEYS.has(key) && !/^\d+$/.test(value)) return { error: l10n.t("{0} must be a whole number, not '{1}'.", key, value) };
    if (MEMORY_KEYS.has(key) && !/^\d+[kmgt]?b?$/i.test(value))
      return { error: l10n.t("{0} must be a size such as {1} or {2}, not '{3}'.", key, '4g', '512m', value) };
    if (BOOLEAN_KEYS.has(key) && !/^(true|false)$/i.test(value))
      return { error: l10n.t("{0} must be true or false, not '{1}'.", key, value) };
    conf[key] = value;
  }
  return { conf };
}
