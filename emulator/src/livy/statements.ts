/** Livy statements: their record, body, accepted kinds and the outputs the emulator produces itself. */
import type { RunnerReply } from './pythonProcess';

export type StatementState = 'waiting' | 'running' | 'available' | 'error' | 'cancelling' | 'cancelled';

export type StatementOutput =
  | { status: 'ok'; execution_count: number; data: Record<string, unknown> }
  | { status: 'error'; execution_count: number; ename: string; evalue: string; traceback: string[] };

export interface StatementRecord {
  id: number;
  code: string;
  kind: string;
  state: StatementState;
  output: StatementOutput | null;
}

/** Kinds Synapse and Livy accept; only Python and SQL run in the emulator. */
const PYTHON_KINDS = new Set(['pyspark', 'python', 'sql']);
const UNSUPPORTED_KINDS: Record<string, string> = {
  spark: 'Scala',
  scala: 'Scala',
  sparkr: 'R',
  r: 'R',
  dotnetspark: '.NET (C#)',
  csharp: '.NET (C#)',
};

export function isKnownKind(kind: string): boolean {
  return PYTHON_KINDS.has(kind) || kind in UNSUPPORTED_KINDS;
}

export function runsInPython(kind: string): boolean {
  return PYTHON_KINDS.has(kind);
}

export function statementBody(statement: StatementRecord): Record<string, unknown> {
  return {
    id: statement.id,
    code: statement.code,
    state: statement.state,
    sourceId: 'default',
    output: statement.output,
  };
}

export function isFinished(statement: StatementRecord): boolean {
  return ['available', 'error', 'cancelled'].includes(statement.state);
}

/** A statement in a language the emulator does not run still completes, with an error output. */
export function unsupportedKindOutput(kind: string, executionCount: number): StatementOutput {
  const language = UNSUPPORTED_KINDS[kind] ?? kind;
  return {
    status: 'error',
    execution_count: executionCount,
    ename: 'UnsupportedLanguage',
    evalue:
      `The local emulator runs only Python (pyspark) and SQL statements; ` +
      `${language} statements (kind '${kind}') are not executed. Run them on a real Synapse Spark pool.`,
    traceback: [],
  };
}

/** What Livy answers when the interpreter process dies under a statement. */
export function interpreterDiedOutput(description: string, executionCount: number): StatementOutput {
  return {
    status: 'error',
    execution_count: executionCount,
    ename: 'Error',
    evalue: `Interpreter died:\n${description}`,
    traceback: [],
  };
}

export function outputFromReply(reply: RunnerReply): StatementOutput | null {
  if (reply.status === 'ok') {
    return { status: 'ok', execution_count: reply.execution_count, data: reply.data };
  }
  if (reply.status === 'error') {
    return {
      status: 'error',
      execution_count: reply.execution_count,
      ename: reply.ename,
      evalue: reply.evalue,
      traceback: reply.traceback,
    };
  }
  return null;
}
