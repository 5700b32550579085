// The anonymous component a local or inline step is registered as before the pipeline is sent
// (PUT .../components/azureml_anonymous/versions/{version}); the node then points at it by id.
import { createHash } from 'node:crypto';
import { dirname } from '../paths';
import type { ComponentDefinition, PipelineModel, PipelineStep, PortDecl, PortValue } from '../types';
import { environmentArmId, type WorkspaceRef } from './armIds';
import { stepNode, type Unresolved } from './pipelineJob';
import type { PortContext } from './ports';

export interface AnonymousComponent {
  name: 'azureml_anonymous';
  /** Derived from the spec's content, so an unchanged step reuses the same version. */
  version: string;
  body: { properties: { componentSpec: Record<string, unknown>; isAnonymous: true } };
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** `codeId` is the ARM id of the code version the upload plan registered for this step. */
export function toAnonymousComponent(
  model: PipelineModel,
  step: PipelineStep,
  ws: WorkspaceRef,
  codeId: string | undefined,
): AnonymousComponent {
  const spec = step.effective;
  const environment = typeof spec.environment === 'string' ? environmentArmId(ws, spec.environment) : spec.environment;
  const componentSpec = compact({
    name: 'azureml_anonymous',
    type: step.type,
    code: codeId,
    entry: spec.entry && compact({ file: spec.entry.file, class_name: spec.entry.className }),
    py_files: spec.pyFiles,
    jars: spec.jars,
    files: spec.files,
    archives: spec.archives,
    conf: spec.conf,
    args: spec.args,
    command: spec.command,
    environment,
    // From a component file or inline component, as written there (the step's own overrides go on the node).
    distribution: definitionOf(step)?.spec.distribution,
    resources: definitionOf(step)?.spec.resources,
    inputs: declarations(model, step.inputs, spec.inputs),
    outputs: declarations(model, step.outputs, spec.outputs),
  });
  const version = uuidFrom(JSON.stringify(componentSpec));
  componentSpec.version = version;
  return { name: 'azureml_anonymous', version, body: { properties: { componentSpec, isAnonymous: true } } };
}

/**
 * A declared default as azure-ai-ml dumps it into a component spec: numbers as strings (its component tests
 * expect `"default": "10.99"` for `default: 10.99`); strings and booleans as written.
 */
function restDefault(value: PortDecl['default']): PortDecl['default'] {
  return typeof value === 'number' ? String(value) : value;
}

/**
 * The spec's port declarations. A file or inline component's own declarations (type, mode, default,
 * optional) are kept as written: a step only binds values to them. Ports the step adds without a
 * declaration get a type from their value or from what they are bound to.
 */
function declarations(model: PipelineModel, ports: PortValue[], declared: Record<string, PortDecl>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(declared)) {
    if (decl.type) {
      out[name] = compact({ type: decl.type, mode: decl.mode, default: restDefault(decl.default), optional: decl.optional });
    }
  }
  for (const port of ports) {
    if (!out[port.name]) {
      out[port.name] = compact({ type: inferType(model, port), mode: port.mode });
    }
  }
  return out;
}

/** A type for a port the step does not declare: from its value or from what it is bound to. */
function inferType(model: PipelineModel, port: PortValue): string {
  if (port.type) {
    return port.type;
  }
  const literalType = (v: unknown): string => (typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string');
  if (port.kind === 'literal') {
    return literalType(port.literal);
  }
  const binding = port.bindings[0];
  if (binding?.kind === 'pipelineInput') {
    const source = model.inputs.find((p) => p.name === binding.name);
    return source?.type ?? (source?.kind === 'literal' ? literalType(source.literal) : 'uri_folder');
  }
  if (binding?.kind === 'stepOutput') {
    const source = model.steps.find((s) => s.name === binding.step);
    return source?.outputs.find((p) => p.name === binding.port)?.type ?? source?.effective.outputs[binding.port]?.type ?? 'uri_folder';
  }
  return 'uri_folder';
}

function definitionOf(step: PipelineStep): ComponentDefinition | undefined {
  const ref = step.component;
  return ref?.kind === 'file' || ref?.kind === 'inline' ? ref.definition : undefined;
}

/**
 * The anonymous pipeline component a `type: pipeline` step's component file is registered as. Its `jobs` are
 * the nested steps in node form (as in a pipeline job body), each pointing at the component version
 * registered for it (`childIds`, by nested step name).
 */
export function toAnonymousPipelineComponent(
  nested: PipelineModel,
  ws: WorkspaceRef,
  childIds: Record<string, string>,
): { component: AnonymousComponent; unresolved: Unresolved[] } {
  const unresolved: Unresolved[] = [];
  const ports: PortContext = { baseDir: nested.filePath ? dirname(nested.filePath) : undefined, missingData: [] };
  const ctx = { workspace: ws, componentIds: childIds };
  const jobs = Object.fromEntries(nested.steps.map((s) => [s.name, stepNode(s, ctx, ports, unresolved)]));
  const componentSpec = compact({
    name: 'azureml_anonymous',
    type: 'pipeline',
    inputs: portDeclarations(nested.inputs),
    outputs: portDeclarations(nested.outputs),
    jobs,
  });
  const version = uuidFrom(JSON.stringify(componentSpec));
  componentSpec.version = version;
  return { component: { name: 'azureml_anonymous', version, body: { properties: { componentSpec, isAnonymous: true } } }, unresolved };
}

/** A pipeline component's `inputs:`/`outputs:` (declarations written as port mappings) in spec form. */
function portDeclarations(ports: PortValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const port of ports) {
    const d = port.extra.default;
    out[port.name] = compact({
      type:
        port.type ??
        (port.kind === 'literal'
          ? typeof port.literal === 'number'
            ? 'number'
            : typeof port.literal === 'boolean'
              ? 'boolean'
              : 'string'
          : 'uri_folder'),
      mode: port.mode,
      default:
        typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean'
          ? restDefault(d)
          : port.kind === 'literal'
            ? restDefault(port.literal)
            : undefined,
      optional: typeof port.extra.optional === 'boolean' ? port.extra.optional : undefined,
    });
  }
  return out;
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
