// Layered layout of the step graph with ELK (left to right, ports on the sides).
import ELK, { type ElkNode, type ElkExtendedEdge } from 'elkjs/lib/elk.bundled.js';
import type { GraphView } from '../../../src/protocol/messages';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 58;

export interface Point {
  x: number;
  y: number;
}

export interface LaidOutNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  ports: Record<string, Point>;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, LaidOutNode>;
  edges: Map<string, Point[]>;
}

const elk = new ELK();

export async function layoutGraph(graph: GraphView): Promise<Layout> {
  const portId = (node: string, side: 'in' | 'out', port: string) => `${node}::${side}::${port}`;
  const input: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '30',
      'elk.edgeRouting': 'SPLINES',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      ports: [
        ...n.inputs.map((p) => ({ id: portId(n.id, 'in', p), width: 8, height: 8, layoutOptions: { 'elk.port.side': 'WEST' } })),
        ...n.outputs.map((p) => ({ id: portId(n.id, 'out', p), width: 8, height: 8, layoutOptions: { 'elk.port.side': 'EAST' } })),
      ],
    })),
    edges: graph.edges
      .filter((e) => graph.nodes.some((n) => n.id === e.source) && graph.nodes.some((n) => n.id === e.target))
      .map((e) => ({ id: e.id, sources: [portId(e.source, 'out', e.sourcePort)], targets: [portId(e.target, 'in', e.targetPort)] })),
  };
  const result: ElkNode = await elk.layout(input);
  const nodes = new Map<string, LaidOutNode>();
  for (const c of result.children ?? []) {
    const ports: Record<string, Point> = {};
    for (const p of c.ports ?? []) ports[p.id.slice(c.id.length + 2)] = { x: (c.x ?? 0) + (p.x ?? 0) + 4, y: (c.y ?? 0) + (p.y ?? 0) + 4 };
    nodes.set(c.id, { id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? NODE_WIDTH, height: c.height ?? NODE_HEIGHT, ports });
  }
  const edges = new Map<string, Point[]>();
  for (const e of (result.edges ?? []) as ElkExtendedEdge[]) {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    edges.set(e.id, points);
  }
  return { width: result.width ?? 0, height: result.height ?? 0, nodes, edges };
}
