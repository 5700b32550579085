/** Messages between the run view webview (a submitted job, live) and the extension. */
import { hasFields, isGraph, isNumber, isObject, isString, type GraphView, type NodeStatus } from './messages';

export const RUN_VIEW_TYPE = 'synapseSpark.run';

export interface RunState {
  jobName: string;
  workspaceName: string;
  displayName?: string;
  status: string;
  terminal: boolean;
  graph: GraphView;
  /** `runId` is the step's run (its cancel target); `error` why it failed, as run history says. */
  steps: { step: string; status: string; nodeStatus: NodeStatus; runId?: string; error?: string }[];
  /** Output name -> the URI Azure ML reports (`azureml://datastores/.../paths/...` for datastore outputs). */
  outputs: Record<string, string>;
  /** A failed or canceled job: "Rerun" submits it again with the same inputs. */
  canRerun?: boolean;
  /** Why live updates stopped, if they did. */
  error?: string;
  logsAvailable: boolean;
  /** What the panel needs to come back after a reload; the webview keeps it with setState. */
  persist: unknown;
}

export type FromRun =
  | { type: 'ready' }
  | { type: 'cancel'; requestId: number }
  /** Cancel one pipeline step (its run). */
  | { type: 'cancelStep'; requestId: number; step: string }
  /** Submit the job again with the same inputs; the new run opens in its own view. */
  | { type: 'rerun'; requestId: number }
  /** An output's actions: download it, copy its URI, or browse its datastore in Azure ML studio. */
  | { type: 'output'; action: OutputAction; key: string }
  | { type: 'openStudio' }
  /** The notice's button: follow the run again, or sign in (the panel resumes by itself after sign-in). */
  | { type: 'retry' }
  | { type: 'signIn' };

export type OutputAction = 'download' | 'copy' | 'browse';
const OUTPUT_ACTIONS: readonly string[] = ['download', 'copy', 'browse'];

/**
 * Why the view is not live right now (not signed in, reconnecting after a transient failure, stopped);
 * `action` names the button it offers. An empty message clears it.
 */
export interface RunNotice {
  message: string;
  action?: 'retry' | 'signIn';
}

export type ToRun =
  | { type: 'state'; state: RunState }
  | { type: 'log'; step: string; text: string }
  /** Every log chunk so far, replacing what the view shows (sent on `ready`: messages posted before it may have arrived too). */
  | { type: 'logs'; logs: { step: string; text: string }[] }
  | { type: 'notice'; notice: RunNotice }
  | { type: 'result'; requestId: number; ok: boolean; error?: string };

export function parseFromRun(v: unknown): FromRun | undefined {
  if (!isObject(v)) return undefined;
  if (v.type === 'ready' || v.type === 'openStudio' || v.type === 'retry' || v.type === 'signIn') return { type: v.type };
  if (v.type === 'cancel' && isNumber(v.requestId)) return { type: 'cancel', requestId: v.requestId };
  if (v.type === 'rerun' && isNumber(v.requestId)) return { type: 'rerun', requestId: v.requestId };
  if (v.type === 'cancelStep' && isNumber(v.requestId) && isString(v.step))
    return { type: 'cancelStep', requestId: v.requestId, step: v.step };
  if (v.type === 'output' && isString(v.key) && isString(v.action) && OUTPUT_ACTIONS.includes(v.action))
    return { type: 'output', action: v.action as OutputAction, key: v.key };
  return undefined;
}

export function parseToRun(v: unknown): ToRun | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'state':
      return hasFields(v.state, { jobName: isString, status: isString, graph: isGraph, steps: Array.isArray, outputs: isObject })
        ? (v as unknown as ToRun)
        : undefined;
    case 'log':
      return hasFields(v, { step: isString, text: isString }) ? (v as unknown as ToRun) : undefined;
    case 'logs':
      return Array.isArray(v.logs) && v.logs.every((l) => hasFields(l, { step: isString, text: isString }))
        ? (v as unknown as ToRun)
        : undefined;
    case 'notice':
      return hasFields(v.notice, { message: isString }) && [undefined, 'retry', 'signIn'].includes((v.notice as { action?: string }).action)
        ? (v as unknown as ToRun)
        : undefined;
    case 'result':
      return hasFields(v, { requestId: isNumber, 'error?': isString }) && typeof v.ok === 'boolean' ? (v as unknown as ToRun) : undefined;
    default:
      return undefined;
  }
}
