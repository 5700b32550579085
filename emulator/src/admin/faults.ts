/**
 * Fault injection: a registry of rules the server consults before routing each request. Off unless a rule
 * is added (admin API or seed). Rules match by surface, method and a path regular expression, and fire
 * `count` times (unlimited when omitted). Surfaces may define their own kinds (the Livy surface uses
 * `sessionDeath`) and consume them with `take`.
 */
import { randomUUID } from 'node:crypto';

export type Surface = 'arm' | 'livy' | 'identity';

export type FaultKind =
  /** Answer with `status` (429 gets Retry-After and the ARM throttling body; 5xx an error body). */
  | 'status'
  /** Delay the request by `latencyMs`, then handle it normally. */
  | 'latency'
  /** Destroy the socket without answering. */
  | 'drop'
  /** The token endpoint issues tokens that are already expired (protected routes then answer 401). */
  | 'expiredTokens'
  /** Livy: the session behind the matching request dies mid-statement. Interpreted by the Livy surface. */
  | 'sessionDeath'
  | (string & {});

export interface FaultSpec {
  kind: FaultKind;
  /** Limit to one surface; all surfaces when omitted. */
  surface?: Surface;
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Regular expression (source text, case-insensitive) tested against the request path. */
  path?: string;
  /** How many matching requests it affects; unlimited when omitted. */
  count?: number;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Error code for `status` faults (defaults per status). */
  code?: string;
  message?: string;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Times it fired so far. */
  hits: number;
}

export interface FaultTarget {
  surface: Surface | undefined;
  method: string;
  path: string;
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (!spec || typeof spec.kind !== 'string') throw new Error('a fault needs a kind');
    if (spec.path !== undefined) new RegExp(spec.path, 'i'); // throws on a bad pattern before it is stored
    if (spec.kind === 'status' && (typeof spec.status !== 'number' || spec.status < 400 || spec.status > 599))
      throw new Error('a status fault needs a status between 400 and 599');
    const fault: Fault = { ...spec, id: randomUUID(), hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const i = this.faults.findIndex((f) => f.id === id);
    if (i < 0) return false;
    this.faults.splice(i, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
  }

  /**
   * Returns the first live fault of one of `kinds` matching the target, counting it as fired (and removing
   * it once its count is used up), or undefined.
   */
  take(kinds: readonly string[], target: FaultTarget): Fault | undefined {
    const fault = this.faults.find((f) => kinds.includes(f.kind) && matches(f, target));
    if (!fault) return undefined;
    fault.hits++;
    if (fault.count !== undefined && fault.hits >= fault.count) this.remove(fault.id);
    return { ...fault };
  }

  /** Whether a fault of `kind` is active for the target, without counting it. */
  has(kind: string, target: FaultTarget): boolean {
    return this.faults.some((f) => f.kind === kind && matches(f, target));
  }
}

function matches(f: Fault, t: FaultTarget): boolean {
  if (f.surface && f.surface !== t.surface) return false;
  if (f.method && f.method.toUpperCase() !== t.method.toUpperCase()) return false;
  if (f.path && !new RegExp(f.path, 'i').test(t.path)) return false;
  return true;
}
