/**
 * One Livy batch: walks the cold-start stages, then runs its `file` with its `args` through spark-submit on
 * the emulator's Spark engine (conf, pyFiles, jars, files, driver and executor settings as on a pool; plain
 * Python when no engine is installed) and ends `success`/Succeeded on exit code 0, `dead`/Failed otherwise,
 * or `killed`/Cancelled on delete. The process's stdout/stderr lines become the batch's log[].
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { resolveJobFile } from './fileMapping';
import { appendLog, isEnded, markEnded, setState, type JobRecord } from './jobRecord';
import type { ColdStartDelays } from './context';
import type { LivyRuntime } from './runtime';
import { freePort } from '../spark/metastore';

export interface BatchData {
  job: JobRecord;
  exitCode?: number | null;
  /** The running application's UI (its monitoring REST API). */
  sparkUiUrl?: string;
}

export class LivyBatch {
  private child: ChildProcess | undefined;
  private shuttingDown = false;

  constructor(
    readonly data: BatchData,
    private readonly rt: LivyRuntime,
    private readonly delays: () => ColdStartDelays = () => rt.ctx.coldStart,
  ) {}

  get job(): JobRecord {
    return this.data.job;
  }

  async run(): Promise<void> {
    if (!(await this.rt.walkColdStart(this.job, this.delays))) return;
    try {
      await this.startProcess();
    } catch (err) {
      this.fail('LIVY_JOB_STATE_DEAD', err instanceof Error ? err.message : String(err), 'User');
    }
  }

  private async startProcess(): Promise<void> {
    const { job } = this;
    const request = job.request;
    const file = await resolveJobFile(String(request.file), this.rt.ctx);
    if (!file.endsWith('.py')) {
      throw new Error(`The emulator runs Python batch files only; '${String(request.file)}' is not a .py file.`);
    }
    const list = (key: string) => (request[key] as string[] | undefined) ?? [];
    const resolveAll = (key: string) => Promise.all(list(key).map((uri) => resolveJobFile(uri, this.rt.ctx)));
    const [pyFiles, jars, files] = [await resolveAll('pyFiles'), await resolveAll('jars'), await resolveAll('files')];
    const cwd = await this.rt.workDir('batch', job.workspace, job.pool, job.id);
    if (isEnded(job) || this.shuttingDown) {
      return;
    }
    const args = list('args');
    let command: string[];
    let env: Record<string, string>;
    const spark = this.rt.ctx.spark;
    let uiPort: number | undefined;
    if (spark) {
      // The UI's address is chosen here: a batch runs the user's script, which cannot report it the way a
      // session's runner does, and Spark 3.4 does not log it.
      uiPort = await freePort();
      const started = await spark.startApplication(
        {
          workspace: job.workspace,
          dir: cwd,
          appName: job.name,
          request,
          userConf: request.conf as Record<string, string> | undefined,
          uiPort,
        },
        (line) => appendLog(job, 'stderr', line),
        () => !isEnded(job) && !this.shuttingDown,
      );
      if (!started) return;
      this.releaseSlot = started.release;
      command = spark.submitCommand({ name: job.name, file, args, pyFiles, jars, files });
      env = {
        ...started.env,
        ...this.rt.synapseEnv(job),
        PYTHONPATH: [this.rt.notebookUtilsPath(), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      };
    } else {
      appendLog(
        job,
        'stderr',
        `No Spark engine: ${this.rt.ctx.sparkUnavailableReason ?? 'not configured'}. The file runs with plain Python.`,
      );
      command = [this.rt.ctx.pythonPath, '-u', file, ...args];
      env = {
        ...this.rt.synapseEnv(job),
        PYTHONPATH: [path.dirname(file), ...pyFiles, this.rt.notebookUtilsPath(), process.env.PYTHONPATH]
          .filter(Boolean)
          .join(path.delimiter),
      };
    }
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: { ...process.env, ...env, PYTHONUNBUFFERED: '1', MPLBACKEND: 'Agg' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // spark-submit's JVM and Python in one group, ended together
    });
    this.child = child;
    job.appInfoLevel = 'full';
    setState(job, 'running', this.rt.now());
    readline.createInterface({ input: child.stdout! }).on('line', (line) => appendLog(job, 'stdout', line));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      appendLog(job, 'stderr', line);
      const ui = /Bound SparkUI to [^,]+, and started at (http:\/\/\S+)/.exec(line);
      if (ui) void this.learnAppId(ui[1]);
    });
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => this.onExit(code, signal, spawnError));
    if (uiPort !== undefined) void this.watchUi(`http://127.0.0.1:${uiPort}`);
  }

  /** Asks the chosen UI address for the application until it answers or the batch ends. */
  private async watchUi(uiUrl: string): Promise<void> {
    while (this.child && !isEnded(this.job) && !this.data.sparkUiUrl) {
      await this.learnAppId(uiUrl);
      if (!this.data.sparkUiUrl) await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The application id from the running application's own REST API. */
  private async learnAppId(uiUrl: string): Promise<void> {
    try {
      const response = await fetch(`${uiUrl}/api/v1/applications`, { signal: AbortSignal.timeout(5000) });
      const apps = (await response.json()) as { id?: string }[];
      if (apps[0]?.id && !isEnded(this.job)) {
        this.job.appId = apps[0].id;
        this.data.sparkUiUrl = uiUrl;
      }
    } catch {
      // not up yet ("Spark is starting up"), or the application ended first: its id stays the scheduler's
    }
  }

  /** Frees the batch's application slot; a no-op before it has one. */
  private releaseSlot: () => void = () => undefined;

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): void {
    this.child = undefined;
    this.releaseSlot();
    this.data.sparkUiUrl = undefined;
    this.data.exitCode = code;
    if (isEnded(this.job) || this.shuttingDown) {
      return;
    }
    if (code === 0) {
      markEnded(this.job, 'success', 'Succeeded', this.rt.now());
    } else if (spawnError) {
      this.fail('LIVY_JOB_STATE_DEAD', `Could not start the batch: ${spawnError.message}`, 'System');
    } else {
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      this.fail(
        `Spark_Ambiguous_NonJvmUserApp_ExitWithStatus${code ?? 1}`,
        `The Python program ${how}. Look at the log for its error.`,
        'User',
      );
    }
  }

  private fail(errorCode: string, message: string, source: 'User' | 'System'): void {
    appendLog(this.job, 'stderr', message);
    markEnded(this.job, 'dead', 'Failed', this.rt.now(), { errorCode, message, source });
  }

  /** DELETE: ends `killed`/Cancelled and stops the process. */
  kill(): void {
    if (isEnded(this.job)) {
      return;
    }
    const now = this.rt.now();
    this.job.scheduler.cancellationRequestedAt = now;
    markEnded(this.job, 'killed', 'Cancelled', now);
    this.killGroup();
  }

  private killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.child?.kill('SIGKILL');
    }
  }

  markLostOnRestart(): void {
    if (!isEnded(this.job)) {
      markEnded(this.job, 'dead', 'Failed', this.rt.now(), {
        errorCode: 'EMULATOR_RESTARTED',
        message: 'The emulator restarted while this batch was running; its process did not survive. Submit it again.',
        source: 'System',
      });
    }
  }

  shutdown(): void {
    this.shuttingDown = true;
    this.killGroup();
    this.releaseSlot();
  }
}
