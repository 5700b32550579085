// The step graph of a submitted pipeline job, from the job body itself (the file may have changed since).
import type { AmlJob } from './amlWorkspaceClient';

export interface JobGraph {
  nodes: { id: string; kind: 'step'; label: string; stepType?: string; compute?: string; inputs: string[]; outputs: string[] }[];
  edges: { id: string; source: string; sourcePort: string; target: string; targetPort: string }[];
}

const STEP_OUTPUT = /\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}/;

export function graphFromJob(job: AmlJob): JobGraph {
  const steps = job.properties.jobs ?? {};
  if (Object.keys(steps).length === 0) {
    return {
      nodes: [
        {
          id: `step:${job.name}`,
          kind: 'step',
          label: job.properties.displayName ?? job.name,
          stepType: job.properties.jobType?.toLowerCase(),
          inputs: [],
          outputs: [],
        },
      ],
      edges: [],
    };
  }
  const graph: JobGraph = { nodes: [], edges: [] };
  for (const [name, node] of Object.entries(steps)) {
    const inputs = (node.inputs ?? {}) as Record<string, unknown>;
    const outputs = (node.outputs ?? {}) as Record<string, unknown>;
    const compute = typeof node.computeId === 'string' ? node.computeId.split('/').pop() : undefined;
    graph.nodes.push({
      id: `step:${name}`,
      kind: 'step',
      label: String(node.display_name ?? name),
      stepType: String(node.type ?? ''),
      compute,
      inputs: Object.keys(inputs),
      outputs: Object.keys(outputs),
    });
    for (const [port, value] of Object.entries(inputs)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const m = STEP_OUTPUT.exec(text);
      if (m && steps[m[1]])
        graph.edges.push({
          id: `${m[1]}.${m[2]}->${name}.${port}`,
          source: `step:${m[1]}`,
          sourcePort: m[2],
          target: `step:${name}`,
          targetPort: port,
        });
    }
  }
  return graph;
}
