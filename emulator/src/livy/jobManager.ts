/**
 * What the session and batch endpoints share: create (parse the body, number the job per pool, start it),
 * list, get, delete, the not-found answer, snapshots of the jobs' JSON data and their restore (live jobs
 * come back dead), over a JobStore. SessionManager and BatchManager add what only they have.
 */
import type { EmuRequest, EmuResponse } from '../http';
import { jobBody, jobHeaders } from './bodies';
import type { PoolInfo } from './context';
import { newJobRecord, type JobKind, type JobRecord } from './jobRecord';
import { parseJobRequest, type ParsedJobRequest } from './jobRequest';
import { JobStore } from './jobStore';
import { empty, isDetailed, json, jsonBody, notFound, page } from './responses';
import type { LivyRuntime } from './runtime';

/** A live session or batch: its record, the JSON data snapshots keep, and how it ends. */
export interface ManagedJob<D> {
  readonly job: JobRecord;
  readonly data: D;
  /** DELETE: ends the job `killed`. */
  kill(): void;
  /** After an emulator restart: a live job lost its process and ends dead. */
  markLostOnRestart(): void;
}

/** The endpoints the routes map to, the same for sessions and batches. */
export interface JobEndpoints {
  list(req: EmuRequest, workspace: string, pool: string): EmuResponse;
  create(req: EmuRequest, workspace: string, pool: string, poolInfo: PoolInfo): EmuResponse;
  get(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse;
  delete(workspace: string, pool: string, id: number): EmuResponse;
}

export interface JobSnapshot<D> {
  counters: Record<string, number>;
  items: D[];
}

export abstract class JobManager<D, T extends ManagedJob<D>> implements JobEndpoints {
  protected readonly store = new JobStore<T>();

  /** `notFoundCode`/`label` name a missing job: "SessionNotFound", "Spark session 3 not found in pool 'p'." */
  constructor(
    protected readonly rt: LivyRuntime,
    private readonly kind: JobKind,
    private readonly notFoundCode: string,
    private readonly label: string,
  ) {}

  /** A new job's live object (not started yet). */
  protected abstract newJob(job: JobRecord, parsed: ParsedJobRequest, poolInfo: PoolInfo, now: number): T;
  /** Starts a job just added to the store (its cold start, in the background). */
  protected abstract start(entry: T): void;
  /** A job's live object over data from a snapshot. */
  protected abstract revive(data: D): T;

  /** Batches list under `sessions` too, as the swagger and SDK (SparkBatchJobCollection) name it. */
  list(req: EmuRequest, workspace: string, pool: string): EmuResponse {
    const detailed = isDetailed(req);
    const all = this.store.list(workspace, pool);
    const { from, items } = page(all, req);
    return json({ from, total: all.length, sessions: items.map((entry) => jobBody(entry.job, detailed)) });
  }

  create(req: EmuRequest, workspace: string, pool: string, poolInfo: PoolInfo): EmuResponse {
    const parsed = parseJobRequest(jsonBody(req), this.kind, poolInfo);
    const submitter = this.rt.submitter(req);
    const now = this.rt.now();
    const job = newJobRecord(
      {
        kind: this.kind,
        id: this.store.nextId(workspace, pool),
        workspace,
        pool,
        name: parsed.name,
        request: parsed.request,
        tags: parsed.tags,
        artifactId: parsed.artifactId,
        submitterName: submitter.name,
        submitterId: submitter.id,
        baseUrl: this.rt.baseUrl(req),
        tenantId: this.rt.tenantId(),
      },
      now,
    );
    const entry = this.newJob(job, parsed, poolInfo, now);
    this.store.add(entry);
    this.start(entry);
    return this.jobResponse(entry, isDetailed(req));
  }

  get(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse {
    return this.jobResponse(this.find(workspace, pool, id), isDetailed(req));
  }

  delete(workspace: string, pool: string, id: number): EmuResponse {
    this.find(workspace, pool, id).kill();
    return empty();
  }

  /** The record behind a job, for the Spark UI log endpoint. */
  job(workspace: string, pool: string, id: number): JobRecord | undefined {
    return this.store.get(workspace, pool, id)?.job;
  }

  protected snapshotJobs(): JobSnapshot<D> {
    return { counters: this.store.counters(), items: this.store.all().map((entry) => structuredClone(entry.data)) };
  }

  protected restoreJobs(counters: Record<string, number> | undefined, items: D[] | undefined): void {
    for (const data of items ?? []) {
      const entry = this.revive(data);
      entry.markLostOnRestart();
      this.store.add(entry);
    }
    this.store.restoreCounters(counters ?? {});
  }

  protected find(workspace: string, pool: string, id: number): T {
    const entry = this.store.get(workspace, pool, id);
    if (!entry) {
      throw notFound(this.notFoundCode, `${this.label} ${id} not found in pool '${pool}'.`);
    }
    return entry;
  }

  private jobResponse(entry: T, detailed: boolean): EmuResponse {
    return json(jobBody(entry.job, detailed), jobHeaders(entry.job));
  }
}
