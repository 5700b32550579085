import * as assert from 'assert';
import { coldStartProgress, formatColdStart } from '../../../src/core/livy/coldStart';
import { canTransition, fromServerState, SessionStateMachine } from '../../../src/core/livy/sessionState';

describe('session state machine', () => {
  it('walks not_started -> starting -> idle <-> busy and reports each change', () => {
    const machine = new SessionStateMachine();
    const seen: string[] = [];
    machine.onDidChange((c) => seen.push(`${c.from}->${c.to}`));
    for (const s of ['starting', 'idle', 'busy', 'idle', 'busy', 'idle'] as const) assert.ok(machine.transition(s), s);
    assert.deepStrictEqual(seen, ['not_started->starting', 'starting->idle', 'idle->busy', 'busy->idle', 'idle->busy', 'busy->idle']);
  });

  it('refuses to go back to starting or to leave a terminal state', () => {
    const machine = new SessionStateMachine('idle');
    assert.strictEqual(machine.transition('starting'), false);
    assert.strictEqual(machine.state, 'idle');
    assert.ok(machine.transition('dead'));
    assert.ok(machine.isTerminal);
    for (const s of ['idle', 'busy', 'starting', 'killed'] as const) assert.strictEqual(machine.transition(s), false, s);
    assert.strictEqual(machine.state, 'dead');
    assert.strictEqual(canTransition('busy', 'not_started'), false);
  });

  it('folds server states into client states', () => {
    assert.strictEqual(fromServerState('recovering'), 'starting');
    assert.strictEqual(fromServerState('running'), 'busy');
    assert.strictEqual(fromServerState('shutting_down'), 'dead');
    assert.strictEqual(fromServerState('killed'), 'killed');
    assert.strictEqual(fromServerState('error'), 'error');
    const machine = new SessionStateMachine();
    assert.ok(machine.observe('starting'));
    assert.ok(machine.observe('busy'));
    assert.ok(machine.observe('killed'));
    assert.strictEqual(machine.observe('idle'), false);
  });

  it('describes the cold-start stages with durations and elapsed time', () => {
    const t0 = Date.UTC(2025, 1, 24, 10, 0, 0);
    const at = (s: number) => new Date(t0 + s * 1000);
    const progress = coldStartProgress(
      {
        submittedAt: at(0),
        scheduledAt: at(2),
        preparationStartedAt: at(2),
        resourceAcquisitionStartedAt: at(5),
        schedulerState: 'Scheduled',
        pluginState: 'ResourceAcquisition',
      },
      t0,
      t0 + 65_000,
    );
    assert.deepStrictEqual(
      progress.stages.map((s) => [s.name, s.durationMs]),
      [
        ['Queued', 2000],
        ['Preparation', 3000],
        ['Resource acquisition', undefined],
      ],
    );
    assert.strictEqual(progress.current, 'Resource acquisition');
    const text = formatColdStart(progress, 'sparksmall (contoso-synapse)');
    assert.match(text, /^Starting a Spark session on sparksmall \(contoso-synapse\): Resource acquisition \(1:05 elapsed\)/);
    assert.match(text, /✓ Queued 2\.0 s\n {2}✓ Preparation 3\.0 s\n {2}… Resource acquisition$/);
  });
});
