/** The session and statement endpoints over LivySession objects (create, list, get, delete: see JobManager). */
import type { EmuRequest, EmuResponse } from '../http';
import type { PoolInfo } from './context';
import type { JobRecord } from './jobRecord';
import { JobManager } from './jobManager';
import type { ParsedJobRequest } from './jobRequest';
import { badRequest, empty, json, jsonBody, LivyRequestError, notFound, page } from './responses';
import type { LivyRuntime } from './runtime';
import { LivySession, type SessionData } from './session';
import { isKnownKind, statementBody } from './statements';

export class SessionManager extends JobManager<SessionData, LivySession> {
  constructor(rt: LivyRuntime) {
    super(rt, 'session', 'SessionNotFound', 'Spark session');
  }

  protected newJob(job: JobRecord, parsed: ParsedJobRequest, poolInfo: PoolInfo, now: number): LivySession {
    return new LivySession(
      {
        job,
        statements: [],
        executionCount: 0,
        idleTimeoutMs: parsed.idleTimeoutMs ?? this.rt.ctx.idleTimeoutMs,
        lastActivity: now,
        conf: parsed.conf,
        poolSparkVersion: poolInfo.sparkVersion,
      },
      this.rt,
      () => poolInfo.coldStart ?? this.rt.ctx.coldStart,
    );
  }

  protected start(session: LivySession): void {
    void session.coldStart();
  }

  protected revive(data: SessionData): LivySession {
    return new LivySession(data, this.rt);
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

  /**
   * The Spark monitoring REST API of the session's running application, passed through as Synapse does:
   * `sessions/{id}/applications/{appId}/{jobs|stages|executors...}` answers what the application's own
   * `/api/v1/applications/{appId}/...` answers.
   */
  async sparkApi(req: EmuRequest, workspace: string, pool: string, id: number, appId: string, rest: string): Promise<EmuResponse> {
    const session = this.find(workspace, pool, id);
    const uiUrl = session.data.sparkUiUrl;
    if (!uiUrl || session.job.appId !== appId) {
      if (req.method.toUpperCase() !== 'GET')
        throw new LivyRequestError(405, 'MethodNotAllowed', 'The Spark monitoring API is read-only; use GET.');
      throw notFound(
        'ApplicationNotFound',
        uiUrl
          ? `Spark application '${appId}' is not the application of session ${id} (${session.job.appId}).`
          : `Session ${id} has no running Spark application: Spark starts with the first statement that uses it.`,
      );
    }
    return proxySparkApi(req, uiUrl, appId, rest, `session ${id}`);
  }

  /** Whether session `id` runs application `appId` now. */
  runsApplication(workspace: string, pool: string, id: number, appId: string): boolean {
    const session = this.store.get(workspace, pool, id);
    return Boolean(session?.data.sparkUiUrl && session.job.appId === appId);
  }

  snapshot(): { counters: Record<string, number>; sessions: SessionData[] } {
    const { counters, items } = this.snapshotJobs();
    return { counters, sessions: items };
  }

  restore(saved: { counters?: Record<string, number>; sessions?: SessionData[] }): void {
    this.restoreJobs(saved.counters, saved.sessions);
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.store.all().map((session) => session.shutdown()));
  }
}

/** GET on a running application's own monitoring REST API (`{uiUrl}/api/v1/applications/{appId}{rest}`), answered as is. */
export async function proxySparkApi(req: EmuRequest, uiUrl: string, appId: string, rest: string, owner: string): Promise<EmuResponse> {
  if (req.method.toUpperCase() !== 'GET') {
    throw new LivyRequestError(405, 'MethodNotAllowed', 'The Spark monitoring API is read-only; use GET.');
  }
  const query = req.query.toString();
  const target = `${uiUrl}/api/v1/applications/${encodeURIComponent(appId)}${rest}${query ? `?${query}` : ''}`;
  let response: Response;
  try {
    response = await fetch(target, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
  } catch (err) {
    throw new LivyRequestError(
      502,
      'SparkApplicationUnreachable',
      `The Spark application of ${owner} did not answer: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const text = await response.text();
  const type = response.headers.get('content-type') ?? 'text/plain';
  let body: unknown = text;
  if (type.includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: type.includes('json') ? {} : { 'content-type': type }, body };
}
