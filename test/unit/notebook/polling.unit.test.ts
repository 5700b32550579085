import * as assert from 'assert';
import { SessionEndedError } from '../../../src/core/livy/errors';
import { DEFAULT_POLLING, PollingPolicy } from '../../../src/core/livy/polling';
import { runStatement } from '../../../src/core/livy/statementRunner';
import { FakeClock, ScriptedLivy } from './fakes';

describe('adaptive statement polling (fake clock)', () => {
  it('starts in milliseconds and backs off to 1 s', () => {
    const policy = new PollingPolicy();
    const delays = Array.from({ length: 20 }, () => policy.nextDelay());
    assert.ok(delays[0] <= 10, `first wait ${delays[0]} ms`);
    assert.ok(
      delays.slice(0, 5).every((d) => d < 50),
      `first waits ${delays.slice(0, 5)}`,
    );
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1]);
    assert.strictEqual(Math.max(...delays), DEFAULT_POLLING.maxDelayMs);
    assert.strictEqual(DEFAULT_POLLING.maxDelayMs, 1000, "a long statement's end is seen within a second");
  });

  it('honours a longer Retry-After', () => {
    const policy = new PollingPolicy();
    assert.strictEqual(policy.nextDelay(3000), 3000);
    assert.ok(policy.nextDelay() < 50);
  });

  it('spends at most 25 requests on a 10 s statement and sees it finish within 1 s', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const livy = new ScriptedLivy(clock, start + 10_000);
    const result = await clock.run(runStatement(livy.api(), 1, 'time.sleep(10)', 'pyspark', { clock }));
    assert.strictEqual(result.requests, livy.requests.length);
    assert.ok(livy.requests.length <= 25, `${livy.requests.length} requests`);
    const seenAt = livy.requests.at(-1)!.at - start;
    assert.ok(seenAt >= 10_000 && seenAt <= 11_000, `completion seen after ${seenAt} ms`);
  });

  it('sees a 30 ms statement finish within tens of milliseconds', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const livy = new ScriptedLivy(clock, start + 30);
    await clock.run(runStatement(livy.api(), 1, 'x', 'pyspark', { clock }));
    const lag = livy.requests.at(-1)!.at - start - 30;
    assert.ok(lag >= 0 && lag <= 20, `seen ${lag} ms late`);
    assert.ok(livy.requests.length <= 6, `${livy.requests.length} requests`);
  });

  it('waits as long as Retry-After asks between polls', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 5000);
    livy.retryAfterMs = 2500;
    await clock.run(runStatement(livy.api(), 1, 'x', 'pyspark', { clock }));
    const gets = livy.requests.filter((r) => r.op === 'GET').map((r) => r.at);
    for (let i = 1; i < gets.length; i++) assert.ok(gets[i] - gets[i - 1] >= 2500, `gap ${gets[i] - gets[i - 1]}`);
  });

  it('an interrupt ends the cell at once even while a poll hangs on the network, and cancels the statement', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 600_000);
    const controller = new AbortController();
    const running = runStatement(livy.api(), 1, 'x', 'pyspark', { clock, signal: controller.signal });
    // From 2 s on, every status check hangs for 5 minutes.
    let abortedAt = 0;
    const aborter = clock.sleep(2000).then(async () => {
      livy.statementLatencyMs = 300_000;
      await clock.sleep(3000);
      abortedAt = clock.now();
      controller.abort();
    });
    await assert.rejects(clock.run(Promise.all([running, aborter])), (err: Error) => err.name === 'AbortError');
    const cancel = livy.requests.find((r) => r.op === 'CANCEL');
    assert.ok(cancel, 'the statement is cancelled');
    assert.ok(cancel.at - abortedAt <= 100, `cancel sent ${cancel.at - abortedAt} ms after the interrupt`);
  });

  it('an interrupt during a slow submit ends the cell at once, and the statement is cancelled once the submit returns', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 600_000);
    livy.submitLatencyMs = 5000;
    const controller = new AbortController();
    const start = clock.now();
    const running = runStatement(livy.api(), 1, 'x', 'pyspark', { clock, signal: controller.signal });
    void clock.sleep(500).then(() => controller.abort());
    await assert.rejects(clock.run(running), (err: Error) => err.name === 'AbortError');
    assert.strictEqual(clock.now() - start, 500, 'the cell ended at the interrupt, not when the submit returned');
    // The submit goes on (the pool may have accepted it); once it answers, its statement is cancelled.
    await clock.run(
      new Promise<void>((resolve) => {
        const check = () => (livy.cancelled ? resolve() : void clock.sleep(100).then(check));
        check();
      }),
    );
    const cancel = livy.requests.find((r) => r.op === 'CANCEL');
    assert.ok(
      cancel && cancel.at === livy.submitAnsweredAt && cancel.at === start + 5000,
      `cancel at ${cancel?.at}, submit answered at ${livy.submitAnsweredAt}`,
    );
  });

  it('an interrupt waits at most 1 s for a slow cancel, which goes on in the background', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 600_000);
    livy.cancelLatencyMs = 5000;
    const controller = new AbortController();
    const running = runStatement(livy.api(), 1, 'x', 'pyspark', { clock, signal: controller.signal });
    let abortedAt = 0;
    void clock.sleep(2000).then(() => {
      abortedAt = clock.now();
      controller.abort();
    });
    await assert.rejects(clock.run(running), (err: Error) => err.name === 'AbortError');
    assert.strictEqual(clock.now() - abortedAt, 1000);
    assert.ok(
      livy.requests.some((r) => r.op === 'CANCEL'),
      'the cancel was sent',
    );
    await clock.run(clock.sleep(5000));
    assert.ok(livy.cancelled, 'the cancel completed after the cell ended');
  });

  it('ends with a clear error when the service asks to wait longer than the cap', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const livy = new ScriptedLivy(clock, clock.now() + 600_000);
    livy.retryAfterMs = 10 * 60_000;
    await assert.rejects(clock.run(runStatement(livy.api(), 1, 'x', 'pyspark', { clock })), (err: Error) => {
      assert.match(err.message, /asked to wait 600 s before the next status check \(Retry-After\), longer than the 30 s/);
      return true;
    });
    assert.ok(
      livy.requests.some((r) => r.op === 'CANCEL'),
      'the statement is not left running',
    );
    assert.ok(clock.now() - start < 60_000, `gave up after ${clock.now() - start} ms, not after the wait`);
  });

  it('a status check that keeps failing cancels the statement and says so, instead of leaving it running unseen', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 600_000);
    livy.statementFailure = 503;
    await assert.rejects(clock.run(runStatement(livy.api(), 1, 'x', 'pyspark', { clock })), (err: Error) => {
      assert.match(err.message, /HTTP 503.*statement 0 was asked to stop \(best effort\); run the cell again\./);
      return true;
    });
    assert.ok(
      livy.requests.some((r) => r.op === 'CANCEL'),
      'the statement was cancelled',
    );
  });

  it('cancels the statement on abort and rejects with AbortError', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 60_000);
    const controller = new AbortController();
    const running = runStatement(livy.api(), 1, 'x', 'pyspark', { clock, signal: controller.signal });
    const aborter = clock.sleep(1000).then(() => controller.abort());
    await assert.rejects(clock.run(Promise.all([running, aborter])), (err: Error) => err.name === 'AbortError');
    const cancel = livy.requests.find((r) => r.op === 'CANCEL');
    assert.ok(cancel, 'a cancel request was sent');
    assert.ok(cancel.at - 1_000_000 <= 1000 + 5, `cancel sent at +${cancel.at - 1_000_000} ms`);
  });

  it('turns a statement cancelled under a dead session into SessionEndedError', async () => {
    const clock = new FakeClock();
    const livy = new ScriptedLivy(clock, clock.now() + 60_000);
    livy.sessionState = 'dead';
    const running = runStatement(livy.api(), 7, 'x', 'pyspark', { clock });
    void clock.sleep(500).then(() => (livy.cancelled = true));
    await assert.rejects(
      clock.run(running),
      (err: Error) => err instanceof SessionEndedError && /session 7 ended \(dead\).*Python process died/.test(err.message),
    );
  });
});
