/**
 * Follows an Azure ML job to its end: polls the job and (for pipelines) its step jobs, reports each change,
 * and backs off while nothing changes (fast right after submit and after every change, slower during long
 * quiet steps). Steps come from run history; their log files are tailed by offset (Range requests) so each
 * poll fetches only what is new.
 */
import type { StepStatus } from '../pipelines/graph';
import { TERMINAL_STATES, type AmlJob, type AmlWorkspaceClient } from './amlWorkspaceClient';
import { PollingPolicy, type PollingOptions } from '../livy/polling';
import { sleep as abortableSleep } from '../util/abort';
import { AzureRequestError } from '../http/errors';
import { completeUtf8Length, logFilesToFollow, type HistoryRun } from './runHistory';

/** Job polling: fast right after a change, then slower while nothing changes. */
export const JOB_POLLING: PollingOptions = { initialDelayMs: 500, maxDelayMs: 10_000, factor: 1.6 };

export interface StepState {
  /** Node key in the pipeline (the child run's display name). */
  step: string;
  /** The child run's id (a GUID in Azure ML; opaque). */
  runId: string;
  status: string;
  /** Why the step failed, as run history reports it. */
  error?: string;
}

export interface JobSnapshot {
  name: string;
  status: string;
  displayName?: string;
  jobType?: string;
  terminal: boolean;
  steps: StepState[];
  /** Output name (`step.output` for step outputs) -> the URI Azure ML reports, e.g. `azureml://datastores/.../paths/...`. */
  outputs: Record<string, string>;
  studioUrl?: string;
}

export interface LogChunk {
  /** The step's node key; the job's own name for its own log (a pipeline's orchestration log, a single job's). */
  step: string;
  runId: string;
  text: string;
}

/** The default datastore of a workspace, where Azure ML writes outputs that name no path of their own. */
export const DEFAULT_OUTPUT_DATASTORE = 'workspaceblobstore';

/** Azure ML's default output location: `azureml://datastores/${{default_datastore}}/paths/azureml/${{name}}/${{output_name}}/`. */
export function defaultOutputUri(runId: string, output: string): string {
  return `azureml://datastores/${DEFAULT_OUTPUT_DATASTORE}/paths/azureml/${runId}/${output}/`;
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

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The job and its step runs as one snapshot. A child is matched to its node by `displayName` (the node key);
 * its `runId` is opaque. Outputs are the URIs Azure ML reports: the pipeline's own, and each completed step's
 * (its explicit path, else Azure ML's default path under the step's run id).
 */
export function snapshotOf(job: AmlJob, children: HistoryRun[]): JobSnapshot {
  const status = job.properties.status ?? 'Unknown';
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.properties.outputs ?? {})) if (v?.uri) outputs[k] = v.uri;
  const nodes = job.properties.jobs ?? {};
  const steps: StepState[] = children.map((c) => {
    const error = c.error?.error?.message ?? undefined;
    return { step: c.displayName || c.name || c.runId, runId: c.runId, status: c.status ?? 'Unknown', ...(error ? { error } : {}) };
  });
  for (const s of steps) {
    if (s.status !== 'Completed') continue;
    const declared = (nodes[s.step]?.outputs ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(declared)) {
      const uri = v && typeof v === 'object' ? (v as { uri?: unknown }).uri : undefined;
      outputs[`${s.step}.${k}`] = typeof uri === 'string' && URI.test(uri) ? uri : defaultOutputUri(s.runId, k);
    }
  }
  return {
    name: job.name,
    status,
    displayName: job.properties.displayName,
    jobType: job.properties.jobType,
    terminal: TERMINAL_STATES.has(status),
    steps,
    outputs,
    studioUrl: job.properties.services?.Studio?.endpoint ?? undefined,
  };
}

function fingerprint(s: JobSnapshot): string {
  return JSON.stringify([s.status, s.steps.map((x) => [x.step, x.status, x.error]), s.outputs]);
}

export interface FollowOptions {
  signal?: AbortSignal;
  backoff?: Partial<PollingOptions>;
  onSnapshot?: (snapshot: JobSnapshot) => void;
  onLog?: (chunk: LogChunk) => void;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class JobMonitor {
  /** `runId/file` -> bytes already read. */
  private readonly logOffsets = new Map<string, number>();
  /** Runs whose log was read after they ended: nothing more will come. */
  private readonly logsDone = new Set<string>();
  private logsUnavailable = false;

  constructor(
    private readonly client: AmlWorkspaceClient,
    readonly jobName: string,
  ) {}

  async poll(signal?: AbortSignal): Promise<JobSnapshot> {
    const job = await this.client.getJob(this.jobName, signal);
    const children =
      job.properties.jobType === 'Pipeline' ? await this.client.runHistory.listChildren(this.jobName, undefined, signal) : [];
    return snapshotOf(job, children);
  }

  /**
   * New log text of the job and of every step that has started: each run's `logFiles` from run history, read
   * from the last offset with Range requests. A run's log is read one last time after it ends.
   */
  async readLogs(snapshot: JobSnapshot, signal?: AbortSignal): Promise<LogChunk[]> {
    if (this.logsUnavailable) return [];
    const sources = [
      { step: snapshot.name, runId: snapshot.name, status: snapshot.status },
      ...snapshot.steps.filter((s) => stepStatusOf(s.status) !== 'notStarted'),
    ].filter((s) => !this.logsDone.has(s.runId));
    const chunks: LogChunk[] = [];
    try {
      for (const s of sources) chunks.push(...(await this.readRunLog(s.step, s.runId, signal)));
    } catch (err) {
      if (err instanceof AzureRequestError && (err.statusCode === 401 || err.statusCode === 403)) {
        this.logsUnavailable = true; // no permission to read logs: the run itself can still be followed
        return chunks;
      }
      throw err;
    }
    return chunks;
  }

  private async readRunLog(step: string, runId: string, signal?: AbortSignal): Promise<LogChunk[]> {
    let details;
    try {
      details = await this.client.runHistory.getDetails(runId, signal);
    } catch (err) {
      if (err instanceof AzureRequestError && err.statusCode === 404) return []; // not in run history (yet)
      throw err;
    }
    const ended = TERMINAL_STATES.has(details.status ?? '');
    const chunks: LogChunk[] = [];
    for (const file of logFilesToFollow(details.logFiles)) {
      const key = `${runId}/${file}`;
      const offset = this.logOffsets.get(key) ?? 0;
      const bytes = await this.client.runHistory.readLog(details.logFiles![file], offset, signal);
      // Only whole characters: a multi-byte character cut by the read waits for the next one.
      const whole = completeUtf8Length(bytes);
      if (whole === 0) continue;
      this.logOffsets.set(key, offset + whole);
      chunks.push({ step, runId, text: Buffer.from(bytes.subarray(0, whole)).toString('utf8') });
    }
    if (ended) this.logsDone.add(runId);
    return chunks;
  }

  get hasLogs(): boolean {
    return !this.logsUnavailable;
  }

  /** Polls until the job ends (or the signal aborts); answers the final snapshot. */
  async follow(opts: FollowOptions = {}): Promise<JobSnapshot> {
    const policy = new PollingPolicy({ ...JOB_POLLING, ...opts.backoff });
    const sleep = opts.sleep ?? abortableSleep;
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
      if (changed || logged) policy.reset();
      await sleep(policy.nextDelay(), opts.signal);
    }
  }
}
