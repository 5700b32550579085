/**
 * Maps the `file` and `pyFiles` of a batch to local paths. Storage URIs land in a folder per account and
 * container under the data dir, so tests and demos can drop files there:
 *   abfss://container@account.dfs.core.windows.net/dir/main.py -> {dataDir}/storage/account/container/dir/main.py
 *   wasbs://container@account.blob.core.windows.net/..., https://account.blob|dfs.core.windows.net/container/...
 * file:// URLs and absolute local paths are used as they are. The mount may plug in its own resolver first
 * (ctx.resolveFile), e.g. to copy blobs out of Azurite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LivyContext } from './context';

export class FileResolutionError extends Error {}

export async function resolveJobFile(uri: string, ctx: LivyContext): Promise<string> {
  const local = (await ctx.resolveFile?.(uri)) ?? builtInMapping(uri, ctx.dataDir, ctx.lakeRoot);
  if (!local) {
    throw new FileResolutionError(
      `The emulator cannot map '${uri}' to a local file: use an abfss:// or ` + 'wasbs:// URI, a file:// URL or an absolute path.',
    );
  }
  try {
    await fs.promises.access(local, fs.constants.R_OK);
  } catch {
    throw new FileResolutionError(`'${uri}' was not found (looked for ${local}).`);
  }
  return local;
}

function builtInMapping(uri: string, dataDir: string, lakeRoot?: string): string | undefined {
  if (uri.startsWith('file://')) {
    return fileURLToPath(uri);
  }
  if (path.isAbsolute(uri)) {
    return uri;
  }
  const storage = storageLocation(uri);
  if (!storage) {
    return undefined;
  }
  const parts = storage.path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    return undefined; // never escape the storage folder
  }
  // ADLS Gen2 paths are the lake Spark sees; other storage URIs a folder per account under the data dir.
  if (lakeRoot && /^abfss?:/.test(uri)) return path.join(lakeRoot, storage.account.toLowerCase(), storage.container, ...parts);
  return path.join(dataDir, 'storage', storage.account, storage.container, ...parts);
}

function storageLocation(uri: string): { account: string; container: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const account = url.hostname.split('.')[0];
  const decodedPath = decodeURIComponent(url.pathname);
  if (['abfss:', 'abfs:', 'wasbs:', 'wasb:'].includes(url.protocol) && url.username && account) {
    return { account, container: decodeURIComponent(url.username), path: decodedPath };
  }
  if (['https:', 'http:'].includes(url.protocol) && /\.(blob|dfs)\./.test(url.hostname)) {
    const [, container, ...rest] = decodedPath.split('/');
    return container ? { account, container, path: rest.join('/') } : undefined;
  }
  return undefined;
}
