/**
 * The pipeline model as the editor webview sees it, and the webview's edit requests as model edits.
 * VS Code-free: the provider feeds it the document text and applies the returned text edits.
 */
import * as l10n from '@vscode/l10n';
import {
  addStep,
  analyzePipeline,
  connect,
  pipelineGraph,
  removeConf,
  removeStep,
  renameStep,
  setConf,
  setStepField,
  type Diagnostic,
  type EditResult,
  type ParsedPipeline,
  type PipelineStep,
  type PortValue,
} from '../core/pipelines';
import type { GraphNode } from '../core/pipelines/graph';
import { stepOfNodeId, type GraphNodeView } from '../protocol/messages';
import type { EditOp, EditorState, ProblemView, StepView } from '../protocol/pipelineEditor';

function portText(p: PortValue): string {
  if (p.kind === 'binding') return p.bindings[0] ? (p.literal !== undefined ? String(p.literal) : `\${{${p.bindings[0].expr}}}`) : '';
  if (p.kind === 'literal') return String(p.literal ?? '');
  return p.path ?? '';
}

function stepView(step: PipelineStep): StepView {
  const own = step.own;
  return {
    name: step.name,
    type: step.type,
    editable: step.type === 'spark' || step.type === 'command',
    displayName: step.displayName,
    compute: step.compute?.replace(/^azureml:/, ''),
    entryFile: own.entry?.file ?? step.effective.entry?.file,
    command: own.command ?? step.effective.command,
    args: own.args ?? step.effective.args,
    conf: { ...(own.conf ?? step.effective.conf ?? {}) },
    inputs: step.inputs.map((p) => ({ name: p.name, value: portText(p) })),
    outputs: [...new Set([...step.outputs.map((p) => p.name), ...Object.keys(step.effective.outputs)])].map((name) => ({
      name,
      value: '',
    })),
    line: step.nameRange.start.line,
  };
}

/**
 * Finds the step a diagnostic is inside of (by line), for badges on the graph. Steps come in file order, so a
 * binary search over their first lines finds it (one scan per diagnostic was quadratic in large files).
 */
function stepLocator(parsed: ParsedPipeline): (d: Diagnostic) => string | undefined {
  const steps = parsed.model?.steps ?? [];
  return (d) => {
    const line = d.range.start.line;
    let lo = 0;
    let hi = steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid].range.start.line <= line) lo = mid;
      else hi = mid - 1;
    }
    while (lo > 0 && steps[lo - 1].range.start.line === steps[lo].range.start.line) lo--; // several steps on one line: the first
    const step = steps[lo];
    return step && step.range.start.line <= line && line <= step.range.end.line ? step.name : undefined;
  };
}

export function editorState(parsed: ParsedPipeline, diagnostics: Diagnostic[], version: number, sparkPools: string[]): EditorState {
  const stepAt = stepLocator(parsed);
  const problems: ProblemView[] = diagnostics.map((d) => ({
    severity: d.severity,
    message: d.message,
    line: d.range.start.line,
    step: stepAt(d),
  }));
  if (!parsed.model) {
    const reason = diagnostics.find((d) => d.code === 'too-large' || d.code === 'not-a-pipeline' || d.code === 'yaml-syntax');
    return {
      version,
      graph: { nodes: [], edges: [] },
      steps: [],
      problems,
      sparkPools,
      notAPipeline: reason?.message ?? l10n.t('This file is not an Azure ML pipeline.'),
    };
  }
  const graph = pipelineGraph(parsed.model);
  const errorsByStep = new Map<string, number>();
  for (const p of problems) if (p.step && p.severity === 'error') errorsByStep.set(p.step, (errorsByStep.get(p.step) ?? 0) + 1);
  return {
    version,
    graph: {
      nodes: graph.nodes.map((n) => ({
        ...nodeView(n),
        errors: n.kind === 'step' ? errorsByStep.get(stepOfNodeId(n.id) ?? '') : undefined,
      })),
      edges: graph.edges,
    },
    steps: parsed.model.steps.map(stepView),
    problems,
    sparkPools,
  };
}

/** A quick state without file checks (the provider follows it with the full analysis). */
export function quickState(text: string, filePath: string, version: number, sparkPools: string[]): EditorState {
  const parsed = analyzePipeline(text, { filePath });
  return editorState(parsed, parsed.diagnostics, version, sparkPools);
}

const NEW_STEP: Record<'spark' | 'command', Record<string, unknown>> = {
  spark: { type: 'spark', code: './src', entry: { file: 'main.py' }, conf: { 'spark.executor.instances': 2 } },
  command: { type: 'command', code: './src', command: 'python main.py' },
};

export function applyEditOp(text: string, op: EditOp, sparkPool?: string): EditResult {
  switch (op.kind) {
    case 'setField':
      return setStepField(text, op.step, op.path, op.value === null ? undefined : op.value);
    case 'setConf':
      return setConf(text, op.step, op.key, op.value);
    case 'removeConf':
      return removeConf(text, op.step, op.key);
    case 'rename':
      return renameStep(text, op.step, op.to);
    case 'addStep': {
      const body = { ...NEW_STEP[op.stepType] };
      if (op.stepType === 'spark' && sparkPool) body.compute = `azureml:${sparkPool}`;
      return addStep(text, op.name, body);
    }
    case 'removeStep':
      return removeStep(text, op.step);
    case 'connect':
      return connect(text, op.fromStep, op.fromOutput, op.toStep, op.toInput);
  }
}

/** A graph node as the webview draws it; a nested pipeline's steps come along for its drill-in view. */
function nodeView(n: GraphNode): GraphNodeView {
  const view: GraphNodeView = {
    id: n.id,
    kind: n.kind,
    label: n.label,
    stepType: n.stepType,
    compute: n.compute,
    inputs: n.inputs,
    outputs: n.outputs,
  };
  if (n.subgraph) view.subgraph = { nodes: n.subgraph.nodes.map(nodeView), edges: n.subgraph.edges };
  return view;
}
