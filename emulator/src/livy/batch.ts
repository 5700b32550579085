/**
 * One Livy batch: walks the cold-start stages, then runs its `file` with its `args` as a Python process and
 * ends `success`/Succeeded on exit code 0, `dead`/Failed otherwise, or `killed`/Cancelled on delete. The
 * process's stdout/stderr lines become the batch's log[].
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { resolveJobFile } from './fileMapping';
import { appendLog, isEnded, markEnded, setState, type JobRecord } from './jobRecord';
import type { ColdStartDelays } from './context';
import type { LivyRuntime } from './runtime';

export interface BatchData {
  job: JobRecord;
  exitCode?: number | null;
}

export class LivyBatch {
  private child: ChildProcess | undefined;
  private shuttingDown = false;

  constructor(readonly data: BatchData, private readonly rt: LivyRuntime,
    private readonly delays: () => ColdStartDelays = () => rt.ctx.coldStart) {}

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
    const pyFiles = await Promise.all(((request.pyFiles as string[] | undefined) ?? [])
      .map((uri) => resolveJobFile(uri, this.rt.ctx)));
    const cwd = await this.rt.workDir('batch', job.workspace, job.pool, job.id);
    if (isEnded(job) || this.shuttingDown) {
      return;
    }
    const pythonPath = [path.dirname(file), ...pyFiles, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    const child = spawn(this.rt.ctx.pythonPath, ['-u', file, ...((request.args as string[] | undefined) ?? [])], {
      cwd,
      env: { ...process.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1', MPLBACKEND: 'Agg' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    job.appInfoLevel = 'full';
    setState(job, 'running', this.rt.now());
    readline.createInterface({ input: child.stdout! }).on('line', (line) => appendLog(job, 'stdout', line));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => appendLog(job, 'stderr', line));
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => this.onExit(code, signal, spawnError));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): void {
    this.child = undefined;
    this.data.exitCode = code;
    if (isEnded(this.job) || this.shuttingDown) {
      return;
    }
    if (code === 0) {
      markEnded(this.job, 'success', 'Succeeded', this.rt.now());
    } else if (spawnError) {
      this.fail('LIVY_JOB_STATE_DEAD', `Could not run ${this.rt.ctx.pythonPath}: ${spawnError.message}`, 'System');
    } else {
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      this.fail(`Spark_Ambiguous_NonJvmUserApp_ExitWithStatus${code ?? 1}`,
        `The Python program ${how}. Look at the log for its error.`, 'User');
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
    this.child?.kill('SIGKILL');
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
    this.child?.kill('SIGKILL');
  }
}
