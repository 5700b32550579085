/**
 * Bad inputs to the notebook path, each run through runCell on a live session of the in-process emulator:
 * each must end (no hang, no crash) with a clear diagnostic, or, where the input is legal but awkward (huge
 * output, bytes that are not UTF-8, a 1 MB cell, an empty cell), with a sensible result.
 */
import { runCell, type CellResult } from '../src/core/notebook/cellRunner';
import { parseCell } from '../src/core/notebook/magics';
import { ERROR_MIME, type CellOutputModel } from '../src/core/notebook/outputs';
import type { NotebookKernelSession } from '../src/core/notebook/sessionRegistry';
import { RecordingSink } from '../test/support/livySessions';
import { CELL_DEADLINE_MS, openNotebook, type FaultRunEnv } from './faultRun';

export interface BadInput {
  name: string;
  source: string;
  /** Undefined when the cell's outputs are what they should be; otherwise what is wrong. */
  check(result: CellResult, outputs: CellOutputModel[], requests: number): string | undefined;
}

const OUTPUT_LIMIT = 100_000;

function texts(outputs: CellOutputModel[]): string[] {
  return outputs.flatMap((o) => o.items).flatMap((i) => ('text' in i ? [i.text] : []));
}

function errorOf(outputs: CellOutputModel[]): string | undefined {
  const item = outputs.flatMap((o) => o.items).find((i) => i.mime === ERROR_MIME);
  return item && 'error' in item ? item.error.message : undefined;
}

/**
 * A diagnostic for a cell the user wrote wrong: an error output naming the problem, short, no stack or HTML
 * (it may quote the user's own line, JSON included, and the fix may be implied: "takes no options").
 */
function clearDiagnostic(result: CellResult, outputs: CellOutputModel[], names: RegExp): string | undefined {
  if (result.outcome !== 'failed') return `outcome ${result.outcome}, expected failed`;
  const message = errorOf(outputs);
  if (message === undefined) return 'no error output';
  if (/\n\s+at .+:\d+/.test(message) || /<html|<body/i.test(message)) return 'the message is a raw dump';
  if (message.length > 600) return `the message is ${message.length} characters long`;
  return names.test(message) ? undefined : `the message does not name ${names}: ${message}`;
}

const ONE_MB = 1024 * 1024;

export const BAD_INPUTS: BadInput[] = [
  {
    name: '%%configure with invalid JSON',
    source: '%%configure\n{"executorMemory": "2g",}',
    check: (r, o, n) =>
      clearDiagnostic(r, o, /%%configure JSON has an error at line 2, column \d+[\s\S]*trailing comma/) ??
      (n ? `${n} Livy requests for a cell that cannot run` : undefined),
  },
  {
    name: '%%configure with a non-object body',
    source: '%%configure\n["executorMemory"]',
    check: (r, o) => clearDiagnostic(r, o, /%%configure needs a JSON object/),
  },
  {
    name: 'unknown cell magic',
    source: '%%sparkr\nprint(1)',
    check: (r, o, n) => clearDiagnostic(r, o, /Unknown cell magic '%%sparkr'/) ?? (n ? `${n} Livy requests` : undefined),
  },
  { name: 'magic with unexpected options', source: '%%info --verbose', check: (r, o) => clearDiagnostic(r, o, /%%info takes no options/) },
  {
    name: 'huge output (5 MB printed)',
    source: 'print("x" * (5 * 1024 * 1024))',
    check: (r, o) => {
      const all = texts(o);
      const size = all.reduce((n, t) => n + Buffer.byteLength(t), 0);
      if (r.outcome !== 'succeeded') return `outcome ${r.outcome}`;
      if (size > OUTPUT_LIMIT + 1000) return `the cell holds ${size} bytes, over the ${OUTPUT_LIMIT} limit`;
      return all.some((t) => /truncated/i.test(t) && /outputLimitKB/.test(t)) ? undefined : 'no notice that the output was truncated';
    },
  },
  {
    name: 'output bytes that are not UTF-8',
    source: 'import sys\n_ = sys.stdout.write(bytes([0x66, 0xff, 0xfe, 0x80, 0x6f]).decode("utf-8", "surrogateescape"))',
    check: (r, o) => {
      if (r.outcome !== 'succeeded') return `outcome ${r.outcome}: ${texts(o).join(' ')}`;
      // The notebook stores text as UTF-8 (VS Code encodes output text): the three bad bytes become U+FFFD.
      const stored = new TextDecoder().decode(new TextEncoder().encode(texts(o).join('')));
      return stored === 'f\ufffd\ufffd\ufffdo' ? undefined : `stored as ${JSON.stringify(stored)}`;
    },
  },
  {
    name: 'a 1 MB cell',
    source: `s = "${'a'.repeat(ONE_MB)}"\nprint(len(s))`,
    check: (r, o) =>
      r.outcome === 'succeeded' && texts(o).join('').trim() === String(ONE_MB)
        ? undefined
        : r.outcome === 'failed'
          ? clearDiagnostic(r, o, /./)
          : `outcome ${r.outcome}: ${texts(o).join(' ').slice(0, 200)}`,
  },
  {
    name: 'empty cell',
    source: '',
    check: (r, o, n) =>
      r.outcome === 'succeeded' && o.length === 0 && n === 0 ? undefined : `outcome ${r.outcome}, ${o.length} outputs, ${n} requests`,
  },
  {
    name: 'blank lines only',
    source: '  \n\t\n\n',
    check: (r, o, n) =>
      r.outcome === 'succeeded' && o.length === 0 && n === 0 ? undefined : `outcome ${r.outcome}, ${o.length} outputs, ${n} requests`,
  },
  {
    name: '%%pyspark with no body',
    source: '%%pyspark\n',
    check: (r, o, n) =>
      r.outcome === 'succeeded' && o.length === 0 && n === 0 ? undefined : `outcome ${r.outcome}, ${o.length} outputs, ${n} requests`,
  },
  {
    name: 'Python syntax error',
    source: 'def f(:\n  pass',
    check: (r, o) =>
      r.outcome === 'failed' && /SyntaxError/.test(JSON.stringify(o)) ? undefined : `outcome ${r.outcome}: ${texts(o).join(' ')}`,
  },
];

export interface BadInputResult {
  input: BadInput;
  /** Undefined when handled; otherwise what went wrong (including a hang or a crash). */
  problem?: string;
}

/** Runs every bad input on one notebook's live session, then closes the notebook. */
export async function runBadInputs(env: FaultRunEnv): Promise<BadInputResult[]> {
  const { registry, host, key, calls } = openNotebook(env);
  try {
    await host.session.ensureReady();
    return await runEach(host, calls);
  } finally {
    await registry.closeNotebook(key, true);
  }
}

async function runEach(host: NotebookKernelSession, requests: () => number): Promise<BadInputResult[]> {
  const results: BadInputResult[] = [];
  for (const input of BAD_INPUTS) {
    const sink = new RecordingSink();
    const before = requests();
    let timer: NodeJS.Timeout | undefined;
    try {
      const settled = await Promise.race([
        runCell(parseCell(input.source), host, sink, new AbortController().signal),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), CELL_DEADLINE_MS);
        }),
      ]);
      results.push({
        input,
        problem: settled ? input.check(settled, sink.last, requests() - before) : `did not settle within ${CELL_DEADLINE_MS / 1000} s`,
      });
    } catch (err) {
      results.push({ input, problem: `runCell threw: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      clearTimeout(timer);
    }
  }
  return results;
}
