/**
 * Runs one statement to a final state: submit, poll with the adaptive policy, and on abort ask Livy to
 * cancel it and wait (briefly) until it is cancelled. A session that ends under the statement surfaces as
 * SessionEndedError, a statement cancelled by someone else as StatementCancelledError; nothing waits forever.
 */
import * as l10n from '@vscode/l10n';
import { SessionEndedError, StatementCancelledError } from './errors';
import type { LivyApi } from './livyClient';
import { isNotFound, MAX_RETRY_AFTER_MS } from './livyClient';
import { AzureRequestError } from '../http/errors';
import { abortable, abortError, PollingPolicy, systemClock, type Clock, type PollingOptions } from './polling';
import type { LivyStatementInfo, StatementKind, StatementOutput } from './types';
import { isEndedServerState } from './types';
import { describeError } from '../util/errors';

export interface StatementResult {
  statementId: number;
  output: StatementOutput;
  /** Requests spent (submit + polls), for the benchmark and tests. */
  requests: number;
}

export interface RunStatementOptions {
  signal?: AbortSignal;
  clock?: Clock;
  polling?: PollingOptions;
  /** Called after each poll (e.g. to keep the session alive during long statements). */
  onPoll?(statement: LivyStatementInfo): void;
  /** Called once Livy accepted the statement, with its id (e.g. to follow its Spark jobs). */
  onSubmitted?(statementId: number): void;
}

const FINAL = ['available', 'error', 'cancelled'];
/** The longest Retry-After a statement poll honours; a longer one ends the cell with a clear error. */
export { MAX_RETRY_AFTER_MS };
/** After a cancel request, how long to wait for Livy to confirm before giving up on it. */
const CANCEL_CONFIRM_MS = 3000;
/**
 * On an interrupt, how long the cell waits for the cancel to be confirmed; the cancel goes on in the background
 * after that, so an interrupt ends the cell within about a second whatever the network does.
 */
export const INTERRUPT_CANCEL_WAIT_MS = 1000;

export async function runStatement(
  api: LivyApi,
  sessionId: number,
  code: string,
  kind: StatementKind,
  options: RunStatementOptions = {},
): Promise<StatementResult> {
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  if (signal?.aborted) throw abortError();
  let submitted: LivyStatementInfo;
  // The submit itself is not aborted (the pool may have accepted it already): an interrupt stops the wait,
  // and the statement it created, once known, is cancelled in the background.
  const submitting = api.createStatement(sessionId, code, kind);
  try {
    submitted = await abortable(submitting, signal);
  } catch (err) {
    if (signal?.aborted) {
      if (!detached(signal))
        submitting.then(
          (s) => cancel(api, sessionId, s.id, clock),
          () => undefined,
        );
      throw abortError('The statement was cancelled.');
    }
    throw await submitFailure(api, sessionId, err);
  }
  options.onSubmitted?.(submitted.id);
  return followStatement(api, sessionId, submitted, 1, options);
}

/**
 * Follows a statement submitted earlier (before a window reload) to its final state, exactly as if this
 * window had submitted it: same polling, cancel on abort, and the same errors when the session is gone.
 */
export async function resumeStatement(
  api: LivyApi,
  sessionId: number,
  statementId: number,
  options: RunStatementOptions = {},
): Promise<StatementResult> {
  if (options.signal?.aborted) throw abortError();
  let statement: LivyStatementInfo;
  try {
    statement = (await api.getStatement(sessionId, statementId, options.signal)).statement;
  } catch (err) {
    if (isNotFound(err)) throw await endedError(api, sessionId, l10n.t('statement {0} is gone', statementId));
    throw err;
  }
  options.onSubmitted?.(statement.id);
  return followStatement(api, sessionId, statement, 1, options);
}

/**
 * An abort whose reason is a DetachedError (the window is closing or reloading) stops following the
 * statement without cancelling it: it runs on, and the next window picks its result up.
 */
export class DetachedError extends Error {
  override readonly name = 'DetachedError';
}

function detached(signal: AbortSignal | undefined): boolean {
  return signal?.reason instanceof DetachedError;
}

async function followStatement(
  api: LivyApi,
  sessionId: number,
  first: LivyStatementInfo,
  requestsSoFar: number,
  options: RunStatementOptions,
): Promise<StatementResult> {
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  let requests = requestsSoFar;
  const policy = new PollingPolicy(options.polling);
  let statement = first;
  let retryAfterMs: number | undefined;
  const stop = async (): Promise<never> => {
    if (detached(signal)) throw abortError(l10n.t('Stopped following the statement; it runs on.'));
    throw await interrupted(api, sessionId, statement.id, clock);
  };
  while (!FINAL.includes(statement.state)) {
    try {
      await clock.sleep(policy.nextDelay(retryAfterMs), signal);
    } catch (err) {
      if (signal?.aborted) return stop();
      throw err;
    }
    try {
      // The signal reaches the request (and the SDK's own retry waits), so an interrupt never waits on the network.
      const answer = await api.getStatement(sessionId, statement.id, signal);
      requests++;
      statement = answer.statement;
      retryAfterMs = answer.retryAfterMs;
    } catch (err) {
      requests++;
      if (signal?.aborted) return stop();
      if (isNotFound(err)) throw await endedError(api, sessionId, 'the statement is gone');
      if (err instanceof AzureRequestError && err.retryAfterMs !== undefined && err.retryAfterMs > MAX_RETRY_AFTER_MS) {
        await cancel(api, sessionId, statement.id, clock);
        throw retryAfterTooLong(err.retryAfterMs, err);
      }
      // The client's own retries are spent: the result can no longer be read, so the statement is not left
      // running unseen. Cancel it (best effort) and say so.
      await cancel(api, sessionId, statement.id, clock);
      const why = describeError(err);
      throw new Error(
        `${why.replace(/\.?$/, '.')} ${l10n.t('Its status could no longer be read, so statement {0} was asked to stop (best effort); run the cell again.', statement.id)}`,
        { cause: err },
      );
    }
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
      await cancel(api, sessionId, statement.id, clock);
      throw retryAfterTooLong(retryAfterMs);
    }
    options.onPoll?.(statement);
  }
  if (statement.state === 'cancelled') {
    const ended = await endedOrUndefined(api, sessionId);
    throw ended ?? new StatementCancelledError(l10n.t('The statement was cancelled on the Spark pool.'));
  }
  if (statement.state === 'error' || !statement.output) {
    // An interpreter-level failure (a user exception is `available` with an error output): is the session gone?
    const ended = await endedOrUndefined(api, sessionId);
    if (ended) throw ended;
    if (!statement.output) throw new Error(l10n.t('Statement {0} failed without an output.', statement.id));
  }
  return { statementId: statement.id, output: statement.output!, requests };
}

/** A wait this long is not throttling a poll: say so rather than leave the cell silent for minutes. */
function retryAfterTooLong(retryAfterMs: number, cause?: unknown): Error {
  return new Error(
    l10n.t(
      'The Spark pool asked to wait {0} s before the next status check (Retry-After), longer than the {1} s this extension waits; the statement was cancelled. Run the cell again later.',
      Math.round(retryAfterMs / 1000),
      MAX_RETRY_AFTER_MS / 1000,
    ),
    { cause },
  );
}

/**
 * The user interrupted: ask Livy to cancel and wait for it at most INTERRUPT_CANCEL_WAIT_MS (the cancel goes on
 * in the background after that), then the AbortError that ends the cell.
 */
async function interrupted(api: LivyApi, sessionId: number, statementId: number, clock: Clock): Promise<Error> {
  const waited = new AbortController();
  await Promise.race([
    cancel(api, sessionId, statementId, clock),
    clock.sleep(INTERRUPT_CANCEL_WAIT_MS, waited.signal).catch(() => undefined),
  ]);
  waited.abort();
  return abortError('The statement was cancelled.');
}

/**
 * Best effort: ask Livy to cancel, then poll fast until the statement is final or the confirm window ends
 * (a confirming read still in flight then, slowed or throttled, is abandoned).
 */
async function cancel(api: LivyApi, sessionId: number, statementId: number, clock: Clock): Promise<void> {
  const confirm = new AbortController();
  try {
    await api.cancelStatement(sessionId, statementId);
    const deadline = clock.now() + CANCEL_CONFIRM_MS;
    clock.sleep(CANCEL_CONFIRM_MS, confirm.signal).then(
      () => confirm.abort(),
      () => undefined,
    );
    const policy = new PollingPolicy({ initialDelayMs: 20, factor: 1.5, maxDelayMs: 250 });
    while (clock.now() < deadline) {
      await clock.sleep(policy.nextDelay(), confirm.signal);
      const { statement } = await api.getStatement(sessionId, statementId, confirm.signal);
      if (FINAL.includes(statement.state)) return;
    }
  } catch {
    // the session may be gone already; the cell is cancelled either way
  } finally {
    confirm.abort();
  }
}

async function endedOrUndefined(api: LivyApi, sessionId: number): Promise<SessionEndedError | undefined> {
  try {
    const session = await api.getSession(sessionId);
    if (!isEndedServerState(session.state)) return undefined;
    const reason =
      session.errors
        .map((e) => e.message ?? e.errorCode)
        .filter(Boolean)
        .join(' ') || (session.state === 'killed' ? l10n.t('it was deleted') : '');
    return new SessionEndedError(sessionId, session.state, reason, session.driverLogUrl);
  } catch (err) {
    if (isNotFound(err)) return new SessionEndedError(sessionId, 'dead', 'the Spark pool no longer knows it');
    return undefined;
  }
}

const ENDED_STATE_IN_MESSAGE = /\bsession\s+\d+\s+(?:is|was)\s+(killed|dead|error|success|shutting_down)\b/i;

/**
 * A refused submit (Livy answers 400 "Session N is killed; it cannot run statements." for a session in a
 * terminal state, 404 for one it forgot) means the session ended: SessionEndedError, not a raw HTTP error.
 */
async function submitFailure(api: LivyApi, sessionId: number, err: unknown): Promise<unknown> {
  if (!(err instanceof AzureRequestError) || ![400, 404, 409, 410].includes(err.statusCode ?? 0)) return err;
  const ended = await endedOrUndefined(api, sessionId);
  if (ended) return ended;
  const state = ENDED_STATE_IN_MESSAGE.exec(err.serviceMessage ?? err.message)?.[1]?.toLowerCase();
  if (state)
    return new SessionEndedError(
      sessionId,
      state === 'killed' ? 'killed' : state === 'error' ? 'error' : 'dead',
      state === 'killed' ? l10n.t('it was deleted') : '',
    );
  return err;
}

async function endedError(api: LivyApi, sessionId: number, fallback: string): Promise<Error> {
  return (await endedOrUndefined(api, sessionId)) ?? new Error(l10n.t('Statement polling failed: {0}.', fallback));
}
