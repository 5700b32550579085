/** A virtual clock and a scripted in-memory Livy for timing tests (no real time passes). */
import { type LivyApi } from '../../../src/core/livy/livyClient';
import { AzureRequestError } from '../../../src/core/http/errors';
import { abortError, type Clock } from '../../../src/core/livy/polling';
import type { LivySessionInfo, LivyStatementInfo, SparkJobData, SparkStageData, StatementOutput } from '../../../src/core/livy/types';

export class FakeClock implements Clock {
  time = 1_000_000;
  private timers: { at: number; resolve: () => void; seq: number }[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortError());
      };
      const timer = {
        at: this.time + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        seq: this.seq++,
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs the virtual timers until `promise` settles (microtasks flushed between timers). */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const end = this.time + limitMs;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return promise;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next || next.at > end) throw new Error('fake clock: nothing left to run and the promise did not settle');
      this.time = next.at;
      next.resolve();
    }
  }
}

/**
 * One statement that finishes at `doneAt` (virtual ms); counts every request. Its Spark application
 * (`appId`, undefined until Spark runs) answers the monitoring pass-through from `jobs`/`stages` (functions
 * of the virtual time), or fails with `sparkFailure` (an HTTP status, or 0 for a network error).
 */
export class ScriptedLivy implements Partial<LivyApi> {
  requests: { op: string; at: number }[] = [];
  cancelled = false;
  sessionState = 'idle';
  retryAfterMs: number | undefined;
  appId: string | undefined = 'application_1_0001';
  jobs: (now: number) => SparkJobData[] = () => [];
  stages: (now: number) => SparkStageData[] = () => [];
  sparkFailure: number | undefined;
  /** Virtual latency of each monitoring request. */
  sparkLatencyMs = 0;

  constructor(
    private readonly clock: FakeClock,
    public doneAt: number,
    private readonly output: StatementOutput = { status: 'ok', executionCount: 0, data: { 'text/plain': 'done' } },
  ) {}

  api(): LivyApi {
    return this as unknown as LivyApi;
  }

  /** Virtual latency of the submit and of the cancel request (neither takes a signal). */
  submitLatencyMs = 0;
  cancelLatencyMs = 0;
  /** When the last submit answered (virtual ms). */
  submitAnsweredAt: number | undefined;

  async createStatement(): Promise<LivyStatementInfo> {
    this.requests.push({ op: 'POST', at: this.clock.now() });
    if (this.submitLatencyMs) await this.clock.sleep(this.submitLatencyMs);
    this.submitAnsweredAt = this.clock.now();
    return { id: 0, state: 'waiting' };
  }

  /** An HTTP status every statement poll fails with (after the client's own retries), until the statement is cancelled. */
  statementFailure: number | undefined;
  /** Virtual latency of each statement poll (a slow or stalled network); it ends early when the poll's signal aborts. */
  statementLatencyMs = 0;

  async getStatement(
    _sessionId?: number,
    _statementId?: number,
    signal?: AbortSignal,
  ): Promise<{ statement: LivyStatementInfo; retryAfterMs?: number }> {
    this.requests.push({ op: 'GET', at: this.clock.now() });
    if (this.statementLatencyMs && !this.cancelled) await this.clock.sleep(this.statementLatencyMs, signal);
    if (this.statementFailure && !this.cancelled)
      throw new AzureRequestError(`Could not read statement 0 (HTTP ${this.statementFailure})`, this.statementFailure);
    if (this.cancelled) return { statement: { id: 0, state: 'cancelled' } };
    const done = this.clock.now() >= this.doneAt;
    return {
      statement: done ? { id: 0, state: 'available', output: this.output } : { id: 0, state: 'running' },
      retryAfterMs: this.retryAfterMs,
    };
  }

  async cancelStatement(): Promise<void> {
    this.requests.push({ op: 'CANCEL', at: this.clock.now() });
    if (this.cancelLatencyMs) await this.clock.sleep(this.cancelLatencyMs);
    this.cancelled = true;
  }

  async getSession(id: number): Promise<LivySessionInfo> {
    this.requests.push({ op: 'GET session', at: this.clock.now() });
    return {
      id,
      state: this.sessionState,
      appId: this.appId,
      tags: {},
      log: [],
      errors: [{ errorCode: 'LIVY_JOB_STATE_DEAD', message: 'Python process died.' }],
      coldStart: {},
    };
  }

  async getSparkJobs(_sessionId: number, appId: string, signal?: AbortSignal): Promise<SparkJobData[]> {
    this.requests.push({ op: 'JOBS', at: this.clock.now() });
    await this.spark(appId, signal);
    return this.jobs(this.clock.now());
  }

  async getSparkStages(_sessionId: number, appId: string, _status?: string, signal?: AbortSignal): Promise<SparkStageData[]> {
    this.requests.push({ op: 'STAGES', at: this.clock.now() });
    await this.spark(appId, signal);
    return this.stages(this.clock.now());
  }

  private async spark(appId: string, signal?: AbortSignal): Promise<void> {
    if (this.sparkLatencyMs) await this.clock.sleep(this.sparkLatencyMs, signal);
    if (this.sparkFailure === 0) throw new AzureRequestError('Could not read the Spark jobs: connect ECONNREFUSED', undefined);
    if (this.sparkFailure !== undefined)
      throw new AzureRequestError(`Could not read the Spark jobs (HTTP ${this.sparkFailure})`, this.sparkFailure);
    if (appId !== this.appId) throw new AzureRequestError(`no such app: ${appId}`, 404);
  }
}
