// SparkRun -> body of PUT .../jobs/{name} with `jobType: Spark` (camelCase, as in the 2024-04-01 spec).
import type { Literal } from '../types';
import { computeArmId, environmentArmId, type WorkspaceRef } from './armIds';
import { restIdentity, restMode } from './ports';
import type { SparkRun, SparkRunPort } from './sparkRun';

export interface SparkJobContext {
  workspace: WorkspaceRef;
  /** ARM id of the registered code version (from the upload plan). */
  codeId: string;
  experimentName?: string;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function toSparkJobBody(run: SparkRun, ctx: SparkJobContext): { properties: Record<string, unknown> } {
  const spec = run.spec;
  const entry = spec.entry?.className
    ? { sparkJobEntryType: 'SparkJobScalaEntry', className: spec.entry.className }
    : { sparkJobEntryType: 'SparkJobPythonEntry', file: spec.entry?.file };
  const resources =
    spec.resources && compact({ instanceType: spec.resources.instance_type, runtimeVersion: spec.resources.runtime_version });
  const inputs = mapPorts(run.inputs, (p) =>
    p.value !== undefined
      ? { jobInputType: 'literal', value: String(p.value) }
      : compact({ jobInputType: p.type ?? 'uri_folder', uri: p.path, mode: restMode(p.mode) }),
  );
  const outputs = mapPorts(run.outputs, (p) => compact({ jobOutputType: p.type ?? 'uri_folder', uri: p.path, mode: restMode(p.mode) }));
  return {
    properties: compact({
      jobType: 'Spark',
      displayName: run.displayName,
      experimentName: ctx.experimentName,
      properties: {},
      tags: {},
      codeId: ctx.codeId,
      entry,
      pyFiles: spec.pyFiles,
      jars: spec.jars,
      files: spec.files,
      archives: spec.archives,
      // The spec types conf values as strings.
      conf: spec.conf && stringValues(spec.conf),
      args: spec.args,
      resources,
      computeId: run.compute ? computeArmId(ctx.workspace, run.compute) : undefined,
      identity: restIdentity(spec.identity?.type, 'camel'),
      environmentId: typeof spec.environment === 'string' ? environmentArmId(ctx.workspace, spec.environment) : undefined,
      environmentVariables: spec.environmentVariables,
      inputs,
      outputs,
    }),
  };
}

function stringValues(conf: Record<string, Literal>): Record<string, string> {
  return Object.fromEntries(Object.entries(conf).map(([k, v]) => [k, String(v)]));
}

function mapPorts(
  ports: Record<string, SparkRunPort>,
  convert: (p: SparkRunPort) => Record<string, unknown>,
): Record<string, unknown> | undefined {
  const entries = Object.entries(ports);
  return entries.length > 0 ? Object.fromEntries(entries.map(([k, p]) => [k, convert(p)])) : undefined;
}
