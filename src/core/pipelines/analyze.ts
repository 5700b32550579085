// Entry points: parse + validate, synchronously (no files) or fully (components and file checks).
import { resolveFileComponents } from './components';
import { checkFiles } from './fileChecks';
import type { PipelineFileReader } from './fileReader';
import { parsePipelineText, type ParsedPipeline } from './parse';
import type { Diagnostic } from './types';
import { validateModel, type ValidationContext } from './validate';

export interface AnalyzeOptions extends ValidationContext {
  /** Absolute path of the YAML file: relative paths resolve against its folder. */
  filePath?: string;
}

export interface LoadOptions extends AnalyzeOptions {
  reader: PipelineFileReader;
  /** Referenced paths may not leave this folder. Default: the pipeline file's folder. */
  rootDir?: string;
  /** Check that code folders, entry files and local data exist (default true). */
  checkLocalFiles?: boolean;
}

/** Parses and validates without touching files: steps using component files are checked partially. */
export function analyzePipeline(text: string, options: AnalyzeOptions = {}): ParsedPipeline {
  const parsed = parsePipelineText(text, options.filePath);
  if (parsed.model) {
    parsed.diagnostics.push(...validateModel(parsed.model, options));
  }
  sortDiagnostics(parsed.diagnostics);
  return parsed;
}

/** Parses, loads component files through the reader, validates, and checks referenced paths. */
export async function loadPipeline(text: string, options: LoadOptions): Promise<ParsedPipeline> {
  const parsed = parsePipelineText(text, options.filePath);
  const model = parsed.model;
  if (model) {
    parsed.diagnostics.push(...(await resolveFileComponents(model, options.reader)));
    parsed.diagnostics.push(...validateModel(model, options));
    const fileContext = { reader: options.reader, rootDir: options.rootDir, checkExistence: options.checkLocalFiles !== false };
    parsed.diagnostics.push(...(await checkFiles(model, fileContext)));
  }
  sortDiagnostics(parsed.diagnostics);
  return parsed;
}

function sortDiagnostics(diagnostics: Diagnostic[]): void {
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
}
