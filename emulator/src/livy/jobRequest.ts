/**
 * Validates a session/batch create body and shapes it the way Synapse echoes it in
 * livyInfo.jobCreationRequest: known keys in a fixed order, `conf` always present, sizes defaulted from the
 * pool's node size when the body leaves them out.
 */
import type { PoolInfo } from './context';
import { badRequest } from './responses';

const STRING_LIST_KEYS = ['args', 'jars', 'pyFiles', 'files', 'archives'] as const;
const ECHO_ORDER = [
  'name',
  'file',
  'className',
  'args',
  'jars',
  'pyFiles',
  'files',
  'archives',
  'conf',
  'driverMemory',
  'driverCores',
  'executorMemory',
  'executorCores',
  'numExecutors',
];

/** Driver/executor memory and cores Synapse uses per node size (a Small node: 4 cores, 28g as recorded). */
const NODE_SIZES: Record<string, { memory: string; cores: number }> = {
  small: { memory: '28g', cores: 4 },
  medium: { memory: '56g', cores: 8 },
  large: { memory: '112g', cores: 16 },
  xlarge: { memory: '224g', cores: 32 },
  xxlarge: { memory: '400g', cores: 64 },
};

export interface ParsedJobRequest {
  name: string;
  request: Record<string, unknown>;
  tags: Record<string, string>;
  artifactId: string;
  conf: Record<string, string>;
  /** Session idle timeout named in the body (Livy `ttl`/`idleTimeout` or conf), in ms. */
  idleTimeoutMs?: number;
}

export function parseJobRequest(body: Record<string, unknown>, kind: 'session' | 'batch', pool: PoolInfo): ParsedJobRequest {
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw badRequest(`A Spark ${kind} needs a 'name'.`);
  }
  if (kind === 'batch' && (typeof body.file !== 'string' || body.file === '')) {
    throw badRequest("A Spark batch job needs a 'file' to run.");
  }
  for (const key of ['file', 'className', 'driverMemory', 'executorMemory'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') {
      throw badRequest(`'${key}' must be a string.`);
    }
  }
  for (const key of STRING_LIST_KEYS) {
    const value = body[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      throw badRequest(`'${key}' must be an array of strings.`);
    }
  }
  for (const key of ['driverCores', 'executorCores', 'numExecutors'] as const) {
    const value = body[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
      throw badRequest(`'${key}' must be a positive integer.`);
    }
  }
  const conf = stringMap(body.conf, 'conf');
  const size = NODE_SIZES[(pool.nodeSize ?? 'small').toLowerCase()] ?? NODE_SIZES.small;
  const filled: Record<string, unknown> = {
    driverMemory: size.memory,
    driverCores: size.cores,
    executorMemory: size.memory,
    executorCores: size.cores,
    numExecutors: 2,
    ...body,
    conf,
  };
  const request: Record<string, unknown> = {};
  for (const key of ECHO_ORDER) {
    if (filled[key] !== undefined) {
      request[key] = filled[key];
    }
  }
  return {
    name,
    request,
    tags: stringMap(body.tags, 'tags'),
    artifactId: typeof body.artifactId === 'string' ? body.artifactId : 'Livy',
    conf,
    idleTimeoutMs: idleTimeoutFrom(body, conf),
  };
}

function stringMap(value: unknown, key: string): Record<string, string> {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`'${key}' must be an object of strings.`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function idleTimeoutFrom(body: Record<string, unknown>, conf: Record<string, string>): number | undefined {
  const raw = body.ttl ?? body.idleTimeout ?? conf['livy.server.session.timeout'];
  if (raw === undefined) {
    return undefined;
  }
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw badRequest(`Cannot read the session timeout '${String(raw)}': use e.g. "30s", "20m" or "1h".`);
  }
  return ms;
}

/** Livy/Java-style durations: a number is seconds; units ms, s, m, min, h, d. */
export function parseDuration(raw: unknown): number | undefined {
  if (typeof raw === 'number' && raw > 0) {
    return raw * 1000;
  }
  const match = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/i.exec(raw) : null;
  if (!match) {
    return undefined;
  }
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1000;
  const ms = Number(match[1]) * factor;
  return ms > 0 ? ms : undefined;
}
