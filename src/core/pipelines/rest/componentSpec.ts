// The anonymous component a local or inline step is registered as before the pipeline is sent
// (PUT .../components/azureml_anonymous/versions/{version}); the node then points at it by id.
import { createHash } from 'node:crypto';
import type { PipelineModel, PipelineStep, PortDecl, PortValue } from '../types';
import { environmentArmId, type WorkspaceRef } from './armIds';

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
export function toAnonymousComponent(model: PipelineModel, step: PipelineStep, ws: WorkspaceRef, codeId: string | undefined): AnonymousComponent {
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
    inputs: declarations(model, step.inputs, spec.inputs),
    outputs: declarations(model, step.outputs, spec.outputs),
  });
  const version = uuidFrom(JSON.stringify(componentSpec));
  componentSpec.version = version;
  return { name: 'azureml_anonymous', version, body: { properties: { componentSpec, isAnonymous: true } } };
}

function declarations(model: PipelineModel, ports: PortValue[], declared: Record<string, PortDecl>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(declared)) {
    if (decl.type) {
      out[name] = compact({ type: decl.type, mode: decl.mode, default: decl.default, optional: decl.optional });
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

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
