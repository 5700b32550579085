import * as assert from 'node:assert/strict';
import { startLivyHarness, type LivyHarness } from '../../support/livyHarness';
import { livy, runStatement, sessionBody, waitFor } from '../../support/livyTestClient';

describe('Livy emulator: scale', function () {
  this.timeout(60_000);
  let h: LivyHarness;

  before(async () => {
    h = await startLivyHarness();
  });
  after(async () => {
    await h.close();
  });

  it('runs 50 concurrent sessions, one Python process each, and deletes them', async () => {
    const count = 50;
    const created = await Promise.all(Array.from({ length: count }, (_, i) => livy(h, 'POST', 'sessions', sessionBody(`scale-${i}`))));
    const ids = created.map((r) => r.body.id as number);
    await waitFor(
      () => livy(h, 'GET', `sessions?size=${count}`),
      (r) => r.body.sessions.every((s: { state: string }) => s.state === 'idle'),
      40_000,
      100,
    );
    const results = await Promise.all(ids.map((id) => runStatement(h, id, `sum(range(${id} + 1))`)));
    results.forEach((statement, i) => {
      assert.equal(statement.output.data['text/plain'], String((ids[i] * (ids[i] + 1)) / 2));
    });
    await Promise.all(ids.map((id) => livy(h, 'DELETE', `sessions/${id}`)));
    const after = await livy(h, 'GET', `sessions?size=${count}`);
    assert.ok(after.body.sessions.every((s: { state: string }) => s.state === 'killed'));
  });
});
