/**
 * A minimal plain-HTTP loopback server around the Livy surface, for tests until the emulator's HTTPS server
 * mounts it. It parses requests into EmuRequest the way the real server will (JSON body, percent-decoded
 * path) and knows one workspace with a few pools.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EmuRequest, EmuResponse } from '../../emulator/src/http';
import { createLivySurface, type LivyContext, type LivySurface, type PoolInfo } from '../../emulator/src/livy';

export const WORKSPACE = 'testws';
export const POOL = 'testpool';

export interface LivyHarness {
  surface: LivySurface;
  ctx: LivyContext;
  /** http://127.0.0.1:port */
  baseUrl: string;
  /** The workspace dev endpoint, as ARM's connectivityEndpoints.dev will name it. */
  endpoint: string;
  /** {endpoint}/livyApi/versions/2019-11-01-preview/sparkPools/{POOL} */
  livyUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startLivyHarness(overrides: Partial<LivyContext> = {}): Promise<LivyHarness> {
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'livy-test-'));
  const pools: Record<string, PoolInfo> = { [POOL]: { sparkVersion: '3.4', nodeSize: 'Small' } };
  const ctx: LivyContext = {
    findWorkspace: (workspace) => workspace === WORKSPACE,
    findPool: (workspace, pool) => (workspace === WORKSPACE ? pools[pool] : undefined),
    coldStart: { queued: 20, preparation: 20, resourceAcquisition: 20, submission: 20, starting: 20 },
    idleTimeoutMs: 60_000,
    dataDir,
    pythonPath: process.env.LIVY_TEST_PYTHON ?? process.env.SYNAPSE_EMULATOR_PYTHON ?? 'python3',
    ...overrides,
  };
  const surface = createLivySurface(ctx);
  const server = http.createServer((req, res) => {
    void serve(surface, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx.publicUrl ??= baseUrl;
  const endpoint = `${baseUrl}/synapse/${WORKSPACE}`;
  return {
    surface,
    ctx,
    baseUrl,
    endpoint,
    dataDir,
    livyUrl: `${endpoint}/livyApi/versions/2019-11-01-preview/sparkPools/${POOL}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await surface.shutdown();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function serve(surface: LivySurface, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const rawBody = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://localhost');
  let body: unknown;
  if (rawBody.length > 0 && (req.headers['content-type'] ?? '').includes('json')) {
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      body = undefined;
    }
  }
  const emuRequest: EmuRequest = {
    method: req.method ?? 'GET',
    path: url.pathname
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/'),
    query: url.searchParams,
    headers: req.headers as Record<string, string | undefined>,
    body,
    rawBody,
  };
  let answer: EmuResponse | undefined;
  try {
    answer = emuRequest.path.startsWith('/sparkui/')
      ? await surface.handleSparkUi(emuRequest, emuRequest.path.slice('/sparkui/'.length))
      : await surface.handleRequest(emuRequest);
  } catch (err) {
    answer = { status: 500, body: { code: 'HarnessError', message: String(err) } };
  }
  answer ??= { status: 404, body: { code: 'NotFound', message: `No surface serves ${url.pathname}` } };
  write(res, answer);
}

function write(res: http.ServerResponse, answer: EmuResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(answer.body)) {
    payload = answer.body;
  } else if (typeof answer.body === 'string') {
    payload = Buffer.from(answer.body, 'utf8');
  } else if (answer.body !== undefined) {
    payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}
