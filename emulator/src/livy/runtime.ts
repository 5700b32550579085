import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmuRequest } from '../http';
import { defaultSubmitter, systemClock, type Clock, type ColdStartDelays, type LivyContext } from './context';
import { isEnded, markMonitoring, markResourceAcquisition, markScheduled, markSubmission, type JobKind, type JobRecord } from './jobRecord';
import { Timers } from './timers';
import { defaultRunnerScript } from './pythonProcess';

/** What the session and batch managers share: the context, its clock, cancellable timers, folders. */
export class LivyRuntime {
  readonly timers: Timers;
  /** Stands in for YARN's cluster start time in application ids. */
  readonly bootId: number;

  constructor(readonly ctx: LivyContext) {
    this.timers = new Timers(() => this.clock);
    this.bootId = this.now();
  }

  get clock(): Clock {
    return this.ctx.clock ?? systemClock;
  }

  now(): number {
    return this.clock.now();
  }

  /** A fresh working folder for one session or batch under the data dir. */
  async workDir(kind: JobKind, workspace: string, pool: string, id: number): Promise<string> {
    const dir = path.join(this.ctx.dataDir, 'livy', `${kind}s`, safeName(workspace), safeName(pool), String(id));
    await fs.promises.mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Walks a session or batch through Synapse's cold start: Queued -> Preparation -> ResourceAcquisition ->
   * Submission -> Monitoring, waiting each stage's delay (`delays` is read per stage, so settings changes
   * apply at once). `atSubmission` runs as Submission begins (a session starts its Python process there).
   * True when the job is still live after the last (`starting`) delay; false as soon as it ended (deleted).
   */
  async walkColdStart(job: JobRecord, delays: () => ColdStartDelays, atSubmission?: () => void): Promise<boolean> {
    const step = async (ms: number) => (await this.timers.sleep(ms)) && !isEnded(job);
    if (!(await step(delays().queued))) return false;
    markScheduled(job, this.now());
    if (!(await step(delays().preparation))) return false;
    markResourceAcquisition(job, this.now());
    if (!(await step(delays().resourceAcquisition))) return false;
    markSubmission(job, this.now());
    atSubmission?.();
    if (!(await step(delays().submission))) return false;
    markMonitoring(job, this.now(), this.bootId);
    return step(delays().starting);
  }

  /** What mssparkutils.env reads: the workspace, pool, submitter and Livy id of a job. */
  synapseEnv(job: JobRecord): Record<string, string> {
    return {
      SYNAPSE_WORKSPACE_NAME: job.workspace,
      SYNAPSE_POOL_NAME: job.pool,
      SYNAPSE_USER_NAME: job.submitterName,
      SYNAPSE_USER_ID: job.submitterId,
      SYNAPSE_JOB_ID: String(job.id),
    };
  }

  /** The folder that holds the emulator's notebookutils package (beside livy_runner.py). */
  notebookUtilsPath(): string {
    return path.dirname(this.ctx.runnerScript ?? defaultRunnerScript());
  }

  baseUrl(req: EmuRequest): string {
    return (this.ctx.publicUrl ?? `https://${req.headers.host ?? 'localhost'}`).replace(/\/+$/, '');
  }

  tenantId(): string {
    return this.ctx.tenantId ?? '00000000-0000-0000-0000-000000000000';
  }

  submitter(req: EmuRequest) {
    return this.ctx.submitter?.(req) ?? defaultSubmitter;
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
