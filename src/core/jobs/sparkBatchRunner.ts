/**
 * "Run Python File on Spark Pool": upload the script's folder to the pool's Azure ML workspace datastore,
 * submit a Livy batch through @azure/synapse-spark on the pool's Synapse workspace (its dev endpoint, the
 * environment's Synapse scope), follow its state and log lines, cancel.
 */
import * as l10n from '@vscode/l10n';
import type { SparkBatchJob, SparkBatchJobOptions } from '@azure/synapse-spark';
import type { ArmAccess } from '../model/armAccess';
import type { AttachedSparkPool, SparkPoolCatalog } from '../model/sparkTargets';
import { hashContent, type PipelineFileReader, type UploadItem } from '../pipelines';
import { dirname } from '../pipelines/paths';
import { sparkRunFromScript } from '../pipelines/rest/sparkRun';
import { toLivyBatchBody, type LivyBatchBody } from '../pipelines/rest/livyBatch';
import type { Literal } from '../pipelines/types';
import { UserFacingError } from '../util/errors';
import { AmlWorkspaceClient } from './amlWorkspaceClient';
import { DatastoreUploader, sparkReadableUri } from './datastoreUpload';
import { JOB_POLLING } from './jobMonitor';
import { sleep } from '../util/abort';
import { isNotFound, SdkLivyClient } from '../livy/livyClient';
import { PollingPolicy, systemClock, type Clock, type PollingOptions } from '../livy/polling';
import { applicationProgress, NOT_FOUND_GRACE_MS, progressDelay, type StatementProgress } from '../livy/sparkProgress';

const ENDED = new Set(['success', 'dead', 'killed', 'error']);

export interface ScriptBatchRequest {
  /** Absolute path of the .py file; its folder is uploaded. */
  file: string;
  args?: string;
  conf?: Record<string, Literal>;
  name?: string;
}

export interface BatchUpdate {
  id: number;
  state: string;
  /** The batch's Spark application, once Livy knows it. */
  appId?: string;
  /** Log lines not reported before. */
  newLines: string[];
  result?: string;
}

export function batchOptionsOf(body: LivyBatchBody): SparkBatchJobOptions {
  return {
    name: body.name,
    file: body.file,
    className: body.className,
    arguments: body.args,
    jars: body.jars,
    pythonFiles: body.pyFiles,
    files: body.files,
    archives: body.archives,
    configuration: body.conf,
    driverMemory: body.driverMemory,
    driverCores: body.driverCores,
    executorMemory: body.executorMemory,
    executorCores: body.executorCores,
    executorCount: body.numExecutors,
    tags: body.tags,
  };
}

export class SparkBatchRunner {
  /** The pool's Livy client, the notebooks' own kind: batches, and the monitoring API of the batch's application. */
  readonly livy: SdkLivyClient;

  constructor(
    readonly pool: AttachedSparkPool,
    catalog: SparkPoolCatalog,
  ) {
    this.livy = new SdkLivyClient(
      { devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName },
      {
        credential: catalog.credentialFor(pool),
        scope: catalog.synapseScope(),
        httpClient: catalog.httpClient(),
        stack: catalog.httpStack(),
      },
    );
  }

  /**
   * Live Spark progress of the batch's application (all its jobs) until `signal` aborts: read about once a
   * second (backing off as it runs long) through the monitoring API Synapse passes through Livy. A 404 within
   * 30 s of the application id's last change means it is not registered yet; any other failure ends it after
   * one call of `onFailure`, and the batch goes on.
   */
  async followProgress(
    batchId: number,
    appId: () => string | undefined,
    onProgress: (p: StatementProgress) => void,
    opts: { signal: AbortSignal; onFailure?: (err: unknown) => void; clock?: Clock },
  ): Promise<void> {
    const clock = opts.clock ?? systemClock;
    const started = clock.now();
    // A 404 is "not registered yet" for a while after the application id last changed (Livy may first report
    // a scheduler id, then the running application's).
    let lastApp: string | undefined;
    let appSince = started;
    while (!opts.signal.aborted) {
      try {
        await clock.sleep(progressDelay(clock.now() - started), opts.signal);
      } catch {
        return; // aborted: the batch ended
      }
      const app = appId();
      if (!app) continue;
      if (app !== lastApp) {
        lastApp = app;
        appSince = clock.now();
      }
      try {
        onProgress(applicationProgress(await this.livy.getSparkJobs(batchId, app, opts.signal), [], clock.now()));
      } catch (err) {
        if (opts.signal.aborted) return;
        if (isNotFound(err) && clock.now() - appSince < NOT_FOUND_GRACE_MS) continue;
        opts.onFailure?.(err);
        return;
      }
    }
  }

  /** Uploads the script's folder (skipped when unchanged) and answers the batch request for it. */
  async prepare(
    req: ScriptBatchRequest,
    arm: ArmAccess,
    reader: PipelineFileReader,
    signal?: AbortSignal,
  ): Promise<{ body: LivyBatchBody; uploaded: boolean; codeUri: string }> {
    const codeDir = dirname(req.file);
    const content = await hashContent(reader, codeDir);
    if (!content) throw new UserFacingError(l10n.t('{0} does not exist.', codeDir));
    const aml = new AmlWorkspaceClient(arm, this.pool.amlWorkspace);
    const datastore = await aml.defaultDatastore(signal);
    const key = await aml.datastoreAccountKey(datastore.name, signal);
    if (!key)
      throw new UserFacingError(l10n.t('The default datastore of {0} has no account key to upload with.', this.pool.amlWorkspace.name));
    const uploader = new DatastoreUploader(datastore, key, arm.httpClient());
    const item: UploadItem = { kind: 'code', localPath: codeDir, isFolder: true, usedBy: [req.file], ...content };
    const known = await uploader.isUploaded(item, signal);
    const prefix = known
      ? `LocalUpload/${item.hash}/${codeDir.slice(codeDir.lastIndexOf('/') + 1)}`
      : await uploader.upload(item, reader, { signal });
    const codeUri = sparkReadableUri(datastore, prefix);
    const fileName = req.file.slice(codeDir.length + 1);
    const run = sparkRunFromScript({ codeDir, file: fileName, args: req.args, conf: req.conf, compute: this.pool.computeName });
    const body = toLivyBatchBody(run, {
      name: req.name ?? fileName.replace(/\.py$/, ''),
      codeUri,
      tags: { createdBy: 'azureml-synapse-spark' },
    });
    return { body, uploaded: !known, codeUri };
  }

  async submit(body: LivyBatchBody, signal?: AbortSignal): Promise<SparkBatchJob> {
    return this.livy.createBatch(batchOptionsOf(body), signal);
  }

  async get(id: number, signal?: AbortSignal): Promise<SparkBatchJob> {
    return this.livy.getBatch(id, signal);
  }

  async cancel(id: number): Promise<void> {
    await this.livy.cancelBatch(id);
  }

  /** Polls the batch until it ends, reporting state changes and new log lines; answers the final batch. */
  async follow(
    id: number,
    onUpdate: (u: BatchUpdate) => void,
    opts: { signal?: AbortSignal; backoff?: Partial<PollingOptions> } = {},
  ): Promise<SparkBatchJob> {
    const policy = new PollingPolicy({ ...JOB_POLLING, ...opts.backoff });
    let lastState = '';
    let lastApp: string | undefined;
    const tail = new LivyLogTail();
    for (;;) {
      const batch = await this.get(id, opts.signal);
      const newLines = tail.take(batch.logLines ?? []);
      const state = batch.state ?? 'unknown';
      const changed = state !== lastState || newLines.length > 0 || (batch.appId ?? undefined) !== lastApp;
      lastApp = batch.appId ?? undefined;
      if (changed) onUpdate({ id, state, newLines, result: batch.result, appId: batch.appId ?? undefined });
      lastState = state;
      if (ENDED.has(state)) return batch;
      if (changed) policy.reset();
      await sleep(policy.nextDelay(), opts.signal);
    }
  }
}

/**
 * Turns successive Livy `log` arrays into new lines. Synapse returns the log as sections ("stdout: ",
 * lines, "\nstderr: ", lines, "\nYARN Diagnostics: ", ...) that grow in the middle, so new lines are
 * counted per section; lines of sections other than stdout are prefixed with the section's name.
 */
export class LivyLogTail {
  private readonly emitted = new Map<string, number>();

  take(lines: readonly string[]): string[] {
    const out: string[] = [];
    const counts = new Map<string, number>();
    let section = 'stdout';
    for (const line of lines) {
      const header = /^\n?([A-Za-z][A-Za-z ]*): ?$/.exec(line);
      if (header) {
        section = header[1];
        continue;
      }
      const n = (counts.get(section) ?? 0) + 1;
      counts.set(section, n);
      if (n > (this.emitted.get(section) ?? 0)) out.push(section === 'stdout' ? line : `[${section}] ${line}`);
    }
    for (const [k, v] of counts) this.emitted.set(k, Math.max(v, this.emitted.get(k) ?? 0));
    return out;
  }
}
