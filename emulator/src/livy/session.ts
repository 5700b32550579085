/**
 * One Livy session: walks the cold-start stages, owns its Python runner process, runs its statements one at
 * a time, and ends as killed (delete), dead with LIVY_JOB_TIMED_OUT (idle timeout) or dead when its process
 * dies. Its data part (SessionData) is plain JSON for snapshots.
 */
import { appendLog, isEnded, markEnded, setState, type JobRecord, type SparkServiceError } from './jobRecord';
import { defaultRunnerScript, PythonRunner, type RunnerReply, type SparkStarted } from './pythonProcess';
import { badRequest, notFound } from './responses';
import type { ColdStartDelays } from './context';
import type { LivyRuntime } from './runtime';
import {
  interpreterDiedOutput,
  isFinished,
  outputFromReply,
  runsInPython,
  unsupportedKindOutput,
  type StatementRecord,
} from './statements';

export interface SessionData {
  job: JobRecord;
  statements: StatementRecord[];
  executionCount: number;
  idleTimeoutMs: number;
  lastActivity: number;
  conf: Record<string, string>;
  /** The pool's Spark version, to say in the log when the local engine differs. */
  poolSparkVersion?: string;
  /** The running Spark application's UI (its monitoring REST API), once the session started Spark. */
  sparkUiUrl?: string;
}

/** Re-send SIGINT while a cancelled statement keeps running (user code may swallow one interrupt). */
const INTERRUPT_REPEAT_MS = 500;

export class LivySession {
  private runner: PythonRunner | undefined;
  private running: StatementRecord | undefined;
  private cancelIdleTimer: (() => void) | undefined;
  private stopInterrupting: (() => void) | undefined;
  /** Set when the emulator stops: the records stay as they were (a snapshot restores them as lost). */
  private shuttingDown = false;

  constructor(
    readonly data: SessionData,
    private readonly rt: LivyRuntime,
    private readonly delays: () => ColdStartDelays = () => rt.ctx.coldStart,
  ) {}

  get job(): JobRecord {
    return this.data.job;
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /** Walks Queued -> Preparation -> ResourceAcquisition -> Submission -> Monitoring -> idle. */
  async coldStart(): Promise<void> {
    const { job } = this;
    let started: Promise<boolean> | undefined;
    const live = await this.rt.walkColdStart(job, this.delays, () => {
      started = this.startRunner();
    });
    if (!live || !(await started) || isEnded(job)) return;
    job.appInfoLevel = 'full';
    setState(job, 'idle', this.rt.now());
    this.touch();
    this.pump();
  }

  private async startRunner(): Promise<boolean> {
    const { job } = this;
    try {
      const cwd = await this.rt.workDir('session', job.workspace, job.pool, job.id);
      const env = await this.sparkEnvironment(cwd);
      if (env === undefined) return false;
      this.runner = await PythonRunner.start({
        python: this.rt.ctx.spark?.env.python ?? this.rt.ctx.pythonPath,
        script: this.rt.ctx.runnerScript ?? defaultRunnerScript(),
        cwd,
        env: {
          ...env,
          ...this.rt.synapseEnv(job),
          LIVY_EMU_SESSION_CONF: JSON.stringify(this.data.conf),
          LIVY_EMU_APP_NAME: job.name,
          ...(this.rt.ctx.sparkUnavailableReason ? { LIVY_EMU_NO_SPARK_REASON: this.rt.ctx.sparkUnavailableReason } : {}),
        },
        onLog: (stream, line) => appendLog(job, stream, line),
        onSpark: (info) => this.onSparkStarted(info),
        onExit: (description) => this.onRunnerExit(description),
      });
      if (isEnded(job) || this.shuttingDown) {
        this.runner.kill(); // deleted, or the emulator stopped, while the process was starting
        return false;
      }
      return true;
    } catch (err) {
      this.onRunnerExit(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  /**
   * With the Spark engine: waits (in `starting`) for a free application slot, then writes the application's
   * Spark configuration. Undefined when the session ended while it waited. Without the engine: no variables.
   */
  private async sparkEnvironment(dir: string): Promise<Record<string, string> | undefined> {
    const spark = this.rt.ctx.spark;
    const { job } = this;
    if (!spark) {
      appendLog(
        job,
        'stderr',
        `No Spark engine: ${this.rt.ctx.sparkUnavailableReason ?? 'not configured'}. Statements run in plain Python.`,
      );
      return {};
    }
    const started = await spark.startApplication(
      { workspace: job.workspace, dir, appName: job.name, request: job.request, userConf: this.data.conf },
      (line) => appendLog(job, 'stderr', line),
      () => !isEnded(job) && !this.shuttingDown,
    );
    if (!started) return undefined;
    this.releaseSlot = started.release;
    appendLog(job, 'stderr', 'Spark starts with the first statement that uses it.');
    if (
      this.data.poolSparkVersion &&
      !spark.version.startsWith(`${this.data.poolSparkVersion}.`) &&
      spark.version !== this.data.poolSparkVersion
    ) {
      appendLog(job, 'stderr', `This pool is Spark ${this.data.poolSparkVersion}; the emulator runs Apache Spark ${spark.version} for it.`);
    }
    return started.env;
  }

  private onSparkStarted(info: SparkStarted): void {
    this.job.appId = info.appId;
    this.data.sparkUiUrl = info.uiUrl ?? undefined;
    appendLog(
      this.job,
      'stderr',
      `Spark application ${info.appId} started (Apache Spark ${info.version}${info.uiUrl ? `, UI ${info.uiUrl}` : ''}).`,
    );
  }

  /** Frees the session's application slot (once); a no-op before it has one. */
  private releaseSlot: () => void = () => undefined;

  /** The process is gone: expected after delete/timeout, a failure otherwise (crash or injected fault). */
  private onRunnerExit(description: string): void {
    this.runner = undefined;
    this.data.sparkUiUrl = undefined;
    this.releaseSlot();
    const now = this.rt.now();
    if (isEnded(this.job) || this.shuttingDown) {
      return;
    }
    appendLog(this.job, 'stderr', `The session's Python process ended: ${description}`);
    const running = this.running;
    if (running) {
      running.state = 'error';
      running.output = interpreterDiedOutput(description, this.data.executionCount - 1);
      this.running = undefined;
    }
    this.end(
      'dead',
      'Failed',
      {
        errorCode: 'LIVY_JOB_STATE_DEAD',
        message: `Livy session has failed. Session state: Dead. ${capitalise(description)}.`,
        source: 'System',
      },
      now,
    );
  }

  /** DELETE: the session ends `killed` with result Cancelled, as recorded. */
  kill(): void {
    if (isEnded(this.job)) {
      return;
    }
    const now = this.rt.now();
    this.job.scheduler.cancellationRequestedAt = now;
    this.end('killed', 'Cancelled', undefined, now);
  }

  /** Fault injection: the Python process dies now; the session then ends `dead`. */
  crash(): void {
    if (this.runner) {
      this.runner.kill('SIGKILL');
    } else {
      this.onRunnerExit('the session was killed before its Python process started');
    }
  }

  private end(state: 'dead' | 'killed', result: 'Failed' | 'Cancelled', error: SparkServiceError | undefined, now: number): void {
    markEnded(this.job, state, result, now, error);
    this.cancelIdleTimer?.();
    this.stopInterrupting?.();
    for (const statement of this.data.statements) {
      if (!isFinished(statement)) {
        statement.state = 'cancelled';
      }
    }
    this.running = undefined;
    this.runner?.kill();
    this.runner = undefined;
    this.data.sparkUiUrl = undefined;
    this.releaseSlot();
  }

  // ---- idle timeout ------------------------------------------------------------------------------

  /** Activity restarts the idle clock (statement done, reset-timeout). */
  touch(): void {
    if (isEnded(this.job)) {
      return;
    }
    this.data.lastActivity = this.rt.now();
    this.armIdleTimer();
  }

  private armIdleTimer(): void {
    this.cancelIdleTimer?.();
    const remaining = this.data.lastActivity + this.data.idleTimeoutMs - this.rt.now();
    this.cancelIdleTimer = this.rt.timers.after(remaining, () => {
      if (isEnded(this.job) || this.job.state !== 'idle') {
        return; // busy or starting sessions do not time out; touch() re-arms later
      }
      if (this.rt.now() - this.data.lastActivity < this.data.idleTimeoutMs) {
        this.armIdleTimer();
        return;
      }
      this.job.timedOut = true;
      this.end(
        'dead',
        'Failed',
        {
          message: 'Job failed during run time with state=[dead].',
          errorCode: 'LIVY_JOB_TIMED_OUT',
          source: 'Unknown',
        },
        this.rt.now(),
      );
    });
  }

  // ---- statements --------------------------------------------------------------------------------

  addStatement(code: string, kind: string): StatementRecord {
    if (isEnded(this.job) || this.job.state === 'error') {
      throw badRequest(`Session ${this.job.id} is ${this.job.state}; it cannot run statements.`);
    }
    const statement: StatementRecord = { id: this.data.statements.length, code, kind, state: 'waiting', output: null };
    this.data.statements.push(statement);
    setImmediate(() => this.pump()); // the create answer shows `waiting`, as recorded
    return statement;
  }

  statement(id: number): StatementRecord {
    const statement = this.data.statements[id];
    if (!statement) {
      throw notFound('StatementNotFound', `Statement ${id} not found in session ${this.job.id}.`);
    }
    return statement;
  }

  /** Livy semantics: waiting -> cancelled; running -> cancelling -> cancelled; finished: no-op. */
  cancelStatement(id: number): void {
    const statement = this.statement(id);
    if (statement.state === 'waiting') {
      statement.state = 'cancelled';
    } else if (statement.state === 'running' && statement === this.running) {
      statement.state = 'cancelling';
      this.interruptUntilDone();
    }
  }

  private interruptUntilDone(): void {
    this.stopInterrupting?.();
    this.runner?.interrupt();
    this.stopInterrupting = this.rt.timers.after(INTERRUPT_REPEAT_MS, () => {
      if (this.running?.state === 'cancelling') {
        this.interruptUntilDone();
      }
    });
  }

  /** Starts the next waiting statement when the session is idle; called whenever that may have changed. */
  private pump(): void {
    const runner = this.runner;
    if (this.running || !runner || this.job.state !== 'idle' || isEnded(this.job)) {
      return;
    }
    const next = this.data.statements.find((statement) => statement.state === 'waiting');
    if (!next) {
      return;
    }
    const executionCount = this.data.executionCount++;
    if (!runsInPython(next.kind)) {
      next.state = 'available';
      next.output = unsupportedKindOutput(next.kind, executionCount);
      this.touch();
      this.pump();
      return;
    }
    next.state = 'running';
    this.running = next;
    setState(this.job, 'busy', this.rt.now());
    this.cancelIdleTimer?.();
    runner.execute({ id: next.id, code: next.code, kind: next.kind, execution_count: executionCount }).then(
      (reply) => this.finishStatement(next, reply),
      () => undefined, // the process died: onRunnerExit already settled the statement
    );
  }

  private finishStatement(statement: StatementRecord, reply: RunnerReply): void {
    if (this.running !== statement) {
      return;
    }
    this.running = undefined;
    this.stopInterrupting?.();
    if (statement.state === 'cancelling' || reply.status === 'cancelled') {
      statement.state = 'cancelled';
    } else {
      statement.state = 'available'; // a user exception is output.status "error", not a statement error
      statement.output = outputFromReply(reply);
    }
    if (!isEnded(this.job)) {
      setState(this.job, 'idle', this.rt.now());
      this.touch();
      this.pump();
    }
  }

  // ---- persistence -------------------------------------------------------------------------------

  /** After an emulator restart: a session that was live has lost its process and comes back dead. */
  markLostOnRestart(): void {
    if (isEnded(this.job)) {
      return;
    }
    for (const statement of this.data.statements) {
      if (statement.state === 'running' || statement.state === 'cancelling') {
        statement.state = 'error';
        statement.output = interpreterDiedOutput('the emulator restarted', this.data.executionCount - 1);
      }
    }
    this.end(
      'dead',
      'Failed',
      {
        errorCode: 'EMULATOR_RESTARTED',
        message: 'The emulator restarted while this session was live; its Python process did not survive. ' + 'Start a new session.',
        source: 'System',
      },
      this.rt.now(),
    );
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.cancelIdleTimer?.();
    this.stopInterrupting?.();
    await this.runner?.stop(200);
    this.releaseSlot();
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
