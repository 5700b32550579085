/** A counting semaphore: at most `limit` tasks run at once; the rest wait in FIFO order. */
import { abortError } from './abort';

export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Highest number of tasks seen running at once (for tests and the benchmark). */
  peak = 0;

  constructor(private limit: number) {
    if (!(limit >= 1)) throw new Error('the concurrency limit must be at least 1');
  }

  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.pump();
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.active--;
      this.pump();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.active < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.take();
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private take(): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }

  private pump(): void {
    while (this.active < this.limit && this.waiting.length > 0) this.waiting.shift()!();
  }
}
