/**
 * The emulator's HTTPS server and its programmatic API, `startEmulator`. One listener on 127.0.0.1 serves
 * every surface; the path picks the surface:
 *   /_emulator/...                          admin (no auth, loopback only)
 *   /{tenant}/oauth2/..., discovery docs    identity
 *   /synapse/{workspace}/livyApi/...        Livy (token audience https://dev.azuresynapse.net)
 *   /sparkui/...                            Spark UI driver logs (Livy appInfo links)
 *   /discovery                              Azure ML service discovery (no auth, CORS *)
 *   /history/v1.0/...                       Azure ML RunHistory (token audience https://management.azure.com)
 *   everything else                         ARM (token audience https://management.azure.com)
 * Faults apply before authentication, as a gateway throttles before the service sees the call.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultRegistry, type Surface } from './admin/faults';
import { createAdminRouter } from './admin/surface';
import { createArmSurface } from './arm/surface';
import type { EmulatorContext } from './context';
import type { EmuRequest, EmuResponse } from './http';
import { ARM_AUDIENCES, checkBearer, SYNAPSE_AUDIENCES } from './identity/auth';
import { TokenSigner } from './identity/jwt';
import { createIdentityRouter } from './identity/surface';
import { mountLivy, type LivyMount } from './livy-mount';
import { PipelineRunner } from './pipelines/runner';
import { RUN_LOG_CONTAINER, RunLogs } from './runhistory/logs';
import { createRunHistorySurface } from './runhistory/surface';
import type { Router } from './router';
import { readSeedFile, stateFromSeed, type EmulatorSettings, type SeedFile } from './state/seed';
import { StateStore, type StateData } from './state/store';
import { startAzurite, type AzuriteHandle } from './storage/azurite';
import { ensureTlsMaterial } from './tls';
import { TYPES } from './arm/resources';
import { SparkEngine } from './spark/engine';
import { loadSparkEnv } from './spark/env';
import { seedLake, workspaceLake, lakeAccounts } from './spark/lake';

/** emulator/seed.default.json, found from both the sources and the compiled out/ tree. */
export const DEFAULT_SEED_FILE = findUp(path.join('emulator', 'seed.default.json'));

function findUp(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.join(__dirname, '..', 'seed.default.json');
  }
}

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 0 (the CLI defaults to 10443). */
  port?: number;
  /** Data folder (state, TLS material, Azurite, job outputs). Default `<repo>/.emulator-data`. */
  dataDir?: string;
  /** Seed file path; default emulator/seed.default.json. Ignored when `seed` is given. */
  seedFile?: string;
  /** Seed object (tests build their own). */
  seed?: SeedFile;
  /** Settings overriding the seed's (e.g. a small pageSize in tests). */
  settings?: Partial<EmulatorSettings>;
  /** Start from the seed even if the data folder holds earlier state. */
  reset?: boolean;
  /** Python executable for Livy statements and pipeline steps. Default `python3`. */
  python?: string;
  /** Where CA/server cert live; default `<dataDir>/tls`. Tests share one to skip key generation. */
  tlsDir?: string;
  /** Start Azurite for datastores (default true). */
  storage?: boolean;
  /** Mount the Livy data plane (default true). */
  livy?: boolean;
  /**
   * Real Apache Spark for sessions, batches and Spark steps: true (default) uses the installed engine
   * (.spark-env, `npm run spark:install`) when present; false runs statements in plain Python; a string
   * names another engine folder.
   */
  spark?: boolean | string;
  /**
   * Most Spark applications (sessions, batches, steps) running at once; the rest wait. Default: what this
   * machine's memory holds at about 1.5 GB per application, leaving 4 GB (13 on 24 GB), or
   * SYNAPSE_EMULATOR_MAX_SPARK_APPS.
   */
  maxSparkApplications?: number;
  /** Log lines to stderr (default false). */
  verbose?: boolean;
}

export interface EmulatorHandle {
  url: string;
  port: number;
  caPath: string;
  caPem: string;
  dataDir: string;
  tenantId: string;
  /** Azurite blob endpoint (path-style), when storage is on. */
  blobServiceUrl: string | undefined;
  faults: FaultRegistry;
  context: EmulatorContext;
  admin: {
    reset(): Promise<void>;
    settings(patch: Partial<EmulatorSettings>): EmulatorSettings;
  };
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const dataDir = path.resolve(options.dataDir ?? path.join(process.cwd(), '.emulator-data'));
  fs.mkdirSync(dataDir, { recursive: true });
  const tls = ensureTlsMaterial(options.tlsDir ?? path.join(dataDir, 'tls'));
  const loadSeed = (): SeedFile => options.seed ?? readSeedFile(options.seedFile ?? DEFAULT_SEED_FILE);
  loadSeed(); // fail fast on a bad seed file, before anything listens
  const { store, freshState } = openStore(options, dataDir, loadSeed);

  const faults = new FaultRegistry();
  const addSeedFaults = () => (loadSeed().faults ?? []).forEach((f) => faults.add(f));
  addSeedFaults();

  let baseUrl = '';
  let azurite: AzuriteHandle | undefined;
  const log = (m: string) => {
    if (options.verbose) process.stderr.write(`[emulator] ${m}\n`);
  };
  const lakeRoot = path.join(dataDir, 'lake');
  const sparkEnv =
    options.spark === false
      ? { reason: 'Spark is switched off for this emulator' }
      : loadSparkEnv(typeof options.spark === 'string' ? options.spark : undefined);
  const ctx: EmulatorContext = {
    dataDir,
    lakeRoot,
    caPem: tls.caPem,
    python: options.python ?? sparkEnv.env?.python ?? process.env.SYNAPSE_EMULATOR_PYTHON ?? 'python3',
    sparkUnavailableReason: sparkEnv.reason,
    store,
    faults,
    signer: new TokenSigner(path.join(dataDir, 'keys')),
    baseUrl: () => baseUrl,
    blobServiceUrl: () => azurite?.serviceUrl,
    findSynapseWorkspace: (name) =>
      Object.values(store.data.resources).find(
        (r) => r.type === TYPES.synapseWorkspace && r.body.name.toLowerCase() === name.toLowerCase(),
      ),
    findSparkPool: (ws, pool) => {
      const w = ctx.findSynapseWorkspace(ws);
      return w ? store.get(`${w.body.id}/bigDataPools/${pool}`) : undefined;
    },
    log,
  };
  if (sparkEnv.env) {
    ctx.spark = new SparkEngine({
      env: sparkEnv.env,
      lakeRoot,
      metastoreHome: path.join(dataDir, 'metastore'),
      workspaceStorage: (name) => workspaceLake(ctx, name),
      accounts: () => lakeAccounts(ctx),
      maxApplications: () => options.maxSparkApplications ?? defaultMaxSparkApplications(),
      log,
    });
  }
  seedLake(lakeRoot);

  const livy: LivyMount | undefined = options.livy === false ? undefined : mountLivy(ctx, !options.reset);
  const runLogs = new RunLogs(ctx);
  const runner = new PipelineRunner(ctx, livy, runLogs);
  runner.recover();
  const arm = createArmSurface(ctx, () => runner);
  const runHistory = createRunHistorySurface(ctx, runLogs);
  const identity = createIdentityRouter(ctx, () => loadSeed().servicePrincipals);

  const ensureContainers = async () => {
    if (!azurite) return;
    await azurite.ensureContainer(RUN_LOG_CONTAINER);
    for (const ds of Object.values(store.data.resources).filter((r) => r.type === TYPES.datastore)) {
      await azurite.ensureContainer(String(ds.body.properties.containerName));
    }
  };

  /** State, faults and Livy jobs from the seed again (admin API and `handle.admin.reset`). */
  const reset = async () => {
    await runner.cancelAll();
    runLogs.forget();
    store.data = freshState();
    store.flush();
    faults.clear();
    addSeedFaults();
    await livy?.reset();
    seedLake(lakeRoot);
    await ensureContainers();
  };

  const admin = createAdminRouter(ctx, {
    health: () => ({
      url: baseUrl,
      caPath: tls.caPath,
      blobServiceUrl: azurite?.serviceUrl ?? null,
      livy: Boolean(livy),
      tenantId: store.data.tenantId,
    }),
    reset,
  });

  const surfaces: Surfaces = { ctx, faults, admin, identity, livy, runHistory, arm };
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handleHttp(surfaces, req, res).catch((e) => {
      log(`unhandled: ${e instanceof Error ? e.stack : String(e)}`);
      if (!res.headersSent)
        send(res, { status: 500, body: { error: { code: 'InternalServerError', message: 'The emulator failed to handle the request.' } } });
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  baseUrl = `https://127.0.0.1:${port}`;

  try {
    if (options.storage !== false) {
      azurite = await startAzurite({ dataDir, certPath: tls.certPath, keyPath: tls.keyPath, caPem: tls.caPem, log });
      await ensureContainers();
    }
  } catch (e) {
    server.close();
    throw e;
  }

  let stopped = false;
  return {
    url: baseUrl,
    port,
    caPath: tls.caPath,
    caPem: tls.caPem,
    dataDir,
    tenantId: store.data.tenantId,
    blobServiceUrl: azurite?.serviceUrl,
    faults,
    context: ctx,
    admin: {
      reset,
      settings: (patch) => {
        Object.assign(store.data.settings, patch);
        store.changed();
        return store.data.settings;
      },
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner.cancelAll();
      await livy?.stop();
      await ctx.spark?.stop();
      store.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await azurite?.stop();
    },
  };
}

/**
 * The emulator's state: the one saved in `dataDir` (unless `reset`), else fresh from the seed, with the
 * options' settings on top; `freshState` makes a new one from the seed (the admin reset).
 */
function openStore(
  options: EmulatorOptions,
  dataDir: string,
  loadSeed: () => SeedFile,
): { store: StateStore; freshState: () => StateData } {
  const freshState = () => {
    const s = stateFromSeed(loadSeed());
    Object.assign(s.settings, options.settings ?? {});
    return s;
  };
  if (options.reset) fs.rmSync(path.join(dataDir, 'state.json'), { force: true });
  const saved = options.reset ? undefined : StateStore.load(dataDir);
  const store = new StateStore(dataDir, saved ?? freshState());
  if (saved) Object.assign(store.data.settings, options.settings ?? {});
  store.flush();
  return { store, freshState };
}

/** What serves each surface, for the request handler. */
interface Surfaces {
  ctx: EmulatorContext;
  faults: FaultRegistry;
  admin: Router;
  identity: Router;
  livy: LivyMount | undefined;
  runHistory: ReturnType<typeof createRunHistorySurface>;
  arm: ReturnType<typeof createArmSurface>;
}

/** One request: the admin API (loopback only), else faults first, then the surface its path names. */
async function handleHttp(surfaces: Surfaces, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx, faults, admin, identity, livy, runHistory, arm } = surfaces;
  const url = new URL(req.url ?? '/', 'https://placeholder');
  const rawBody = await readBody(req);
  if (rawBody === undefined) {
    send(res, { status: 413, body: { error: { code: 'RequestEntityTooLarge', message: 'The request body is too large.' } } });
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const emu: EmuRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: undefined,
    rawBody,
    baseUrl: `https://${headers.host ?? new URL(ctx.baseUrl()).host}`,
  };
  const surface = surfaceOf(emu.path);
  const parsed = parseJson(emu, rawBody);
  if (!parsed.ok) {
    send(
      res,
      errorFor(surface, 400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: ${parsed.message}`),
    );
    return;
  }
  emu.body = parsed.value;

  if (surface === 'admin') {
    const remote = req.socket.remoteAddress ?? '';
    if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) {
      send(res, { status: 403, body: { error: { code: 'Forbidden', message: 'The admin API only answers loopback clients.' } } });
      return;
    }
    send(res, await route(admin, emu, 'admin'));
    return;
  }

  // Faults: latency, then dropped connection, then an injected status.
  const target = { surface: faultSurface(surface), method: emu.method, path: emu.path };
  const slow = faults.take(['latency'], target);
  if (slow) await new Promise((r) => setTimeout(r, slow.latencyMs ?? 1000));
  if (faults.take(['drop'], target)) {
    req.socket.destroy();
    return;
  }
  const injected = faults.take(['status'], target);
  if (injected) {
    send(res, injectedStatus(surface, injected.status ?? 500, injected.retryAfterSeconds, injected.code, injected.message, emu));
    return;
  }

  if (surface === 'identity') {
    send(res, await route(identity, emu, 'identity'));
  } else if (surface === 'livy') {
    const auth = checkBearer(emu, ctx.signer, SYNAPSE_AUDIENCES, 'synapse');
    if (!auth.ok) return send(res, auth.response);
    emu.tokenAudience = auth.audience;
    send(res, livy ? await livy.handle(emu) : { status: 404, body: { code: 'NotFound', message: 'The Livy surface is not mounted.' } });
  } else if (surface === 'discovery') {
    send(res, discovery(emu));
  } else if (surface === 'history') {
    const auth = checkBearer(emu, ctx.signer, ARM_AUDIENCES, 'arm');
    if (!auth.ok) return send(res, auth.response);
    emu.tokenAudience = auth.audience;
    send(res, await runHistory.handle(emu));
  } else if (surface === 'sparkui') {
    send(res, livy ? await livy.handleSparkUi(emu, emu.path.replace(/^\/sparkui\/?/i, '')) : { status: 404 });
  } else {
    const auth = checkBearer(emu, ctx.signer, ARM_AUDIENCES, 'arm');
    if (!auth.ok) return send(res, auth.response);
    emu.tokenAudience = auth.audience;
    send(res, await arm.handle(emu));
  }
}

function defaultMaxSparkApplications(): number {
  const fromEnv = Number(process.env.SYNAPSE_EMULATOR_MAX_SPARK_APPS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const gib = 1024 ** 3;
  return Math.max(2, Math.floor((os.totalmem() - 4 * gib) / (1.5 * gib)));
}

type SurfaceName = Surface | 'admin' | 'sparkui' | 'discovery' | 'history';

function surfaceOf(p: string): SurfaceName {
  if (/^\/_emulator(\/|$)/i.test(p)) return 'admin';
  if (/^\/discovery\/?$/i.test(p)) return 'discovery';
  if (/^\/history\/v1\.0(\/|$)/i.test(p)) return 'history';
  if (/^\/synapse\//i.test(p)) return 'livy';
  if (/^\/sparkui(\/|$)/i.test(p)) return 'sparkui';
  if (/^\/[^/]+\/(oauth2\/|v2\.0\/\.well-known\/|\.well-known\/|discovery\/)/i.test(p) || /^\/common\/discovery\//i.test(p)) {
    if (!/^\/(subscriptions|providers|tenants)\//i.test(p)) return 'identity';
  }
  return 'arm';
}

/** Faults name three surfaces: Spark UI counts as Livy, and Azure ML's data planes as ARM. */
function faultSurface(surface: Exclude<SurfaceName, 'admin'>): Surface {
  if (surface === 'sparkui') return 'livy';
  if (surface === 'discovery' || surface === 'history') return 'arm';
  return surface;
}

/**
 * Azure ML's service discovery document (the workspace's `discoveryUrl`): a flat map of service base URLs,
 * served without auth and with CORS `*` as recorded. Every service is this emulator; clients use `api`.
 */
function discovery(req: EmuRequest): EmuResponse {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return {
      status: 405,
      headers: { 'access-control-allow-origin': '*' },
      body: { error: { code: 'MethodNotAllowed', message: `${req.method} is not allowed on ${req.path}.` } },
    };
  }
  const base = req.baseUrl ?? '';
  const services = ['api', 'catalog', 'experimentation', 'history', 'hyperdrive', 'labeling', 'modelmanagement', 'pipelines'];
  return {
    status: 200,
    headers: { 'access-control-allow-origin': '*' },
    body: { ...Object.fromEntries(services.map((k) => [k, base])), studio: `${base}/_emulator/studio` },
  };
}

async function route(router: Router, req: EmuRequest, surface: SurfaceName): Promise<EmuResponse> {
  const m = router.match(req.method, req.path);
  if (m.kind === 'found') return m.match.handler(req, m.match.params);
  if (m.kind === 'method-not-allowed') return errorFor(surface, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${req.path}.`);
  return errorFor(surface, 404, 'NotFound', `No route matches '${req.method} ${req.path}'.`);
}

function errorFor(surface: SurfaceName, status: number, code: string, message: string): EmuResponse {
  if (surface === 'identity')
    return { status, body: { error: code === 'NotFound' ? 'not_found' : 'invalid_request', error_description: message } };
  if (surface === 'livy' || surface === 'sparkui') return { status, body: { code, message } };
  return { status, body: { error: { code, message } } };
}

/** 429/5xx bodies as ARM (and the Synapse gateway) send them; Retry-After in whole seconds. */
function injectedStatus(
  surface: SurfaceName,
  status: number,
  retryAfter: number | undefined,
  code: string | undefined,
  message: string | undefined,
  req: EmuRequest,
): EmuResponse {
  const headers: Record<string, string> = {};
  let defaultCode = status >= 500 ? (status === 503 ? 'ServiceUnavailable' : 'InternalServerError') : 'BadRequest';
  let defaultMessage = status >= 500 ? 'The server encountered an internal error. Please retry the request.' : 'The request failed.';
  if (status === 429) {
    const seconds = retryAfter ?? 1;
    headers['retry-after'] = String(seconds);
    defaultCode = surface === 'arm' ? 'SubscriptionRequestsThrottled' : 'TooManyRequests';
    const sub = /^\/subscriptions\/([^/]+)/i.exec(req.path)?.[1] ?? '';
    defaultMessage = `Number of '${req.method === 'GET' ? 'read' : 'write'}' requests for subscription '${sub}' actor '' exceeded. Please try again after '${seconds}' seconds after the last request.`;
    if (surface === 'arm') headers[`x-ms-ratelimit-remaining-subscription-${req.method === 'GET' ? 'reads' : 'writes'}`] = '0';
  } else if (retryAfter !== undefined) {
    headers['retry-after'] = String(retryAfter);
  }
  const res = errorFor(surface, status, code ?? defaultCode, message ?? defaultMessage);
  return { ...res, headers: { ...headers, ...(surface === 'arm' ? { 'x-ms-failure-cause': 'gateway' } : {}) } };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.alloc(0)));
  });
}

function parseJson(req: EmuRequest, raw: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { ok: true, value: undefined };
  if (type && !/json/i.test(type)) return { ok: true, value: undefined };
  const text = raw.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    return {
      ok: false,
      message: `the JSON nests ${depth > 100_000 ? 'more than 100000' : depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`,
    };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : 'malformed JSON' };
  }
}

/** The deepest a request body may nest: real bodies stay far below it, and deeper ones would overflow the stack later. */
const MAX_JSON_DEPTH = 256;

/** How deep the brackets of a JSON text nest (strings skipped), counted without parsing. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
      if (max > 100_000) return max;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return max;
}

function send(res: ServerResponse, r: EmuResponse): void {
  if (res.headersSent || res.destroyed) return;
  let payload: Buffer;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const has = (h: string) => Object.keys(headers).some((k) => k.toLowerCase() === h);
  if (r.body === undefined) {
    payload = Buffer.alloc(0);
  } else if (Buffer.isBuffer(r.body)) {
    payload = r.body;
    if (!has('content-type')) headers['content-type'] = 'application/octet-stream';
  } else if (typeof r.body === 'string') {
    payload = Buffer.from(r.body, 'utf8');
    if (!has('content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(r.body), 'utf8');
    if (!has('content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload.length);
  headers['date'] = new Date().toUTCString();
  res.writeHead(r.status, headers);
  res.end(payload);
}

/** A throwaway data folder (tests, demos). */
export function tempDataDir(prefix = 'azsynspark-emulator-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
