/**
 * The emulator's Spark engine: real Apache Spark from the project's .spark-env, one local-mode JVM per
 * application. Gives each Livy session, Livy batch and pipeline Spark step its configuration folder and
 * environment, holds the metastore, and caps how many applications run at once (the rest wait).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { applicationConf, writeConfDir, type DataLakeLocation } from './conf';
import type { SparkEnv } from './env';
import { MetastoreServer } from './metastore';

export interface SparkEngineOptions {
  env: SparkEnv;
  /** Folder with one folder per ADLS account (the lake's bytes). */
  lakeRoot: string;
  /** Folder for the metastore's databases. */
  metastoreHome: string;
  /** Primary ADLS Gen2 location of a Synapse workspace; undefined for an unknown workspace. */
  workspaceStorage(workspace: string): DataLakeLocation | undefined;
  /** Every ADLS account of the emulated world. */
  accounts(): string[];
  /** How many applications may run at once (read on every acquire). */
  maxApplications(): number;
  log(line: string): void;
}

export interface ApplicationRequest {
  workspace: string;
  /** Folder of this application (its conf/ goes there). */
  dir: string;
  appName: string;
  /** Livy request fields (driverMemory, numExecutors...) or a Spark step's resources. */
  request?: Record<string, unknown>;
  userConf?: Record<string, string>;
  /** The Spark UI's port, for applications whose UI address must be known before they start (batches). */
  uiPort?: number;
}

export interface PreparedApplication {
  /** Environment for the Python or spark-submit process. */
  env: Record<string, string>;
  conf: Record<string, string>;
  /** What the request asked for that this machine gives differently. */
  notes: string[];
}

/** A place in the queue of applications; release() frees it (or leaves the queue while still waiting). */
export interface ApplicationSlot {
  readonly ready: Promise<void>;
  /** Applications running and the limit when this one had to wait; undefined when it started at once. */
  readonly waited?: { running: number; limit: number };
  release(): void;
}

export class SparkEngine {
  readonly metastore: MetastoreServer;
  private running = 0;
  private readonly queue: { start(): void }[] = [];

  constructor(private readonly options: SparkEngineOptions) {
    this.metastore = new MetastoreServer(options.env, options.metastoreHome, options.log);
  }

  get env(): SparkEnv {
    return this.options.env;
  }

  get version(): string {
    return this.options.env.sparkVersion;
  }

  get inUse(): number {
    return this.running;
  }

  acquire(): ApplicationSlot {
    let released = false;
    let started = false;
    let start!: () => void;
    const ready = new Promise<void>((resolve) => {
      start = () => {
        started = true;
        this.running++;
        resolve();
      };
    });
    const entry = { start };
    const limit = Math.max(1, this.options.maxApplications());
    let waited: { running: number; limit: number } | undefined;
    if (this.running < limit && this.queue.length === 0) {
      start();
    } else {
      waited = { running: this.running, limit };
      this.queue.push(entry);
    }
    return {
      ready,
      waited,
      release: () => {
        if (released) return;
        released = true;
        if (started) {
          this.running--;
          this.pump();
        } else {
          const index = this.queue.indexOf(entry);
          if (index >= 0) this.queue.splice(index, 1);
        }
      },
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && this.running < Math.max(1, this.options.maxApplications())) {
      this.queue.shift()!.start();
    }
  }

  /** Writes the application's conf folder (starting the metastore if needed) and returns its environment. */
  async prepare(app: ApplicationRequest): Promise<PreparedApplication> {
    const storage = this.options.workspaceStorage(app.workspace);
    if (!storage) throw new Error(`Synapse workspace '${app.workspace}' has no primary ADLS Gen2 storage in the emulator`);
    const metastorePort = await this.metastore.port();
    const { conf, notes } = applicationConf({
      workspace: app.workspace,
      defaultStorage: storage,
      accounts: this.options.accounts(),
      lakeRoot: this.options.lakeRoot,
      metastorePort,
      jars: this.options.env.jars,
      request: app.request,
      userConf: app.userConf,
      maxCores: os.cpus().length,
      appName: app.appName,
      uiPort: app.uiPort,
    });
    const confDir = writeConfDir(path.join(app.dir, 'conf'), conf);
    const env = this.options.env;
    return {
      conf,
      notes,
      env: {
        SPARK_CONF_DIR: confDir,
        SPARK_HOME: env.sparkHome,
        JAVA_HOME: env.javaHome,
        PYSPARK_PYTHON: env.python,
        PYSPARK_DRIVER_PYTHON: env.python,
        SPARK_LOCAL_IP: '127.0.0.1',
        PATH: `${path.dirname(env.python)}${path.delimiter}${process.env.PATH ?? ''}`,
        // Spark's own scratch space inside the application's folder, removed with it.
        SPARK_LOCAL_DIRS: path.join(app.dir, 'spark-local'),
      },
    };
  }

  /**
   * What every application does before it runs: takes an application slot (waiting for one, and saying so,
   * when the machine is full), then writes its configuration and says what Spark it gets. Undefined when
   * `stillWanted` turns false while it waited (deleted, cancelled, the emulator stopping); otherwise release()
   * must be called when the application ends.
   */
  async startApplication(
    app: ApplicationRequest,
    log: (line: string) => void,
    stillWanted: () => boolean,
  ): Promise<(PreparedApplication & { release(): void }) | undefined> {
    const slot = this.acquire();
    if (slot.waited)
      log(`Waiting for a free Spark application slot: ${slot.waited.running} of ${slot.waited.limit} are in use on this machine.`);
    await slot.ready;
    if (!stillWanted()) {
      slot.release();
      return undefined;
    }
    try {
      const prepared = await this.prepare(app);
      log(
        `Spark engine: Apache Spark ${this.version} in local mode (${prepared.conf['spark.master']}, driver memory ${prepared.conf['spark.driver.memory']}) in Synapse workspace ${app.workspace}.`,
      );
      for (const note of prepared.notes) log(`Spark configuration: ${note}.`);
      return { ...prepared, release: () => slot.release() };
    } catch (err) {
      slot.release();
      throw err;
    }
  }

  /** spark-submit's command line for a Python entry file, as a pool's batch job or Spark step runs it. */
  submitCommand(app: { name: string; file: string; args: string[]; pyFiles?: string[]; jars?: string[]; files?: string[] }): string[] {
    const { pyFiles = [], jars = [], files = [] } = app;
    return [
      this.env.sparkSubmit,
      '--name',
      app.name,
      ...(pyFiles.length ? ['--py-files', pyFiles.join(',')] : []),
      // --jars replaces spark.jars from spark-defaults.conf: keep the engine's own jars in it.
      ...(jars.length ? ['--jars', [...jars, ...this.env.jars].join(',')] : []),
      ...(files.length ? ['--files', files.join(',')] : []),
      app.file,
      ...app.args,
    ];
  }

  async stop(): Promise<void> {
    await this.metastore.stop();
  }
}
