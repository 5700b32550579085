// SparkRun -> Synapse Livy batch request (POST .../batches): SparkBatchJobOptions of the data plane spec.
import type { Literal } from '../types';
import type { SparkRun } from './sparkRun';

export interface LivyBatchContext {
  /** Batch name (required by Synapse). */
  name: string;
  /** Remote folder (abfss://...) where the code folder was uploaded; relative files resolve against it. */
  codeUri: string;
  tags?: Record<string, string>;
}

export interface LivyBatchBody {
  name: string;
  file: string;
  className?: string;
  args?: string[];
  jars?: string[];
  pyFiles?: string[];
  files?: string[];
  archives?: string[];
  conf?: Record<string, string>;
  driverMemory?: string;
  driverCores?: number;
  executorMemory?: string;
  executorCores?: number;
  numExecutors?: number;
  tags?: Record<string, string>;
}

// Spark conf keys that Livy takes as first-class fields.
const SIZING: Record<string, 'driverMemory' | 'driverCores' | 'executorMemory' | 'executorCores' | 'numExecutors'> = {
  'spark.driver.memory': 'driverMemory',
  'spark.driver.cores': 'driverCores',
  'spark.executor.memory': 'executorMemory',
  'spark.executor.cores': 'executorCores',
  'spark.executor.instances': 'numExecutors',
};

export function toLivyBatchBody(run: SparkRun, ctx: LivyBatchContext): LivyBatchBody {
  const spec = run.spec;
  const remote = (p: string): string =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : `${ctx.codeUri.replace(/\/$/, '')}/${p.replace(/^\.\//, '')}`;
  const body: LivyBatchBody = { name: ctx.name, file: '' };
  if (spec.entry?.className) {
    body.className = spec.entry.className;
    body.file = spec.jars?.[0] ? remote(spec.jars[0]) : '';
  } else {
    body.file = remote(spec.entry?.file ?? '');
  }
  if (spec.args) {
    body.args = splitArgs(substitutePlaceholders(spec.args, run));
  }
  const lists = { jars: spec.jars, pyFiles: spec.pyFiles, files: spec.files, archives: spec.archives } as const;
  for (const [key, list] of Object.entries(lists)) {
    if (list && list.length > 0) {
      body[key as keyof typeof lists] = list.map(remote);
    }
  }
  const conf: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.conf ?? {})) {
    const field = SIZING[key];
    if (field === 'driverMemory' || field === 'executorMemory') {
      body[field] = String(value);
    } else if (field) {
      body[field] = Number(value);
    } else {
      conf[key] = String(value);
    }
  }
  if (Object.keys(conf).length > 0) {
    body.conf = conf;
  }
  if (ctx.tags) {
    body.tags = ctx.tags;
  }
  return body;
}

/** Replaces `${{inputs.x}}` / `${{outputs.y}}` with the port's path or value; unknown ones stay. */
export function substitutePlaceholders(text: string, run: Pick<SparkRun, 'inputs' | 'outputs'>): string {
  return text.replace(/\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}/g, (whole, side: string, name: string) => {
    const port = side === 'inputs' ? run.inputs[name] : run.outputs[name];
    const value: Literal | undefined = port?.path ?? port?.value;
    return value === undefined ? whole : String(value);
  });
}

/** Splits a command line like a POSIX shell would for plain words and '...' / "..." quoting. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) {
        quote = undefined;
      } else if (ch === '\\' && quote === '"' && i + 1 < text.length) {
        current += text[++i];
      } else {
        current += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) {
        args.push(current);
        current = '';
        inWord = false;
      }
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) {
    args.push(current);
  }
  return args;
}
