/** The batch endpoints, over a store of LivyBatch objects. */
import type { EmuRequest, EmuResponse } from '../http';
import { LivyBatch, type BatchData } from './batch';
import { jobBody, jobHeaders } from './bodies';
import type { PoolInfo } from './context';
import { newJobRecord, type JobRecord } from './jobRecord';
import { parseJobRequest } from './jobRequest';
import { JobStore } from './jobStore';
import { empty, isDetailed, json, jsonBody, notFound, page } from './responses';
import type { LivyRuntime } from './runtime';

export class BatchManager {
  private readonly store = new JobStore<LivyBatch>();

  constructor(private readonly rt: LivyRuntime) {}

  /** Batches list under `sessions`, as the swagger and SDK (SparkBatchJobCollection) name it. */
  list(req: EmuRequest, workspace: string, pool: string): EmuResponse {
    const detailed = isDetailed(req);
    const all = this.store.list(workspace, pool);
    const { from, items } = page(all, req);
    return json({ from, total: all.length, sessions: items.map((b) => jobBody(b.job, detailed)) });
  }

  create(req: EmuRequest, workspace: string, pool: string, poolInfo: PoolInfo): EmuResponse {
    const parsed = parseJobRequest(jsonBody(req), 'batch', poolInfo);
    const submitter = this.rt.submitter(req);
    const job = newJobRecord({
      kind: 'batch', id: this.store.nextId(workspace, pool), workspace, pool, name: parsed.name,
      request: parsed.request, tags: parsed.tags, artifactId: parsed.artifactId, submitterName: submitter.name,
      submitterId: submitter.id, baseUrl: this.rt.baseUrl(req), tenantId: this.rt.tenantId(),
    }, this.rt.now());
    const batch = new LivyBatch({ job }, this.rt, () => poolInfo.coldStart ?? this.rt.ctx.coldStart);
    this.store.add(batch);
    void batch.run();
    return this.jobResponse(batch, isDetailed(req));
  }

  get(req: EmuRequest, workspace: string, pool: string, id: number): EmuResponse {
    return this.jobResponse(this.find(workspace, pool, id), isDetailed(req));
  }

  delete(workspace: string, pool: string, id: number): EmuResponse {
    this.find(workspace, pool, id).kill();
    return empty();
  }

  snapshot(): { counters: Record<string, number>; batches: BatchData[] } {
    return { counters: this.store.counters(), batches: this.store.all().map((b) => structuredClone(b.data)) };
  }

  restore(saved: { counters?: Record<string, number>; batches?: BatchData[] }): void {
    for (const data of saved.batches ?? []) {
      const batch = new LivyBatch(data, this.rt);
      batch.markLostOnRestart();
      this.store.add(batch);
    }
    this.store.restoreCounters(saved.counters ?? {});
  }

  shutdown(): void {
    for (const batch of this.store.all()) {
      batch.shutdown();
    }
  }

  /** The record behind a batch, for the Spark UI log endpoint. */
  job(workspace: string, pool: string, id: number): JobRecord | undefined {
    return this.store.get(workspace, pool, id)?.job;
  }

  private find(workspace: string, pool: string, id: number): LivyBatch {
    const batch = this.store.get(workspace, pool, id);
    if (!batch) {
      throw notFound('BatchNotFound', `Spark batch job ${id} not found in pool '${pool}'.`);
    }
    return batch;
  }

  private jobResponse(batch: LivyBatch, detailed: boolean): EmuResponse {
    return json(jobBody(batch.job, detailed), jobHeaders(batch.job));
  }
}
