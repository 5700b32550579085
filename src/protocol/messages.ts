/**
 * Small validators shared by the webview protocols: every message is checked on receipt (on both sides)
 * before it is acted on, and anything malformed is dropped with a reason.
 */
export type Check<T> = (v: unknown) => v is T;

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
export const isScalar = (v: unknown): v is string | number | boolean => isString(v) || isNumber(v) || isBool(v);

/** Checks `fields` of `v`; optional fields end with '?'. */
export function hasFields(v: unknown, fields: Record<string, Check<unknown>>): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  for (const [key, check] of Object.entries(fields)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    if (v[name] === undefined ? !optional : !check(v[name])) return false;
  }
  return true;
}

/** Milliseconds a request waits for its answer before it fails. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The graph both webviews draw: nodes are steps (and pipeline inputs/outputs), edges are bindings. */
export type NodeStatus = 'unknown' | 'notStarted' | 'queued' | 'running' | 'completed' | 'failed' | 'canceled';

/** The graph node id of a pipeline step (`step:<name>`). */
export function stepNodeId(step: string): string {
  return `step:${step}`;
}

/** The step name of a graph node id, or undefined for a pipeline input or output node. */
export function stepOfNodeId(id: string | undefined): string | undefined {
  return id?.startsWith('step:') ? id.slice('step:'.length) : undefined;
}

export interface GraphNodeView {
  id: string;
  kind: 'step' | 'pipelineInput' | 'pipelineOutput';
  label: string;
  stepType?: string;
  compute?: string;
  inputs: string[];
  outputs: string[];
  status?: NodeStatus;
  /** Number of error diagnostics on the step. */
  errors?: number;
  /** A step that runs a pipeline component: its steps (shown when the user opens it). */
  subgraph?: GraphView;
}

export interface GraphEdgeView {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface GraphView {
  nodes: GraphNodeView[];
  edges: GraphEdgeView[];
}

export function isGraph(v: unknown): v is GraphView {
  return (
    hasFields(v, { nodes: Array.isArray, edges: Array.isArray }) &&
    (v.nodes as unknown[]).every((n) =>
      hasFields(n, { id: isString, kind: isString, label: isString, inputs: isStringArray, outputs: isStringArray }),
    ) &&
    (v.edges as unknown[]).every((e) =>
      hasFields(e, { id: isString, source: isString, sourcePort: isString, target: isString, targetPort: isString }),
    )
  );
}

/**
 * The `default` of a switch over a protocol's message types: it compiles only while every type has its case,
 * so a message type added to a protocol cannot be left unhandled on either side.
 */
export function unhandledMessage(message: never): never {
  throw new Error(`Unhandled message type ${String((message as { type?: unknown } | undefined)?.type)}`);
}
