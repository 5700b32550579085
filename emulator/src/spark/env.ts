/**
 * The installed Spark engine (.spark-env/env.json, written by scripts/lib/spark.mjs): the virtual
 * environment's Python with PySpark, spark-submit, Java, and the jars every application gets.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SparkEnv {
  python: string;
  sparkHome: string;
  sparkSubmit: string;
  sparkVersion: string;
  javaHome: string;
  javaVersion: string;
  jars: string[];
}

/** The repository's .spark-env, from the TypeScript sources or from their compiled copy under out/. */
export function defaultSparkEnvDir(): string {
  if (process.env.SYNAPSE_SPARK_ENV) return process.env.SYNAPSE_SPARK_ENV;
  const candidates = [path.resolve(__dirname, '../../../.spark-env'), path.resolve(__dirname, '../../../../.spark-env')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'env.json'))) ?? candidates[0];
}

/** The engine described in `dir`/env.json, or undefined (with the reason) when it is not installed. */
export function loadSparkEnv(dir = defaultSparkEnvDir()): { env?: SparkEnv; reason?: string } {
  const file = path.join(dir, 'env.json');
  let env: SparkEnv;
  try {
    env = JSON.parse(fs.readFileSync(file, 'utf8')) as SparkEnv;
  } catch {
    return { reason: `the Spark engine is not installed (${file} is missing): run \`npm run spark:install\`` };
  }
  const missing = [env.python, env.sparkSubmit, ...env.jars].find((f) => !fs.existsSync(f));
  if (missing) return { reason: `the Spark engine in ${dir} is incomplete (${missing} is missing): run \`npm run spark:install\`` };
  return { env };
}
