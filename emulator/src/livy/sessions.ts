/** The session and statement endpoints, over a store of LivySession objects. */
import type { EmuRequest, EmuResponse } from '../http';
import { jobBody, jobHeaders } from './bodies';
import type { PoolInfo } from './context';
import { newJobRecord, type JobRecord } from './jobRecord';
import { parseJobRequest } from './jobRequest';
import { JobStore } from './jobStore';
import { badRequest, empty, isDetailed, json, jsonBody, notFound, page } from './responses';
import type { LivyRuntime } from './runtime';
import { LivySession, type SessionData } from './session';
import { isKnownKind, statementBody } from './statements';

export class SessionManager {
  private readonly store = new JobStore<LivySession>();

  constructor(private readonly rt: LivyRuntime) {}

  list(req: EmuRequest, workspace: string, pool: string): EmuResponse {
    const detailed = isDetailed(req);
    const all = this.store.list(workspace, pool);
    const { from, items } = page(all, req);
    return json({ from, total: all.length, sessions: items.map((s) => jobBody(s.job, detailed)) });
  }

  create(req: EmuRequest, workspace: string, pool: string, poolInfo: PoolInfo): EmuResponse {
    const parsed = parseJobRequest(jsonBody(req), 'session', poolInfo);
    const submitter = this.rt.submitter(req);
    const now = this.rt.now();
    const job = newJobRecord({
      kind: 'session', id: this.store.nextId(workspace, pool), workspace, pool, name: parsed.name,
      request: parsed.request, tags: parsed.tags, artifactId: parsed.artifactId, submitterName: submitter.name,
      submitterId: submitter.id, baseUrl: this.rt.baseUrl(req), tenantId: this.rt.tenantId(),
    }, now);
    const session = new LivySession({
      job, statements: [], executionCount: 0, idleTimeoutMs: parsed.idleTimeoutMs ?? this.rt.ctx.idleTimeoutMs,
      lastActivity: now, conf: parsed.conf,
    }, this.rt, () => poolInfo.coldStart ?? this.rt.ctx.coldStart);
    this.store.add(session);
    void session.coldStart();
    return this.jobResponse(session, isDetailed(req));
  }

  get(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse {
    return this.jobResponse(this.find(workspace, pool, id), isDetailed(req));
  }

  delete(workspace: string, pool: string, id: number): EmuResponse {
    this.find(workspace, pool, id).kill();
    return empty();
  }

  resetTimeout(workspace: string, pool: string, id: number): EmuResponse {
    this.find(workspace, pool, id).touch();
    return empty();
  }

  /** Fault injection: the session's Python process dies; false when there is no such session. */
  crash(workspace: string, pool: string, id: number): boolean {
    const session = this.store.get(workspace, pool, id);
    session?.crash();
    return session !== undefined;
  }

  listStatements(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse {
    const statements = [...this.find(workspace, pool, id).data.statements];
    if (req.query.get('order') === 'desc') {
      statements.reverse();
    }
    const { items } = page(statements, req);
    return json({ total_statements: statements.length, statements: items.map(statementBody) });
  }

  createStatement(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse {
    const session = this.find(workspace, pool, id);
    const body = jsonBody(req);
    if (typeof body.code !== 'string') {
      throw badRequest("A statement needs 'code' (a string).");
    }
    const kind = body.kind === undefined || body.kind === null ? 'pyspark' : String(body.kind).toLowerCase();
    if (!isKnownKind(kind)) {
      throw badRequest(`Unknown statement kind '${kind}': use pyspark, spark, sql or dotnetspark.`);
    }
    return json(statementBody(session.addStatement(body.code, kind)));
  }

  getStatement(workspace: string, pool: string, id: number, statementId: number): EmuResponse {
    return json(statementBody(this.find(workspace, pool, id).statement(statementId)));
  }

  cancelStatement(workspace: string, pool: string, id: number, statementId: number): EmuResponse {
    this.find(workspace, pool, id).cancelStatement(statementId);
    return json({ msg: 'canceled' });
  }

  snapshot(): { counters: Record<string, number>; sessions: SessionData[] } {
    return { counters: this.store.counters(), sessions: this.store.all().map((s) => structuredClone(s.data)) };
  }

  restore(saved: { counters?: Record<string, number>; sessions?: SessionData[] }): void {
    for (const data of saved.sessions ?? []) {
      const session = new LivySession(data, this.rt);
      session.markLostOnRestart();
      this.store.add(session);
    }
    this.store.restoreCounters(saved.counters ?? {});
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.store.all().map((session) => session.shutdown()));
  }

  /** The record behind a session, for the Spark UI log endpoint. */
  job(workspace: string, pool: string, id: number): JobRecord | undefined {
    return this.store.get(workspace, pool, id)?.job;
  }

  private find(workspace: string, pool: string, id: number): LivySession {
    const session = this.store.get(workspace, pool, id);
    if (!session) {
      throw notFound('SessionNotFound', `Spark session ${id} not found in pool '${pool}'.`);
    }
    return session;
  }

  private jobResponse(session: LivySession, detailed: boolean): EmuResponse {
    return json(jobBody(session.job, detailed), jobHeaders(session.job));
  }
}
