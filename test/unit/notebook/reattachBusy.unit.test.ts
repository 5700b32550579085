/**
 * A session re-attached while busy (a window reload during a cell): its statement ends on the server only,
 * and the re-attached session reads the state until it is free instead of saying "busy" for good.
 */
import * as assert from 'assert';
import type { SdkLivyClient } from '../../../src/core/livy/livyClient';
import { SparkSession } from '../../../src/core/livy/sparkSession';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { emulatorLivyClient } from '../../support/livySessions';

describe('a Spark session re-attached while busy', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: SdkLivyClient;
  const sessions: SparkSession[] = [];

  before(async () => {
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 300 } });
    client = emulatorLivyClient(emu);
  });

  after(async () => {
    await sessions[0]?.delete().catch(() => undefined);
    for (const s of sessions) s.dispose();
    await emu?.stop();
  });

  it('follows the server until the statement from before the reload ends, then says idle', async () => {
    const before = new SparkSession({ api: client, name: 'before-reload', request: () => ({}) });
    sessions.push(before);
    const id = await before.ensureReady();
    const running = before.run('import time\ntime.sleep(3)', 'pyspark');
    // The window reloads: a new session object adopts the session while the statement runs.
    for (let i = 0; i < 50 && (await client.getSession(id)).state !== 'busy'; i++) await new Promise((r) => setTimeout(r, 100));
    const after = new SparkSession({ api: client, name: 'after-reload', request: () => ({}) });
    sessions.push(after);
    assert.strictEqual(await after.attach(id), true);
    assert.strictEqual(after.state, 'busy');
    const states: string[] = [];
    after.onDidChange(() => states.push(after.state));
    await running;
    const deadline = Date.now() + 15_000;
    while (after.state === 'busy' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(after.state, 'idle', 'the re-attached session noticed that the statement ended');
    assert.deepStrictEqual(states, ['idle']);
  });
});
