/**
 * The retry rules every Azure call goes through (a core-rest-pipeline RetryStrategy, so SDK clients,
 * raw pipeline requests and long-running-operation polls share them):
 *  - 429, and 503 with Retry-After: wait what the server says (Retry-After seconds or HTTP date,
 *    retry-after-ms, x-ms-retry-after-ms), up to `maxRetryAfterMs`; a longer demand surfaces the error.
 *  - 408, 500, 502, 503, 504 and network failures: exponential backoff with jitter.
 *  - Anything else (4xx, 501, 505, cancellation) is not retried.
 */
import type { PipelineResponse, RestError, RetryInformation, RetryModifiers, RetryStrategy } from '@azure/core-rest-pipeline';

export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step for transient failures. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After honoured; a throttled call that asks for more fails with the 429. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

const TRANSIENT_STATUS = new Set([408, 500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'ECONNABORTED',
  'REQUEST_SEND_ERROR',
]);

/** Milliseconds the response asks to wait, or undefined when it names no wait. */
export function retryAfterMs(response: Pick<PipelineResponse, 'headers'> | undefined, now = Date.now()): number | undefined {
  if (!response) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = response.headers.get(name);
    if (v !== undefined && v.trim() !== '' && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  const v = response.headers.get('retry-after');
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.max(0, Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isNetworkError(err: RestError | undefined): boolean {
  if (!err || err.statusCode !== undefined) return false;
  if (err.name === 'AbortError') return false;
  return NETWORK_CODES.has(String(err.code ?? '')) || /socket hang up|ECONNRESET|network/i.test(err.message);
}

export interface RetryDecision {
  retry: boolean;
  delayMs?: number;
  reason?: string;
}

/** The decision for one attempt; pure, so it can be tested without a server. */
export function decideRetry(
  state: { retryCount: number; status?: number; response?: Pick<PipelineResponse, 'headers'>; error?: RestError },
  settings: RetrySettings = DEFAULT_RETRY,
  random: () => number = Math.random,
): RetryDecision {
  if (state.retryCount >= settings.maxRetries) return { retry: false };
  const status = state.status;
  const asked = retryAfterMs(state.response);
  if (status === 429 || (status === 503 && asked !== undefined)) {
    const wait = asked ?? backoff(state.retryCount, settings, random);
    if (wait > settings.maxRetryAfterMs) return { retry: false, reason: `the service asked to wait ${Math.round(wait / 1000)} s` };
    return { retry: true, delayMs: wait, reason: `throttled (${status})` };
  }
  if ((status !== undefined && TRANSIENT_STATUS.has(status)) || isNetworkError(state.error)) {
    return { retry: true, delayMs: backoff(state.retryCount, settings, random), reason: status ? `HTTP ${status}` : 'network error' };
  }
  return { retry: false };
}

function backoff(retryCount: number, s: RetrySettings, random: () => number): number {
  const exp = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** retryCount);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The strategy for core-rest-pipeline's `retryPolicy`; `onRetry` lets the caller log each wait. */
export function armRetryStrategy(
  settings: RetrySettings = DEFAULT_RETRY,
  onRetry?: (reason: string, delayMs: number, url?: string) => void,
): RetryStrategy {
  return {
    name: 'synapseSparkRetry',
    retry({ retryCount, response, responseError }: RetryInformation): RetryModifiers {
      const status = response?.status ?? responseError?.statusCode;
      const d = decideRetry({ retryCount, status, response: response ?? responseError?.response, error: responseError }, settings);
      if (!d.retry) {
        // Hand back the failure as is (the policy throws responseError, or returns the response).
        return responseError ? { errorToThrow: responseError } : {};
      }
      onRetry?.(d.reason ?? 'retry', d.delayMs ?? 0, (response ?? responseError?.response)?.request.url);
      return { retryAfterInMs: d.delayMs ?? 0 };
    },
  };
}
