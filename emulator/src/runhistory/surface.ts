/**
 * Azure ML RunHistory, the data plane clients use for pipeline child runs and run logs (ARM has neither):
 * `{base}/history/v1.0/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/
 * workspaces/{w}/` + `runs/{runId}`, `runs/{runId}/children` (paged: `continuationToken` and `nextLink`),
 * `runs/{runId}/details` (`logFiles`: read-only blob SAS URLs), and the `experiments/{name}/runs/...` twins.
 * Paths match case-insensitively, `api-version=v1.0` is optional, errors use RunHistory's ErrorResponse.
 * Runs are the job resources the ARM surface and the pipeline runner store; this module only renders them.
 * Field lists follow /work/shared/azure-api/notes/RUN_HISTORY.md (unknown values are null).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import { Router } from '../router';
import type { StoredResource } from '../state/store';
import { amlWorkspaceId, stableGuid } from '../arm/ids';
import { TYPES } from '../arm/resources';
import { isChildRun } from '../arm/jobs';
import type { RunLogs } from './logs';

const BASE =
  '/history/v1.0/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}';

type Json = Record<string, unknown>;

export interface RunHistorySurface {
  handle(req: EmuRequest): Promise<EmuResponse>;
}

class RunHistoryError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String((body.error as Json).message));
  }
}

/** RunHistory's ErrorResponse; `componentName` is the service that raised it. */
export function runHistoryError(
  code: string,
  message: string,
  opts: { innerCode?: string; location?: string | null; componentName?: string; messageFormat?: string | null; time?: string } = {},
): Json {
  return {
    error: {
      code,
      severity: null,
      message,
      messageFormat: opts.messageFormat ?? null,
      messageParameters: {},
      referenceCode: null,
      detailsUri: null,
      target: null,
      details: [],
      innerError: opts.innerCode ? { code: opts.innerCode, innerError: null } : null,
      debugInfo: null,
      additionalInfo: null,
    },
    correlation: { operation: randomBytes(16).toString('hex'), request: randomBytes(8).toString('hex') },
    environment: opts.location ?? null,
    location: opts.location ?? null,
    time: opts.time ?? new Date().toISOString(),
    componentName: opts.componentName ?? 'run-history',
  };
}

export function createRunHistorySurface(ctx: EmulatorContext, logs: RunLogs): RunHistorySurface {
  const router = new Router();

  const workspace = (p: Record<string, string>): StoredResource => {
    const ws = ctx.store.get(amlWorkspaceId(p.subscriptionId, p.resourceGroupName, p.workspaceName));
    if (!ws || ws.type !== TYPES.amlWorkspace) {
      throw new RunHistoryError(
        404,
        runHistoryError('UserError', `Workspace ${p.workspaceName} was not found in resource group ${p.resourceGroupName}.`, {
          innerCode: 'NotFoundError',
        }),
      );
    }
    return ws;
  };
  const findRun = (p: Record<string, string>): { ws: StoredResource; run: StoredResource } => {
    const ws = workspace(p);
    const run = ctx.store.get(`${ws.body.id}/jobs/${p.runId}`);
    const inExperiment =
      !p.experimentName || String(run?.body.properties.experimentName ?? 'Default').toLowerCase() === p.experimentName.toLowerCase();
    if (!run || run.type !== TYPES.job || !inExperiment) {
      throw new RunHistoryError(
        404,
        runHistoryError('UserError', `Run ${p.runId} was not found`, {
          innerCode: 'NotFoundError',
          messageFormat: 'Run {runId} was not found',
          location: String(ws.body.location ?? '') || null,
        }),
      );
    }
    return { ws, run };
  };

  for (const scope of [BASE, `${BASE}/experiments/{experimentName}`]) {
    router.get(`${scope}/runs/{runId}`, (_req, p) => {
      const { ws, run } = findRun(p);
      return { status: 200, body: renderRun(ctx, ws, run) };
    });
    router.get(`${scope}/runs/{runId}/children`, (req, p) => {
      const { ws, run } = findRun(p);
      const all = ctx.store
        .children(ws.body.id, TYPES.job)
        .filter((r) => String(r.meta?.parentJobName ?? '').toLowerCase() === run.body.name.toLowerCase());
      return {
        status: 200,
        body: page(
          ctx,
          req,
          all.map((r) => renderRun(ctx, ws, r)),
        ),
      };
    });
    router.get(`${scope}/runs/{runId}/details`, async (_req, p) => {
      const { ws, run } = findRun(p);
      const logFiles = await logs.logFiles(run); // uploads what has grown first, so the URLs show current text
      return { status: 200, body: renderDetails(renderRun(ctx, ws, run), logFiles) };
    });
  }

  return {
    async handle(req) {
      const m = router.match(req.method, req.path);
      let res: EmuResponse;
      try {
        if (m.kind === 'found') {
          res = await m.match.handler(req, m.match.params);
        } else if (m.kind === 'method-not-allowed') {
          res = {
            status: 405,
            body: runHistoryError('UserError', `The requested method '${req.method}' is not allowed for '${req.path}'.`),
          };
        } else {
          res = {
            status: 404,
            body: runHistoryError('UserError', `No route matches '${req.method} ${req.path}'.`, { innerCode: 'NotFoundError' }),
          };
        }
      } catch (e) {
        if (!(e instanceof RunHistoryError)) throw e;
        res = { status: e.status, body: e.body };
      }
      return { ...res, headers: { 'x-ms-request-id': randomUUID(), ...(res.headers ?? {}) } };
    },
  };
}

/** One page of runs: `$top` (at most the page size), an opaque `$continuationtoken`; both continuation forms. */
function page(ctx: EmulatorContext, req: EmuRequest, all: Json[]): Json {
  const pageSize = ctx.store.data.settings.runHistoryPageSize ?? 50;
  const top = Number.parseInt(req.query.get('$top') ?? '', 10);
  const size = Math.max(1, Number.isInteger(top) && top > 0 ? Math.min(top, pageSize) : pageSize);
  const token = req.query.get('$continuationtoken') ?? req.query.get('$continuationToken');
  let offset = 0;
  if (token) {
    try {
      offset = Number((JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o);
    } catch {
      offset = Number.NaN;
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RunHistoryError(400, runHistoryError('UserError', 'The continuation token is not valid.', { innerCode: 'BadArgument' }));
    }
  }
  const value = all.slice(offset, offset + size);
  if (offset + size >= all.length) return { value };
  const next = Buffer.from(JSON.stringify({ o: offset + size })).toString('base64url');
  const query = new URLSearchParams(req.query);
  query.delete('$continuationToken');
  query.set('$continuationtoken', next);
  return { value, continuationToken: next, nextLink: `${req.baseUrl ?? ctx.baseUrl()}${req.path}?${query.toString()}` };
}

/** `hh:mm:ss.fffffff`, RunHistory's duration format. */
function timeSpan(ms: number): string {
  const total = Math.max(0, ms);
  const h = Math.floor(total / 3600_000);
  const m = Math.floor((total % 3600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = String(Math.round(total % 1000) * 10_000).padStart(7, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${frac}`;
}

function computeName(ref: unknown): string | null {
  const name = String(ref ?? '')
    .replace(/^azureml:/, '')
    .split('/')
    .pop();
  return name ? name : null;
}

/** Stable per workspace and experiment name: what RunHistory calls `experimentId`. */
export function experimentId(workspaceId: string, experimentName: string): string {
  return stableGuid(`${workspaceId.toLowerCase()}/experiments/${experimentName.toLowerCase()}`);
}

function runUuid(workspaceId: string, runId: string): string {
  return stableGuid(`${workspaceId.toLowerCase()}/runs/${runId.toLowerCase()}`);
}

/** A stored job (top-level job or pipeline step) as RunHistory's `Run`. */
export function renderRun(ctx: EmulatorContext, ws: StoredResource, job: StoredResource): Json {
  const props = job.body.properties;
  const meta = job.meta ?? {};
  const child = isChildRun(job);
  const runId = job.body.name;
  const parentRunId = child ? String(meta.parentJobName) : null;
  const jobType = String(props.jobType ?? '');
  const status = String(props.status ?? 'NotStarted');
  const createdUtc = String((job.body.systemData as Json | undefined)?.createdAt ?? '') || null;
  const startTimeUtc = (meta.startTimeUtc as string | undefined) ?? null;
  const endTimeUtc = (meta.endTimeUtc as string | undefined) ?? null;
  const duration = startTimeUtc ? timeSpan((endTimeUtc ? Date.parse(endTimeUtc) : Date.now()) - Date.parse(startTimeUtc)) : null;
  const target = child ? ((meta.compute as string | null | undefined) ?? null) : computeName(props.computeId);
  const computeResource = target ? ctx.store.get(`${ws.body.id}/computes/${target}`) : undefined;
  const user = {
    userObjectId: stableGuid('emulator-client'),
    userPuId: null,
    userIdp: null,
    userAltSecId: null,
    userIss: `https://sts.windows.net/${ctx.store.data.tenantId}/`,
    userTenantId: ctx.store.data.tenantId,
    userName: 'emulator-client',
    upn: null,
  };
  const pipeline = jobType === 'Pipeline' && !child;
  const failed = status === 'Failed';
  const runType = child ? 'azureml.StepRun' : pipeline ? 'azureml.PipelineRun' : 'azureml.scriptrun';
  const runTypeV2 = child
    ? {
        orchestrator: 'Execution',
        traits: ['azureml.StepRun', 'scriptRun', 'remote', 'CommonRuntime'],
        attribution: 'Aether',
        computeType: 'AmlcTrain',
      }
    : pipeline
      ? { orchestrator: null, traits: [], attribution: 'Aether', computeType: null }
      : {
          orchestrator: 'Execution',
          traits: ['scriptRun', 'remote', 'CommonRuntime'],
          attribution: 'MFE',
          computeType: jobType === 'Spark' ? 'SynapseSpark' : 'AmlcTrain',
        };
  const outputUris: Record<string, string> = child
    ? ((meta.outputs as Record<string, string> | undefined) ?? {})
    : Object.fromEntries(
        Object.entries((props.outputs ?? {}) as Record<string, Json>)
          .filter(([, o]) => typeof o?.uri === 'string' && o.uri)
          .map(([k, o]) => [k, String(o.uri)]),
      );
  const childTargets = pipeline
    ? [
        ...new Set(
          ctx.store
            .children(ws.body.id, TYPES.job)
            .filter((r) => r.meta?.parentJobName === runId)
            .map((r) => r.meta?.compute)
            .filter(Boolean),
        ),
      ]
    : [];
  return {
    runNumber: job.seq,
    rootRunId: parentRunId ?? runId,
    createdUtc,
    createdBy: user,
    userId: user.userObjectId,
    token: null,
    tokenExpiryTimeUtc: null,
    error: failed
      ? runHistoryError('UserError', String(meta.error ?? 'The run failed.'), {
          componentName: child || !pipeline ? 'CommonRuntime' : 'PipelineRun',
          time: endTimeUtc ?? undefined,
          location: String(ws.body.location ?? '') || null,
        })
      : null,
    warnings: failed ? [] : null,
    revision: Number(meta.revision ?? 1),
    statusRevision: Number(meta.revision ?? 1),
    runUuid: runUuid(ws.body.id, runId),
    parentRunUuid: parentRunId ? runUuid(ws.body.id, parentRunId) : null,
    rootRunUuid: runUuid(ws.body.id, parentRunId ?? runId),
    lastStartTimeUtc: startTimeUtc,
    currentComputeTime: duration,
    computeDuration: duration,
    effectiveStartTimeUtc: startTimeUtc,
    lastModifiedBy: user,
    lastModifiedUtc: endTimeUtc ?? startTimeUtc ?? createdUtc,
    duration,
    cancelationReason: null,
    currentAttemptId: 1,
    runId,
    parentRunId,
    experimentId: experimentId(ws.body.id, String(props.experimentName ?? 'Default')),
    status,
    startTimeUtc,
    endTimeUtc,
    scheduleId: null,
    displayName: props.displayName ?? runId,
    name: child ? String(meta.componentName ?? 'azureml_anonymous') : runId,
    dataContainerId: `dcid.${runId}`,
    description: props.description ?? null,
    hidden: false,
    runType,
    runTypeV2,
    properties: { ...((props.properties as Json | undefined) ?? {}) },
    parameters: {},
    actionUris: {},
    scriptName: null,
    target,
    uniqueChildRunComputeTargets: childTargets,
    tags: { ...((props.tags as Json | undefined) ?? {}) },
    settings: {},
    services: {},
    inputDatasets: [],
    outputDatasets: [],
    runDefinition: null,
    jobSpecification: null,
    primaryMetricName: null,
    createdFrom: null,
    cancelUri: null,
    completeUri: null,
    diagnosticsUri: null,
    computeRequest: target ? { nodeCount: 1, gpuCount: 0 } : null,
    compute: target
      ? {
          target,
          targetType: (computeResource?.body.properties.computeType as string | undefined) ?? null,
          vmSize: null,
          instanceType: null,
          instanceCount: 1,
          gpuCount: 0,
          priority: null,
          region: String(ws.body.location ?? '') || null,
          armId: computeResource?.body.id ?? null,
          properties: null,
        }
      : null,
    retainForLifetimeOfWorkspace: false,
    queueingInfo: null,
    inputs: null,
    outputs: Object.keys(outputUris).length
      ? Object.fromEntries(Object.entries(outputUris).map(([k, uri]) => [k, { assetId: uri, type: 'UriFolder' }]))
      : null,
  };
}

const DETAILS_KEYS = [
  'runId',
  'runUuid',
  'parentRunUuid',
  'rootRunUuid',
  'target',
  'status',
  'parentRunId',
  'dataContainerId',
  'createdTimeUtc',
  'startTimeUtc',
  'endTimeUtc',
  'error',
  'warnings',
  'tags',
  'properties',
  'parameters',
  'services',
  'inputDatasets',
  'outputDatasets',
  'runDefinition',
  'logFiles',
  'jobCost',
  'revision',
  'runTypeV2',
  'settings',
  'computeRequest',
  'compute',
  'createdBy',
  'computeDuration',
  'effectiveStartTimeUtc',
  'runNumber',
  'rootRunId',
  'experimentId',
  'userId',
  'statusRevision',
  'currentComputeTime',
  'lastStartTimeUtc',
  'lastModifiedBy',
  'lastModifiedUtc',
  'duration',
  'inputs',
  'outputs',
  'currentAttemptId',
];

/** RunHistory's `RunDetails`: the run's fields in the recorded order, `createdTimeUtc` (not `createdUtc`) and `logFiles`. */
export function renderDetails(run: Json, logFiles: Record<string, string>): Json {
  const extra: Json = {
    createdTimeUtc: run.createdUtc,
    logFiles,
    jobCost: {
      chargedCpuCoreSeconds: null,
      chargedCpuMemoryMegabyteSeconds: null,
      chargedGpuSeconds: null,
      chargedNodeUtilizationSeconds: null,
    },
  };
  return Object.fromEntries(DETAILS_KEYS.map((k) => [k, k in extra ? extra[k] : (run[k] ?? null)]));
}
