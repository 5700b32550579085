/**
 * Follows an Azure ML job to its end: polls the job and (for pipelines) its step jobs, reports each change,
 * and backs off while nothing changes (fast right after submit and after every change, slower during long
 * quiet steps). Step logs are tailed by offset so each poll fetches only what is new.
 */
import type { StepStatus } from '../pipelines/graph';
import { TERMINAL_STATES, type AmlJob, type AmlWorkspaceClient } from './amlWorkspaceClient';

export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 10_000, factor: 1.6 };

export interface StepState {
  /** Node name in the pipeline. */
  step: string;
  jobName: string;
  status: string;
}

export interface JobSnapshot {
  name: string;
  status: string;
  displayName?: string;
  jobType?: string;
  terminal: boolean;
  steps: StepState[];
  outputs: Record<string, string>;
  studioUrl?: string;
}

export interface LogChunk {
  step: string;
  jobName: string;
  text: string;
}

/** AML job status -> the graph's step status. */
export function stepStatusOf(status: string | undefined): StepStatus {
  switch (status) {
    case 'NotStarted':
    case 'Preparing':
    case 'Provisioning':
      return 'notStarted';
    case 'Queued':
    case 'Starting':
      return 'queued';
    case 'Running':
    case 'Finalizing':
    case 'CancelRequested':
      return 'running';
    case 'Completed':
      return 'completed';
    case 'Failed':
    case 'NotResponding':
      return 'failed';
    case 'Canceled':
      return 'canceled';
    default:
      return 'unknown';
  }
}

export function snapshotOf(job: AmlJob, children: AmlJob[]): JobSnapshot {
  const status = job.properties.status ?? 'Unknown';
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.properties.outputs ?? {})) if (v?.uri) outputs[k] = v.uri;
  for (const child of children) {
    for (const [k, v] of Object.entries(child.properties.outputs ?? {})) if (v?.uri) outputs[`${stepOf(child)}.${k}`] = v.uri;
  }
  return {
    name: job.name,
    status,
    displayName: job.properties.displayName,
    jobType: job.properties.jobType,
    terminal: TERMINAL_STATES.has(status),
    steps: children.map((c) => ({ step: stepOf(c), jobName: c.name, status: c.properties.status ?? 'Unknown' })),
    outputs,
    studioUrl: job.properties.services?.Studio?.endpoint ?? undefined,
  };
}

function stepOf(child: AmlJob): string {
  return child.properties.properties?.['azureml.nodeid'] ?? child.properties.displayName ?? child.name;
}

function fingerprint(s: JobSnapshot): string {
  return JSON.stringify([s.status, s.steps.map((x) => [x.step, x.status]), s.outputs]);
}

export interface FollowOptions {
  signal?: AbortSignal;
  backoff?: Partial<BackoffOptions>;
  onSnapshot?: (snapshot: JobSnapshot) => void;
  onLog?: (chunk: LogChunk) => void;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The delay before the next poll: back to the minimum after a change, else grown by `factor`. */
export function nextDelay(current: number, changed: boolean, o: BackoffOptions): number {
  return changed ? o.minDelayMs : Math.min(o.maxDelayMs, Math.round(current * o.factor));
}

export class JobMonitor {
  private readonly logOffsets = new Map<string, number>();
  private logsUnavailable = false;

  constructor(private readonly client: AmlWorkspaceClient, readonly jobName: string) {}

  async poll(signal?: AbortSignal): Promise<JobSnapshot> {
    const job = await this.client.getJob(this.jobName, signal);
    const children = job.properties.jobType === 'Pipeline' ? await this.client.listChildJobs(this.jobName, signal) : [];
    return snapshotOf(job, children);
  }

  /** New log text of every step that has started (or of the job itself when it has no steps). */
  async readLogs(snapshot: JobSnapshot, signal?: AbortSignal): Promise<LogChunk[]> {
    if (this.logsUnavailable) return [];
    const sources = snapshot.steps.length > 0
      ? snapshot.steps.filter((s) => stepStatusOf(s.status) !== 'notStarted')
      : [{ step: snapshot.name, jobName: snapshot.name, status: snapshot.status }];
    const chunks: LogChunk[] = [];
    for (const s of sources) {
      const offset = this.logOffsets.get(s.jobName) ?? 0;
      const read = await this.client.readUserLog(s.jobName, offset, signal);
      if (!read) {
        this.logsUnavailable = true;
        return chunks;
      }
      if (read.text) {
        this.logOffsets.set(s.jobName, offset + Buffer.byteLength(read.text));
        chunks.push({ step: s.step, jobName: s.jobName, text: read.text });
      }
    }
    return chunks;
  }

  get hasLogs(): boolean {
    return !this.logsUnavailable;
  }

  /** Polls until the job ends (or the signal aborts); answers the final snapshot. */
  async follow(opts: FollowOptions = {}): Promise<JobSnapshot> {
    const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    const sleep = opts.sleep ?? abortableSleep;
    let delay = backoff.minDelayMs;
    let last = '';
    for (;;) {
      const snapshot = await this.poll(opts.signal);
      const fp = fingerprint(snapshot);
      const changed = fp !== last;
      // Log text first, then the state: whoever sees a terminal state also has the whole log.
      let logged = false;
      if (opts.onLog) {
        for (const chunk of await this.readLogs(snapshot, opts.signal)) {
          opts.onLog(chunk);
          logged = true;
        }
      }
      last = fp;
      if (changed) opts.onSnapshot?.(snapshot);
      if (snapshot.terminal) return snapshot;
      delay = nextDelay(delay, changed || logged, backoff);
      await sleep(delay, opts.signal);
    }
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abort());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abort());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abort(): Error {
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  return e;
}
