// Checks that touch the file system: referenced paths must stay under the root folder and exist.
import * as l10n from '@vscode/l10n';
import type { PipelineFileReader } from './fileReader';
import { dirname, isInside, isRemote, resolvePath } from './paths';
import type { Range } from './text';
import type { Diagnostic, PipelineModel, PipelineStep, PortValue } from './types';

export interface FileCheckContext {
  reader: PipelineFileReader;
  /** Paths may not leave this folder (the workspace folder). Default: the pipeline file's folder. */
  rootDir?: string;
  /** false: only check that paths stay under the root. */
  checkExistence?: boolean;
}

interface Check {
  path: string;
  label: string;
  range: Range;
  expect: 'file' | 'directory' | 'any';
  /** Missing data inputs are only warnings: they may be created before submitting. */
  missingSeverity: 'error' | 'warning';
  /** false: only the root check (existence is reported elsewhere). */
  checkExists?: boolean;
}

export async function checkFiles(model: PipelineModel, ctx: FileCheckContext): Promise<Diagnostic[]> {
  if (!model.filePath) {
    return [];
  }
  const pipelineDir = dirname(model.filePath);
  const root = ctx.rootDir ?? pipelineDir;
  const checks: Check[] = [];
  for (const step of model.steps) {
    checks.push(...stepChecks(step));
    checks.push(...dataChecks(step.inputs, pipelineDir, l10n.t("step '{0}'", step.name)));
  }
  checks.push(...dataChecks(model.inputs, pipelineDir, l10n.t('the pipeline')));
  const out: Diagnostic[] = [];
  // Once a folder is missing, what lies inside it is not reported again.
  const missingDirs: string[] = [];
  for (const check of checks) {
    if (!isInside(root, check.path)) {
      out.push({
        severity: 'error',
        code: 'path-outside-root',
        message: l10n.t("{0} '{1}' is outside the folder '{2}'.", check.label, check.path, root),
        range: check.range,
      });
      continue;
    }
    if (ctx.checkExistence === false || check.checkExists === false || missingDirs.some((d) => isInside(d, check.path))) {
      continue;
    }
    const kind = await ctx.reader.stat(check.path);
    if (kind === undefined || (check.expect !== 'any' && kind !== check.expect)) {
      if (check.expect === 'directory') {
        missingDirs.push(check.path);
      }
      const code = check.expect === 'directory' ? 'missing-folder' : 'missing-file';
      const message =
        check.expect === 'directory'
          ? l10n.t("{0} '{1}' is not an existing folder.", check.label, check.path)
          : l10n.t("{0} '{1}' is not an existing file.", check.label, check.path);
      out.push({ severity: check.missingSeverity, code, message, range: check.range });
    }
  }
  return out;
}

function stepChecks(step: PipelineStep): Check[] {
  const checks: Check[] = [];
  const ref = step.component;
  const componentRange = ref?.range ?? step.nameRange;
  if (ref?.kind === 'file' && ref.resolvedPath) {
    // Existence is reported when loading the component; here only where it points.
    checks.push({
      path: ref.resolvedPath,
      label: l10n.t("Component file of step '{0}'", step.name),
      range: ref.range,
      expect: 'any',
      missingSeverity: 'error',
      checkExists: false,
    });
  }
  const spec = step.effective;
  if (!spec.baseDir) {
    return checks;
  }
  const ownCode = step.own.code !== undefined;
  let codeDir = spec.baseDir;
  if (spec.code !== undefined && !isRemote(spec.code)) {
    codeDir = resolvePath(spec.baseDir, spec.code);
    const range = ownCode ? (step.fieldRanges.code ?? step.nameRange) : componentRange;
    checks.push({
      path: codeDir,
      label: l10n.t("Code folder of step '{0}'", step.name),
      range,
      expect: 'directory',
      missingSeverity: 'error',
    });
  }
  if (step.type !== 'spark') {
    return checks;
  }
  const entryRange = step.own.entry ? (step.fieldRanges['entry.file'] ?? step.fieldRanges.entry) : componentRange;
  if (spec.entry?.file && !isRemote(spec.entry.file)) {
    checks.push({
      path: resolvePath(codeDir, spec.entry.file),
      label: l10n.t("Entry file of step '{0}'", step.name),
      range: entryRange ?? step.nameRange,
      expect: 'file',
      missingSeverity: 'error',
    });
  }
  for (const [key, list] of [
    ['py_files', spec.pyFiles],
    ['jars', spec.jars],
    ['files', spec.files],
    ['archives', spec.archives],
  ] as const) {
    for (const item of list ?? []) {
      if (!isRemote(item)) {
        checks.push({
          path: resolvePath(codeDir, item),
          label: l10n.t("'{0}' entry of step '{1}'", key, step.name),
          range: componentRange,
          expect: 'file',
          missingSeverity: 'warning',
        });
      }
    }
  }
  return checks;
}

function dataChecks(ports: PortValue[], baseDir: string, owner: string): Check[] {
  return ports
    .filter((p) => p.kind === 'data' && p.path !== undefined && !isRemote(p.path))
    .map((p) => ({
      path: resolvePath(baseDir, p.path!),
      label: l10n.t("Local data of input '{0}' of {1}", p.name, owner),
      range: p.valueRange,
      expect: 'any' as const,
      missingSeverity: 'warning' as const,
    }));
}
