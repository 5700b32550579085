/**
 * One FIFO queue of cell executions per notebook (the vscode-jupyter shape): cells run one at a time in
 * the order they were queued; when one fails, the cells queued behind it are cancelled (a Run All stops at
 * the first error); interrupt aborts the running cell and cancels everything queued.
 */

export type CellOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface QueuedCell {
  /** Runs the cell; must settle (abort via the signal). */
  run(signal: AbortSignal): Promise<CellOutcome>;
  /** The cell will never run (cancelled while queued). */
  cancelQueued(): void;
}

interface Entry {
  cell: QueuedCell;
  controller: AbortController;
}

export class CellQueue {
  private readonly waiting: Entry[] = [];
  private running: Entry | undefined;
  private draining: Promise<void> | undefined;

  get size(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  get isIdle(): boolean {
    return this.size === 0;
  }

  /** Queues a cell; resolves with its outcome once it ran (or was cancelled). */
  enqueue(cell: QueuedCell): Promise<CellOutcome> {
    return new Promise<CellOutcome>((resolve) => {
      const entry: Entry = {
        controller: new AbortController(),
        cell: {
          run: async (signal) => {
            const outcome = await cell.run(signal).catch((): CellOutcome => 'failed');
            resolve(outcome);
            return outcome;
          },
          cancelQueued: () => {
            cell.cancelQueued();
            resolve('cancelled');
          },
        },
      };
      this.waiting.push(entry);
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  /**
   * Aborts the running cell and cancels every queued one. With a DetachedError as `reason` (the window is
   * closing) the running cell stops being followed but its statement is not cancelled.
   */
  interrupt(reason?: Error): void {
    this.cancelWaiting();
    this.running?.controller.abort(reason);
  }

  /** Resolves once nothing runs or waits. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private cancelWaiting(): void {
    for (const entry of this.waiting.splice(0)) entry.cell.cancelQueued();
  }

  private async drain(): Promise<void> {
    for (let entry = this.waiting.shift(); entry; entry = this.waiting.shift()) {
      this.running = entry;
      let outcome: CellOutcome;
      try {
        outcome = await entry.cell.run(entry.controller.signal);
      } finally {
        this.running = undefined;
      }
      if (outcome !== 'succeeded') this.cancelWaiting();
    }
  }
}
