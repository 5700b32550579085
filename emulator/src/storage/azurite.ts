/**
 * Blob storage for datastores: Azurite's blob service as a child process on a loopback port, over HTTPS
 * with the emulator's own server certificate (so clients trust one CA for everything), data under
 * `<dataDir>/azurite`. A child process keeps Azurite's load and logs out of the emulator (and test) process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';

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
      '--blobHost', '127.0.0.1',
      '--blobPort', String(opts.port ?? 0),
      '--location', location,
      '--cert', opts.certPath,
      '--key', opts.keyPath,
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serviceUrl = await waitForListening(child);
  const agent = new https.Agent({ ca: opts.caPem, keepAlive: false });
  return {
    serviceUrl,
    ensureContainer: (name) => createContainer(serviceUrl, agent, name),
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

/** PUT ?restype=container with a SharedKey signature (the Blob REST contract); 409 means it exists. */
function createContainer(serviceUrl: string, agent: https.Agent, name: string): Promise<void> {
  const url = new URL(`${serviceUrl}/${AZURITE_ACCOUNT}/${name}?restype=container`);
  const date = new Date().toUTCString();
  const version = '2021-12-02';
  const stringToSign = [
    'PUT', '', '', '', '', '', '', '', '', '', '', '',
    `x-ms-date:${date}\nx-ms-version:${version}`,
    `/${AZURITE_ACCOUNT}/${AZURITE_ACCOUNT}/${name}\nrestype:container`,
  ].join('\n');
  const signature = crypto.createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'PUT',
        agent,
        headers: {
          'x-ms-date': date,
          'x-ms-version': version,
          'content-length': '0',
          authorization: `SharedKey ${AZURITE_ACCOUNT}:${signature}`,
        },
      },
      (res) => {
        res.resume();
        if (res.statusCode === 201 || res.statusCode === 409) resolve();
        else reject(new Error(`Azurite container ${name}: HTTP ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Copies every blob under `prefix` of a container into `destDir` (keeping relative paths). Used by the
 * pipeline runner to fetch code folders the client uploaded to the default datastore.
 */
export async function downloadPrefix(serviceUrl: string, caPem: string, container: string, prefix: string, destDir: string): Promise<number> {
  const agent = new https.Agent({ ca: caPem, keepAlive: false });
  const listing = await signedGet(serviceUrl, agent, container, '', { restype: 'container', comp: 'list', prefix });
  const names = [...listing.toString('utf8').matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => decodeXml(m[1]));
  for (const name of names) {
    const rel = name.slice(prefix.length).replace(/^\/+/, '');
    const target = path.join(destDir, rel || path.basename(name));
    if (!path.resolve(target).startsWith(path.resolve(destDir))) continue; // never write outside destDir
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await signedGet(serviceUrl, agent, container, name, {}));
  }
  return names.length;
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function signedGet(serviceUrl: string, agent: https.Agent, container: string, blob: string, query: Record<string, string>): Promise<Buffer> {
  const blobPath = blob ? `/${blob.split('/').map(encodeURIComponent).join('/')}` : '';
  const qs = new URLSearchParams(query).toString();
  const url = new URL(`${serviceUrl}/${AZURITE_ACCOUNT}/${container}${blobPath}${qs ? `?${qs}` : ''}`);
  const date = new Date().toUTCString();
  const version = '2021-12-02';
  const canonQuery = Object.keys(query)
    .sort()
    .map((k) => `\n${k.toLowerCase()}:${query[k]}`)
    .join('');
  const stringToSign = [
    'GET', '', '', '', '', '', '', '', '', '', '', '',
    `x-ms-date:${date}\nx-ms-version:${version}`,
    `/${AZURITE_ACCOUNT}/${AZURITE_ACCOUNT}/${container}${blobPath}${canonQuery}`,
  ].join('\n');
  const signature = crypto.createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'GET', agent, headers: { 'x-ms-date': date, 'x-ms-version': version, authorization: `SharedKey ${AZURITE_ACCOUNT}:${signature}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`Azurite GET ${url.pathname}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
