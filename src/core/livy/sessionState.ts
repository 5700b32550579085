/**
 * The client-side state of one Livy session, as an explicit machine:
 *
 *   not_started -> starting -> idle <-> busy
 *        any live state      -> dead | error | killed   (terminal)
 *
 * Server states are folded into these (recovering -> starting, running -> busy, shutting_down/success ->
 * dead). Transitions the table does not allow are refused (and reported), so a late poll answer can never
 * bring an ended session back to life.
 */
import { Emitter } from '../util/emitter';
import type { LivyServerState } from './types';

export type SessionState = 'not_started' | 'starting' | 'idle' | 'busy' | 'dead' | 'error' | 'killed';

export const TERMINAL_STATES: readonly SessionState[] = ['dead', 'error', 'killed'];

const ALLOWED: Record<SessionState, readonly SessionState[]> = {
  not_started: ['starting', 'idle', 'busy', 'dead', 'error', 'killed'],
  starting: ['idle', 'busy', 'dead', 'error', 'killed'],
  idle: ['busy', 'dead', 'error', 'killed'],
  busy: ['idle', 'dead', 'error', 'killed'],
  dead: [],
  error: [],
  killed: [],
};

export function isTerminal(state: SessionState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canTransition(from: SessionState, to: SessionState): boolean {
  return from === to || ALLOWED[from].includes(to);
}

/** Folds a server-reported Livy state into the client machine's states. */
export function fromServerState(state: LivyServerState): SessionState {
  switch (state) {
    case 'not_started':
      return 'not_started';
    case 'starting':
    case 'recovering':
      return 'starting';
    case 'idle':
      return 'idle';
    case 'busy':
    case 'running':
      return 'busy';
    case 'error':
      return 'error';
    case 'killed':
      return 'killed';
    default:
      return 'dead'; // dead, shutting_down, success, anything unknown: the session cannot run cells
  }
}

export interface StateChange {
  from: SessionState;
  to: SessionState;
}

export class SessionStateMachine {
  private current: SessionState;
  private readonly changed = new Emitter<StateChange>();
  readonly onDidChange = this.changed.event;

  constructor(initial: SessionState = 'not_started') {
    this.current = initial;
  }

  get state(): SessionState {
    return this.current;
  }

  get isTerminal(): boolean {
    return isTerminal(this.current);
  }

  /** Moves to `to`; returns false (and stays) when the table forbids it. Same-state moves are no-ops. */
  transition(to: SessionState): boolean {
    if (to === this.current) return true;
    if (!canTransition(this.current, to)) return false;
    const from = this.current;
    this.current = to;
    this.changed.fire({ from, to });
    return true;
  }

  /** Applies a state the server reported. */
  observe(server: LivyServerState): boolean {
    return this.transition(fromServerState(server));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
