/**
 * Uploads local code and data to an Azure ML datastore (Azure Blob) under `LocalUpload/<content hash>/`,
 * the layout azure-ai-ml uses, so equal content lands at the same place and can be skipped next time.
 */
import * as path from 'node:path';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { ContainerClient, StorageSharedKeyCredential, newPipeline } from '@azure/storage-blob';
import type { PipelineFileReader, UploadItem } from '../pipelines';
import type { DatastoreInfo } from './amlWorkspaceClient';
import { storageHttpClient } from '../../../common/storageHttpClient';
import { abortError } from '../util/abort';

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|localhost)(:\d+)?$/i;

/** Blob container URL of a datastore: path-style for IP endpoints (the emulator's Azurite), virtual-host style otherwise. */
export function containerUrl(ds: DatastoreInfo): string {
  return IP_HOST.test(ds.endpoint)
    ? `${ds.protocol}://${ds.endpoint}/${ds.accountName}/${ds.containerName}`
    : `${ds.protocol}://${ds.accountName}.blob.${ds.endpoint}/${ds.containerName}`;
}

/** A URI Spark (Livy) can read a blob from: abfss:// in Azure, the blob URL for IP endpoints. */
export function sparkReadableUri(ds: DatastoreInfo, blobPath: string): string {
  return IP_HOST.test(ds.endpoint)
    ? `${containerUrl(ds)}/${blobPath}`
    : `abfss://${ds.containerName}@${ds.accountName}.dfs.${ds.endpoint}/${blobPath}`;
}

/** The datastore-relative URI of an uploaded path, as pipeline inputs name it. */
export function datastoreUri(ds: DatastoreInfo, blobPath: string): string {
  return `azureml://datastores/${ds.name}/paths/${blobPath}`;
}

/** Where an item's content goes: `LocalUpload/<hash>/<folder or file name>`. */
export function uploadPrefix(item: Pick<UploadItem, 'hash' | 'localPath'>): string {
  return `LocalUpload/${item.hash}/${path.posix.basename(item.localPath.replace(/\\/g, '/'))}`;
}

export interface UploadProgress {
  item: UploadItem;
  filesDone: number;
  filesTotal: number;
}

export class DatastoreUploader {
  readonly container: ContainerClient;

  constructor(
    readonly datastore: DatastoreInfo,
    accountKey: string,
    httpClient: HttpClient,
  ) {
    // Uploads trust the environment's CAs (the emulator's, a proxy's) like every other request.
    const pipeline = newPipeline(new StorageSharedKeyCredential(datastore.accountName, accountKey), {
      retryOptions: { maxTries: 4 },
      httpClient: storageHttpClient(httpClient),
    });
    this.container = new ContainerClient(containerUrl(datastore), pipeline);
  }

  /** Whether the item's content is already at its hash location (every file present). */
  async isUploaded(item: UploadItem, signal?: AbortSignal): Promise<boolean> {
    const prefix = uploadPrefix(item);
    if (!item.isFolder) return this.container.getBlobClient(prefix).exists({ abortSignal: signal });
    const present = new Set<string>();
    for await (const blob of this.container.listBlobsFlat({ prefix: `${prefix}/`, abortSignal: signal })) present.add(blob.name);
    return item.files.every((f) => present.has(`${prefix}/${f}`));
  }

  /** Uploads every file of the item (4 at a time); answers the blob path of the item. */
  async upload(
    item: UploadItem,
    reader: PipelineFileReader,
    opts: { signal?: AbortSignal; onProgress?: (p: UploadProgress) => void } = {},
  ): Promise<string> {
    const prefix = uploadPrefix(item);
    const sources = item.isFolder
      ? item.files.map((f) => ({ local: `${item.localPath}/${f}`, blob: `${prefix}/${f}` }))
      : [{ local: item.localPath, blob: prefix }];
    let done = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sources.length) {
        const source = sources[next++];
        if (opts.signal?.aborted) throw abortError();
        const bytes = await reader.readFile(source.local);
        if (!bytes) throw new Error(`${source.local} disappeared during the upload.`);
        await this.container.getBlockBlobClient(source.blob).uploadData(bytes, { abortSignal: opts.signal });
        opts.onProgress?.({ item, filesDone: ++done, filesTotal: sources.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, sources.length) }, worker));
    return prefix;
  }
}
