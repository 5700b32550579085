import * as assert from 'assert';
import { CellQueue, type CellOutcome } from '../../../src/core/notebook/cellQueue';

function cell(log: string[], name: string, outcome: CellOutcome, ms = 5) {
  return {
    run: (signal: AbortSignal) =>
      new Promise<CellOutcome>((resolve) => {
        log.push(`start ${name}`);
        const t = setTimeout(() => {
          log.push(`end ${name}`);
          resolve(outcome);
        }, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          log.push(`abort ${name}`);
          resolve('cancelled');
        });
      }),
    cancelQueued: () => log.push(`cancel ${name}`),
  };
}

describe('per-notebook cell queue', () => {
  it('runs cells one at a time in FIFO order', async () => {
    const log: string[] = [];
    const q = new CellQueue();
    const outcomes = await Promise.all(['a', 'b', 'c'].map((n) => q.enqueue(cell(log, n, 'succeeded'))));
    assert.deepStrictEqual(outcomes, ['succeeded', 'succeeded', 'succeeded']);
    assert.deepStrictEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.ok(q.isIdle);
  });

  it('cancels the cells queued behind a failed one', async () => {
    const log: string[] = [];
    const q = new CellQueue();
    const outcomes = await Promise.all([
      q.enqueue(cell(log, 'a', 'failed')),
      q.enqueue(cell(log, 'b', 'succeeded')),
      q.enqueue(cell(log, 'c', 'succeeded')),
    ]);
    assert.deepStrictEqual(outcomes, ['failed', 'cancelled', 'cancelled']);
    assert.deepStrictEqual(log, ['start a', 'end a', 'cancel b', 'cancel c']);
    assert.strictEqual(await q.enqueue(cell(log, 'd', 'succeeded')), 'succeeded', 'the queue keeps working');
  });

  it('interrupt aborts the running cell and cancels the queued ones', async () => {
    const log: string[] = [];
    const q = new CellQueue();
    const all = Promise.all([q.enqueue(cell(log, 'a', 'succeeded', 10_000)), q.enqueue(cell(log, 'b', 'succeeded'))]);
    await new Promise((r) => setTimeout(r, 10));
    q.interrupt();
    assert.deepStrictEqual(await all, ['cancelled', 'cancelled']);
    assert.deepStrictEqual(log, ['start a', 'cancel b', 'abort a']);
  });
});
