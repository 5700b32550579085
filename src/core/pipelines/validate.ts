// Semantic checks that need no file access: names, step types, required fields, bindings, cycles
// and computes.
import * as l10n from '@vscode/l10n';
import { hasBinding, parseBindings } from './bindings';
import { edgesOnCycles } from './graph';
import type { Range } from './text';
import {
  KNOWN_STEP_TYPES,
  SUBMITTABLE_STEP_TYPES,
  type Binding,
  type Diagnostic,
  type PipelineModel,
  type PipelineStep,
  type PortValue,
} from './types';

export interface ValidationContext {
  /** Names of the workspace's attached computes; when given, unknown computes are errors. */
  computes?: readonly string[];
}

// Node names are used inside `${{parent.jobs.<name>...}}`: keep them to identifier characters.
const STEP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// AML compute names: start with a letter; letters, digits and hyphens (we also allow '_').
const COMPUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]{1,31}$/;

export function validateModel(model: PipelineModel, ctx: ValidationContext = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const step of model.steps) {
    checkStepName(step, out);
    checkStepType(step, out);
    checkRequired(model, step, out);
    for (const port of [...step.inputs, ...step.outputs]) {
      for (const binding of port.bindings) {
        checkBinding(model, binding, port.bindingRange ?? port.valueRange, out);
      }
    }
  }
  for (const port of model.inputs) {
    if (port.kind === 'binding') {
      out.push(error('binding-syntax', l10n.t("Pipeline input '{0}' cannot bind to another port.", port.name), port.valueRange));
    }
  }
  for (const edge of edgesOnCycles(model)) {
    const from = edge.from as { step: string; port: string };
    const to = edge.to as { step: string; port: string };
    out.push(
      error(
        'binding-cycle',
        l10n.t(
          "Binding cycle: '{0}' depends on '{1}', which depends back on '{2}'.",
          `${to.step}.${to.port}`,
          `${from.step}.${from.port}`,
          to.step,
        ),
        edge.range,
      ),
    );
  }
  checkComputes(model, ctx, out);
  return out;
}

const byName = new WeakMap<PipelineModel, Map<string, PipelineStep>>();

/** The model's steps by name (the first of a name wins, as `find` did), built once per model: bindings look steps up by name. */
function stepsByName(model: PipelineModel): Map<string, PipelineStep> {
  let map = byName.get(model);
  if (!map) {
    map = new Map();
    for (const step of model.steps) if (!map.has(step.name)) map.set(step.name, step);
    byName.set(model, map);
  }
  return map;
}

function error(code: Diagnostic['code'], message: string, range: Range): Diagnostic {
  return { severity: 'error', code, message, range };
}

function checkStepName(step: PipelineStep, out: Diagnostic[]): void {
  if (!STEP_NAME.test(step.name)) {
    out.push(
      error(
        'invalid-step-name',
        l10n.t("Step name '{0}' is invalid: use letters, digits and '_', not starting with a digit.", step.name),
        step.nameRange,
      ),
    );
  }
}

function checkStepType(step: PipelineStep, out: Diagnostic[]): void {
  const range = step.fieldRanges.type ?? step.nameRange;
  if (step.type === '') {
    out.push(error('missing-field', l10n.t("Step '{0}' has no 'type'.", step.name), step.nameRange));
  } else if (!KNOWN_STEP_TYPES.includes(step.type)) {
    out.push(error('unknown-step-type', l10n.t("Step '{0}' has unknown type '{1}'.", step.name, String(step.type)), range));
  } else if (!SUBMITTABLE_STEP_TYPES.includes(step.type)) {
    // Valid for Azure ML, shown in the graph, but this extension cannot submit it: submit refuses the file
    // before anything is uploaded (see submitPipeline).
    out.push({
      severity: 'warning',
      code: 'unsubmittable-step-type',
      message: l10n.t(
        "Step '{0}' has type '{1}', which this extension cannot submit (only spark, command and pipeline steps); submit it with '{2}'.",
        step.name,
        String(step.type),
        'az ml job create',
      ),
      range,
    });
  } else if (step.type !== 'spark' && step.type !== 'command') {
    out.push({
      severity: 'info',
      code: 'unsupported-step-type',
      message: l10n.t(
        "Step '{0}' (type '{1}') is kept as is; only spark and command steps can be edited here.",
        step.name,
        String(step.type),
      ),
      range,
    });
  }
}

/** Whether the step's full definition is known (not an unresolved file or a registered asset). */
function definitionKnown(step: PipelineStep): boolean {
  const ref = step.component;
  return !ref || ref.kind === 'inline' || (ref.kind === 'file' && ref.definition !== undefined);
}

function checkRequired(model: PipelineModel, step: PipelineStep, out: Diagnostic[]): void {
  if (!definitionKnown(step)) {
    return;
  }
  const where = step.component?.range ?? step.nameRange;
  const spec = step.effective;
  if (step.type === 'spark') {
    if (!spec.entry) {
      out.push(error('missing-field', l10n.t("Spark step '{0}' needs an 'entry' (file or class_name).", step.name), where));
    } else if (!spec.entry.file && !spec.entry.className) {
      out.push(
        error(
          'missing-field',
          l10n.t("The 'entry' of Spark step '{0}' needs 'file' or 'class_name'.", step.name),
          step.fieldRanges.entry ?? where,
        ),
      );
    }
    const hasCompute = step.compute ?? model.settings.defaultCompute ?? model.compute;
    if (!hasCompute && !spec.resources?.instance_type) {
      out.push({
        severity: 'warning',
        code: 'missing-field',
        message: l10n.t(
          "Spark step '{0}' has neither 'compute' (an attached Spark pool) nor 'resources.instance_type' (serverless Spark).",
          step.name,
        ),
        range: step.nameRange,
      });
    }
  } else if (step.type === 'command' && !spec.command) {
    out.push(error('missing-field', l10n.t("Command step '{0}' needs a 'command'.", step.name), where));
  }
}

function knownPorts(step: PipelineStep, side: 'inputs' | 'outputs'): Set<string> | undefined {
  if (!definitionKnown(step)) {
    return undefined;
  }
  const ports: PortValue[] = step[side];
  return new Set([...ports.map((p) => p.name), ...Object.keys(step.effective[side])]);
}

function checkBinding(model: PipelineModel, binding: Binding, range: Range, out: Diagnostic[]): void {
  switch (binding.kind) {
    case 'pipelineInput':
      if (!model.inputs.some((p) => p.name === binding.name)) {
        out.push(error('binding-unknown-input', l10n.t("'{0}': the pipeline has no input '{1}'.", binding.expr, binding.name), range));
      }
      return;
    case 'pipelineOutput':
      if (!model.outputs.some((p) => p.name === binding.name)) {
        out.push(error('binding-unknown-output', l10n.t("'{0}': the pipeline has no output '{1}'.", binding.expr, binding.name), range));
      }
      return;
    case 'stepOutput':
    case 'stepInput': {
      const target = stepsByName(model).get(binding.step);
      if (!target) {
        out.push(error('binding-unknown-step', l10n.t("'{0}': there is no step '{1}'.", binding.expr, binding.step), range));
        return;
      }
      const side = binding.kind === 'stepOutput' ? 'outputs' : 'inputs';
      const ports = knownPorts(target, side);
      if (ports && !ports.has(binding.port)) {
        const code = side === 'outputs' ? 'binding-unknown-output' : 'binding-unknown-input';
        out.push(
          error(
            code,
            side === 'outputs'
              ? l10n.t("'{0}': step '{1}' has no output '{2}'.", binding.expr, binding.step, binding.port)
              : l10n.t("'{0}': step '{1}' has no input '{2}'.", binding.expr, binding.step, binding.port),
            range,
          ),
        );
      }
      return;
    }
    case 'ownPort':
    case 'runtime':
      return;
    case 'unsupported':
      out.push(
        error(
          'binding-syntax',
          l10n.t(
            "'{0}' is not a pipeline binding; use {1} or a run-time expression ({2}).",
            `\${{${binding.expr}}}`,
            '${{parent.inputs.<name>}}, ${{parent.outputs.<name>}}, ${{parent.jobs.<step>.outputs.<name>}}, ${{inputs.<name>}}, ${{outputs.<name>}}',
            '${{default_datastore}}, ${{name}}, ${{output_name}}',
          ),
          range,
        ),
      );
  }
}

/** `azureml:cpu-cluster` -> `cpu-cluster`; an ARM id -> its last segment. */
export function computeName(compute: string): string {
  const bare = compute.replace(/^azureml:/, '');
  return bare.includes('/computes/') ? bare.slice(bare.lastIndexOf('/') + 1) : bare;
}

function checkComputes(model: PipelineModel, ctx: ValidationContext, out: Diagnostic[]): void {
  const uses: { compute: string; range: Range; where: string }[] = [];
  for (const step of model.steps) {
    if (step.compute !== undefined && step.computeRange) {
      uses.push({ compute: step.compute, range: step.computeRange, where: l10n.t("step '{0}'", step.name) });
    }
  }
  if (model.settings.defaultCompute && model.settings.defaultComputeRange) {
    uses.push({ compute: model.settings.defaultCompute, range: model.settings.defaultComputeRange, where: 'settings.default_compute' });
  }
  if (model.compute && model.computeRange) {
    uses.push({ compute: model.compute, range: model.computeRange, where: l10n.t('the pipeline') });
  }
  for (const use of uses) {
    if (hasBinding(use.compute)) {
      // `compute: ${{parent.inputs.x}}`: the compute is promoted to a pipeline input; check the binding only.
      for (const binding of parseBindings(use.compute)) {
        if (binding.kind === 'pipelineInput') {
          checkBinding(model, binding, use.range, out);
        } else {
          out.push(
            error(
              'binding-syntax',
              l10n.t("Compute '{0}' of {1} can only bind to a pipeline input ({2}).", use.compute, use.where, '${{parent.inputs.<name>}}'),
              use.range,
            ),
          );
        }
      }
      continue;
    }
    const name = computeName(use.compute);
    if (name === 'serverless') {
      continue;
    }
    if (!COMPUTE_NAME.test(name)) {
      out.push(
        error('invalid-compute-name', l10n.t("Compute '{0}' of {1} is not a valid compute name.", use.compute, use.where), use.range),
      );
    } else if (ctx.computes && !ctx.computes.includes(name)) {
      out.push(
        error(
          'unknown-compute',
          l10n.t(
            "Compute '{0}' of {1} is not attached to the workspace (known: {2}).",
            name,
            use.where,
            ctx.computes.join(', ') || l10n.t('none'),
          ),
          use.range,
        ),
      );
    }
  }
}
