// PipelineModel -> the body of PUT .../workspaces/{ws}/jobs/{name} with `jobType: Pipeline`.
// Node shapes follow the PipelineJob recorded from azure-ai-ml (snake_case inside `jobs`).
import { dirname } from '../paths';
import type { PipelineModel, PipelineStep } from '../types';
import { componentVersionArmId, computeArmId, datastoreArmId, type WorkspaceRef } from './armIds';
import { restIdentity, restInput, restOutput, restPorts, type PortContext } from './ports';

export interface PipelineRestContext {
  workspace: WorkspaceRef;
  /** Component version ids for steps whose component is a local file or inline (registered as anonymous components). */
  componentIds?: Record<string, string>;
  /** Datastore URIs of uploaded local data inputs, by absolute local path. */
  dataUris?: Record<string, string>;
  experimentName?: string;
  displayName?: string;
}

/** Things the body still needs before it can be sent; the submit flow resolves them first. */
export interface Unresolved {
  step?: string;
  kind: 'anonymousComponent' | 'componentLabel' | 'localData' | 'unsupportedStep';
  detail: string;
}

export interface PipelineRestResult {
  body: { properties: Record<string, unknown> };
  unresolved: Unresolved[];
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function toPipelineJobBody(model: PipelineModel, ctx: PipelineRestContext): PipelineRestResult {
  const unresolved: Unresolved[] = [];
  const ports: PortContext = { baseDir: model.filePath ? dirname(model.filePath) : undefined, dataUris: ctx.dataUris, missingData: [] };
  const jobs: Record<string, unknown> = {};
  for (const step of model.steps) {
    jobs[step.name] = stepNode(step, ctx, ports, unresolved);
  }
  const settings: Record<string, unknown> = { ...model.settings.raw, _source: 'YAML.JOB' };
  if (model.settings.defaultCompute) {
    settings.default_compute = computeArmId(ctx.workspace, model.settings.defaultCompute);
  }
  if (model.settings.defaultDatastore) {
    settings.default_datastore = datastoreArmId(ctx.workspace, model.settings.defaultDatastore);
  }
  const properties = compact({
    jobType: 'Pipeline',
    displayName: ctx.displayName ?? model.displayName,
    description: model.description,
    experimentName: ctx.experimentName ?? model.experimentName,
    tags: model.tags,
    properties: {},
    isArchived: false,
    computeId: model.compute ? computeArmId(ctx.workspace, model.compute) : undefined,
    inputs: restPorts(model.inputs, (p) => restInput(p, 'camel', ports)) ?? {},
    outputs: restPorts(model.outputs, (p) => restOutput(p, 'camel')) ?? {},
    jobs,
    settings,
  });
  for (const local of new Set(ports.missingData)) {
    unresolved.push({ kind: 'localData', detail: `Local data '${local}' must be uploaded; pass its datastore URI in dataUris.` });
  }
  return { body: { properties }, unresolved };
}

/**
 * One node of `properties.jobs` (also used for the jobs of a pipeline component's spec). Spark and command
 * nodes carry their run settings; a `pipeline` node only its ports and the nested component's id.
 */
export function stepNode(
  step: PipelineStep,
  ctx: PipelineRestContext,
  ports: PortContext,
  unresolved: Unresolved[],
): Record<string, unknown> {
  const base = compact({
    type: step.type,
    name: step.name,
    display_name: step.displayName,
    computeId: step.compute ? computeArmId(ctx.workspace, step.compute) : undefined,
    inputs: restPorts(step.inputs, (p) => restInput(p, 'snake', ports)),
    outputs: restPorts(step.outputs, (p) => restOutput(p, 'snake')),
    _source: step.component?.kind === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB',
    componentId: componentId(step, ctx, unresolved),
  });
  const spec = step.effective;
  if (step.type === 'spark') {
    const entry = spec.entry?.className
      ? { spark_job_entry_type: 'SparkJobScalaEntry', class_name: spec.entry.className }
      : spec.entry?.file
        ? { spark_job_entry_type: 'SparkJobPythonEntry', file: spec.entry.file }
        : undefined;
    return compact({
      ...base,
      resources: spec.resources,
      py_files: spec.pyFiles,
      jars: spec.jars,
      files: spec.files,
      archives: spec.archives,
      identity: restIdentity(spec.identity?.type, 'snake'),
      conf: spec.conf,
      args: spec.args,
      entry,
    });
  }
  if (step.type === 'command') {
    return compact({
      ...base,
      resources: step.own.resources,
      environment_variables: step.own.environmentVariables,
      distribution: restDistribution(step.own.distribution),
      limits: step.own.limits,
    });
  }
  if (step.type === 'pipeline') {
    return base;
  }
  unresolved.push({ step: step.name, kind: 'unsupportedStep', detail: `Step type '${step.type}' is sent with its common fields only.` });
  return base;
}

const DISTRIBUTION_TYPES: Record<string, string> = { pytorch: 'PyTorch', tensorflow: 'TensorFlow', mpi: 'Mpi', ray: 'Ray' };

/**
 * YAML `distribution` -> the node's REST form, as azure-ai-ml renders it: `type` becomes `distribution_type`
 * (PyTorch, TensorFlow, Mpi) and the other keys stay snake_case. TensorFlow's `parameter_server_count`
 * defaults to 0 in the SDK's TensorFlowDistribution, so it is always sent.
 */
export function restDistribution(distribution: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!distribution) {
    return undefined;
  }
  const { type, ...rest } = distribution;
  const key = String(type ?? '').toLowerCase();
  const out: Record<string, unknown> = { distribution_type: DISTRIBUTION_TYPES[key] ?? type };
  if (key === 'tensorflow' && rest.parameter_server_count === undefined) {
    out.parameter_server_count = 0;
  }
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined && v !== null) {
      out[k] = v;
    }
  }
  return out;
}

function componentId(step: PipelineStep, ctx: PipelineRestContext, unresolved: Unresolved[]): string | undefined {
  const given = ctx.componentIds?.[step.name];
  if (given) {
    return given;
  }
  const ref = step.component;
  if (ref?.kind === 'assetId') {
    return ref.id;
  }
  if (ref?.kind === 'registered') {
    if (ref.version) {
      return componentVersionArmId(ctx.workspace, ref.name, ref.version);
    }
    unresolved.push({
      step: step.name,
      kind: 'componentLabel',
      detail: `Component 'azureml:${ref.name}@${ref.label ?? 'latest'}' must be resolved to a version.`,
    });
    return `azureml:${ref.name}@${ref.label ?? 'latest'}`;
  }
  unresolved.push({
    step: step.name,
    kind: 'anonymousComponent',
    detail: `Step '${step.name}' needs its component registered (see toComponentSpec).`,
  });
  return undefined;
}
