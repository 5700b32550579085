/**
 * Run log files on the blob service, as Azure ML keeps them: the runner writes logs to local files, and this
 * mirror copies each into Azurite's `azureml` container at `ExperimentRun/dcid.<runId>/<relative path>`
 * whenever it has grown (on each RunHistory `/details` request for the run, and when the run ends). RunHistory
 * `logFiles` answers read-only SAS URLs of those blobs, which clients GET without any auth header.
 * SAS URLs and the account key are never logged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobSASPermissions, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { EmulatorContext } from '../context';
import type { StoredResource } from '../state/store';
import { AZURITE_ACCOUNT, AZURITE_KEY, containerClient } from '../storage/azurite';

/** The container Azure ML's run artifacts (logs) live in on the workspace storage account. */
export const RUN_LOG_CONTAINER = 'azureml';
const SAS_START_SKEW_MS = 5 * 60_000;
const SAS_LIFETIME_MS = 8 * 3600_000;

/** `user_logs/std_log.txt` of a step or standalone job; `logs/azureml/executionlogs.txt` of a pipeline. */
export const STEP_LOG = 'user_logs/std_log.txt';
export const PIPELINE_LOG = 'logs/azureml/executionlogs.txt';

/** The local folder the runner works in for a job, a pipeline, or a pipeline's step. */
export function runDir(ctx: EmulatorContext, job: StoredResource): string {
  const parent = job.meta?.parentJobName as string | undefined;
  const step = job.meta?.stepName as string | undefined;
  return parent && step ? path.join(ctx.dataDir, 'jobs', parent, step) : path.join(ctx.dataDir, 'jobs', job.body.name);
}

/** The run's log files that can exist: relative path (the `logFiles` key) -> local file. */
export function localLogFiles(ctx: EmulatorContext, job: StoredResource): Record<string, string> {
  const rel = job.body.properties.jobType === 'Pipeline' && !job.meta?.parentJobName ? PIPELINE_LOG : STEP_LOG;
  return { [rel]: path.join(runDir(ctx, job), ...rel.split('/')) };
}

export function runBlobPrefix(runId: string): string {
  return `ExperimentRun/dcid.${runId}/`;
}

export class RunLogs {
  /** Blob name -> bytes last uploaded. */
  private readonly uploaded = new Map<string, number>();
  /** Blob name -> the upload in flight, so uploads of one blob never overlap. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly ctx: EmulatorContext) {}

  /** Forgets what was uploaded (state reset: run names may be used again). */
  forget(): void {
    this.uploaded.clear();
  }

  /** Uploads the run's log files that have grown since their last upload. Failures are logged, not thrown. */
  async sync(job: StoredResource): Promise<void> {
    const service = this.ctx.blobServiceUrl();
    if (!service) return;
    await Promise.all(
      Object.entries(localLogFiles(this.ctx, job)).map(([rel, file]) =>
        this.upload(service, `${runBlobPrefix(job.body.name)}${rel}`, file),
      ),
    );
  }

  /** `logFiles` of RunHistory `/details`: current copies uploaded first, then SAS URLs of the files that exist. */
  async logFiles(job: StoredResource): Promise<Record<string, string>> {
    const service = this.ctx.blobServiceUrl();
    if (!service) return {};
    await this.sync(job);
    const out: Record<string, string> = {};
    for (const rel of Object.keys(localLogFiles(this.ctx, job))) {
      const blob = `${runBlobPrefix(job.body.name)}${rel}`;
      if (this.uploaded.has(blob)) out[rel] = this.sasUrl(service, blob);
    }
    return out;
  }

  private upload(service: string, blob: string, file: string): Promise<void> {
    const previous = this.pending.get(blob) ?? Promise.resolve();
    const next = previous.then(async () => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch {
        return; // not written yet
      }
      if (this.uploaded.get(blob) === bytes.length) return;
      try {
        await containerClient(service, this.ctx.caPem, RUN_LOG_CONTAINER)
          .getBlockBlobClient(blob)
          .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
        this.uploaded.set(blob, bytes.length);
      } catch (e) {
        this.ctx.log(`could not upload run log ${blob}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    this.pending.set(blob, next);
    void next.finally(() => {
      if (this.pending.get(blob) === next) this.pending.delete(blob);
    });
    return next;
  }

  /** A read-only blob SAS URL, valid from a few minutes back to some hours ahead. */
  private sasUrl(service: string, blob: string): string {
    const now = Date.now();
    const sas = generateBlobSASQueryParameters(
      {
        containerName: RUN_LOG_CONTAINER,
        blobName: blob,
        permissions: BlobSASPermissions.parse('r'),
        startsOn: new Date(now - SAS_START_SKEW_MS),
        expiresOn: new Date(now + SAS_LIFETIME_MS),
        protocol: SASProtocol.Https,
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const blobPath = blob.split('/').map(encodeURIComponent).join('/');
    return `${service}/${AZURITE_ACCOUNT}/${RUN_LOG_CONTAINER}/${blobPath}?${sas}`;
  }
}
