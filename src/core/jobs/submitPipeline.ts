/**
 * Submit a pipeline YAML to an Azure ML workspace: validate -> upload code and local data to the default
 * datastore (content already there by hash is skipped) -> register code versions, anonymous components
 * and resolve `@latest` component references -> PUT the job. The PUT is the only step that creates a
 * job and it comes last, so a failure anywhere before or in it leaves no job behind; the error then says
 * what was uploaded and registered.
 *
 * Cancel (`signal`) works in every stage: in-flight requests are aborted and nothing after them is sent,
 * so no job exists. Uploaded content and registered code/component versions are content-addressed and
 * reused by the next submit. The PUT itself is not aborted mid-flight (the service may create the job
 * anyway, unseen): a cancel that arrives while it is in flight waits for its answer and then cancels the
 * job it created, so a cancelled submit never leaves a job running.
 */
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { loadPipeline } from '../pipelines/analyze';
import type { PipelineFileReader } from '../pipelines/fileReader';
import { isRemote, resolvePath } from '../pipelines/paths';
import { codeVersionArmId, componentVersionArmId } from '../pipelines/rest/armIds';
import { nestedPipeline } from '../pipelines/graph';
import { toAnonymousComponent, toAnonymousPipelineComponent } from '../pipelines/rest/componentSpec';
import { toPipelineJobBody } from '../pipelines/rest/pipelineJob';
import { SUBMITTABLE_STEP_TYPES, type Diagnostic, type PipelineModel, type PipelineStep } from '../pipelines/types';
import { planUploads, type UploadItem } from '../pipelines/uploadPlan';
import type { AmlJob, AmlWorkspaceClient } from './amlWorkspaceClient';
import { datastoreUri, DatastoreUploader, uploadPrefix } from './datastoreUpload';
import { describeError, isCancellation, UserFacingError } from '../util/errors';

export type SubmitStage = 'validate' | 'upload' | 'register' | 'put';

export interface SubmitOptions {
  text: string;
  /** Absolute path of the YAML file. */
  filePath: string;
  /** Referenced paths may not leave this folder (the workspace folder). */
  rootDir?: string;
  reader: PipelineFileReader;
  client: AmlWorkspaceClient;
  /** Default: derived from the display name plus a random suffix. */
  jobName?: string;
  experimentName?: string;
  signal?: AbortSignal;
  onProgress?: (stage: SubmitStage, message: string) => void;
}

export interface UploadReport {
  kind: 'code' | 'data';
  localPath: string;
  hash: string;
  files: number;
  bytes: number;
  /** False when the same content was already in the datastore. */
  uploaded: boolean;
  blobPath: string;
  /** Code version ARM id (code) or datastore URI (data). */
  assetId: string;
}

export interface SubmitResult {
  jobName: string;
  job: AmlJob;
  uploads: UploadReport[];
  componentIds: Record<string, string>;
  /** Milliseconds per stage. */
  timings: Record<SubmitStage, number>;
}

/** " Already uploaded or registered (…): a; b.", or nothing when nothing was. */
function alreadyUploaded(uploaded: string[]): string {
  return uploaded.length > 0 ? ` ${l10n.t('Already uploaded or registered (reused by the next submit): {0}.', uploaded.join('; '))}` : '';
}

/** Submit refused before anything was sent: the pipeline has problems. */
export class SubmitRefusedError extends UserFacingError {
  constructor(readonly problems: string[]) {
    super(`${l10n.t('The pipeline was not submitted:')}\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'SubmitRefusedError';
  }
}

/**
 * Submit was cancelled. `name` is 'AbortError', so command wrappers treat it as a cancellation; the message
 * says what was left (uploads reused next time; a job created by an in-flight PUT is cancelled).
 */
export class SubmitCancelledError extends Error {
  constructor(
    readonly stage: SubmitStage,
    readonly uploaded: string[],
    readonly cancelledJob?: string,
  ) {
    super(
      cancelledJob
        ? l10n.t('Submit cancelled while the job was being created: job {0} was created and has been cancelled.', cancelledJob)
        : `${l10n.t('Submit cancelled during {0}: no job was created.', stage)}${alreadyUploaded(uploaded)}`,
    );
    this.name = 'AbortError';
  }
}

/** Submit failed after some content was uploaded or registered; no job was created. */
export class SubmitFailedError extends UserFacingError {
  constructor(
    message: string,
    readonly uploaded: string[],
    cause: unknown,
  ) {
    super(`${message} ${l10n.t('No job was created.')}${alreadyUploaded(uploaded)}`, [], { cause });
    this.name = 'SubmitFailedError';
  }
}

/** A problem as the submit message lists it: its words first, paths relative to the workspace, then its line. */
export function describeDiagnostic(d: Diagnostic, rootDir?: string): string {
  let message = d.message;
  if (rootDir) {
    const root = rootDir.replace(/[\\/]+$/, '');
    message = message.split(`${root}/`).join('').split(`${root}\\`).join('');
  }
  return `${message} (line ${d.range.start.line + 1})`;
}

/** A job name like AML's: letters, digits and '_', unique enough to never collide. */
export function newJobName(model: Pick<PipelineModel, 'displayName' | 'experimentName'>): string {
  const base =
    (model.displayName ?? model.experimentName ?? 'pipeline')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'pipeline';
  return `${/^[a-z0-9]/.test(base) ? base : `p_${base}`}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** One message per step (at any nesting depth) whose type this extension cannot submit. */
function unsubmittableSteps(model: PipelineModel, prefix: string, depth = 0): string[] {
  const out: string[] = [];
  for (const step of model.steps) {
    if (!SUBMITTABLE_STEP_TYPES.includes(step.type)) {
      out.push(
        l10n.t(
          "Step '{0}' has type '{1}', which this extension cannot submit yet (only spark, command and pipeline steps); submit this file with '{2}'.",
          `${prefix}${step.name}`,
          String(step.type),
          'az ml job create',
        ),
      );
    }
    const nested = depth < 8 ? nestedPipeline(step) : undefined;
    if (nested) out.push(...unsubmittableSteps(nested, `${prefix}${step.name}/`, depth + 1));
  }
  return out;
}

function needsAnonymousComponent(step: PipelineStep): boolean {
  return !step.component || step.component.kind === 'inline' || step.component.kind === 'file';
}

export async function submitPipeline(opts: SubmitOptions): Promise<SubmitResult> {
  const { client, signal } = opts;
  const timings: Record<SubmitStage, number> = { validate: 0, upload: 0, register: 0, put: 0 };
  const progress = opts.onProgress ?? (() => {});
  let stage: SubmitStage = 'validate';
  const done: string[] = [];
  const checkCancelled = () => {
    if (signal?.aborted) throw new SubmitCancelledError(stage, done);
  };

  // 1. validate
  let t = Date.now();
  progress('validate', l10n.t('Validating the pipeline...'));
  const computes = await client.computeNames(signal).catch((err) => {
    if (isCancellation(err)) checkCancelled();
    throw err;
  });
  const parsed = await loadPipeline(opts.text, { filePath: opts.filePath, reader: opts.reader, rootDir: opts.rootDir, computes });
  if (parsed.model?.kind === 'component') {
    throw new SubmitRefusedError([
      "This file is a pipeline component, not a pipeline job: register it with 'az ml component create', or submit a pipeline job that uses it in a 'type: pipeline' step.",
    ]);
  }
  const errors = parsed.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => describeDiagnostic(d, opts.rootDir ?? (opts.filePath ? path.dirname(opts.filePath) : undefined)));
  // Steps of types this extension cannot send (nested ones too) block the submit like errors, before anything is uploaded.
  errors.push(...(parsed.model ? unsubmittableSteps(parsed.model, '') : []));
  if (!parsed.model || errors.length > 0) {
    throw new SubmitRefusedError(errors);
  }
  const model = parsed.model;
  const plan = await planUploads(model, opts.reader);
  const problems: string[] = plan.missing.map((m) => l10n.t("'{0}' does not exist.", m));
  for (const step of model.steps) {
    if (step.component?.kind === 'registered' && step.component.label && step.component.label !== 'latest') {
      problems.push(
        l10n.t(
          "Step '{0}': component label '{1}' cannot be resolved; Azure ML resolves only '{2}'. Use {3}.",
          step.name,
          `@${step.component.label}`,
          '@latest',
          `azureml:${step.component.name}:<version>`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new SubmitRefusedError(problems);
  timings.validate = Date.now() - t;
  checkCancelled();

  const uploads: UploadReport[] = [];
  try {
    // 2. upload
    stage = 'upload';
    t = Date.now();
    let uploader: DatastoreUploader | undefined;
    if (plan.items.length > 0) {
      progress('upload', l10n.t('Preparing the upload to the default datastore...'));
      const datastore = await client.defaultDatastore(signal);
      const key = await client.datastoreAccountKey(datastore.name, signal);
      if (!key) throw new UserFacingError(l10n.t("The default datastore '{0}' has no account key to upload with.", datastore.name));
      uploader = new DatastoreUploader(datastore, key, client.arm.httpClient());
      for (const item of plan.items) {
        checkCancelled();
        uploads.push(await uploadItem(item, uploader, opts, progress, done));
      }
      for (const u of uploads) if (u.kind === 'data') u.assetId = datastoreUri(datastore, u.blobPath);
    }
    timings.upload = Date.now() - t;

    // 3. register: code versions, anonymous components, @latest references
    checkCancelled();
    stage = 'register';
    t = Date.now();
    const codeIds = new Map<string, string>();
    for (const u of uploads.filter((x) => x.kind === 'code')) {
      checkCancelled();
      const existing = await client.getCodeVersion(u.hash, '1', signal);
      u.assetId = existing?.id ?? (await client.putCodeVersion(u.hash, '1', `${uploader!.container.url}/${u.blobPath}`, signal));
      if (!existing) done.push(`code version ${u.hash.slice(0, 12)}... (${u.localPath})`);
      codeIds.set(u.localPath, u.assetId);
    }
    // Component versions the steps point at, by step name; a nested pipeline component is registered after the
    // components of its own steps, since its spec names them.
    const registerAll = async (m: PipelineModel, prefix: string): Promise<Record<string, string>> => {
      const ids: Record<string, string> = {};
      for (const step of m.steps) {
        checkCancelled();
        const label = `${prefix}${step.name}`;
        const nested = nestedPipeline(step);
        if (step.component?.kind === 'registered' && !step.component.version) {
          progress('register', l10n.t('Resolving {0}...', `azureml:${step.component.name}@latest`));
          const version = await client.latestComponentVersion(step.component.name, signal);
          ids[step.name] = componentVersionArmId(client.ref, step.component.name, version);
        } else if (step.type === 'pipeline' && nested) {
          const childIds = await registerAll(nested, `${label}/`);
          const { component, unresolved } = toAnonymousPipelineComponent(nested, client.ref, childIds);
          const blockingNested = unresolved.filter((u) => u.kind !== 'unsupportedStep');
          if (blockingNested.length > 0)
            throw new UserFacingError(
              l10n.t("The pipeline component of step '{0}' is incomplete: {1}", label, blockingNested.map((u) => u.detail).join(' ')),
            );
          progress('register', l10n.t("Registering the pipeline component of step '{0}'...", label));
          ids[step.name] = await client.putComponentVersion(component.name, component.version, component.body, signal);
          done.push(`pipeline component of '${label}' (azureml_anonymous:${component.version.slice(0, 8)})`);
        } else if (needsAnonymousComponent(step) && (step.type === 'spark' || step.type === 'command')) {
          const component = toAnonymousComponent(m, step, client.ref, codeIdFor(step, codeIds, client));
          progress('register', l10n.t("Registering the component of step '{0}'...", label));
          ids[step.name] = await client.putComponentVersion(component.name, component.version, component.body, signal);
          done.push(`component of '${label}' (azureml_anonymous:${component.version.slice(0, 8)})`);
        }
      }
      return ids;
    };
    const componentIds = await registerAll(model, '');
    const dataUris = Object.fromEntries(uploads.filter((u) => u.kind === 'data').map((u) => [u.localPath, u.assetId]));
    const rest = toPipelineJobBody(model, { workspace: client.ref, componentIds, dataUris, experimentName: opts.experimentName });
    const blocking = rest.unresolved.filter((u) => u.kind !== 'unsupportedStep');
    if (blocking.length > 0) throw new UserFacingError(l10n.t('The job body is incomplete: {0}', blocking.map((u) => u.detail).join(' ')));
    timings.register = Date.now() - t;
    checkCancelled();

    // 4. PUT: not aborted mid-flight (see above); a cancel meanwhile cancels the job it created.
    stage = 'put';
    t = Date.now();
    const jobName = opts.jobName ?? newJobName(model);
    progress('put', l10n.t('Creating job {0}...', jobName));
    const job = await client.putJob(jobName, rest.body);
    timings.put = Date.now() - t;
    if (signal?.aborted) {
      progress('put', l10n.t('Cancelling job {0}...', jobName));
      await client.cancelJob(jobName);
      throw new SubmitCancelledError(stage, done, jobName);
    }
    return { jobName, job, uploads, componentIds, timings };
  } catch (err) {
    if (err instanceof SubmitCancelledError || err instanceof SubmitRefusedError) throw err;
    if (isCancellation(err) || signal?.aborted) throw new SubmitCancelledError(stage, done);
    const message = describeError(err);
    throw new SubmitFailedError(l10n.t('Submitting the pipeline failed: {0}', message), done, err);
  }
}

async function uploadItem(
  item: UploadItem,
  uploader: DatastoreUploader,
  opts: SubmitOptions,
  progress: (s: SubmitStage, m: string) => void,
  done: string[],
): Promise<UploadReport> {
  const report: UploadReport = {
    kind: item.kind,
    localPath: item.localPath,
    hash: item.hash,
    files: item.files.length,
    bytes: item.totalBytes,
    uploaded: false,
    blobPath: '',
    assetId: '',
  };
  const known = item.kind === 'code' ? (await opts.client.getCodeVersion(item.hash, '1', opts.signal)) !== undefined : false;
  if (known || (await uploader.isUploaded(item, opts.signal))) {
    progress('upload', l10n.t('{0}: unchanged, not uploaded again.', item.localPath));
    report.blobPath = uploadPrefix(item);
    return report;
  }
  progress('upload', l10n.t('Uploading {0} ({1} files)...', item.localPath, item.files.length));
  report.blobPath = await uploader.upload(item, opts.reader, {
    signal: opts.signal,
    onProgress: (p) => progress('upload', l10n.t('Uploading {0}: {1}/{2} files', item.localPath, p.filesDone, p.filesTotal)),
  });
  report.uploaded = true;
  done.push(`${item.localPath} -> ${report.blobPath}`);
  return report;
}

function codeIdFor(step: PipelineStep, codeIds: Map<string, string>, client: AmlWorkspaceClient): string | undefined {
  const spec = step.effective;
  if (spec.code === undefined) return undefined;
  if (isRemote(spec.code)) {
    const m = /^azureml:([^:/@]+):([^:/@]+)$/.exec(spec.code);
    return m ? codeVersionArmId(client.ref, m[1], m[2]) : spec.code.replace(/^azureml:/, '');
  }
  return spec.baseDir ? codeIds.get(resolvePath(spec.baseDir, spec.code)) : undefined;
}
