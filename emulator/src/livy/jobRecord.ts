/**
 * The state of one Livy job (a session or a batch) as plain JSON-able data, plus the stage transitions
 * Synapse walks through. Bodies and headers are rendered from this record (bodies.ts), and snapshots store
 * it as is, so it holds no process handles or timers.
 */

export type JobKind = 'session' | 'batch';
export type LivyState =
  'not_started' | 'starting' | 'idle' | 'busy' | 'running' | 'recovering' | 'shutting_down' | 'dead' | 'killed' | 'error' | 'success';
export type JobResult = 'Uncertain' | 'Succeeded' | 'Failed' | 'Cancelled';
export type SchedulerState = 'Queued' | 'Scheduled' | 'Ended';
export type PluginState = 'Preparation' | 'ResourceAcquisition' | 'Queued' | 'Submission' | 'Monitoring' | 'Cleanup' | 'Ended';

export interface SparkServiceError {
  message: string;
  errorCode: string;
  source: 'System' | 'User' | 'Unknown' | 'Dependency';
}

/** Epoch milliseconds, or null while the moment has not come. */
type Moment = number | null;

export interface JobRecord {
  kind: JobKind;
  id: number;
  workspace: string;
  pool: string;
  name: string;
  /** The create body as Synapse echoes it in livyInfo.jobCreationRequest. */
  request: Record<string, unknown>;
  tags: Record<string, string>;
  artifactId: string;
  submitterName: string;
  submitterId: string;
  baseUrl: string;
  tenantId: string;
  state: LivyState;
  /** livyInfo's `<state>At` moments; the key set differs between sessions and batches. */
  stateTimes: Record<string, Moment>;
  result: JobResult;
  scheduler: {
    submittedAt: number;
    queuedAt: Moment;
    scheduledAt: Moment;
    endedAt: Moment;
    cancellationRequestedAt: Moment;
    currentState: SchedulerState;
  };
  plugin: {
    preparationStartedAt: Moment;
    resourceAcquisitionStartedAt: Moment;
    submissionStartedAt: Moment;
    monitoringStartedAt: Moment;
    cleanupStartedAt: Moment;
    currentState: PluginState;
  };
  errorInfo: SparkServiceError[];
  appId: string | null;
  /** none: appInfo null; partial: keys with null URLs (while starting); full: URLs present. */
  appInfoLevel: 'none' | 'partial' | 'full';
  timedOut: boolean;
  /** null until the job is submitted, as recorded. */
  log: { stdout: string[]; stderr: string[] } | null;
}

const SESSION_STATE_KEYS = [
  'notStartedAt',
  'startingAt',
  'idleAt',
  'deadAt',
  'shuttingDownAt',
  'killedAt',
  'recoveringAt',
  'busyAt',
  'errorAt',
];
const BATCH_STATE_KEYS = ['notStartedAt', 'startingAt', 'runningAt', 'deadAt', 'successAt', 'killedAt', 'recoveringAt'];
const MAX_LOG_LINES = 500;

export function stateTimeKeys(kind: JobKind): string[] {
  return kind === 'session' ? SESSION_STATE_KEYS : BATCH_STATE_KEYS;
}

export function newJobRecord(
  fields: Omit<
    JobRecord,
    'state' | 'stateTimes' | 'result' | 'scheduler' | 'plugin' | 'errorInfo' | 'appId' | 'appInfoLevel' | 'timedOut' | 'log'
  >,
  now: number,
): JobRecord {
  return {
    ...fields,
    state: 'not_started',
    stateTimes: Object.fromEntries(stateTimeKeys(fields.kind).map((key) => [key, null])),
    result: 'Uncertain',
    scheduler: {
      submittedAt: now,
      queuedAt: now,
      scheduledAt: null,
      endedAt: null,
      cancellationRequestedAt: null,
      currentState: 'Queued',
    },
    plugin: {
      preparationStartedAt: null,
      resourceAcquisitionStartedAt: null,
      submissionStartedAt: null,
      monitoringStartedAt: null,
      cleanupStartedAt: null,
      currentState: 'Preparation',
    },
    errorInfo: [],
    appId: null,
    appInfoLevel: 'none',
    timedOut: false,
    log: null,
  };
}

export function isEnded(job: JobRecord): boolean {
  return job.scheduler.currentState === 'Ended';
}

/**
 * Sets the Livy state and, the first time only, its `<state>At` moment: recorded sessions keep their first
 * idleAt after being busy, and never show notStartedAt set.
 */
export function setState(job: JobRecord, state: LivyState, now: number): void {
  job.state = state;
  const key = `${state.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())}At`;
  if (key !== 'notStartedAt' && job.stateTimes[key] === null) {
    job.stateTimes[key] = now;
  }
}

// Cold-start stages, in the order the recordings show them.
export function markScheduled(job: JobRecord, now: number): void {
  job.scheduler.scheduledAt = now;
  job.scheduler.currentState = 'Scheduled';
  job.plugin.preparationStartedAt = now;
}

export function markResourceAcquisition(job: JobRecord, now: number): void {
  job.plugin.resourceAcquisitionStartedAt = now;
  job.plugin.currentState = 'ResourceAcquisition';
}

export function markSubmission(job: JobRecord, now: number): void {
  job.plugin.submissionStartedAt = now;
  job.plugin.currentState = 'Submission';
  job.log = { stdout: [], stderr: [] };
  setState(job, 'starting', now);
}

export function markMonitoring(job: JobRecord, now: number, bootId: number): void {
  job.plugin.monitoringStartedAt = now;
  job.plugin.currentState = 'Monitoring';
  job.appId = `application_${bootId}_${String(job.id).padStart(4, '0')}`;
  job.appInfoLevel = 'partial';
}

/** Final state: scheduler and plugin both end; errors are appended, never replaced. */
export function markEnded(job: JobRecord, state: LivyState, result: JobResult, now: number, error?: SparkServiceError): void {
  if (isEnded(job)) {
    return;
  }
  setState(job, state, now);
  job.result = result;
  job.scheduler.endedAt = now;
  job.scheduler.currentState = 'Ended';
  job.plugin.cleanupStartedAt = now;
  job.plugin.currentState = 'Ended';
  if (error) {
    job.errorInfo.push({ message: error.message, errorCode: error.errorCode, source: error.source }); // recorded key order
  }
}

export function appendLog(job: JobRecord, stream: 'stdout' | 'stderr', line: string): void {
  if (!job.log) {
    job.log = { stdout: [], stderr: [] };
  }
  const lines = job.log[stream];
  lines.push(line);
  if (lines.length > MAX_LOG_LINES) {
    lines.splice(0, lines.length - MAX_LOG_LINES);
  }
}
