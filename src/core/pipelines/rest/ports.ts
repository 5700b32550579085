// Inputs/outputs in REST form. Pipeline-level ports use camelCase (`jobInputType`); ports of nodes
// inside `properties.jobs` use snake_case (`job_input_type`), as the recorded PipelineJob shows.
import { isRemote, resolvePath } from '../paths';
import type { PortValue } from '../types';

const MODES: Record<string, string> = {
  direct: 'Direct',
  ro_mount: 'ReadOnlyMount',
  rw_mount: 'ReadWriteMount',
  download: 'Download',
  upload: 'Upload',
  eval_mount: 'EvalMount',
  eval_download: 'EvalDownload',
};

export function restMode(mode: string | undefined): string | undefined {
  return mode === undefined ? undefined : (MODES[mode] ?? mode);
}

export type Casing = 'camel' | 'snake';

export interface PortContext {
  /** Folder local paths are relative to (the pipeline file's folder). */
  baseDir?: string;
  /** Datastore URIs of uploaded local data, by absolute local path. */
  dataUris?: Record<string, string>;
  /** Collects local data that has no uploaded URI yet. */
  missingData: string[];
}

function dataUri(path: string, ctx: PortContext): string {
  if (isRemote(path) || !ctx.baseDir) {
    return path;
  }
  const local = resolvePath(ctx.baseDir, path);
  const uri = ctx.dataUris?.[local];
  if (!uri) {
    ctx.missingData.push(local);
  }
  return uri ?? path;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function restInput(port: PortValue, casing: Casing, ctx: PortContext): Record<string, unknown> | undefined {
  const typeKey = casing === 'camel' ? 'jobInputType' : 'job_input_type';
  switch (port.kind) {
    case 'empty':
      return undefined;
    case 'literal':
      return { [typeKey]: 'literal', value: String(port.literal) };
    case 'binding':
      return compact({ [typeKey]: 'literal', value: port.path ?? bindingSource(port), mode: restMode(port.mode) });
    case 'data':
      return compact({ [typeKey]: port.type ?? 'uri_folder', uri: port.path && dataUri(port.path, ctx), mode: restMode(port.mode) });
  }
}

export function restOutput(port: PortValue, casing: Casing): Record<string, unknown> | undefined {
  if (port.kind === 'binding') {
    return { value: port.path ?? bindingSource(port), type: 'literal' };
  }
  if (port.kind !== 'data') {
    return undefined;
  }
  const typeKey = casing === 'camel' ? 'jobOutputType' : 'job_output_type';
  return compact({ [typeKey]: port.type ?? 'uri_folder', uri: port.path, mode: restMode(port.mode) });
}

function bindingSource(port: PortValue): string {
  return String(port.literal ?? '');
}

export function restPorts<T>(ports: PortValue[], convert: (p: PortValue) => T | undefined): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  for (const port of ports) {
    const value = convert(port);
    if (value !== undefined) {
      out[port.name] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function restIdentity(type: string | undefined, casing: Casing): Record<string, string> | undefined {
  if (!type) {
    return undefined;
  }
  const mapped = { user_identity: 'UserIdentity', managed: 'Managed', managed_identity: 'Managed', aml_token: 'AMLToken' }[type] ?? type;
  return { [casing === 'camel' ? 'identityType' : 'identity_type']: mapped };
}
