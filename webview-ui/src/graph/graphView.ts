/**
 * Draws the step graph as SVG from an ELK layout: nodes with type, compute, live status and problem
 * badges; edges as the layout routed them. Pan by dragging the background, zoom with the wheel or +/-,
 * 0 fits (never below a legible scale: a larger graph starts at its top left and pans); a node selected or
 * focused off-screen is panned into view. Arrow keys move the selection to the nearest node in that
 * direction, Enter opens it (the editor's form), Delete asks to remove it. In the editor, dragging an output
 * port onto another step connects them. Nodes use a roving tabindex: one node is always the graph's tab
 * stop, and keyboard focus survives redraws (every state update and every poll of a run redraws).
 */
import * as l10n from '@vscode/l10n';
import type { GraphNodeView, GraphView as GraphData, NodeStatus } from '../../../src/protocol/messages';
import { layoutGraph, type Layout } from './layout';

const SVG = 'http://www.w3.org/2000/svg';

export interface GraphViewEvents {
  onSelect(id: string | undefined): void;
  /** Enter on the focused node. */
  onActivate?(id: string): void;
  /** Double click on a node. */
  onReveal?(id: string): void;
  onDelete?(id: string): void;
  /**
   * An output port dragged onto another step: onto one of its input ports (`to.port`), or anywhere else on
   * it (no port: a new input). Without this handler ports are not draggable (the run view).
   */
  onConnect?(from: { node: string; port: string }, to: { node: string; port?: string }): void;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** The status word a node shows (as the protocol spells it, so translators see the English the user sees). */
function statusWord(status: NodeStatus): string {
  switch (status) {
    case 'notStarted':
      return l10n.t('notStarted');
    case 'queued':
      return l10n.t('queued');
    case 'running':
      return l10n.t('running');
    case 'completed':
      return l10n.t('completed');
    case 'failed':
      return l10n.t('failed');
    case 'canceled':
      return l10n.t('canceled');
    default:
      return status;
  }
}

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private layout: Layout | undefined;
  private graph: GraphData = { nodes: [], edges: [] };
  private selected: string | undefined;
  private scale = 1;
  private tx = 20;
  private ty = 20;
  private fitted = false;
  /** Set while a redraw gives the focus back to a node: that is no reason to pan to it. */
  private refocusing = false;
  /** Milliseconds the last layout took (shown for the benchmark). */
  lastLayoutMs = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly events: GraphViewEvents,
  ) {
    // tabindex -1: a click on the background focuses the graph (keys then work) without adding a tab stop.
    this.svg = el('svg', {
      class: 'graph',
      role: 'application',
      tabindex: -1,
      'aria-label': l10n.t('Pipeline steps. Arrow keys move between steps, Enter opens one, + and - zoom, 0 fits.'),
    });
    this.viewport = el('g', {}, this.svg);
    container.appendChild(this.svg);
    this.installPanZoom();
  }

  get selection(): string | undefined {
    return this.selected;
  }

  async render(graph: GraphData): Promise<void> {
    const structure = (g: GraphData) => JSON.stringify([g.nodes.map((n) => [n.id, n.inputs, n.outputs]), g.edges.map((e) => e.id)]);
    const relayout = !this.layout || structure(graph) !== structure(this.graph);
    this.graph = graph;
    if (relayout) {
      const t = performance.now();
      this.layout = await layoutGraph(graph);
      this.lastLayoutMs = performance.now() - t;
    }
    this.draw();
    if (!this.fitted && graph.nodes.length > 0) {
      this.fit(GraphView.READABLE_SCALE);
      this.fitted = true;
    }
    // A selected node that is gone (removed, or renamed: a new id) is dropped quietly; the owner decides
    // what to select next (the editor keeps a renamed step selected under its new name).
    if (this.selected && !graph.nodes.some((n) => n.id === this.selected)) {
      this.selected = undefined;
      this.updateNodeStates(false);
    }
  }

  /** The transform of the pan/zoom viewport (tests read it). */
  get viewportTransform(): string {
    return this.viewport.getAttribute('transform') ?? '';
  }

  private draw(): void {
    const layout = this.layout!;
    // Redrawing replaces the node elements: remember which one had keyboard focus and give it back.
    const active = document.activeElement;
    const focusedId = active instanceof SVGGElement && this.viewport.contains(active) ? active.dataset.nodeId : undefined;
    const graphFocused = focusedId !== undefined || active === this.svg;
    this.viewport.replaceChildren();
    const edges = el('g', { class: 'edges' }, this.viewport);
    for (const e of this.graph.edges) {
      const pts = layout.edges.get(e.id);
      if (!pts || pts.length < 2) continue;
      const d =
        `M ${pts[0].x} ${pts[0].y} ` +
        pts
          .slice(1)
          .map((p) => `L ${p.x} ${p.y}`)
          .join(' ');
      const path = el('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }, edges);
      el('title', {}, path).textContent =
        `${e.source.replace(/^step:/, '')}.${e.sourcePort} -> ${e.target.replace(/^step:/, '')}.${e.targetPort}`;
    }
    const defs = el('defs', {}, this.viewport);
    const marker = el(
      'marker',
      { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      defs,
    );
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);
    for (const n of this.graph.nodes) this.drawNode(n, layout);
    this.updateNodeStates(false);
    if (graphFocused) {
      const target = this.nodeElement(focusedId) ?? this.nodeElement(this.selected);
      this.refocusing = true;
      try {
        (target ?? this.svg).focus({ preventScroll: true });
      } finally {
        this.refocusing = false;
      }
    }
  }

  private nodeElement(id: string | undefined): SVGGElement | undefined {
    if (!id) return undefined;
    return [...this.viewport.querySelectorAll<SVGGElement>('g.node')].find((g) => g.dataset.nodeId === id);
  }

  /** Marks the selected node and keeps exactly one tab stop: the selection, else the first node. */
  private updateNodeStates(focus: boolean): void {
    const nodes = [...this.viewport.querySelectorAll<SVGGElement>('g.node')];
    const stop = nodes.find((g) => g.dataset.nodeId === this.selected) ?? nodes[0];
    for (const g of nodes) {
      const on = g.dataset.nodeId === this.selected;
      g.classList.toggle('selected', on);
      g.setAttribute('aria-selected', String(on));
      g.setAttribute('tabindex', g === stop ? '0' : '-1');
    }
    if (focus && this.selected) stop?.focus({ preventScroll: true });
  }

  private drawNode(n: GraphNodeView, layout: Layout): void {
    const box = layout.nodes.get(n.id);
    if (!box) return;
    const status = n.status && n.status !== 'unknown' ? ` status-${n.status}` : '';
    const g = el(
      'g',
      {
        class: `node kind-${n.kind}${status}${n.errors ? ' has-errors' : ''}${n.id === this.selected ? ' selected' : ''}`,
        transform: `translate(${box.x},${box.y})`,
        tabindex: -1,
        role: 'button',
        'data-node-id': n.id,
        'aria-label': [
          n.label,
          n.stepType ? l10n.t('{0} step', n.stepType) : '',
          n.status && n.status !== 'unknown' ? statusWord(n.status) : '',
          n.errors ? l10n.t('{0} problems', n.errors) : '',
        ]
          .filter(Boolean)
          .join(', '),
      },
      this.viewport,
    );
    el('rect', { width: box.width, height: box.height, rx: 6, class: 'box' }, g);
    el('rect', { width: 5, height: box.height, rx: 2, class: 'stripe' }, g);
    el('text', { x: 14, y: 22, class: 'label' }, g).textContent = n.label.length > 24 ? `${n.label.slice(0, 23)}...` : n.label;
    const sub = [n.stepType, n.compute].filter(Boolean).join(' · ');
    el('text', { x: 14, y: 42, class: 'sub' }, g).textContent = sub.length > 30 ? `${sub.slice(0, 29)}...` : sub;
    if (n.status && n.status !== 'unknown')
      el('text', { x: box.width - 10, y: 42, class: 'status', 'text-anchor': 'end' }, g).textContent = statusWord(n.status);
    if (n.errors) {
      const badge = el('g', { class: 'badge', transform: `translate(${box.width - 14},14)` }, g);
      el('circle', { r: 9 }, badge);
      el('text', { y: 4, 'text-anchor': 'middle' }, badge).textContent = String(n.errors);
    }
    const connectable = n.kind === 'step' && this.events.onConnect !== undefined;
    for (const [key, p] of Object.entries(box.ports)) {
      const [side, name] = [key.slice(0, key.indexOf('::')), key.slice(key.indexOf('::') + 2)];
      const c = el('circle', { cx: p.x - box.x, cy: p.y - box.y, r: 4, class: `port port-${side}`, 'data-port': name }, g);
      el('title', {}, c).textContent = side === 'in' ? l10n.t('input {0}', name) : l10n.t('output {0}', name);
      if (connectable && side === 'out') {
        // A larger, invisible grip over the output port: drag it onto another step to bind an input to it.
        const grip = el('circle', { cx: p.x - box.x, cy: p.y - box.y, r: 9, class: 'port-grip', 'data-port': name }, g);
        el('title', {}, grip).textContent = l10n.t('output {0}: drag onto another step to connect', name);
        grip.addEventListener('pointerdown', (ev) => this.startConnect(ev, n.id, name, p));
      }
    }
    g.addEventListener('click', (ev) => {
      ev.stopPropagation();
      this.select(n.id);
    });
    g.addEventListener('dblclick', () => this.events.onReveal?.(n.id));
  }

  /** Follows a drag from an output port with a dashed line; dropping it on another step connects them. */
  private startConnect(ev: PointerEvent, node: string, port: string, from: { x: number; y: number }): void {
    if (ev.button !== 0) return;
    ev.stopPropagation();
    ev.preventDefault();
    const line = el('path', { class: 'edge connecting' });
    let target: SVGGElement | undefined;
    const stepUnder = (e: PointerEvent): { g: SVGGElement; port?: string } | undefined => {
      const hit = document.elementFromPoint(e.clientX, e.clientY);
      const g = hit?.closest<SVGGElement>('g.node');
      const id = g?.dataset.nodeId;
      if (!g || !id || id === node || this.graph.nodes.find((x) => x.id === id)?.kind !== 'step') return undefined;
      return { g, port: hit?.matches('circle.port-in') ? (hit as SVGElement).dataset.port : undefined };
    };
    const move = (e: PointerEvent) => {
      // The graph may redraw during the drag (a state update): keep the line on top of the current drawing.
      if (!line.isConnected) this.viewport.appendChild(line);
      const r = this.svg.getBoundingClientRect();
      const x = (e.clientX - r.left - this.tx) / this.scale;
      const y = (e.clientY - r.top - this.ty) / this.scale;
      line.setAttribute('d', `M ${from.x} ${from.y} L ${x} ${y}`);
      const over = stepUnder(e)?.g;
      if (over !== target) {
        target?.classList.remove('drop-target');
        over?.classList.add('drop-target');
        target = over;
      }
    };
    const end = (e?: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', end);
      window.removeEventListener('keydown', escape, true);
      line.remove();
      target?.classList.remove('drop-target');
      const drop = e ? stepUnder(e) : undefined;
      if (drop) this.events.onConnect?.({ node, port }, { node: drop.g.dataset.nodeId!, port: drop.port });
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      end();
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', end);
    window.addEventListener('keydown', escape, true);
    move(ev);
  }

  select(id: string | undefined, focus = true): void {
    this.selected = id;
    this.updateNodeStates(focus);
    if (id) this.reveal(id);
    this.events.onSelect(id);
  }

  /** Pans (at the current zoom) so that the node is inside the visible canvas; nothing when it already is. */
  reveal(id: string): void {
    const box = this.layout?.nodes.get(id);
    if (!box) return;
    const w = this.container.clientWidth || 800;
    const h = this.container.clientHeight || 400;
    const m = GraphView.MARGIN;
    const pan = (t: number, start: number, size: number, view: number): number => {
      const lo = t + start * this.scale;
      const hi = lo + size * this.scale;
      // Too big to show whole: its start (where the label is) at the margin.
      if (hi - lo > view - 2 * m || lo < m) return t + m - lo;
      if (hi > view - m) return t - (hi - (view - m));
      return t;
    };
    const tx = pan(this.tx, box.x, box.width, w);
    const ty = pan(this.ty, box.y, box.height, h);
    if (tx === this.tx && ty === this.ty) return;
    this.tx = tx;
    this.ty = ty;
    this.apply();
  }

  /** Puts keyboard focus on the selected node (else the graph's tab stop). */
  focus(): void {
    (this.nodeElement(this.selected) ?? this.viewport.querySelector<SVGGElement>('g.node[tabindex="0"]') ?? this.svg).focus({
      preventScroll: true,
    });
  }

  /** The lowest scale the first fit (and a window resize) goes to: 13 px labels stay about 8 px. */
  static readonly READABLE_SCALE = 0.6;
  /** The lowest scale the Fit button and the 0 key go to; zooming out further is the wheel's and -'s. */
  static readonly MIN_FIT_SCALE = 0.35;
  private static readonly MARGIN = 20;

  /**
   * Scales the graph to fit the canvas, but not below `minScale`: a graph that still does not fit is placed
   * at the top left (its start, where the inputs are) instead of centred with its ends cut off.
   */
  fit(minScale = GraphView.MIN_FIT_SCALE): void {
    if (!this.layout) return;
    const w = this.container.clientWidth || 800;
    const h = this.container.clientHeight || 400;
    const m = GraphView.MARGIN;
    const lw = Math.max(1, this.layout.width);
    const lh = Math.max(1, this.layout.height);
    this.scale = Math.min(1.5, Math.max(minScale, Math.min((w - 2 * m) / lw, (h - 2 * m) / lh)));
    const sw = lw * this.scale;
    const sh = lh * this.scale;
    this.tx = sw <= w - 2 * m ? (w - sw) / 2 : m;
    this.ty = sh <= h - 2 * m ? Math.max(10, (h - sh) / 2) : m;
    this.apply();
  }

  zoom(factor: number, cx = (this.container.clientWidth || 800) / 2, cy = (this.container.clientHeight || 400) / 2): void {
    const next = Math.min(3, Math.max(0.15, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.apply();
  }

  private apply(): void {
    this.viewport.setAttribute('transform', `translate(${this.tx},${this.ty}) scale(${this.scale})`);
  }

  private installPanZoom(): void {
    let drag: { x: number; y: number; tx: number; ty: number } | undefined;
    this.svg.addEventListener('pointerdown', (ev) => {
      if ((ev.target as Element).closest('g.node')) return;
      this.svg.focus({ preventScroll: true });
      drag = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty };
      this.svg.setPointerCapture(ev.pointerId);
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      this.tx = drag.tx + ev.clientX - drag.x;
      this.ty = drag.ty + ev.clientY - drag.y;
      this.apply();
    });
    this.svg.addEventListener('pointerup', (ev) => {
      if (drag && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 3) this.select(undefined, false);
      drag = undefined;
    });
    this.svg.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const r = this.svg.getBoundingClientRect();
        this.zoom(ev.deltaY < 0 ? 1.1 : 1 / 1.1, ev.clientX - r.left, ev.clientY - r.top);
      },
      { passive: false },
    );
    this.svg.addEventListener('keydown', (ev) => this.onKey(ev));
    // Tab (or a click) onto a node that is partly off-screen brings it into view.
    this.svg.addEventListener('focusin', (ev) => {
      const id = ev.target instanceof SVGGElement ? ev.target.dataset.nodeId : undefined;
      if (id && !this.refocusing) this.reveal(id);
    });
  }

  private onKey(ev: KeyboardEvent): void {
    const dirs: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    // The node with focus is where keys act (the tab stop may not be selected yet).
    const current = (ev.target instanceof SVGGElement ? ev.target.dataset.nodeId : undefined) ?? this.selected;
    if (dirs[ev.key]) {
      ev.preventDefault();
      const next = this.neighbour(dirs[ev.key], current);
      if (next) this.select(next);
    } else if ((ev.key === 'Enter' || ev.key === ' ') && current) {
      ev.preventDefault();
      if (current !== this.selected) this.select(current);
      this.events.onActivate?.(current);
    } else if ((ev.key === 'Delete' || ev.key === 'Backspace') && current) {
      ev.preventDefault();
      this.events.onDelete?.(current);
    } else if (ev.ctrlKey || ev.metaKey || ev.altKey) {
      // leave chords (Ctrl+- and the like) to VS Code
    } else if (ev.key === '+' || ev.key === '=') {
      ev.preventDefault();
      this.zoom(1.2);
    } else if (ev.key === '-' || ev.key === '_') {
      ev.preventDefault();
      this.zoom(1 / 1.2);
    } else if (ev.key === '0') {
      ev.preventDefault();
      this.fit();
    } else if (ev.key === 'Home' || ev.key === 'End') {
      ev.preventDefault();
      const nodes = this.graph.nodes;
      const target = ev.key === 'Home' ? nodes[0] : nodes[nodes.length - 1];
      if (target) this.select(target.id);
    }
  }

  /** The nearest node in direction (dx, dy) from `fromId` (the first node when there is none). */
  private neighbour([dx, dy]: [number, number], fromId: string | undefined): string | undefined {
    const nodes = [...(this.layout?.nodes.values() ?? [])];
    const from = fromId ? this.layout?.nodes.get(fromId) : undefined;
    if (!from) return nodes[0]?.id;
    const cx = from.x + from.width / 2;
    const cy = from.y + from.height / 2;
    let best: { id: string; score: number } | undefined;
    for (const n of nodes) {
      if (n.id === from.id) continue;
      const vx = n.x + n.width / 2 - cx;
      const vy = n.y + n.height / 2 - cy;
      const along = vx * dx + vy * dy;
      if (along <= 0) continue;
      const across = Math.abs(vx * dy - vy * dx);
      const score = along + 2 * across;
      if (!best || score < best.score) best = { id: n.id, score };
    }
    return best?.id;
  }
}
