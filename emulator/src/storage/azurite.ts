/**
 * Blob storage for datastores: Azurite's blob service as a child process on a loopback port, over HTTPS
 * with the emulator's own server certificate (so clients trust one CA for everything), data under
 * `<dataDir>/azurite`. A child process keeps Azurite's load and logs out of the emulator (and test) process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { ContainerClient, StorageSharedKeyCredential, newPipeline } from '@azure/storage-blob';
import { storageHttpClient } from '../../../common/storageHttpClient';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  /** e.g. `https://127.0.0.1:41234` (path-style: the account is the first path segment). */
  serviceUrl: string;
  /** Creates a blob container if it does not exist yet. */
  ensureContainer(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  dataDir: string;
  certPath: string;
  keyPath: string;
  caPem: string;
  port?: number;
  log?: (line: string) => void;
}

export async function startAzurite(opts: AzuriteOptions): Promise<AzuriteHandle> {
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const location = path.join(opts.dataDir, 'azurite');
  fs.mkdirSync(location, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(opts.port ?? 0),
      '--location',
      location,
      '--cert',
      opts.certPath,
      '--key',
      opts.keyPath,
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serviceUrl = await waitForListening(child);
  return {
    serviceUrl,
    ensureContainer: async (name) => {
      await containerClient(serviceUrl, opts.caPem, name).createIfNotExists();
    },
    stop: () => stopChild(child),
  };
}

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start in time. Output: ${out.slice(-500)}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listens on (https?:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so Azurite never blocks on a full pipe
        child.stderr?.resume();
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited early (code ${code}). Output: ${out.slice(-500)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A client for one container of the emulated account, signing with its SharedKey and trusting the emulator CA
 * (Azurite serves the emulator's certificate), through the SDK's `httpClient` option as in the extension's
 * datastore upload; TLS verification stays on.
 */
export function containerClient(serviceUrl: string, caPem: string, container: string): ContainerClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: false });
  const inner = createDefaultHttpClient();
  const httpClient: HttpClient = { sendRequest: (request) => ((request.agent ??= agent), inner.sendRequest(request)) };
  const pipeline = newPipeline(new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY), {
    retryOptions: { maxTries: 2 },
    httpClient: storageHttpClient(httpClient),
  });
  return new ContainerClient(`${serviceUrl}/${AZURITE_ACCOUNT}/${container}`, pipeline);
}

/**
 * Copies every blob under `prefix` of a container into `destDir` (keeping relative paths). Used by the
 * pipeline runner to fetch code folders the client uploaded to the default datastore.
 */
export async function downloadPrefix(
  serviceUrl: string,
  caPem: string,
  container: string,
  prefix: string,
  destDir: string,
): Promise<number> {
  const client = containerClient(serviceUrl, caPem, container);
  let count = 0;
  for await (const { name } of client.listBlobsFlat({ prefix })) {
    count++;
    const rel = name.slice(prefix.length).replace(/^\/+/, '');
    const target = path.join(destDir, rel || path.basename(name));
    if (!path.resolve(target).startsWith(path.resolve(destDir))) continue; // never write outside destDir
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await client.getBlobClient(name).downloadToBuffer());
  }
  return count;
}

/**
 * Uploads a local folder or file (the reverse of downloadPrefix): every file under a folder `local` goes to
 * `<container>/<prefix><relative path>`; a file `local` becomes the one blob named `prefix`. Used to put a
 * finished step's outputs on the datastore. Returns the number of blobs written.
 */
export async function uploadPath(serviceUrl: string, caPem: string, container: string, prefix: string, local: string): Promise<number> {
  const client = containerClient(serviceUrl, caPem, container);
  const stat = fs.statSync(local, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (stat.isFile()) {
    await client.getBlockBlobClient(prefix).uploadData(fs.readFileSync(local));
    return 1;
  }
  let count = 0;
  const walk = async (sub: string): Promise<void> => {
    for (const entry of fs.readdirSync(path.join(local, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(rel);
      } else if (entry.isFile()) {
        await client.getBlockBlobClient(`${prefix}${rel}`).uploadData(fs.readFileSync(path.join(local, rel)));
        count++;
      }
    }
  };
  await walk('');
  return count;
}
