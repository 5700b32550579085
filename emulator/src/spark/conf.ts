/**
 * The Spark configuration of one emulated Synapse application (a Livy session, a Livy batch or a pipeline's
 * Spark step): what a Synapse 3.4 pool sets for its workspace (the primary ADLS Gen2 file system as the
 * default file system, the lake database's metastore and warehouse, Delta Lake), mapped onto one local-mode
 * JVM on this machine, plus what the user asked for where it means something locally. Pure functions; the
 * result is written as spark-defaults.conf, so every SparkSession in the process (the notebook's, or one a
 * script builds itself) gets it, as on a pool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DataLakeLocation {
  account: string;
  filesystem: string;
}

export interface ApplicationConfInput {
  /** The Synapse workspace the application runs in (names its lake database). */
  workspace: string;
  /** Its primary ADLS Gen2 account and file system: Spark's default file system. */
  defaultStorage: DataLakeLocation;
  /** Every ADLS account that exists in the emulated world (others fail as unreachable). */
  accounts: string[];
  /** Local folder with one folder per account (the lake's bytes). */
  lakeRoot: string;
  /** Derby network server port of the shared metastore. */
  metastorePort: number;
  /** Jars every application gets (Delta, Derby client, the abfss file system). */
  jars: string[];
  /** Livy's request: driverMemory, driverCores, executorCores, numExecutors... (strings or numbers). */
  request?: Record<string, unknown>;
  /** The Spark UI's port (its monitoring REST API), when the caller must know it up front; default: any free port. */
  uiPort?: number;
  /** The user's `conf` map (Livy body, %%configure, a Spark step's conf). */
  userConf?: Record<string, string>;
  /** Cores this machine may give one application. */
  maxCores: number;
  /** Driver heap bounds on this machine, in MiB. */
  memoryBoundsMiB?: { min: number; max: number };
  appName?: string;
}

export interface ApplicationConf {
  /** spark-defaults.conf entries. */
  conf: Record<string, string>;
  /** Lines for the session or batch log: what the request asked for and what this machine gives. */
  notes: string[];
}

const DEFAULT_MEMORY_BOUNDS = { min: 512, max: 2048 };
const DEFAULT_DRIVER_MEMORY_MIB = 1024;

/** Keys the emulator owns: a user value would break the mapping to this machine, so it is ignored (and said). */
const RESERVED = new Set([
  'spark.master',
  'spark.submit.deployMode',
  'spark.driver.host',
  'spark.driver.bindAddress',
  'spark.ui.port',
  'spark.hadoop.fs.defaultFS',
  'spark.hadoop.fs.abfss.impl',
  'spark.hadoop.fs.abfs.impl',
  'spark.hadoop.fs.emulator.abfss.root',
  'spark.hadoop.fs.emulator.abfss.accounts',
  'spark.hadoop.javax.jdo.option.ConnectionURL',
  'spark.hadoop.javax.jdo.option.ConnectionDriverName',
  'spark.sql.warehouse.dir',
  'spark.sql.catalogImplementation',
  'spark.driver.extraClassPath',
  'spark.executor.extraClassPath',
  'spark.driver.memory',
]);

export function defaultFsUri(storage: DataLakeLocation): string {
  return `abfss://${storage.filesystem}@${storage.account}.dfs.core.windows.net/`;
}

/** Where Synapse keeps a workspace's managed tables: /synapse/workspaces/{workspace}/warehouse on its primary storage. */
export function warehouseUri(workspace: string, storage: DataLakeLocation): string {
  return `${defaultFsUri(storage)}synapse/workspaces/${workspace}/warehouse`;
}

/** One metastore database per Synapse workspace, shared by every pool, session and batch of it. */
export function metastoreDatabase(workspace: string): string {
  return `metastore_${workspace.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** Parses Spark/Livy memory sizes ("28g", "512m", "1024k", "2048" MiB) into MiB. */
export function memoryMiB(value: unknown): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(String(value ?? ''));
  if (!match) return undefined;
  const factor = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024, '': 1 }[match[2].toLowerCase() as 'k'] ?? 1;
  const mib = Math.floor(Number(match[1]) * factor);
  return mib > 0 ? mib : undefined;
}

export function applicationConf(input: ApplicationConfInput): ApplicationConf {
  const notes: string[] = [];
  const request = input.request ?? {};
  const userConf = { ...(input.userConf ?? {}) };
  const bounds = input.memoryBoundsMiB ?? DEFAULT_MEMORY_BOUNDS;

  // Memory: the pool's node sizes (28g and up) are far beyond one laptop JVM; keep the ask within bounds.
  const askedMemory = userConf['spark.driver.memory'] ?? request.driverMemory;
  const askedMiB = memoryMiB(askedMemory);
  const driverMiB = Math.min(bounds.max, Math.max(bounds.min, askedMiB ?? DEFAULT_DRIVER_MEMORY_MIB));
  if (askedMemory !== undefined && askedMiB !== driverMiB) {
    notes.push(
      `driver memory ${String(askedMemory)} asked, ${driverMiB}m given (this machine allows ${bounds.min}m to ${bounds.max}m per application)`,
    );
  }

  // Cores: executors x cores become local-mode threads, at most what the machine allows.
  const executorCores = Number(userConf['spark.executor.cores'] ?? request.executorCores) || 0;
  const executors = Number(userConf['spark.executor.instances'] ?? request.numExecutors) || 0;
  const asked = executorCores * executors;
  const threads = Math.max(1, Math.min(input.maxCores, asked || input.maxCores));
  if (asked > threads)
    notes.push(`${executors} executors x ${executorCores} cores asked, local[${threads}] given (one JVM on ${input.maxCores} cores)`);

  const jars = input.jars.join(',');
  const classPath = input.jars.join(path.delimiter);
  const conf: Record<string, string> = {
    'spark.master': `local[${threads}]`,
    'spark.app.name': input.appName ?? 'synapse-emulator',
    'spark.driver.memory': `${driverMiB}m`,
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.ui.port': String(input.uiPort ?? 0), // by default a free port per application; the Livy pass-through finds it
    'spark.ui.showConsoleProgress': 'false',
    'spark.sql.shuffle.partitions': String(Math.max(2, threads * 2)),
    'spark.jars': jars,
    'spark.driver.extraClassPath': classPath,
    'spark.executor.extraClassPath': classPath,
    // The workspace's primary ADLS Gen2 file system is the default file system, as on a pool.
    'spark.hadoop.fs.defaultFS': defaultFsUri(input.defaultStorage),
    'spark.hadoop.fs.abfss.impl': 'synapse.emulator.EmulatedAbfsFileSystem',
    'spark.hadoop.fs.abfs.impl': 'synapse.emulator.EmulatedAbfsFileSystem',
    'spark.hadoop.fs.emulator.abfss.root': input.lakeRoot,
    'spark.hadoop.fs.emulator.abfss.accounts': [...new Set(input.accounts.map((a) => a.toLowerCase()))].join(','),
    // The lake database: one shared Hive metastore per workspace (Derby's network server admits many JVMs).
    'spark.sql.catalogImplementation': 'hive',
    'spark.sql.warehouse.dir': warehouseUri(input.workspace, input.defaultStorage),
    'spark.hadoop.javax.jdo.option.ConnectionURL': `jdbc:derby://127.0.0.1:${input.metastorePort}/${metastoreDatabase(input.workspace)};create=true`,
    'spark.hadoop.javax.jdo.option.ConnectionDriverName': 'org.apache.derby.jdbc.ClientDriver',
    'spark.hadoop.datanucleus.schema.autoCreateAll': 'true',
    'spark.hadoop.hive.metastore.schema.verification': 'false',
    'spark.hadoop.hive.metastore.schema.verification.record.version': 'false',
    // Delta Lake as on a Synapse 3.4 pool.
    'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
    'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
  };
  for (const [key, value] of Object.entries(userConf)) {
    if (RESERVED.has(key)) {
      if (key !== 'spark.driver.memory' && conf[key] !== value) notes.push(`${key} is set by the emulator; '${value}' was ignored`);
      continue;
    }
    conf[key] = value;
  }
  return { conf, notes };
}

/** spark-defaults.conf text: one `key value` line per entry, sorted, with no line breaks in values. */
export function sparkDefaultsText(conf: Record<string, string>): string {
  return `${Object.keys(conf)
    .sort()
    .map((key) => `${key} ${conf[key].replace(/[\r\n]+/g, ' ')}`)
    .join('\n')}\n`;
}

/** Spark's log: warnings and the lines that say which Spark started, to stderr (the Livy log). */
const LOG4J2 = `rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
logger.ui.name = org.apache.spark.ui.SparkUI
logger.ui.level = info
logger.hive.name = org.apache.hadoop.hive
logger.hive.level = error
logger.datanucleus.name = DataNucleus
logger.datanucleus.level = error
logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader
logger.nativecode.level = error
logger.warehouse.name = org.apache.spark.sql.internal.SharedState
logger.warehouse.level = warn
`;

/** Writes SPARK_CONF_DIR for one application and returns its path. */
export function writeConfDir(dir: string, conf: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'spark-defaults.conf'), sparkDefaultsText(conf));
  fs.writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J2);
  return dir;
}
