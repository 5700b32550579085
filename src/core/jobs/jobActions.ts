/**
 * What the run view does with a finished job besides watching it: resubmit it with the same inputs, and
 * fetch an output Azure ML reports as `azureml://datastores/<name>/paths/<path>` from its datastore.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential, newPipeline } from '@azure/storage-blob';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { UserFacingError } from '../util/errors';
import { storageHttpClient } from '../../../common/storageHttpClient';
import type { AmlJob } from './amlWorkspaceClient';
import { containerUrl } from './datastoreUpload';
import type { DatastoreInfo } from './amlWorkspaceClient';

/** Fields of a job that the service sets; a resubmission leaves them out. */
const SERVICE_FIELDS = new Set(['status', 'services', 'sourceJobId', 'isArchived', 'notificationSetting']);
/** Properties the service adds to a run; user properties are kept. */
const SERVICE_PROPERTY = /^(_?azureml\.|runSource$|runType$|ContentSnapshotId$|StepType$|ComputeTargetType$)/;
/** An output location Azure ML chose under a run's id (its default path); a new run gets its own. */
const DEFAULT_OUTPUT_PATH = /\/paths\/azureml\/[^/]+\//;

/** The PUT body of a new job that runs `job` again with the same definition, inputs and settings. */
export function rerunBody(job: AmlJob): { properties: Record<string, unknown> } {
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(job.properties)) {
    if (!SERVICE_FIELDS.has(k) && v !== null && v !== undefined) properties[k] = structuredClone(v);
  }
  const own = Object.entries(job.properties.properties ?? {}).filter(([k]) => !SERVICE_PROPERTY.test(k));
  properties.properties = Object.fromEntries(own);
  const outputs = properties.outputs as Record<string, Record<string, unknown> | null> | undefined;
  for (const output of Object.values(outputs ?? {})) {
    if (output && typeof output.uri === 'string' && DEFAULT_OUTPUT_PATH.test(output.uri)) delete output.uri;
    if (output && output.uri === null) delete output.uri;
  }
  return { properties };
}

/** `azureml://datastores/<name>/paths/<path>` -> its parts; undefined for any other URI. */
export function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const m = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/.exec(uri);
  return m ? { datastore: decodeURIComponent(m[1]), path: decodeURIComponent(m[2]) } : undefined;
}

export interface DownloadProgress {
  files: number;
  bytes: number;
  current?: string;
}

/**
 * Copies every blob under the output's path (or the single blob it names) into `destDir`, keeping relative
 * paths; answers the number of files. Nothing is written outside `destDir`.
 */
export async function downloadDatastorePath(
  datastore: DatastoreInfo,
  accountKey: string,
  httpClient: HttpClient,
  blobPath: string,
  destDir: string,
  onProgress?: (p: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<number> {
  const pipeline = newPipeline(new StorageSharedKeyCredential(datastore.accountName, accountKey), {
    retryOptions: { maxTries: 4 },
    httpClient: storageHttpClient(httpClient),
  });
  const container = new ContainerClient(containerUrl(datastore), pipeline);
  const prefix = blobPath.replace(/^\/+/, '');
  const folderPrefix = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: folderPrefix, abortSignal: signal })) names.push(blob.name);
  let base = folderPrefix;
  if (names.length === 0 && prefix && !prefix.endsWith('/')) {
    // A single file: its own name under destDir.
    if (await container.getBlobClient(prefix).exists({ abortSignal: signal })) {
      names.push(prefix);
      base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    }
  }
  if (names.length === 0)
    throw new UserFacingError(
      l10n.t('Nothing is stored at {0} in datastore {1}: the step may not have written this output.', blobPath, datastore.name),
    );
  const root = path.resolve(destDir);
  const progress: DownloadProgress = { files: 0, bytes: 0 };
  for (const name of names) {
    const target = path.resolve(root, name.slice(base.length));
    if (target !== root && !target.startsWith(root + path.sep)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    progress.current = name.slice(base.length);
    onProgress?.(progress);
    await container.getBlobClient(name).downloadToFile(target, undefined, undefined, { abortSignal: signal });
    progress.files++;
    progress.bytes += fs.statSync(target).size;
    onProgress?.(progress);
  }
  return progress.files;
}
