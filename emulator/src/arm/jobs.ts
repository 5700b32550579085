/**
 * AML jobs: PUT (Pipeline, Spark, Command), GET, list, POST cancel.
 *  - PUT answers 201 with `Location: <job url>` and the job body (recorded by azure-ai-ml), then a runner
 *    executes it locally; status moves NotStarted -> Queued/Running -> Completed | Failed | Canceled.
 *  - cancel answers 202 with body `null`, `Location: .../mfeOperationResults/jc:{guid}:{job}` and
 *    `x-ms-async-operation-timeout: PT1H`; that Location answers 202 `{}` then 200 empty (recorded).
 *  - Pipeline steps are child runs (GUID names) that live in RunHistory (`emulator/src/runhistory/`): the
 *    list never includes them, and GET on one answers 200 with a stub without `properties` (recorded), which
 *    tells clients to fetch it from RunHistory. Cancel works on a child too (that step alone).
 *  - Query parameters ARM does not define are ignored, as ARM does.
 */
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import type { Router } from '../router';
import type { ArmBody, StoredResource } from '../state/store';
import { clone, requireAmlWorkspace, requireChild, requireObjectBody } from './common';
import { badRequest } from './errors';
import type { Operations } from './lro';
import { paginate } from './paging';
import { nowIso, systemData, TYPES } from './resources';
import { AML_WS } from './aml-workspaces';

export const TERMINAL_JOB_STATES = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding']);
const JOB_TYPES = new Set(['Pipeline', 'Spark', 'Command']);
const JOB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
const NODE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
const STEP_BINDING = /\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** Executes jobs; implemented by the pipeline runner. */
export interface JobRunner {
  start(jobId: string): void;
  cancel(jobId: string): void;
}

export function registerJobs(router: Router, ctx: EmulatorContext, ops: Operations, runner: () => JobRunner | undefined): void {
  const jobs = `${AML_WS}/{workspaceName}/jobs`;
  const find = (p: Record<string, string>) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    return requireChild(
      ctx,
      `${ws.body.id}/jobs/${p.id}`,
      `Microsoft.MachineLearningServices/workspaces/${p.workspaceName}/jobs/${p.id}`,
      p.resourceGroupName,
    );
  };

  ops.onComplete('job-cancel', (c, op) => {
    const job = c.store.get(op.resourceId);
    if (job && !TERMINAL_JOB_STATES.has(String(job.body.properties.status))) {
      job.body.properties.status = 'Canceled';
      c.store.changed();
    }
  });

  router.get(jobs, (req, p) => {
    const ws = requireAmlWorkspace(ctx, p, true);
    const jobType = req.query.get('jobType');
    const tag = req.query.get('tag');
    const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
    const all = ctx.store
      .children(ws.body.id, TYPES.job)
      .filter((r) => !isChildRun(r))
      .filter((r) => !jobType || String(r.body.properties.jobType).toLowerCase() === jobType.toLowerCase())
      .filter((r) => !tag || Object.prototype.hasOwnProperty.call(r.body.properties.tags ?? {}, tag))
      .filter((r) => view === 'all' || (view === 'archivedonly') === Boolean(r.body.properties.isArchived))
      .reverse() // newest first, as AML lists runs
      .map((r) => clone(r.body));
    return { status: 200, body: paginate(req, all, ctx.store.data.settings.pageSize) };
  });

  router.get(`${jobs}/{id}`, (_req, p) => {
    const job = find(p);
    return { status: 200, body: isChildRun(job) ? childStub(job) : clone(job.body) };
  });

  router.put(`${jobs}/{id}`, (req, p) => putJob(ctx, runner, req, p));

  router.post(`${jobs}/{id}/cancel`, (req, p) => {
    const job = find(p);
    const ws = requireAmlWorkspace(ctx, p, true);
    const op = ops.start('job-cancel', job.body.id, p.subscriptionId, String(ws.body.location), req.query.get('api-version') ?? '');
    if (!TERMINAL_JOB_STATES.has(String(job.body.properties.status))) {
      job.body.properties.status = 'CancelRequested';
      ctx.store.changed();
      runner()?.cancel(job.body.id);
    }
    return {
      status: 202,
      headers: {
        location: ops.locationUrl(req, op),
        'x-ms-async-operation-timeout': 'PT1H',
        'content-type': 'application/json; charset=utf-8',
        ...ops.retryAfter(),
      },
      body: 'null',
    };
  });
}

/** A pipeline step's run (created by the runner, served by RunHistory). */
export function isChildRun(r: StoredResource): boolean {
  return Boolean(r.meta?.parentJobName);
}

/** What ARM answers for a pipeline child run: no `properties`, only these four fields (recorded). */
function childStub(job: StoredResource): Record<string, unknown> {
  const sd = (job.body.systemData ?? {}) as Record<string, unknown>;
  return {
    id: job.body.id,
    name: job.body.name,
    type: TYPES.job,
    systemData: { createdAt: sd.createdAt ?? null, createdBy: sd.createdBy ?? null, createdByType: sd.createdByType ?? null },
  };
}

function putJob(ctx: EmulatorContext, runner: () => JobRunner | undefined, req: EmuRequest, p: Record<string, string>): EmuResponse {
  const ws = requireAmlWorkspace(ctx, p, true);
  if (!JOB_NAME.test(p.id)) badRequest('UserError', `Invalid job name '${p.id}'. Use letters, digits, '-' and '_'.`, 'id');
  const body = requireObjectBody(req.body);
  const props = body.properties as Record<string, unknown> | undefined;
  if (!props || typeof props !== 'object') badRequest('UserError', "The job body must contain 'properties'.", 'properties');
  const id = `${ws.body.id}/jobs/${p.id}`;
  const existing = ctx.store.get(id);
  if (existing) {
    // A job's definition is immutable; only these fields can change after submission, as in AML.
    for (const k of ['description', 'displayName', 'tags', 'isArchived'] as const) {
      if (props[k] !== undefined) existing.body.properties[k] = props[k];
    }
    ctx.store.changed();
    return { status: 200, body: clone(existing.body) };
  }
  const jobType = String(props.jobType ?? '');
  if (!JOB_TYPES.has(jobType))
    badRequest('UserError', `Unsupported jobType '${jobType}'. Supported: Pipeline, Spark, Command.`, 'properties.jobType');
  if (jobType === 'Pipeline') validatePipeline(ctx, ws.body, props);
  else validateComputeRef(ctx, ws.body, props.computeId, 'properties.computeId', jobType === 'Spark');

  const job = renderNewJob(ctx, req, ws.body, p.id, props);
  ctx.store.put({ type: TYPES.job, parent: ws.body.id, body: job });
  runner()?.start(job.id);
  return {
    status: 201,
    headers: { location: `${req.baseUrl ?? ctx.baseUrl()}${id}?api-version=${req.query.get('api-version') ?? ''}` },
    body: clone(job),
  };
}

function renderNewJob(ctx: EmulatorContext, req: EmuRequest, ws: ArmBody, name: string, props: Record<string, unknown>): ArmBody {
  const base = req.baseUrl ?? ctx.baseUrl();
  const jobType = String(props.jobType);
  const runProps: Record<string, string> = { ...((props.properties as Record<string, string>) ?? {}) };
  if (jobType === 'Pipeline') {
    Object.assign(runProps, {
      'azureml.DevPlatv2': 'true',
      'azureml.runsource': 'azureml.PipelineRun',
      runSource: 'MFE',
      runType: 'HTTP',
      'azureml.parameters': '{}',
      'azureml.continue_on_step_failure': 'False',
      'azureml.continue_on_failed_optional_input': 'True',
      'azureml.defaultDataStoreName': 'workspaceblobstore',
      'azureml.pipelineComponent': 'pipelinerun',
    });
  }
  const inputs = Object.fromEntries(
    Object.entries((props.inputs as Record<string, Record<string, unknown>>) ?? {}).map(([k, v]) => [k, { description: null, ...v }]),
  );
  const outputs = Object.fromEntries(
    Object.entries((props.outputs as Record<string, Record<string, unknown>>) ?? {}).map(([k, v]) => [
      k,
      { description: null, uri: null, ...v },
    ]),
  );
  const service = (type: string, endpoint: string) => ({
    jobServiceType: type,
    port: null,
    endpoint,
    status: null,
    errorMessage: null,
    properties: null,
    nodes: null,
  });
  return {
    id: `${ws.id}/jobs/${name}`,
    name,
    type: TYPES.job,
    properties: {
      ...props,
      description: props.description ?? null,
      tags: props.tags ?? {},
      properties: runProps,
      displayName: props.displayName ?? name,
      status: 'NotStarted',
      experimentName: props.experimentName ?? 'Default',
      services: {
        Tracking: service('Tracking', `azureml://${new URL(base).host}/mlflow/v1.0${ws.id}?`),
        Studio: service('Studio', `${base}/_emulator/studio/runs/${name}?wsid=${ws.id}`),
      },
      computeId: props.computeId ?? null,
      isArchived: props.isArchived ?? false,
      identity: props.identity ?? null,
      componentId: props.componentId ?? null,
      inputs,
      outputs,
      sourceJobId: null,
    },
    systemData: { ...systemData('emulator-client', nowIso()), createdByType: 'Application' },
  };
}

/** Steps exist, bindings name existing steps, and there is no dependency cycle. */
function validatePipeline(ctx: EmulatorContext, ws: ArmBody, props: Record<string, unknown>): void {
  const steps = props.jobs as Record<string, Record<string, unknown>> | undefined;
  if (!steps || typeof steps !== 'object' || Object.keys(steps).length === 0) {
    badRequest('UserError', 'A pipeline job needs at least one step in properties.jobs.', 'properties.jobs');
  }
  for (const [name, step] of Object.entries(steps)) {
    // Node names name folders and bindings: identifiers only (never '../x'), as Azure ML requires.
    if (!NODE_NAME.test(name))
      badRequest(
        'UserError',
        `Invalid node name '${name.slice(0, 80)}': use letters, digits and '_', not starting with a digit (at most 255).`,
        `properties.jobs.${name.slice(0, 80)}`,
      );
    for (const port of Object.keys((step?.outputs ?? {}) as Record<string, unknown>)) {
      if (!PORT_NAME.test(port))
        badRequest(
          'UserError',
          `Invalid output name '${port.slice(0, 80)}' of node '${name}': use letters, digits, '_' and '-'.`,
          `properties.jobs.${name}.outputs`,
        );
    }
    const type = String(step?.type ?? '');
    if (type !== 'spark' && type !== 'command')
      badRequest('UserError', `Step '${name}' has unsupported type '${type}'. Supported: spark, command.`, `properties.jobs.${name}.type`);
    for (const dep of stepDependencies(step)) {
      if (!steps[dep])
        badRequest('UserError', `Step '${name}' binds to the outputs of unknown step '${dep}'.`, `properties.jobs.${name}.inputs`);
    }
    validateComputeRef(ctx, ws, boundCompute(step.computeId ?? step.compute, props), `properties.jobs.${name}.computeId`, false);
  }
  if (dependencyOrder(steps) === undefined)
    badRequest('UserError', 'The pipeline steps depend on each other in a cycle.', 'properties.jobs');
}

function validateComputeRef(ctx: EmulatorContext, ws: ArmBody, ref: unknown, target: string, required: boolean): void {
  if (ref === undefined || ref === null || ref === '') {
    if (required) badRequest('UserError', 'A Spark job needs properties.computeId (an attached SynapseSpark compute).', target);
    return;
  }
  const name = String(ref)
    .replace(/^azureml:/, '')
    .split('/')
    .pop()!;
  if (!ctx.store.get(`${ws.id}/computes/${name}`)) {
    badRequest('UserError', `Compute '${name}' was not found in workspace '${ws.name}'.`, target);
  }
}

/**
 * A node's compute as it runs: `${{parent.inputs.<name>}}` (a compute chosen per run, as the SDK sends it)
 * resolves to that pipeline input's value; anything else is the compute as written.
 */
export function boundCompute(ref: unknown, pipeline: Record<string, unknown>): unknown {
  const m = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(String(ref ?? ''));
  if (!m) return ref;
  const input = ((pipeline.inputs ?? {}) as Record<string, Record<string, unknown> | undefined>)[m[1]];
  return input?.value ?? input?.uri ?? ref;
}

/** Names of the steps whose outputs this step's inputs bind to. */
export function stepDependencies(step: Record<string, unknown>): string[] {
  const deps = new Set<string>();
  const text = JSON.stringify(step.inputs ?? {});
  for (const m of text.matchAll(STEP_BINDING)) deps.add(m[1]);
  return [...deps];
}

/** Steps in an order where each comes after its dependencies, or undefined on a cycle. */
export function dependencyOrder(steps: Record<string, Record<string, unknown>>): string[] | undefined {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 'done') return true;
    if (state.get(n) === 'visiting') return false;
    state.set(n, 'visiting');
    for (const d of stepDependencies(steps[n] ?? {})) if (steps[d] && !visit(d)) return false;
    state.set(n, 'done');
    order.push(n);
    return true;
  };
  for (const n of Object.keys(steps)) if (!visit(n)) return undefined;
  return order;
}
