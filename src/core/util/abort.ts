/**
 * Cancellation in one place: the AbortError every cancelled operation throws (command wrappers treat the
 * name as "the user cancelled", not as a failure) and a sleep that ends early when its signal aborts.
 */
import { setTimeout as delay } from 'node:timers/promises';

export function abortError(message = 'The operation was cancelled.'): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}

/** Resolves after `ms`; rejects with an AbortError as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw abortError();
  try {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw abortError();
    throw err;
  }
}

/** Resolves as `promise` does, or rejects with an AbortError as soon as `signal` aborts (the work itself goes on). */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
