// Public surface of the pipeline model (VS Code-free).
export * from './types';
export * from './text';
export { analyzePipeline, loadPipeline, type AnalyzeOptions, type LoadOptions } from './analyze';
export { parsePipelineText, type ParsedPipeline } from './parse';
export { MAX_PIPELINE_BYTES, MAX_PIPELINE_STEPS, countStepsInText } from './limits';
export { validateModel, computeName, type ValidationContext } from './validate';
export { resolveFileComponents } from './components';
export { checkFiles, type FileCheckContext } from './fileChecks';
export { parseBindings, parseBindingExpression, stepOutputBinding } from './bindings';
export {
  pipelineGraph,
  effectiveCompute,
  edgesOnCycles,
  type PipelineGraph,
  type GraphNode,
  type GraphEdge,
  type StepStatus,
} from './graph';
export type { PipelineFileReader, FileKind } from './fileReader';
export { NodeFileReader } from './nodeFileReader';
export { planUploads, hashContent, type UploadPlan, type UploadItem, type ContentHash } from './uploadPlan';
export { newPipelineTemplate, type NewPipelineOptions, type NewPipelineFiles } from './template';
export * from './edit/operations';
export { PipelineEditError } from './edit/errors';
export * from './rest/armIds';
export { toPipelineJobBody, type PipelineRestContext, type PipelineRestResult, type Unresolved } from './rest/pipelineJob';
export { toAnonymousComponent, type AnonymousComponent } from './rest/componentSpec';
export { sparkRunFromStep, sparkRunFromScript, type SparkRun, type SparkRunPort, type ScriptRunOptions } from './rest/sparkRun';
export { toSparkJobBody, type SparkJobContext } from './rest/sparkJob';
export { toLivyBatchBody, splitArgs, substitutePlaceholders, type LivyBatchBody, type LivyBatchContext } from './rest/livyBatch';
