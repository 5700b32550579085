/**
 * npm run bench:faults: the fault run (see ./faultRun) and the bad inputs (./badInputs) against the in-process
 * emulator, one table each. BENCH_ROUNDS (default 5) rounds per scenario; BENCH_ONLY (scenario ids, comma-separated) runs those.
 */
import { startTestEmulator } from '../test/support/emulator';
import { runBadInputs } from './badInputs';
import { faultRunEnv, runScenario, SCENARIOS } from './faultRun';
import { printTable } from './table';

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const only = process.env.BENCH_ONLY?.split(',');
  const emu = await startTestEmulator({ livy: true });
  try {
    const env = faultRunEnv(emu);
    const rows: string[][] = [];
    const problems: string[] = [];
    const errors: string[] = [];
    let totals = { statements: 0, hung: 0, lost: 0, leaked: 0 };
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.id))) {
      const started = Date.now();
      const r = await runScenario(env, scenario, rounds);
      totals = {
        statements: totals.statements + r.statements,
        hung: totals.hung + r.hung,
        lost: totals.lost + r.lost,
        leaked: totals.leaked + r.leaked,
      };
      rows.push([
        scenario.name,
        String(r.statements),
        String(r.hung),
        String(r.lost),
        String(r.leaked),
        `${r.asExpected}/${r.statements}`,
        r.maxInterruptMs === undefined ? '' : String(r.maxInterruptMs),
        r.said,
      ]);
      problems.push(...r.problems.map((p) => `${scenario.id}: ${p}`));
      if (scenario.expect === 'error') errors.push(`- ${scenario.name}: ${r.saidInFull.replace(/\s*\n\s*/g, ' ')}`);
      console.error(`${scenario.id}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    rows.push(['total', String(totals.statements), String(totals.hung), String(totals.lost), String(totals.leaked), '', '', '']);
    printTable(
      `Fault run, ${rounds} round(s) per scenario`,
      ['scenario', 'statements', 'hung', 'lost', 'leaked', 'as expected', 'max interrupt ms', 'what the cell said (round 1)'],
      rows,
    );

    if (errors.length) console.log(`\nWhat the cells said in full (round 1):\n${errors.join('\n')}`);

    const bad = only ? [] : await runBadInputs(env);
    if (bad.length) {
      printTable(
        `Bad inputs: ${bad.filter((b) => !b.problem).length}/${bad.length} handled`,
        ['input', 'handled'],
        bad.map((b) => [b.input.name, b.problem ? `no: ${b.problem}` : 'yes']),
      );
    }
    if (problems.length) console.log(`\nProblems:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  } finally {
    await emu.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
