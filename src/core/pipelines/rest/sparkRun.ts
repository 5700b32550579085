// One Spark job to run on its own (not inside a pipeline): from a pipeline step or from a script.
import type { JobSpec, Literal, PipelineModel, PortValue } from '../types';

export interface SparkRunPort {
  type?: string;
  path?: string;
  mode?: string;
  value?: Literal;
}

export interface SparkRun {
  displayName?: string;
  spec: JobSpec;
  compute?: string;
  inputs: Record<string, SparkRunPort>;
  outputs: Record<string, SparkRunPort>;
  /** Inputs bound to other steps' outputs cannot run on their own. */
  unresolved: string[];
}

/** The Spark step `stepName` as a job of its own; inputs bound to pipeline inputs take their values. */
export function sparkRunFromStep(model: PipelineModel, stepName: string): SparkRun {
  const step = model.steps.find((s) => s.name === stepName);
  if (!step || step.type !== 'spark') {
    throw new Error(`'${stepName}' is not a Spark step of this pipeline.`);
  }
  const run: SparkRun = {
    displayName: step.displayName ?? step.name,
    spec: step.effective,
    compute: step.compute ?? model.settings.defaultCompute ?? model.compute,
    inputs: {},
    outputs: {},
    unresolved: [],
  };
  for (const port of step.inputs) {
    const value = resolvePort(model, port, 'inputs', run.unresolved);
    if (value) {
      run.inputs[port.name] = value;
    }
  }
  for (const port of step.outputs) {
    const value = resolvePort(model, port, 'outputs', run.unresolved);
    if (value) {
      run.outputs[port.name] = value;
    }
  }
  return run;
}

function direct(port: PortValue): SparkRunPort | undefined {
  if (port.kind === 'literal') {
    return { value: port.literal };
  }
  if (port.kind === 'data') {
    return { type: port.type, path: port.path, mode: port.mode };
  }
  return undefined;
}

function resolvePort(model: PipelineModel, port: PortValue, side: 'inputs' | 'outputs', unresolved: string[]): SparkRunPort | undefined {
  if (port.kind !== 'binding') {
    return direct(port);
  }
  const binding = port.bindings[0];
  const parentPorts = binding.kind === 'pipelineInput' ? model.inputs : binding.kind === 'pipelineOutput' ? model.outputs : undefined;
  const name = binding.kind === 'pipelineInput' || binding.kind === 'pipelineOutput' ? binding.name : undefined;
  const source = parentPorts?.find((p) => p.name === name);
  const resolved = source && direct(source);
  if (!resolved) {
    unresolved.push(`${side}.${port.name} = \${{${binding.expr}}}`);
    return undefined;
  }
  return { ...resolved, mode: port.mode ?? resolved.mode };
}

export interface ScriptRunOptions {
  /** Folder uploaded as the job's code. */
  codeDir: string;
  /** Entry file, relative to codeDir. */
  file: string;
  args?: string;
  conf?: Record<string, Literal>;
  pyFiles?: string[];
  compute?: string;
  instanceType?: string;
  runtimeVersion?: string;
  identity?: string;
  displayName?: string;
}

/** A Python file run as a Spark job ("Run on Spark"). */
export function sparkRunFromScript(opts: ScriptRunOptions): SparkRun {
  const resources = opts.instanceType ? { instance_type: opts.instanceType, runtime_version: opts.runtimeVersion ?? '3.4' } : undefined;
  return {
    displayName: opts.displayName ?? opts.file,
    spec: {
      code: '.',
      baseDir: opts.codeDir,
      entry: { file: opts.file },
      args: opts.args,
      conf: opts.conf,
      pyFiles: opts.pyFiles,
      resources,
      identity: opts.identity ? { type: opts.identity } : undefined,
      inputs: {},
      outputs: {},
    },
    compute: opts.compute,
    inputs: {},
    outputs: {},
    unresolved: [],
  };
}
