/**
 * The Livy model the rest of the extension sees: plain data, independent of the SDK's generated types
 * (livyClient.ts converts). Field names follow what Synapse actually sends (see shared/azure-api).
 */

/** Livy session states as the service reports them (Synapse adds `running` and `recovering`). */
export type LivyServerState =
  | 'not_started'
  | 'starting'
  | 'recovering'
  | 'idle'
  | 'busy'
  | 'running'
  | 'shutting_down'
  | 'error'
  | 'dead'
  | 'killed'
  | 'success'
  | (string & {});

export type StatementState = 'waiting' | 'running' | 'available' | 'error' | 'cancelling' | 'cancelled' | (string & {});

export interface ColdStartTimes {
  submittedAt?: Date;
  scheduledAt?: Date;
  endedAt?: Date;
  schedulerState?: string;
  preparationStartedAt?: Date;
  resourceAcquisitionStartedAt?: Date;
  submissionStartedAt?: Date;
  monitoringStartedAt?: Date;
  cleanupStartedAt?: Date;
  pluginState?: string;
}

export interface LivySessionInfo {
  id: number;
  name?: string;
  state: LivyServerState;
  appId?: string;
  sparkUiUrl?: string;
  driverLogUrl?: string;
  submitterName?: string;
  /** Synapse's result: Uncertain | Succeeded | Failed | Cancelled. */
  result?: string;
  tags: Record<string, string>;
  log: string[];
  errors: { errorCode?: string; message?: string }[];
  coldStart: ColdStartTimes;
  /** When the session was submitted (detailed bodies only). */
  submittedAt?: Date;
  /** The create request as the service echoes it (detailed bodies only). */
  request?: Record<string, unknown>;
}

export type StatementOutput =
  | { status: 'ok'; executionCount: number; data: Record<string, unknown> }
  | { status: 'error'; executionCount: number; ename: string; evalue: string; traceback: string[] };

export interface LivyStatementInfo {
  id: number;
  state: StatementState;
  output?: StatementOutput;
}

/** Session create body fields we send (Livy names; livyClient maps them to the SDK's). */
export interface SessionRequest {
  name: string;
  driverMemory?: string;
  driverCores?: number;
  executorMemory?: string;
  executorCores?: number;
  numExecutors?: number;
  conf?: Record<string, string>;
  jars?: string[];
  pyFiles?: string[];
  files?: string[];
  archives?: string[];
  tags?: Record<string, string>;
}

/** Livy statement kinds Synapse accepts. */
export type StatementKind = 'pyspark' | 'spark' | 'sql' | 'dotnetspark';

export const ENDED_SERVER_STATES: readonly string[] = ['error', 'dead', 'killed', 'success', 'shutting_down'];

export function isEndedServerState(state: string): boolean {
  return ENDED_SERVER_STATES.includes(state);
}

/**
 * One Spark job as Spark's monitoring REST API (`/applications/{appId}/jobs`) reports it through the Livy
 * pass-through. Spark omits absent optional fields; dates are `2025-03-19T07:33:40.386GMT` (see parseSparkDate).
 */
export interface SparkJobData {
  jobId: number;
  name: string;
  description?: string;
  submissionTime?: string;
  completionTime?: string;
  stageIds: number[];
  /** Livy sets it to the statement id; absent for jobs started outside a statement's thread. */
  jobGroup?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | (string & {});
  numTasks: number;
  numActiveTasks: number;
  numCompletedTasks: number;
  numSkippedTasks: number;
  numFailedTasks: number;
  numKilledTasks: number;
  numCompletedIndices?: number;
  numActiveStages: number;
  numCompletedStages: number;
  numSkippedStages: number;
  numFailedStages: number;
}

/** One stage attempt from `/applications/{appId}/stages` (without tasks). Note `numCompleteTasks`, not Completed. */
export interface SparkStageData {
  status: 'ACTIVE' | 'COMPLETE' | 'FAILED' | 'PENDING' | 'SKIPPED' | (string & {});
  stageId: number;
  attemptId: number;
  numTasks: number;
  numActiveTasks: number;
  numCompleteTasks: number;
  numFailedTasks: number;
  numKilledTasks?: number;
  numCompletedIndices?: number;
  name: string;
  description?: string;
  submissionTime?: string;
  completionTime?: string;
}
