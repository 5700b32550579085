/**
 * When to ask Livy again. Livy has no push or long poll, so the statement runner polls: very fast at
 * first (most cells finish in well under a second, and their completion should be seen within tens of
 * milliseconds), then geometrically slower, capped at 1 s so a long statement's end is seen within a second
 * and still costs few requests (a 10 s statement: about 21 GETs). A Retry-After from the service is always
 * honoured.
 */

import { abortable, abortError, sleep } from '../util/abort';

export interface PollingOptions {
  /** The first wait after submitting, ms. */
  initialDelayMs: number;
  /** Each wait is the previous one times this. */
  factor: number;
  maxDelayMs: number;
}

export const DEFAULT_POLLING: PollingOptions = { initialDelayMs: 5, factor: 1.5, maxDelayMs: 1000 };

export class PollingPolicy {
  private attempt = 0;

  constructor(private readonly options: PollingOptions = DEFAULT_POLLING) {}

  /** The wait before the next poll; `retryAfterMs` from the last answer wins when it is longer. */
  nextDelay(retryAfterMs?: number): number {
    const { initialDelayMs, factor, maxDelayMs } = this.options;
    const planned = Math.min(maxDelayMs, initialDelayMs * factor ** this.attempt);
    this.attempt++;
    return Math.round(Math.max(planned, retryAfterMs ?? 0));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Time, injectable so the polling can be tested with a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export { abortable, abortError };

export const systemClock: Clock = { now: () => Date.now(), sleep };
