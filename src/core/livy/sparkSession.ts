/**
 * One Livy session for one (notebook, pool): created on demand (or adopted by id after a window reload),
 * walked through its cold start with live progress, used one statement at a time, kept alive while work
 * runs, shut down after an idle period, restarted or deleted on request. Its client-side state is an
 * explicit SessionStateMachine; callers listen to onDidChange.
 */
import * as l10n from '@vscode/l10n';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { coldStartProgress, type ColdStartProgress } from './coldStart';
import { SessionEndedError } from './errors';
import { isNotFound, type LivyApi } from './livyClient';
import { abortable, abortError, PollingPolicy, systemClock, type Clock } from './polling';
import { fromServerState, isTerminal, SessionStateMachine, type SessionState } from './sessionState';
import { SparkProgressTracker, type StatementProgress } from './sparkProgress';
import { resumeStatement, runStatement, type RunStatementOptions, type StatementResult } from './statementRunner';
import type { LivySessionInfo, SessionRequest, StatementKind } from './types';
import { describeError } from '../util/errors';

export interface SparkSessionOptions {
  api: LivyApi;
  /** The create body (without name/tags, which are added here). */
  request: () => Omit<SessionRequest, 'name'>;
  /** Session name shown in Synapse Studio and the Sessions view. */
  name: string;
  tags?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  /** PUT reset-timeout at most this often while statements run. */
  keepAliveMs?: number;
  /** Delete the session after this long without statements; 0 = never. */
  idleShutdownMs?: () => number;
  /** Told whenever the session id changes (store it to re-attach after reload). */
  onSessionId?(id: number | undefined): void;
  timers?: { setTimeout(cb: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** Live Spark progress of a statement run through SparkSession.run. */
export interface SparkProgressListener {
  /** New counts while the statement runs. */
  onUpdate(progress: StatementProgress): void;
  /** The Spark monitoring pass-through failed: stop showing progress (the session logs why, once). */
  onHidden?(): void;
}

export interface SessionStatementResult extends StatementResult {
  /**
   * The statement's final Spark progress (one short read after it ended), or undefined when there is none
   * to show (no Spark jobs, the statement ended before the first poll, the monitoring API failed).
   */
  sparkProgress?: Promise<StatementProgress | undefined>;
}

/** What the Sessions view shows for a statement this window runs. */
export interface RunningStatement {
  statementId: number;
  progress?: StatementProgress;
}

const START_POLLING = { initialDelayMs: 100, factor: 1.5, maxDelayMs: 1000 };
export const CREATED_BY_TAG = 'createdBy';
export const CREATED_BY_VALUE = 'azureml-synapse-spark-vscode';

export class SparkSession {
  private machine = new SessionStateMachine();
  private readonly changed = new Emitter<SparkSession>();
  readonly onDidChange = this.changed.event;
  private readonly progressChanged = new Emitter<SparkSession>();
  /** The running statement's Spark progress changed (kept apart from onDidChange: it fires every poll). */
  readonly onDidChangeProgress = this.progressChanged.event;
  /** Statements this window runs on the session, by id (several when notebooks share it: Livy runs them in turn). */
  private readonly running = new Map<number, RunningStatement>();
  /** The session whose monitoring failure was logged (logged once per session). */
  private progressFailureLogged: number | undefined;
  /** An application whose monitoring pass-through answered 404 for a whole grace period ("sessionId/appId"). */
  private progressAbsentFor: string | undefined;
  private id: number | undefined;
  private last: LivySessionInfo | undefined;
  private starting: Promise<number> | undefined;
  private readonly progressListeners = new Set<(p: ColdStartProgress) => void>();
  private lastKeepAlive = 0;
  private idleTimer: unknown;
  /** Statements this window runs now (their state is tracked here, not read from the server). */
  private ownStatements = 0;
  private disposed = false;
  /** The request the live session was created with (for %%configure: restart only when it changes). */
  private createdWith: string | undefined;
  /** A session that ended without the user asking (killed elsewhere, died, idle shutdown): told once its successor exists. */
  private lost: { id: number; why: string } | undefined;
  private replacementNotice: string | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly timers: NonNullable<SparkSessionOptions['timers']>;

  constructor(private readonly options: SparkSessionOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.timers = options.timers ?? { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.machine.onDidChange(() => this.changed.fire(this));
  }

  get state(): SessionState {
    return this.machine.state;
  }

  get sessionId(): number | undefined {
    return this.id;
  }

  get info(): LivySessionInfo | undefined {
    return this.last;
  }

  /** The statement this window runs on the session now, with its Spark progress when known. */
  get runningStatement(): RunningStatement | undefined {
    // Livy runs a session's statements in the order they came: the lowest id runs, the others wait.
    const first = Math.min(...this.running.keys());
    return this.running.get(first);
  }

  get api(): LivyApi {
    return this.options.api;
  }

  /** True while the create request of a new session is in flight or the session is cold-starting. */
  get isStarting(): boolean {
    return this.starting !== undefined;
  }

  /** True while a session exists (or is being created) that can run statements. */
  get isLive(): boolean {
    return this.id !== undefined && !isTerminal(this.machine.state);
  }

  /** Whether the current session was created with exactly this request. */
  matchesRequest(): boolean {
    return this.createdWith === JSON.stringify(this.options.request());
  }

  /** Adopts an existing session (stored before a window reload) when it is still alive; false otherwise. */
  async attach(id: number, signal?: AbortSignal): Promise<boolean> {
    try {
      const info = await this.options.api.getSession(id, signal);
      const state = fromServerState(info.state);
      if (isTerminal(state)) return false;
      this.adopt(info);
      this.createdWith = JSON.stringify(this.options.request()); // unknown; assume current settings
      this.log.info(`Re-attached to Spark session ${id} (${info.state}).`);
      if (state === 'busy') this.watchUntilFree();
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Resolves with the session id once the session is idle or busy (creating it first when needed).
   * `onProgress` hears the cold-start stages; aborting stops waiting, not the session's start.
   */
  async ensureReady(onProgress?: (p: ColdStartProgress) => void, signal?: AbortSignal): Promise<number> {
    if (this.disposed) throw new Error(l10n.t("This notebook's Spark session was closed."));
    if (this.id !== undefined && (this.state === 'idle' || this.state === 'busy')) return this.id;
    if (this.id !== undefined && isTerminal(this.state)) {
      this.lost ??= { id: this.id, why: l10n.t('ended ({0})', this.state) };
      this.forget();
    }
    if (!this.starting) {
      this.starting = this.start().finally(() => {
        this.starting = undefined;
      });
    }
    if (onProgress) this.progressListeners.add(onProgress);
    try {
      return await abortable(this.starting, signal);
    } finally {
      if (onProgress) this.progressListeners.delete(onProgress);
    }
  }

  /** Starts the session in the background (prewarm); failures are logged, the next run reports them. */
  prewarm(): void {
    this.ensureReady().catch((err) => this.log.warn(`Prewarming the Spark session failed: ${describeError(err)}`));
  }

  /**
   * Runs one statement. With `sparkProgress`, its Spark jobs are followed while it runs (see
   * SparkProgressTracker); the result never waits for that: its `sparkProgress` promise brings the final counts.
   */
  async run(
    code: string,
    kind: StatementKind,
    signal?: AbortSignal,
    onProgress?: (p: ColdStartProgress) => void,
    sparkProgress?: SparkProgressListener,
    onSubmitted?: (sessionId: number, statementId: number) => void,
  ): Promise<SessionStatementResult> {
    const id = await this.ensureReady(onProgress, signal);
    return this.follow(id, (options) => runStatement(this.options.api, id, code, kind, options), signal, sparkProgress, onSubmitted);
  }

  /**
   * Follows a statement submitted to this session before a window reload (the session was re-attached) to
   * its result, as `run` follows one it submits. Throws SessionEndedError when the session is no longer live.
   */
  async resume(
    sessionId: number,
    statementId: number,
    signal?: AbortSignal,
    sparkProgress?: SparkProgressListener,
  ): Promise<SessionStatementResult> {
    if (this.id !== sessionId || !this.isLive) {
      throw new SessionEndedError(sessionId, this.id === sessionId ? this.state : 'dead', 'it is no longer on the Spark pool');
    }
    return this.follow(sessionId, (options) => resumeStatement(this.options.api, sessionId, statementId, options), signal, sparkProgress);
  }

  private async follow(
    id: number,
    start: (options: RunStatementOptions) => Promise<StatementResult>,
    signal: AbortSignal | undefined,
    sparkProgress: SparkProgressListener | undefined,
    onSubmitted?: (sessionId: number, statementId: number) => void,
  ): Promise<SessionStatementResult> {
    this.cancelIdleShutdown();
    this.ownStatements++;
    this.machine.transition('busy');
    this.lastKeepAlive = this.clock.now();
    let tracker: SparkProgressTracker | undefined;
    let submitted: number | undefined;
    try {
      const result: SessionStatementResult = await start({
        signal,
        clock: this.clock,
        onPoll: () => void this.keepAlive(),
        onSubmitted: (statementId) => {
          submitted = statementId;
          this.running.set(statementId, { statementId });
          onSubmitted?.(id, statementId);
          this.progressChanged.fire(this);
          if (sparkProgress) {
            tracker = this.trackProgress(id, statementId, sparkProgress);
            tracker.start();
          }
        },
      });
      // The result is handed back now; the final Spark counts follow (one short read).
      if (tracker) result.sparkProgress = tracker.finish();
      return result;
    } catch (err) {
      tracker?.stop();
      if (err instanceof SessionEndedError && err.sessionId === id) this.markEnded(err.state);
      throw err;
    } finally {
      if (submitted !== undefined && this.running.delete(submitted)) this.progressChanged.fire(this);
      this.ownStatements--;
      // Another notebook sharing the session may still have a statement running or waiting.
      if (this.ownStatements === 0 && this.machine.state === 'busy') this.machine.transition('idle');
      this.armIdleShutdown();
    }
  }

  private trackProgress(sessionId: number, statementId: number, listener: SparkProgressListener): SparkProgressTracker {
    return new SparkProgressTracker({
      api: this.options.api,
      sessionId,
      statementId,
      clock: this.clock,
      notFoundGraceMs: this.progressAbsentFor === `${sessionId}/${this.last?.appId}` ? 0 : undefined,
      appId: () => (this.last?.id === sessionId ? this.last.appId : undefined),
      readAppId: async (signal) => {
        const info = await this.options.api.getSession(sessionId, signal);
        if (this.id === sessionId) this.last = info;
        return info.appId;
      },
      onUpdate: (progress) => {
        if (this.running.has(statementId)) {
          this.running.set(statementId, { statementId, progress });
          this.progressChanged.fire(this);
        }
        listener.onUpdate(progress);
      },
      onFailure: (err) => {
        const why = describeError(err);
        if (isNotFound(err)) this.progressAbsentFor = `${sessionId}/${this.last?.appId}`;
        if (this.progressFailureLogged !== sessionId) {
          this.progressFailureLogged = sessionId;
          this.log.warn(
            `Spark progress is not available for session ${sessionId} (statement ${statementId}); cells run without it: ${why}`,
          );
        } else {
          this.log.debug(`Spark progress of statement ${statementId} of session ${sessionId} failed: ${why}`);
        }
        listener.onHidden?.();
      },
    });
  }

  /** Reads the session from Livy (state, log, appInfo) and updates the machine. */
  async refresh(signal?: AbortSignal): Promise<LivySessionInfo | undefined> {
    if (this.id === undefined) return undefined;
    try {
      const info = await this.options.api.getSession(this.id, signal);
      this.last = info;
      this.machine.observe(info.state);
      return info;
    } catch (err) {
      if (isNotFound(err)) {
        this.markEnded('dead');
        return undefined;
      }
      throw err;
    }
  }

  /** Deletes the session (if any) and forgets it; the next run creates a new one. */
  async restart(): Promise<void> {
    await this.delete();
    this.lost = undefined; // asked for: nothing to explain
    this.resetMachine();
  }

  /**
   * Deletes the session and forgets it. With `why` (e.g. "was killed from the Sessions view") the user did
   * not ask this notebook for it: the cell that starts the next session says so (see takeReplacementNotice).
   */
  async delete(why?: string): Promise<void> {
    this.cancelIdleShutdown();
    const id = this.id;
    const starting = this.starting;
    if (id === undefined && starting) {
      // Deleting while the create request is in flight: wait for its id so the session does not leak.
      await starting.catch(() => undefined);
      return this.delete(why);
    }
    if (id === undefined) return;
    this.lost = why ? { id, why } : undefined;
    this.forget();
    try {
      await this.options.api.deleteSession(id);
      this.log.info(`Deleted Spark session ${id}.`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Once per replacement: why the previous session is gone and which one replaced it, when the last
   * session ended without the user asking (deleted elsewhere, died, shut down idle) and a new one started.
   */
  takeReplacementNotice(): string | undefined {
    const notice = this.replacementNotice;
    this.replacementNotice = undefined;
    return notice;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelIdleShutdown();
    this.changed.dispose();
    this.progressChanged.dispose();
    this.machine.dispose();
  }

  // ---- internals -------------------------------------------------------------------------------

  private resetMachine(): void {
    // The machine has terminal states; a restarted session is a new machine.
    this.machine.dispose();
    this.machine = new SessionStateMachine();
    this.machine.onDidChange(() => this.changed.fire(this));
    this.changed.fire(this);
  }

  private async start(): Promise<number> {
    const requestedAt = this.clock.now();
    if (this.id === undefined) {
      if (isTerminal(this.machine.state)) this.resetMachine();
      const request = this.options.request();
      const info = await this.options.api.createSession({
        ...request,
        name: this.options.name,
        tags: { ...(this.options.tags ?? {}), [CREATED_BY_TAG]: CREATED_BY_VALUE },
      });
      this.createdWith = JSON.stringify(request);
      this.adopt(info);
      this.log.info(`Created Spark session ${info.id} (${this.options.name}).`);
      if (this.lost) {
        this.replacementNotice = l10n.t(
          'Spark session {0} {1}, so this cell started a new session ({2}); variables and cached data from the old one are gone.',
          this.lost.id,
          this.lost.why,
          info.id,
        );
        this.lost = undefined;
      }
    }
    const id = this.id!;
    const policy = new PollingPolicy(START_POLLING);
    for (;;) {
      const info = this.last!;
      this.machine.observe(info.state);
      const state = this.machine.state;
      if (state === 'idle' || state === 'busy') return id;
      if (isTerminal(state)) {
        const reason = info.errors
          .map((e) => e.message ?? e.errorCode)
          .filter(Boolean)
          .join(' ');
        throw new SessionEndedError(id, info.state, reason || 'it failed to start', info.driverLogUrl);
      }
      const progress = coldStartProgress(info.coldStart, requestedAt, this.clock.now());
      for (const listener of [...this.progressListeners]) listener(progress);
      await this.clock.sleep(policy.nextDelay());
      if (this.id !== id) throw abortError(l10n.t('The session was deleted while it was starting.'));
      const fresh = await this.refresh();
      if (!fresh) throw new SessionEndedError(id, 'dead', 'the Spark pool no longer knows it');
    }
  }

  private adopt(info: LivySessionInfo): void {
    this.id = info.id;
    this.last = info;
    this.machine.observe(info.state);
    this.options.onSessionId?.(info.id);
    this.changed.fire(this);
  }

  private forget(): void {
    if (this.id === undefined) return;
    this.id = undefined;
    this.createdWith = undefined;
    this.options.onSessionId?.(undefined);
    if (!this.machine.isTerminal) this.machine.transition('killed');
    this.changed.fire(this);
  }

  private markEnded(serverState: string): void {
    if (this.id !== undefined) this.lost = { id: this.id, why: l10n.t('ended ({0})', serverState) };
    this.machine.observe(serverState === 'killed' ? 'killed' : serverState === 'error' ? 'error' : 'dead');
    this.options.onSessionId?.(undefined);
  }

  /** While a statement runs, PUT reset-timeout every keepAliveMs so a long cell never times the session out. */
  private async keepAlive(): Promise<void> {
    const every = this.options.keepAliveMs ?? 5 * 60_000;
    const now = this.clock.now();
    if (this.id === undefined || now - this.lastKeepAlive < every) return;
    this.lastKeepAlive = now;
    try {
      await this.options.api.resetTimeout(this.id);
    } catch (err) {
      this.log.debug(`reset-timeout failed: ${describeError(err)}`);
    }
  }

  private armIdleShutdown(): void {
    this.cancelIdleShutdown();
    const ms = this.options.idleShutdownMs?.() ?? 0;
    if (!(ms > 0) || this.disposed) return;
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.state !== 'idle') return;
      this.log.info(`Shutting down idle Spark session ${this.id} after ${Math.round(ms / 60_000)} min.`);
      this.delete(`was shut down after ${Math.round(ms / 60_000)} min without cells`).catch((err) =>
        this.log.warn(`Idle shutdown failed: ${describeError(err)}`),
      );
    }, ms);
  }

  /**
   * A session adopted while busy (a statement from before a window reload runs on) changes state on the
   * server only: read it now and then, backing off, until it is free, so the status bar and Sessions
   * view do not keep saying "busy". Stops as soon as a cell of ours runs (it tracks the state itself).
   */
  private watchUntilFree(delayMs = 2000): void {
    this.timers.setTimeout(() => {
      if (this.disposed || this.ownStatements > 0 || this.state !== 'busy') return;
      this.refresh().then(
        () => {
          if (this.ownStatements === 0 && this.state === 'busy') this.watchUntilFree(Math.min(Math.round(delayMs * 1.5), 15_000));
        },
        (err) => this.log.debug(`Reading the state of Spark session ${this.id} failed: ${describeError(err)}`),
      );
    }, delayMs);
  }

  private cancelIdleShutdown(): void {
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
