/**
 * The fault run: notebook cells through the extension's core path (NotebookSessionRegistry + runCell, the
 * real Livy client with its token and TLS) against the in-process emulator while its fault registry throttles,
 * fails, drops, slows and kills. Per scenario it counts statements run and the ones that went wrong:
 *
 * - hung: the cell did not settle within CELL_DEADLINE_MS, or an interrupt took longer than INTERRUPT_BOUND_MS;
 * - lost: the pool computed the statement's result (read over Livy afterwards) but the cell shows neither it
 *   nor a clear error, or the cell shows a result other than this statement's;
 * - leaked: a statement the cell gave up on still waits or runs on the pool LEAK_GRACE_MS after the cell
 *   settled, or a session is still alive after its notebook closed with delete-on-close.
 *
 * Shared by `npm run bench:faults` (BENCH_ROUNDS rounds) and a unit test (one round, every count must be 0).
 */
import { SparkClient, type SparkStatement } from '@azure/synapse-spark';
import type { FaultSpec } from '../emulator/src/admin/faults';
import type { LivyApi } from '../src/core/livy/livyClient';
import { runCell, type CellResult } from '../src/core/notebook/cellRunner';
import { parseCell } from '../src/core/notebook/magics';
import { ERROR_MIME, type CellOutputModel } from '../src/core/notebook/outputs';
import { NotebookSessionRegistry, type NotebookKernelSession } from '../src/core/notebook/sessionRegistry';
import type { AttachedSparkPool } from '../src/core/model/sparkTargets';
import { SYNAPSE_SCOPE, type TestEmulator } from '../test/support/emulator';
import { emulatorLivyClient, RecordingSink } from '../test/support/livySessions';
import { attachedPoolsFromSeed } from '../test/support/sparkCatalog';

/** A cell that has not settled by then counts as hung. */
export const CELL_DEADLINE_MS = 60_000;
/** The issue's bound: an Interrupt ends the cell within 2 s whatever the network does. */
export const INTERRUPT_BOUND_MS = 2000;
/** How long a statement the cell gave up on may still wait or run (its cancel may finish in the background). */
export const LEAK_GRACE_MS = 20_000;

/** What the cell runs: `quick` ends at once, `slow` runs 2 s, `long` 60 s (longer than the leak grace). */
type Work = 'quick' | 'slow' | 'long';

export interface FaultScenario {
  id: string;
  name: string;
  work: Work;
  /** The faults armed for one round, once the notebook's session is up (`sessionId`: undefined for fresh notebooks). */
  faults(sessionId: number | undefined): FaultSpec[];
  /** What the cell must show: this statement's result, an error naming the cause, or "Cancelled." after an interrupt. */
  expect: 'result' | 'error' | 'cancelled';
  /** For `error`: what the message must name. */
  names?: RegExp;
  /** Interrupt the cell this long after it started. */
  interruptAfterMs?: number;
  /** A new notebook (new client, empty token cache, new session) every round. */
  freshNotebook?: boolean;
}

const POLL = (id: number | undefined) => `/sessions/${id ?? '\\d+'}/statements/\\d+$`;
const SUBMIT = (id: number | undefined) => `/sessions/${id ?? '\\d+'}/statements$`;

export const SCENARIOS: FaultScenario[] = [
  {
    id: 'throttle',
    name: '429, Retry-After 1 s, on 3 polls',
    work: 'quick',
    expect: 'result',
    faults: (id) => [{ kind: 'status', status: 429, retryAfterSeconds: 1, surface: 'livy', method: 'GET', path: POLL(id), count: 3 }],
  },
  {
    id: 'throttle-long',
    name: '429, Retry-After 120 s (over the 30 s cap), on polls',
    work: 'long',
    expect: 'error',
    names: /asked to wait 120 s[\s\S]*Retry-After[\s\S]*cancelled/,
    faults: (id) => [{ kind: 'status', status: 429, retryAfterSeconds: 120, surface: 'livy', method: 'GET', path: POLL(id) }],
  },
  {
    id: 'burst-poll',
    name: '3 x 503 on polls',
    work: 'quick',
    expect: 'result',
    faults: (id) => [{ kind: 'status', status: 503, surface: 'livy', method: 'GET', path: POLL(id), count: 3 }],
  },
  {
    id: 'burst-submit',
    name: '3 x 503 on submit',
    work: 'quick',
    expect: 'result',
    faults: (id) => [{ kind: 'status', status: 503, surface: 'livy', method: 'POST', path: SUBMIT(id), count: 3 }],
  },
  {
    id: 'error-poll',
    name: 'persistent 500 on polls',
    work: 'long',
    expect: 'error',
    names: /HTTP 500[\s\S]*InternalServerError[\s\S]*asked to stop/,
    faults: (id) => [{ kind: 'status', status: 500, surface: 'livy', method: 'GET', path: POLL(id) }],
  },
  {
    id: 'drop',
    name: 'dropped sockets (submit once, 2 polls)',
    work: 'quick',
    expect: 'result',
    faults: (id) => [
      { kind: 'drop', surface: 'livy', method: 'POST', path: SUBMIT(id), count: 1 },
      { kind: 'drop', surface: 'livy', method: 'GET', path: POLL(id), count: 2 },
    ],
  },
  {
    id: 'latency',
    name: '300 ms latency on every Livy request',
    work: 'quick',
    expect: 'result',
    faults: () => [{ kind: 'latency', latencyMs: 300, surface: 'livy' }],
  },
  {
    id: 'token',
    name: 'expired token (new notebook, first token)',
    work: 'quick',
    expect: 'result',
    freshNotebook: true,
    faults: () => [{ kind: 'expiredTokens', surface: 'identity', count: 1 }],
  },
  {
    id: 'death',
    name: 'session death mid-statement',
    work: 'slow',
    expect: 'error',
    names: /session \d+ ended \(dead\)/,
    faults: (id) => [{ kind: 'sessionDeath', surface: 'livy', method: 'GET', path: POLL(id), count: 1, latencyMs: 300 }],
  },
  {
    id: 'interrupt-throttle',
    name: 'interrupt at 0.5 s under 429, Retry-After 20 s',
    work: 'long',
    expect: 'cancelled',
    interruptAfterMs: 500,
    faults: (id) => [{ kind: 'status', status: 429, retryAfterSeconds: 20, surface: 'livy', method: 'GET', path: POLL(id) }],
  },
  {
    id: 'interrupt-latency',
    name: 'interrupt at 0.5 s under 5 s latency per request',
    work: 'long',
    expect: 'cancelled',
    interruptAfterMs: 500,
    faults: () => [{ kind: 'latency', latencyMs: 5000, surface: 'livy' }],
  },
];

export interface ScenarioResult {
  scenario: FaultScenario;
  statements: number;
  hung: number;
  lost: number;
  leaked: number;
  /** Rounds whose cell showed what the scenario expects (the result, the named error, Cancelled.). */
  asExpected: number;
  /** The longest interrupt (abort to settled), ms; interrupt scenarios only. */
  maxInterruptMs?: number;
  /** What the cell said in the first round (shortened), and in full. */
  said: string;
  saidInFull: string;
  /** One line per thing that went wrong, for the test's message. */
  problems: string[];
}

/** The pool as the harness sees it after the fact, with no faults armed: statements and sessions over Livy. */
type PoolView = SparkClient['sparkSessionOperations'];

export interface FaultRunEnv {
  emu: TestEmulator;
  pool: AttachedSparkPool;
  view: PoolView;
}

export function faultRunEnv(emu: TestEmulator): FaultRunEnv {
  const pool = attachedPoolsFromSeed(emu.url, emu.seed)[0];
  const view = new SparkClient(emu.credential(), pool.synapseWorkspace.devEndpoint.replace(/\/+$/, ''), pool.poolName, {
    httpClient: emu.httpClient,
    credentialScopes: [SYNAPSE_SCOPE],
  }).sparkSessionOperations;
  return { emu, pool, view };
}

let notebooks = 0;

export interface OpenNotebook {
  registry: NotebookSessionRegistry;
  host: NotebookKernelSession;
  key: string;
  /** Livy calls this notebook's client made so far. */
  calls(): number;
}

/** A notebook as the extension opens one: its own registry entry and Livy client, session deleted when it closes. */
export function openNotebook(env: FaultRunEnv): OpenNotebook {
  const sdk = emulatorLivyClient(env.emu);
  let calls = 0;
  const client = new Proxy(sdk, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as LivyApi;
  const registry = new NotebookSessionRegistry({
    apiFor: () => client,
    settings: { sessionDefaults: () => ({}), idleShutdownMinutes: () => 0, outputLimits: () => ({ maxBytes: 100_000 }) },
    store: { get: () => undefined, set: () => undefined },
  });
  const key = `file:///faults-${++notebooks}.ipynb`;
  return { registry, host: registry.get(key, env.pool, `faults-${notebooks}.ipynb`), key, calls: () => calls };
}

function code(work: Work, marker: string): string {
  const sleep = work === 'long' ? 'import time\ntime.sleep(60)\n' : work === 'slow' ? 'import time\ntime.sleep(2)\n' : '';
  return `${sleep}print("${marker}", 6 * 7)`;
}

/** Runs one scenario `rounds` times on one notebook (or a new one per round) and counts what went wrong. */
export async function runScenario(env: FaultRunEnv, scenario: FaultScenario, rounds: number): Promise<ScenarioResult> {
  const result: ScenarioResult = {
    scenario,
    statements: 0,
    hung: 0,
    lost: 0,
    leaked: 0,
    asExpected: 0,
    said: '',
    saidInFull: '',
    problems: [],
  };
  const opened: OpenNotebook[] = [];
  const sessionIds = new Set<number>();
  try {
    for (let round = 1; round <= rounds; round++) {
      if (scenario.freshNotebook || opened.length === 0) opened.push(openNotebook(env));
      const { host } = opened.at(-1)!;
      const sessionId = scenario.freshNotebook ? undefined : await host.session.ensureReady();
      if (sessionId !== undefined) sessionIds.add(sessionId);
      const marker = `fault-${scenario.id}-${round}`;
      for (const spec of scenario.faults(sessionId)) env.emu.handle.faults.add(spec);
      const cell = await runOneCell(host, code(scenario.work, marker), scenario.interruptAfterMs);
      env.emu.handle.faults.clear();
      if (host.session.sessionId !== undefined) sessionIds.add(host.session.sessionId);
      result.statements++;
      await judgeRound(env, scenario, marker, host.session.sessionId ?? sessionId, cell, result);
      if (round === 1) {
        result.said = said(cell.sink);
        result.saidInFull = allText(cell.sink.last);
      }
    }
  } finally {
    env.emu.handle.faults.clear();
    for (const { registry, key } of opened) await registry.closeNotebook(key, true);
  }
  for (const id of sessionIds) {
    const state = await env.view.getSparkSession(id).then(
      (s) => String(s.state),
      () => 'gone',
    );
    if (!['killed', 'dead', 'error', 'success', 'gone'].includes(state)) {
      result.leaked++;
      result.problems.push(`session ${id} is still ${state} after its notebook closed`);
      await env.view.cancelSparkSession(id).catch(() => undefined);
    }
  }
  return result;
}

interface CellRun {
  sink: RecordingSink;
  result: CellResult | undefined;
  settled: boolean;
  interruptMs?: number;
}

async function runOneCell(host: NotebookKernelSession, source: string, interruptAfterMs: number | undefined): Promise<CellRun> {
  const sink = new RecordingSink();
  const controller = new AbortController();
  let abortedAt: number | undefined;
  const interrupt =
    interruptAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, interruptAfterMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), CELL_DEADLINE_MS);
  });
  const running = runCell(parseCell(source), host, sink, controller.signal);
  const first = await Promise.race([running, deadline]);
  const settledAt = Date.now();
  clearTimeout(timer);
  clearTimeout(interrupt);
  if (first === 'deadline') {
    controller.abort();
    // Wait no longer for it: it is counted as hung either way.
    await Promise.race([running, new Promise((r) => setTimeout(r, 5000).unref())]);
    return { sink, result: undefined, settled: false };
  }
  return { sink, result: first, settled: true, interruptMs: abortedAt === undefined ? undefined : settledAt - abortedAt };
}

function allText(outputs: CellOutputModel[]): string {
  return outputs
    .flatMap((o) => o.items)
    .map((i) => ('text' in i ? i.text : 'error' in i ? `${i.error.name}: ${i.error.message}` : ''))
    .join('\n');
}

function errorMessages(outputs: CellOutputModel[]): string[] {
  return outputs.flatMap((o) => o.items).flatMap((i) => (i.mime === ERROR_MIME && 'error' in i ? [i.error.message] : []));
}

/** The next steps a clear message may end with. */
const NEXT_STEP =
  /run the cell again|try again|restart session|the next cell you run|sign in again|run %%help|%%configure -f|raise synapseSpark/i;

/**
 * Why a cell's error message is not a clear one (undefined when it is): it must name what happened and the
 * next step, in a sentence, not a raw HTTP dump (no JSON body, no stack, no HTML) nor a wall of text.
 */
export function unclearError(message: string, names?: RegExp): string | undefined {
  if (!message.trim()) return 'the message is empty';
  if (/[{[]\s*"/.test(message)) return 'the message contains a raw JSON body';
  if (/\n\s+at .+:\d+/.test(message)) return 'the message contains a stack trace';
  if (/<html|<body/i.test(message)) return 'the message contains HTML';
  if (message.length > 600) return `the message is ${message.length} characters long`;
  if (names && !names.test(message)) return `the message does not name ${names}`;
  if (!NEXT_STEP.test(message)) return 'the message names no next step';
  return undefined;
}

function said(sink: RecordingSink): string {
  const text = allText(sink.last).replace(/\s+/g, ' ').trim();
  return text.length > 110 ? `${text.slice(0, 107)}...` : text;
}

const FINAL = ['available', 'error', 'cancelled'];

/** The statements of a session that ran `marker`, read over Livy with no faults armed ([] once the session is gone). */
async function statementsOf(
  env: FaultRunEnv,
  sessionId: number | undefined,
  marker: string,
): Promise<{ statements: SparkStatement[]; sessionEnded: boolean }> {
  if (sessionId === undefined) return { statements: [], sessionEnded: true };
  const session = await env.view.getSparkSession(sessionId).catch(() => undefined);
  const sessionEnded = !session || ['killed', 'dead', 'error', 'success'].includes(String(session.state));
  const list = await env.view.getSparkStatements(sessionId).catch(() => undefined);
  return { statements: (list?.statements ?? []).filter((s) => s.code?.includes(`"${marker}"`)), sessionEnded };
}

/** Counts one round: hung, lost, leaked, as expected, interrupt time. */
async function judgeRound(
  env: FaultRunEnv,
  scenario: FaultScenario,
  marker: string,
  sessionId: number | undefined,
  cell: CellRun,
  result: ScenarioResult,
): Promise<void> {
  const problem = (what: string) => result.problems.push(`round ${marker}: ${what}`);
  if (!cell.settled) {
    result.hung++;
    problem(`the cell did not settle within ${CELL_DEADLINE_MS / 1000} s; it showed: ${said(cell.sink)}`);
  }
  if (cell.interruptMs !== undefined) {
    result.maxInterruptMs = Math.max(result.maxInterruptMs ?? 0, cell.interruptMs);
    if (cell.interruptMs > INTERRUPT_BOUND_MS && cell.settled) {
      result.hung++;
      problem(`the interrupt took ${cell.interruptMs} ms`);
    }
  }
  // Leaks: a statement the cell gave up on must reach a final state (its cancel may finish in the background).
  // A submit the cell stopped waiting for may reach the pool later (slow network): wait for the statement too.
  const deadline = Date.now() + LEAK_GRACE_MS;
  let seen = await statementsOf(env, sessionId, marker);
  const unsettled = () => seen.statements.length === 0 || seen.statements.some((s) => !FINAL.includes(String(s.state)));
  while (!seen.sessionEnded && unsettled() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    seen = await statementsOf(env, sessionId, marker);
  }
  const stillRunning = seen.sessionEnded ? [] : seen.statements.filter((s) => !FINAL.includes(String(s.state)));
  for (const s of stillRunning) {
    result.leaked++;
    problem(`statement ${s.id} is still ${s.state} ${LEAK_GRACE_MS / 1000} s after the cell settled`);
    await env.view.cancelSparkStatement(sessionId!, s.id).catch(() => undefined);
  }
  if (seen.statements.length > 1) problem(`the statement ran ${seen.statements.length} times`);

  const expectedText = `${marker} 42`;
  const text = allText(cell.sink.last);
  const errors = errorMessages(cell.sink.last);
  const computed = seen.statements.some(
    (s) =>
      s.state === 'available' &&
      s.output?.status === 'ok' &&
      String((s.output.data as Record<string, unknown> | undefined)?.['text/plain'] ?? '').includes(expectedText),
  );
  const showsResult = text.includes(expectedText);
  const wrong = /fault-[\w-]+ 42/.exec(text.replace(expectedText, ''));
  const clear = errors.length > 0 && errors.every((m) => unclearError(m) === undefined);
  const cancelled = cell.result?.outcome === 'cancelled' && text.trim() === 'Cancelled.';
  if (wrong) {
    result.lost++;
    problem(`the cell shows another statement's result (${wrong[0]})`);
  } else if (cell.settled && computed && !showsResult && !clear && !cancelled) {
    result.lost++;
    problem(`the pool computed the result but the cell shows: ${said(cell.sink)}`);
  }
  const expected =
    scenario.expect === 'result'
      ? showsResult && cell.result?.outcome === 'succeeded'
      : scenario.expect === 'cancelled'
        ? cancelled && !seen.statements.some((s) => s.state === 'available')
        : errors.length === 1 && unclearError(errors[0], scenario.names) === undefined && !stillRunning.length;
  if (expected && cell.settled) result.asExpected++;
  else if (cell.settled) {
    problem(
      `expected ${scenario.expect}${scenario.names ? ` naming ${scenario.names}` : ''}; the cell shows: ${said(cell.sink)}` +
        (errors.length ? ` (${unclearError(errors[0], scenario.names) ?? 'clear'})` : ''),
    );
  }
}

/** Runs every scenario in turn. */
export async function runFaultRun(emu: TestEmulator, rounds: number, only?: (s: FaultScenario) => boolean): Promise<ScenarioResult[]> {
  const env = faultRunEnv(emu);
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS.filter(only ?? (() => true))) results.push(await runScenario(env, scenario, rounds));
  return results;
}
