import type { Clock } from './context';

/** setTimeout fires at once beyond 2^31-1 ms; longer waits are re-armed by their callers' checks. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const clamp = (ms: number) => Math.min(Math.max(0, ms), MAX_DELAY_MS);

/**
 * Timers on the context's clock that shutdown can cancel all at once, so a stopped surface leaves nothing
 * pending in the event loop. A cancelled sleep resolves to false: callers then stop what they were doing.
 */
export class Timers {
  private readonly pending = new Map<unknown, () => void>();
  private closed = false;

  constructor(private readonly clock: () => Clock) {}

  sleep(ms: number): Promise<boolean> {
    if (this.closed) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const handle = this.clock().setTimeout(() => {
        this.pending.delete(handle);
        resolve(true);
      }, clamp(ms));
      this.pending.set(handle, () => resolve(false));
    });
  }

  /** A cancellable one-shot callback; returns a function that cancels it. */
  after(ms: number, callback: () => void): () => void {
    if (this.closed) {
      return () => undefined;
    }
    const handle = this.clock().setTimeout(() => {
      this.pending.delete(handle);
      callback();
    }, clamp(ms));
    this.pending.set(handle, () => undefined);
    return () => {
      if (this.pending.delete(handle)) {
        this.clock().clearTimeout(handle);
      }
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const [handle, cancel] of this.pending) {
      this.clock().clearTimeout(handle);
      cancel();
    }
    this.pending.clear();
  }
}
