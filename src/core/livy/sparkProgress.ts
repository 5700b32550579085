/**
 * Live Spark progress of one running Livy statement. Livy runs each statement in the Spark job group named
 * by its id, so the statement's jobs are the application's jobs whose `jobGroup` is that id; Spark's
 * monitoring REST API, passed through by Synapse's Livy endpoint, lists them with their task and stage
 * counts. The tracker polls it while the statement runs (about once a second, backing off on long
 * statements, never more than one request per second on average), tells a listener, does one short final
 * fetch when the statement ends, and gives up quietly (one log line, through the caller) when the
 * pass-through fails or is absent. VS Code-free.
 */
import { isNotFound, type LivyApi } from './livyClient';
import { systemClock, type Clock } from './polling';
import type { SparkJobData, SparkStageData } from './types';

/** Spark writes dates as `2025-03-19T07:33:40.386GMT`; undefined when absent or unreadable. */
export function parseSparkDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.trim().replace(/GMT$/, 'Z'));
  return Number.isNaN(ms) ? undefined : ms;
}

export interface JobProgress {
  jobId: number;
  name: string;
  status: string;
  /** Names of the job's stages running now (from the last stages read; may be empty). */
  activeStages: string[];
  stagesDone: number;
  /** The job's stages less the skipped ones. */
  stagesTotal: number;
  tasksDone: number;
  /** The job's tasks less the skipped ones (Spark UI's own bar total). */
  tasksTotal: number;
  activeTasks: number;
  failedTasks: number;
  killedTasks: number;
  /** Submission to completion (or to now while it runs), ms; undefined without a submission time. */
  elapsedMs?: number;
}

export interface StatementProgress {
  statementId: number;
  /** The statement's jobs, oldest first. */
  jobs: JobProgress[];
  stagesDone: number;
  tasksDone: number;
  tasksTotal: number;
  failedTasks: number;
  /** True once the statement ended and the last read was made. */
  final: boolean;
}

/**
 * The statement's jobs from a `/jobs` listing (any order; Spark lists newest first) and, optionally, an
 * `/stages` listing for the names of running stages. Jobs of other groups (other statements, "SystemJob")
 * and jobs without a group are left out.
 */
export function aggregateProgress(
  statementId: number,
  jobs: readonly SparkJobData[],
  stages: readonly SparkStageData[] = [],
  now = Date.now(),
  final = false,
): StatementProgress {
  const group = String(statementId);
  return {
    statementId,
    ...aggregateJobs(
      jobs.filter((j) => j.jobGroup === group),
      stages,
      now,
    ),
    final,
  };
}

/**
 * Every job of an application: a Spark batch has no statements, so all its jobs are its progress (reached as
 * `sessions/{batchId}/applications/{appId}`, as Microsoft's metrics connector reaches batch applications).
 */
export function applicationProgress(
  jobs: readonly SparkJobData[],
  stages: readonly SparkStageData[] = [],
  now = Date.now(),
  final = false,
): StatementProgress {
  return { statementId: -1, ...aggregateJobs(jobs, stages, now), final };
}

function aggregateJobs(
  jobs: readonly SparkJobData[],
  stages: readonly SparkStageData[],
  now: number,
): Omit<StatementProgress, 'statementId' | 'final'> {
  const mine = [...jobs].sort((a, b) => a.jobId - b.jobId);
  const result: JobProgress[] = mine.map((job) => {
    const ids = new Set(job.stageIds ?? []);
    const activeStages = stages
      .filter((s) => ids.has(s.stageId) && s.status === 'ACTIVE')
      .sort((a, b) => a.stageId - b.stageId)
      .map((s) => s.name);
    const submitted = parseSparkDate(job.submissionTime);
    const completed = parseSparkDate(job.completionTime);
    const skipped = num(job.numSkippedTasks);
    return {
      jobId: job.jobId,
      name: job.name ?? `job ${job.jobId}`,
      status: job.status ?? 'UNKNOWN',
      activeStages: job.status === 'RUNNING' ? activeStages : [],
      stagesDone: num(job.numCompletedStages),
      stagesTotal: Math.max(0, (job.stageIds?.length ?? 0) - num(job.numSkippedStages)),
      tasksDone: num(job.numCompletedIndices ?? job.numCompletedTasks),
      tasksTotal: Math.max(0, num(job.numTasks) - skipped),
      activeTasks: num(job.numActiveTasks),
      failedTasks: num(job.numFailedTasks),
      killedTasks: num(job.numKilledTasks),
      elapsedMs: submitted === undefined ? undefined : Math.max(0, (completed ?? now) - submitted),
    };
  });
  const sum = (f: (j: JobProgress) => number) => result.reduce((n, j) => n + f(j), 0);
  return {
    jobs: result,
    stagesDone: sum((j) => j.stagesDone),
    tasksDone: sum((j) => j.tasksDone),
    tasksTotal: sum((j) => j.tasksTotal),
    failedTasks: sum((j) => j.failedTasks),
  };
}

function num(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Poll spacing: 1 s for the first 10 s of the statement, then 2 s, then 3 s from 30 s on. */
export function progressDelay(elapsedMs: number): number {
  return elapsedMs < 10_000 ? 1000 : elapsedMs < 30_000 ? 2000 : 3000;
}

/** How long the final read at the statement's end may take before it is given up. */
export const FINAL_FETCH_TIMEOUT_MS = 500;

export interface ProgressTrackerOptions {
  api: LivyApi;
  sessionId: number;
  statementId: number;
  /** The session's Spark application id as last known (undefined until Spark runs). */
  appId(): string | undefined;
  /** Re-reads the session for its application id (Spark starts with the first statement that uses it). */
  readAppId(signal: AbortSignal): Promise<string | undefined>;
  onUpdate(progress: StatementProgress): void;
  /** The pass-through failed: progress is hidden for this statement; the caller logs it once. */
  onFailure(err: unknown): void;
  clock?: Clock;
  /**
   * How long into the statement a 404 still means "not yet" (Spark starting, its application not registered
   * with the pass-through yet) rather than "absent"; the session's application id is re-read on each. 0 gives
   * up on the first 404 (the session saw the pass-through absent for this application before).
   */
  notFoundGraceMs?: number;
}

/** Default for ProgressTrackerOptions.notFoundGraceMs. */
export const NOT_FOUND_GRACE_MS = 30_000;

/**
 * Polls one statement's Spark progress until stop() or finish(). Every request (the jobs list, a stages
 * list when a running job entered a new stage, a session read for the application id) counts towards a
 * budget of one per second on average: after a tick that spent n requests the next wait is n times the
 * cadence, so a job that needs its stage names read costs time, not extra load.
 */
export class SparkProgressTracker {
  private readonly abort = new AbortController();
  private readonly clock: Clock;
  private readonly startedAt: number;
  private stopped = false;
  private failed = false;
  private polled = false;
  private jobs: SparkJobData[] = [];
  private stages: SparkStageData[] = [];
  /** The running jobs' completed-stage counts at the last stages read ("jobId:done" keys). */
  private stagesReadFor = '';
  private loop: Promise<void> | undefined;
  /** Requests spent, for tests and the benchmark. */
  requests = 0;
  last: StatementProgress | undefined;

  constructor(private readonly options: ProgressTrackerOptions) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops at once (cancel, failure): no final read. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  /**
   * The statement ended: abort any read in flight and, if the tracker polled at all (the statement ran
   * past the first poll) and saw no failure, read the jobs once more with a short timeout for the final
   * counts. Resolves with the final progress, or undefined when there is none to show.
   */
  async finish(timeoutMs = FINAL_FETCH_TIMEOUT_MS): Promise<StatementProgress | undefined> {
    const polled = this.polled;
    this.stop();
    if (this.failed || !polled) return undefined;
    const appId = this.options.appId();
    if (appId === undefined) return undefined;
    const timeout = new AbortController();
    const timer = this.clock.sleep(timeoutMs, timeout.signal).then(
      () => 'timeout' as const,
      () => 'timeout' as const,
    );
    try {
      this.requests++;
      const read = this.options.api.getSparkJobs(this.options.sessionId, appId, timeout.signal);
      const answer = await Promise.race([read, timer]);
      read.catch(() => undefined);
      if (answer !== 'timeout') this.jobs = answer;
    } catch {
      // the last counts seen stand
    } finally {
      timeout.abort();
    }
    this.last = aggregateProgress(this.options.statementId, this.jobs, [], this.clock.now(), true);
    return this.last.jobs.length ? this.last : undefined;
  }

  private async run(): Promise<void> {
    let spent = 1;
    while (!this.stopped) {
      const delay = progressDelay(this.clock.now() - this.startedAt) * Math.max(1, spent);
      try {
        await this.clock.sleep(delay, this.abort.signal);
      } catch {
        return;
      }
      if (this.stopped) return;
      try {
        spent = await this.tick();
      } catch (err) {
        if (this.stopped) return;
        this.failed = true;
        this.stop();
        this.options.onFailure(err);
        return;
      }
    }
  }

  /** One poll; returns the requests it made. */
  private async tick(): Promise<number> {
    const { api, sessionId, statementId } = this.options;
    const signal = this.abort.signal;
    let spent = 0;
    let appId = this.options.appId();
    if (appId === undefined) {
      spent++;
      this.requests++;
      appId = await this.options.readAppId(signal);
      if (appId === undefined) return spent; // Spark is not up yet
    }
    spent++;
    this.requests++;
    this.polled = true;
    try {
      this.jobs = await api.getSparkJobs(sessionId, appId, signal);
    } catch (err) {
      if (!isNotFound(err) || this.stopped) throw err;
      // The application may have changed (a lazily started Spark replaces the placeholder id) or not be
      // registered yet: re-read the session; give up once the grace period is over.
      spent++;
      this.requests++;
      const fresh = await this.options.readAppId(signal);
      if (fresh !== undefined && fresh !== appId) return spent;
      if (this.clock.now() - this.startedAt >= (this.options.notFoundGraceMs ?? NOT_FOUND_GRACE_MS)) throw err;
      return spent;
    }
    if (this.stopped) return spent;
    const running = this.jobs.filter((j) => j.jobGroup === String(statementId) && j.status === 'RUNNING' && j.numActiveStages > 0);
    const key = running.map((j) => `${j.jobId}:${j.numCompletedStages}`).join(',');
    if (running.length && key !== this.stagesReadFor) {
      spent++;
      this.requests++;
      this.stages = await api.getSparkStages(sessionId, appId, 'active', signal);
      this.stagesReadFor = key;
    }
    if (this.stopped) return spent;
    this.last = aggregateProgress(statementId, this.jobs, this.stages, this.clock.now());
    if (this.last.jobs.length) this.options.onUpdate(this.last);
    return spent;
  }
}
