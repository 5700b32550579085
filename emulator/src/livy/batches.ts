/** The batch endpoints (create, list, get, delete: see JobManager) over LivyBatch objects. */
import { LivyBatch, type BatchData } from './batch';
import type { PoolInfo } from './context';
import type { JobRecord } from './jobRecord';
import { JobManager } from './jobManager';
import type { LivyRuntime } from './runtime';

export class BatchManager extends JobManager<BatchData, LivyBatch> {
  constructor(rt: LivyRuntime) {
    super(rt, 'batch', 'BatchNotFound', 'Spark batch job');
  }

  protected newJob(job: JobRecord, _parsed: unknown, poolInfo: PoolInfo): LivyBatch {
    return new LivyBatch({ job }, this.rt, () => poolInfo.coldStart ?? this.rt.ctx.coldStart);
  }

  protected start(batch: LivyBatch): void {
    void batch.run();
  }

  protected revive(data: BatchData): LivyBatch {
    return new LivyBatch(data, this.rt);
  }

  /** The monitoring UI of batch `id` when it runs application `appId` now. */
  applicationUi(workspace: string, pool: string, id: number, appId: string): string | undefined {
    const batch = this.store.get(workspace, pool, id);
    return batch?.data.sparkUiUrl && batch.job.appId === appId ? batch.data.sparkUiUrl : undefined;
  }

  snapshot(): { counters: Record<string, number>; batches: BatchData[] } {
    const { counters, items } = this.snapshotJobs();
    return { counters, batches: items };
  }

  restore(saved: { counters?: Record<string, number>; batches?: BatchData[] }): void {
    this.restoreJobs(saved.counters, saved.batches);
  }

  shutdown(): void {
    for (const batch of this.store.all()) {
      batch.shutdown();
    }
  }
}
