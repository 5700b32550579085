import * as assert from 'node:assert/strict';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { decideRetry, retryAfterMs, DEFAULT_RETRY } from '../../../src/core/util/retry';
import { ConcurrencyLimiter } from '../../../src/core/util/concurrency';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { signedInStack, SUB1 } from './harness';

const res = (h: Record<string, string>) => ({ headers: createHttpHeaders(h) });

describe('retry policy', () => {
  it('reads Retry-After in seconds, as a date, and the ms variants', () => {
    assert.equal(retryAfterMs(res({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(res({ 'retry-after-ms': '150' })), 150);
    assert.equal(retryAfterMs(res({ 'x-ms-retry-after-ms': '40' })), 40);
    assert.equal(retryAfterMs(res({ 'retry-after': new Date(10_000 + 3000).toUTCString() }), 10_000), 3000);
    assert.equal(retryAfterMs(res({})), undefined);
  });

  it('waits what a 429 asks, backs off on 5xx, and never retries other 4xx', () => {
    assert.deepEqual(decideRetry({ retryCount: 0, status: 429, response: res({ 'retry-after': '3' }) }), {
      retry: true,
      delayMs: 3000,
      reason: 'throttled (429)',
    });
    const d = decideRetry({ retryCount: 2, status: 500 }, DEFAULT_RETRY, () => 0.5);
    assert.equal(d.retry, true);
    assert.equal(d.delayMs, Math.round(500 * 4 * 0.75));
    for (const s of [400, 401, 403, 404, 409, 501]) assert.equal(decideRetry({ retryCount: 0, status: s }).retry, false, String(s));
    assert.equal(decideRetry({ retryCount: DEFAULT_RETRY.maxRetries, status: 503 }).retry, false, 'gives up after maxRetries');
    assert.equal(
      decideRetry({ retryCount: 0, status: 429, response: res({ 'retry-after': '3600' }) }).retry,
      false,
      'a very long demand surfaces',
    );
    assert.equal(
      decideRetry({ retryCount: 0, error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', name: 'RestError' }) as any })
        .retry,
      true,
    );
  });

  it('limits concurrency and lets a waiting task be aborted', async () => {
    const lim = new ConcurrencyLimiter(2);
    let running = 0;
    let max = 0;
    const task = () =>
      lim.run(async () => {
        running++;
        max = Math.max(max, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      });
    await Promise.all([task(), task(), task(), task(), task()]);
    assert.equal(max, 2);
    const ac = new AbortController();
    const blockers = [lim.run(() => new Promise((r) => setTimeout(r, 50))), lim.run(() => new Promise((r) => setTimeout(r, 50)))];
    const waiting = lim.run(async () => 'ran', ac.signal);
    ac.abort();
    await assert.rejects(waiting, (e: Error) => e.name === 'AbortError');
    await Promise.all(blockers);
  });
});

describe('retry policy over real HTTP', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => emu?.stop());
  afterEach(() => emu.handle.faults.clear());

  it('retries a 429 after its Retry-After and succeeds', async () => {
    const s = await signedInStack(emu);
    emu.handle.faults.add({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      surface: 'arm',
      path: 'Microsoft.MachineLearningServices/workspaces$',
      count: 2,
    });
    const sub = (await s.account.allSubscriptions()).find((x) => x.subscriptionId === SUB1)!;
    const before = s.arm.requestCount;
    const started = Date.now();
    const wss = await s.ml.workspaces(sub).all();
    assert.equal(wss.length, 2);
    assert.ok(Date.now() - started >= 1900, `waited the two Retry-After seconds (${Date.now() - started} ms)`);
    assert.equal(s.arm.requestCount - before, 3, 'two throttled attempts, one success');
  });

  it('retries transient 500s, and surfaces a persistent one after maxRetries', async () => {
    const s = await signedInStack(emu, { retry: { maxRetries: 2 } });
    const sub = (await s.account.allSubscriptions()).find((x) => x.subscriptionId === SUB1)!;
    emu.handle.faults.add({ kind: 'status', status: 500, surface: 'arm', path: 'Microsoft.MachineLearningServices/workspaces$', count: 2 });
    assert.equal((await s.ml.workspaces(sub).all()).length, 2);
    emu.handle.faults.add({ kind: 'status', status: 500, surface: 'arm', path: 'Microsoft.MachineLearningServices/workspaces$' });
    const before = s.arm.requestCount;
    await assert.rejects(s.ml.workspaces(sub).all(), (e: { statusCode?: number }) => e.statusCode === 500);
    assert.equal(s.arm.requestCount - before, 3, 'one attempt + two retries');
  });

  it('does not retry a 4xx', async () => {
    const s = await signedInStack(emu);
    const sub = (await s.account.allSubscriptions()).find((x) => x.subscriptionId === SUB1)!;
    emu.handle.faults.add({
      kind: 'status',
      status: 403,
      code: 'AuthorizationFailed',
      surface: 'arm',
      path: 'Microsoft.MachineLearningServices/workspaces$',
      count: 5,
    });
    const before = s.arm.requestCount;
    await assert.rejects(s.ml.workspaces(sub).all(), (e: { statusCode?: number }) => e.statusCode === 403);
    assert.equal(s.arm.requestCount - before, 1);
  });
});
