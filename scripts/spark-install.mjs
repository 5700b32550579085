// `npm run spark:install`: installs (or checks) the emulator's Spark engine in .spark-env/.
import { ensureSparkEnv } from './lib/spark.mjs';
import { ScriptError } from './lib/util.mjs';

try {
  ensureSparkEnv();
} catch (err) {
  console.error(err instanceof ScriptError ? err.message : err);
  process.exit(1);
}
