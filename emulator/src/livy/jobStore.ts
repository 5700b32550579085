import { isEnded, type JobRecord } from './jobRecord';

/** Ended jobs kept per pool (lists show them, as Synapse does, until they age out). */
const MAX_ENDED_PER_POOL = 200;

interface PoolJobs<T> {
  nextId: number;
  items: Map<number, T>;
}

/** Jobs of one kind, numbered per Spark pool from 0 like Synapse's Livy. */
export class JobStore<T extends { job: JobRecord }> {
  private readonly pools = new Map<string, PoolJobs<T>>();

  private poolJobs(workspace: string, pool: string): PoolJobs<T> {
    const key = poolKey(workspace, pool);
    let jobs = this.pools.get(key);
    if (!jobs) {
      jobs = { nextId: 0, items: new Map() };
      this.pools.set(key, jobs);
    }
    return jobs;
  }

  nextId(workspace: string, pool: string): number {
    return this.poolJobs(workspace, pool).nextId++;
  }

  add(entry: T): void {
    const jobs = this.poolJobs(entry.job.workspace, entry.job.pool);
    jobs.items.set(entry.job.id, entry);
    jobs.nextId = Math.max(jobs.nextId, entry.job.id + 1);
    this.prune(jobs);
  }

  get(workspace: string, pool: string, id: number): T | undefined {
    return this.pools.get(poolKey(workspace, pool))?.items.get(id);
  }

  /** Newest first, as Synapse lists them. */
  list(workspace: string, pool: string): T[] {
    const items = [...(this.pools.get(poolKey(workspace, pool))?.items.values() ?? [])];
    return items.sort((a, b) => b.job.id - a.job.id);
  }

  all(): T[] {
    return [...this.pools.values()].flatMap((jobs) => [...jobs.items.values()]);
  }

  counters(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([key, jobs]) => [key, jobs.nextId]));
  }

  restoreCounters(counters: Record<string, number>): void {
    for (const [key, nextId] of Object.entries(counters)) {
      const [workspace, pool] = key.split('\u0000');
      const jobs = this.poolJobs(workspace, pool);
      jobs.nextId = Math.max(jobs.nextId, nextId);
    }
  }

  private prune(jobs: PoolJobs<T>): void {
    const ended = [...jobs.items.values()].filter((entry) => isEnded(entry.job));
    for (const entry of ended.sort((a, b) => a.job.id - b.job.id).slice(0, -MAX_ENDED_PER_POOL)) {
      jobs.items.delete(entry.job.id);
    }
  }
}

function poolKey(workspace: string, pool: string): string {
  return `${workspace.toLowerCase()}\u0000${pool.toLowerCase()}`;
}
