/**
 * The fault run of `npm run bench:faults`, one round per scenario, as a test: notebook cells through the core
 * path (registry, runCell, the SDK Livy client with token and TLS) against the emulator's injected faults.
 * Every scenario must end with 0 hung, 0 lost, 0 leaked and the cell showing what the scenario expects.
 *
 * The only time bound is the requirement's own: an interrupt ends the cell within 2 s. The product waits at
 * most 1 s for the cancel to be confirmed (then it goes on in the background), which leaves 1 s of margin for a
 * loaded machine. Everything else waits on conditions (the leak check polls the pool until the statement is final).
 */
import * as assert from 'assert';
import { BAD_INPUTS, runBadInputs } from '../../../bench/badInputs';
import { faultRunEnv, INTERRUPT_BOUND_MS, runScenario, SCENARIOS, type FaultRunEnv } from '../../../bench/faultRun';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';

describe('Fault run: cells under throttling, 5xx, dropped sockets, latency, token expiry, session death, interrupts', function () {
  this.timeout(120_000);
  let emu: TestEmulator;
  let env: FaultRunEnv;

  before(async () => {
    emu = await startTestEmulator({ livy: true });
    env = faultRunEnv(emu);
  });

  after(async () => {
    await emu?.stop();
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: 0 hung, 0 lost, 0 leaked, the cell says what happened`, async () => {
      const r = await runScenario(env, scenario, 1);
      const detail = r.problems.join('\n') || r.said;
      assert.deepStrictEqual(
        { statements: r.statements, hung: r.hung, lost: r.lost, leaked: r.leaked, asExpected: r.asExpected },
        { statements: 1, hung: 0, lost: 0, leaked: 0, asExpected: 1 },
        detail,
      );
      if (scenario.interruptAfterMs !== undefined) {
        assert.ok(r.maxInterruptMs !== undefined && r.maxInterruptMs <= INTERRUPT_BOUND_MS, `interrupt took ${r.maxInterruptMs} ms`);
      }
    });
  }

  it('handles every bad input with a clear diagnostic or a sensible result, without a hang or a crash', async () => {
    const results = await runBadInputs(env);
    assert.strictEqual(results.length, BAD_INPUTS.length);
    assert.deepStrictEqual(
      results.filter((r) => r.problem).map((r) => `${r.input.name}: ${r.problem}`),
      [],
    );
  });
});
