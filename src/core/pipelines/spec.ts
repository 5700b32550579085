// Job-definition fields from plain objects: shared by step definitions and component files, which
// use the same snake_case keys (code, entry, py_files, conf, args, command, ...).
import type { ComponentDefinition, JobSpec, Literal, PortDecl } from './types';
import { stripFilePrefix } from './paths';

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map((v) => str(v) ?? '').filter((v) => v !== '') : undefined;
}

function literals(value: unknown): Record<string, Literal> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const out: Record<string, Literal> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[key] = v;
    }
  }
  return out;
}

function portDecls(value: unknown): Record<string, PortDecl> {
  const out: Record<string, PortDecl> = {};
  if (!isObject(value)) {
    return out;
  }
  for (const [name, decl] of Object.entries(value)) {
    if (isObject(decl)) {
      const d = decl.default;
      out[name] = {
        type: str(decl.type),
        mode: str(decl.mode),
        default: typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? d : undefined,
        optional: typeof decl.optional === 'boolean' ? decl.optional : undefined,
      };
    } else {
      out[name] = {};
    }
  }
  return out;
}

/** Reads the job-definition keys of `obj`; keys absent from `obj` stay undefined. */
export function specFromObject(obj: Obj, baseDir: string | undefined): JobSpec {
  const entry = isObject(obj.entry) ? { file: str(obj.entry.file), className: str(obj.entry.class_name) } : undefined;
  const identity = isObject(obj.identity) && str(obj.identity.type) ? { type: str(obj.identity.type)! } : undefined;
  const envVars = literals(obj.environment_variables);
  return {
    // `file:` marks a local path explicitly (`code: file:./src`), as the CLI accepts.
    code: str(obj.code) === undefined ? undefined : stripFilePrefix(str(obj.code)!),
    baseDir,
    entry,
    pyFiles: strings(obj.py_files),
    jars: strings(obj.jars),
    files: strings(obj.files),
    archives: strings(obj.archives),
    conf: literals(obj.conf),
    args: Array.isArray(obj.args) ? obj.args.map(String).join(' ') : str(obj.args),
    command: str(obj.command),
    environment: obj.environment,
    environmentVariables: envVars && Object.fromEntries(Object.entries(envVars).map(([k, v]) => [k, String(v)])),
    resources: isObject(obj.resources) ? obj.resources : undefined,
    identity,
    distribution: isObject(obj.distribution) ? obj.distribution : undefined,
    limits: isObject(obj.limits) ? obj.limits : undefined,
    inputs: portDecls(obj.inputs),
    outputs: portDecls(obj.outputs),
  };
}

export function componentFromObject(obj: Obj, baseDir: string | undefined): ComponentDefinition {
  return {
    type: str(obj.type),
    name: str(obj.name),
    version: str(obj.version),
    displayName: str(obj.display_name),
    spec: specFromObject(obj, baseDir),
  };
}

/**
 * What runs: the component's definition overlaid with the step's own fields. `conf` merges key by
 * key (the step wins); `code` keeps the folder it was written relative to.
 */
export function mergeSpecs(component: JobSpec | undefined, own: JobSpec): JobSpec {
  if (!component) {
    return own;
  }
  const merged: JobSpec = { ...component };
  for (const [key, value] of Object.entries(own) as [keyof JobSpec, unknown][]) {
    if (value !== undefined && key !== 'inputs' && key !== 'outputs' && key !== 'baseDir') {
      (merged as unknown as Obj)[key] = value;
    }
  }
  if (own.code !== undefined) {
    merged.baseDir = own.baseDir;
  }
  if (component.conf || own.conf) {
    merged.conf = { ...component.conf, ...own.conf };
  }
  // The component declares its ports (type, mode, default, optional); the step only binds values to them, so
  // a step's `inputs:`/`outputs:` never replace a declaration. Ports the component does not declare are kept.
  merged.inputs = { ...own.inputs, ...component.inputs };
  merged.outputs = { ...own.outputs, ...component.outputs };
  return merged;
}
