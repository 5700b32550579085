// The typed pipeline model. It is a read-only view of the YAML document: edits go through the
// editor (edit/), which changes text, and the model is parsed again from the new text.
import type { Range } from './text';

export type Severity = 'error' | 'warning' | 'info';

export type DiagnosticCode =
  | 'yaml-syntax'
  | 'too-large'
  | 'not-a-pipeline'
  | 'unknown-step-type'
  | 'unsupported-step-type'
  | 'unsubmittable-step-type'
  | 'pipeline-component'
  | 'missing-field'
  | 'invalid-field'
  | 'unknown-field'
  | 'binding-syntax'
  | 'binding-unknown-step'
  | 'binding-unknown-output'
  | 'binding-unknown-input'
  | 'binding-cycle'
  | 'path-outside-root'
  | 'missing-file'
  | 'missing-folder'
  | 'component-error'
  | 'unknown-compute'
  | 'invalid-compute-name'
  | 'invalid-step-name'
  | 'legacy-syntax';

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** 0-based, in the pipeline file (problems inside a component file are reported at the `component:` value). */
  range: Range;
}

export type Literal = string | number | boolean;

/** `${{parent.inputs.x}}`, `${{parent.outputs.y}}`, `${{parent.jobs.a.outputs.y}}` (and `.inputs.`). */
export type Binding =
  | { kind: 'pipelineInput'; name: string; expr: string }
  | { kind: 'pipelineOutput'; name: string; expr: string }
  | { kind: 'stepOutput'; step: string; port: string; expr: string }
  | { kind: 'stepInput'; step: string; port: string; expr: string }
  /** `${{inputs.x}}` / `${{outputs.y}}`: the step's own ports (used inside a node's settings). */
  | { kind: 'ownPort'; expr: string }
  /** Resolved by the service at run time: `${{default_datastore}}`, `${{name}}`, `${{output_name}}`. */
  | { kind: 'runtime'; expr: string }
  | { kind: 'unsupported'; expr: string };

/** One entry of an `inputs:` or `outputs:` map, at pipeline or step level. */
export interface PortValue {
  name: string;
  /** `binding`: the value (or its `path`) refers to another port; `data`: a typed asset; `literal`: a plain value. */
  kind: 'binding' | 'data' | 'literal' | 'empty';
  bindings: Binding[];
  /** The scalar as written: a literal's value, or a binding written directly as the value. */
  literal?: Literal;
  type?: string;
  path?: string;
  mode?: string;
  /** Keys other than type/path/mode (e.g. `name`, `version`, `default`, `optional`). */
  extra: Record<string, unknown>;
  keyRange: Range;
  valueRange: Range;
  /** Range of the binding text or `path:` value, for diagnostics about it. */
  bindingRange?: Range;
}

/** A declared component input/output (`inputs: x: {type, mode, default, optional}`). */
export interface PortDecl {
  type?: string;
  mode?: string;
  default?: Literal;
  optional?: boolean;
}

export interface SparkEntry {
  file?: string;
  className?: string;
}

/** The job-definition fields a step can write itself or inherit from its component. */
export interface JobSpec {
  code?: string;
  /** Folder `code` (and entry/py_files) are relative to: the pipeline's or the component file's folder. */
  baseDir?: string;
  entry?: SparkEntry;
  pyFiles?: string[];
  jars?: string[];
  files?: string[];
  archives?: string[];
  conf?: Record<string, Literal>;
  args?: string;
  command?: string;
  environment?: unknown;
  environmentVariables?: Record<string, string>;
  resources?: Record<string, unknown>;
  identity?: { type: string };
  /** Command-only settings kept as written. */
  distribution?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  inputs: Record<string, PortDecl>;
  outputs: Record<string, PortDecl>;
}

export interface ComponentDefinition {
  type?: string;
  /** For `type: pipeline` component files: the nested pipeline, parsed (its file components resolved). */
  pipeline?: PipelineModel;
  name?: string;
  version?: string;
  displayName?: string;
  spec: JobSpec;
}

export type ComponentRef =
  | { kind: 'file'; path: string; resolvedPath?: string; definition?: ComponentDefinition; range: Range }
  | { kind: 'inline'; definition: ComponentDefinition; range: Range }
  /** `azureml:name:version`, `azureml:name@label` or `azureml:name` (latest). */
  | { kind: 'registered'; name: string; version?: string; label?: string; range: Range }
  /** A full asset id: `azureml://registries/...` or an ARM id. */
  | { kind: 'assetId'; id: string; range: Range };

export interface PipelineStep {
  name: string;
  /** As written; a step without `type:` is a command step (the CLI and SDK default it). Only `spark` and `command` are editable. */
  type: string;
  /** False when the step has no `type:` and `type` is the default. */
  typeWritten: boolean;
  nameRange: Range;
  range: Range;
  displayName?: string;
  compute?: string;
  computeRange?: Range;
  component?: ComponentRef;
  inputs: PortValue[];
  outputs: PortValue[];
  /** What the step itself writes (step-level overrides). */
  own: JobSpec;
  /** Component fields overlaid with the step's own: what would actually run. */
  effective: JobSpec;
  /** Ranges of some fields, for diagnostics. */
  fieldRanges: Record<string, Range>;
}

export interface PipelineSettings {
  defaultCompute?: string;
  defaultDatastore?: string;
  continueOnStepFailure?: boolean;
  defaultComputeRange?: Range;
  /** Every key as written, snake_case (the REST body keeps them so). */
  raw: Record<string, unknown>;
}

export type EdgeEnd =
  { kind: 'step'; step: string; port: string } | { kind: 'pipelineInput'; port: string } | { kind: 'pipelineOutput'; port: string };

/** Data flows from `from` to `to`. Derived from bindings. */
export interface PipelineEdge {
  from: EdgeEnd;
  to: EdgeEnd;
  range: Range;
}

export interface PipelineModel {
  /** Absolute path of the YAML file, when known. */
  filePath?: string;
  /**
   * `job`: a pipeline job (`az ml job create`). `component`: a pipeline component file (pipelineComponent
   * schema: inputs declared with types and defaults, no values), registered with `az ml component create`.
   */
  kind: 'job' | 'component';
  name?: string;
  displayName?: string;
  description?: string;
  experimentName?: string;
  /** Top-level `compute:` (older files use it instead of `settings.default_compute`). */
  compute?: string;
  computeRange?: Range;
  settings: PipelineSettings;
  inputs: PortValue[];
  outputs: PortValue[];
  steps: PipelineStep[];
  edges: PipelineEdge[];
  tags: Record<string, string>;
}

export const EDITABLE_STEP_TYPES = ['spark', 'command'] as const;
/** Step types the submit path can send (pipeline: by registering the nested pipeline component first). */
export const SUBMITTABLE_STEP_TYPES = ['spark', 'command', 'pipeline'];
/** Types the CLI knows; we parse and keep them but only edit spark/command. */
export const KNOWN_STEP_TYPES = ['spark', 'command', 'parallel', 'sweep', 'pipeline', 'data_transfer', 'import', 'automl'];
