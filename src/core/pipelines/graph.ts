// Edges from bindings, cycle detection, and the layout-free graph the webview lays out.
import type { EdgeEnd, PipelineEdge, PipelineModel, PipelineStep } from './types';

export function computeEdges(model: PipelineModel): PipelineEdge[] {
  const edges: PipelineEdge[] = [];
  for (const step of model.steps) {
    for (const input of step.inputs) {
      for (const binding of input.bindings) {
        const to: EdgeEnd = { kind: 'step', step: step.name, port: input.name };
        const range = input.bindingRange ?? input.valueRange;
        if (binding.kind === 'pipelineInput') {
          edges.push({ from: { kind: 'pipelineInput', port: binding.name }, to, range });
        } else if (binding.kind === 'stepOutput' || binding.kind === 'stepInput') {
          edges.push({ from: { kind: 'step', step: binding.step, port: binding.port }, to, range });
        }
      }
    }
    for (const output of step.outputs) {
      for (const binding of output.bindings) {
        if (binding.kind === 'pipelineOutput') {
          const range = output.bindingRange ?? output.valueRange;
          edges.push({
            from: { kind: 'step', step: step.name, port: output.name },
            to: { kind: 'pipelineOutput', port: binding.name },
            range,
          });
        }
      }
    }
  }
  return edges;
}

/** Step-to-step edges that lie on a cycle (Tarjan's strongly connected components). */
export function edgesOnCycles(model: PipelineModel): PipelineEdge[] {
  const stepEdges = model.edges.filter((e) => e.from.kind === 'step' && e.to.kind === 'step');
  const next = new Map<string, string[]>();
  for (const e of stepEdges) {
    const from = (e.from as { step: string }).step;
    const targets = next.get(from);
    if (targets) targets.push((e.to as { step: string }).step);
    else next.set(from, [(e.to as { step: string }).step]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let components = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.set(w, components);
      } while (w !== v);
      components++;
    }
  };
  for (const v of next.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return stepEdges.filter((e) => {
    const a = (e.from as { step: string }).step;
    const b = (e.to as { step: string }).step;
    return component.get(a) !== undefined && component.get(a) === component.get(b);
  });
}

export type StepStatus = 'unknown' | 'notStarted' | 'queued' | 'running' | 'completed' | 'failed' | 'canceled';

export interface GraphNode {
  id: string;
  kind: 'step' | 'pipelineInput' | 'pipelineOutput';
  label: string;
  stepType?: string;
  editable?: boolean;
  compute?: string;
  inputs: string[];
  outputs: string[];
  /** Placeholder the run view fills from the job's live state. */
  status: StepStatus;
  /** A `type: pipeline` step whose component file was loaded: the nested pipeline's graph (expandable). */
  subgraph?: PipelineGraph;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface PipelineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function nodeId(end: EdgeEnd): string {
  return end.kind === 'step' ? `step:${end.step}` : `${end.kind}:${end.port}`;
}

/** Compute a step runs on: its own, else the pipeline default. Without the `azureml:` prefix. */
export function effectiveCompute(model: PipelineModel, step: PipelineStep): string | undefined {
  const compute = step.compute ?? model.settings.defaultCompute ?? model.compute;
  return compute?.replace(/^azureml:/, '');
}

/** The nested pipeline of a `type: pipeline` step, when its component file was loaded. */
export function nestedPipeline(step: PipelineStep): PipelineModel | undefined {
  return step.component?.kind === 'file' || step.component?.kind === 'inline' ? step.component.definition?.pipeline : undefined;
}

export function pipelineGraph(model: PipelineModel, depth = 0): PipelineGraph {
  if (depth > 8) {
    return { nodes: [], edges: [] };
  }
  const nodes: GraphNode[] = [];
  for (const input of model.inputs) {
    nodes.push({
      id: `pipelineInput:${input.name}`,
      kind: 'pipelineInput',
      label: input.name,
      inputs: [],
      outputs: [input.name],
      status: 'unknown',
    });
  }
  for (const step of model.steps) {
    nodes.push({
      id: `step:${step.name}`,
      kind: 'step',
      label: step.displayName ?? step.name,
      stepType: step.type,
      editable: step.type === 'spark' || step.type === 'command',
      compute: effectiveCompute(model, step) ?? (step.effective.resources?.instance_type as string | undefined),
      inputs: unique([...step.inputs.map((p) => p.name), ...Object.keys(step.effective.inputs)]),
      outputs: unique([...step.outputs.map((p) => p.name), ...Object.keys(step.effective.outputs)]),
      status: 'unknown',
    });
    const nested = nestedPipeline(step);
    if (nested) {
      nodes[nodes.length - 1].subgraph = pipelineGraph(nested, depth + 1);
    }
  }
  for (const output of model.outputs) {
    nodes.push({
      id: `pipelineOutput:${output.name}`,
      kind: 'pipelineOutput',
      label: output.name,
      inputs: [output.name],
      outputs: [],
      status: 'unknown',
    });
  }
  const ids = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = [];
  for (const e of model.edges) {
    const source = nodeId(e.from);
    const target = nodeId(e.to);
    if (ids.has(source) && ids.has(target)) {
      edges.push({
        id: `${source}.${e.from.port}->${target}.${e.to.port}`,
        source,
        sourcePort: e.from.port,
        target,
        targetPort: e.to.port,
      });
    }
  }
  return { nodes, edges };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
