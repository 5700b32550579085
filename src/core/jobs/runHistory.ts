/**
 * Azure ML run history, reached the way the Azure ML CLI reaches it: the workspace's `discoveryUrl` (a plain
 * GET, cached per workspace) names the `api` host; pipeline steps, single runs and their log files live under
 * `{api}/history/v1.0/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/workspaces/{w}`
 * and take the ARM token. Log files are read-only blob SAS URLs, read with plain GETs (no bearer) and followed
 * with Range requests from the last offset.
 */
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { AzureRequestError, serviceErrorOf } from '../http/errors';

/** `api-version` of every run history call (what azure-ai-ml sends; the service also answers without it). */
export const RUN_HISTORY_API_VERSION = 'v1.0';

/** A RunHistory `Run`: the fields this extension reads (the service sends many more). */
export interface HistoryRun {
  runId: string;
  displayName?: string | null;
  name?: string | null;
  status?: string | null;
  parentRunId?: string | null;
  rootRunId?: string | null;
  runType?: string | null;
  target?: string | null;
  createdUtc?: string | null;
  startTimeUtc?: string | null;
  endTimeUtc?: string | null;
  error?: { error?: { code?: string | null; message?: string | null } | null } | null;
  warnings?: { source?: string | null; message?: string | null }[] | null;
  properties?: Record<string, string> | null;
  tags?: Record<string, string> | null;
}

/** `RunDetails`: a run with its `logFiles` (relative path -> read-only SAS URL). */
export interface HistoryRunDetails extends HistoryRun {
  logFiles?: Record<string, string> | null;
}

interface PaginatedRunList {
  value?: HistoryRun[] | null;
  continuationToken?: string | null;
  nextLink?: string | null;
}

/**
 * What run history needs from its caller, both on the HTTP stack: sending with the ARM token (the
 * workspace client's own pipeline), and sending without any credential (discovery, log files by SAS URL).
 */
export interface RunHistoryTransport {
  sendAuthenticated(request: ReturnType<typeof createPipelineRequest>): Promise<PipelineResponse>;
  sendPlain(request: ReturnType<typeof createPipelineRequest>): Promise<PipelineResponse>;
}

export interface RunHistoryWorkspace {
  /** The workspace's ARM id, `/subscriptions/.../workspaces/{w}`: the path under `history/v1.0`. */
  id: string;
  /** What the discovery answer is cached under: the workspace in its cloud (ARM endpoint and id). Default: `id`. */
  cacheKey?: string;
  /** Answers the workspace's `properties.discoveryUrl` (an ARM GET of the workspace). */
  discoveryUrl(signal?: AbortSignal): Promise<string | undefined>;
}

const discoveryCache = new Map<string, Promise<string>>();

/** For tests: forget every cached discovery answer. */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}

export class RunHistoryClient {
  constructor(
    private readonly transport: RunHistoryTransport,
    private readonly workspace: RunHistoryWorkspace,
  ) {}

  /** The run history base of this workspace, from its discovery document (fetched once per workspace). */
  private get cacheKey(): string {
    return (this.workspace.cacheKey ?? this.workspace.id).toLowerCase();
  }

  async base(signal?: AbortSignal): Promise<string> {
    const key = this.cacheKey;
    let pending = discoveryCache.get(key);
    if (!pending) {
      pending = this.discover(signal);
      discoveryCache.set(key, pending);
      // A failed discovery is not remembered: the next call tries again.
      pending.catch(() => discoveryCache.delete(key));
    }
    const api = await pending;
    return `${api}/history/v1.0${this.workspace.id}`;
  }

  private async discover(signal?: AbortSignal): Promise<string> {
    const url = await this.workspace.discoveryUrl(signal);
    if (!url)
      throw new AzureRequestError(
        'The Azure ML workspace does not report a discovery URL, so its run history cannot be reached.',
        undefined,
        { code: 'NoDiscoveryUrl' },
      );
    const res = await this.sendPlain(url, {}, signal);
    if (res.status >= 400)
      throw new AzureRequestError(`The workspace's service discovery answered HTTP ${res.status}.`, res.status, {
        code: `HTTP${res.status}`,
      });
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(res.bodyAsText ?? '');
    } catch {
      throw new AzureRequestError("The workspace's service discovery did not answer JSON.", res.status, { code: 'BadDiscovery' });
    }
    const api = typeof doc.api === 'string' ? doc.api : undefined;
    if (!api) throw new AzureRequestError("The workspace's service discovery names no 'api' host.", res.status, { code: 'BadDiscovery' });
    return api.replace(/\/+$/, '');
  }

  private async get<T>(url: string, signal?: AbortSignal): Promise<T> {
    const request = createPipelineRequest({
      url,
      method: 'GET',
      abortSignal: signal,
      headers: createHttpHeaders({ accept: 'application/json' }),
    });
    let res: PipelineResponse;
    try {
      res = await this.transport.sendAuthenticated(request);
    } catch (err) {
      // The host discovery named may have moved: ask discovery again next time.
      if (!signal?.aborted) discoveryCache.delete(this.cacheKey);
      throw err;
    }
    if (res.status >= 400) {
      const { code, message } = serviceErrorOf(res);
      throw new AzureRequestError(`${code}: ${message}`, res.status, { code, serviceMessage: message });
    }
    return JSON.parse(res.bodyAsText ?? '{}') as T;
  }

  private async url(path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<string> {
    const q = new URLSearchParams({ 'api-version': RUN_HISTORY_API_VERSION, ...query });
    return `${await this.base(signal)}${path}?${q}`;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<HistoryRun> {
    return this.get(await this.url(`/runs/${encodeURIComponent(runId)}`, {}, signal), signal);
  }

  async getDetails(runId: string, signal?: AbortSignal): Promise<HistoryRunDetails> {
    return this.get(await this.url(`/runs/${encodeURIComponent(runId)}/details`, {}, signal), signal);
  }

  /**
   * Every child of a run, across pages: a `nextLink` is followed as it is; otherwise a `continuationToken`
   * is sent back as `$continuationtoken` on the same request. Stops at `max` children.
   */
  async listChildren(runId: string, max = 5000, signal?: AbortSignal): Promise<HistoryRun[]> {
    const first = await this.url(`/runs/${encodeURIComponent(runId)}/children`, {}, signal);
    const out: HistoryRun[] = [];
    const seen = new Set<string>();
    let next: string | undefined = first;
    while (next && out.length < max) {
      const page: PaginatedRunList = await this.get<PaginatedRunList>(next, signal);
      out.push(...(page.value ?? []));
      const token = page.continuationToken || undefined;
      next = page.nextLink || (token ? withQuery(first, '$continuationtoken', token) : undefined);
      if (next && seen.has(next)) break; // a service repeating itself must not loop forever
      if (next) seen.add(next);
    }
    return out.slice(0, max);
  }

  /**
   * Bytes of a log file from `offset` on, with a plain GET of its SAS URL and `Range: bytes=offset-`. A file
   * that does not exist yet reads as empty (as the CLI treats a 404); past its end (416) as nothing new.
   */
  async readLog(url: string, offset: number, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.sendPlain(url, offset > 0 ? { range: `bytes=${offset}-` } : {}, signal, true);
    if (res.status === 404 || res.status === 416) return Buffer.alloc(0);
    if (res.status >= 400)
      throw new AzureRequestError(`Reading a log file answered HTTP ${res.status}.`, res.status, { code: `HTTP${res.status}` });
    const bytes = await readAll(res);
    // A server that ignores Range sends the whole file: keep only what is new.
    return res.status === 206 || offset === 0 ? bytes : bytes.subarray(Math.min(offset, bytes.length));
  }

  private sendPlain(url: string, headers: Record<string, string>, signal?: AbortSignal, stream = false): Promise<PipelineResponse> {
    const request = createPipelineRequest({ url, method: 'GET', abortSignal: signal, headers: createHttpHeaders(headers) });
    if (stream) request.streamResponseStatusCodes = new Set([200, 206]);
    return this.transport.sendPlain(request);
  }
}

function withQuery(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

async function readAll(res: PipelineResponse): Promise<Buffer> {
  const stream = res.readableStreamBody;
  if (!stream) return Buffer.from(res.bodyAsText ?? '', 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return Buffer.concat(chunks);
}

/** Length of the longest prefix of `bytes` that ends on a whole UTF-8 character. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  // Look back over at most 3 continuation bytes for the start of the last character.
  for (let i = n - 1, back = 0; i >= 0 && back < 4; i--, back++) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n - i >= need ? n : i;
  }
  return n;
}

/**
 * The log files worth showing, in the CLI's order of preference: rank 0's `user_logs/std_log*.txt`; else, by
 * kind of run, the pipeline's `logs/azureml/executionlogs.txt` or a classic run's `azureml-logs/NN_*.txt`.
 */
export function logFilesToFollow(logFiles: Record<string, string> | null | undefined): string[] {
  const names = Object.keys(logFiles ?? {}).sort();
  const user = names.filter((n) => /^user_logs\/std_log[\D]*[0]*(?:_ps)?\.txt$/.test(n));
  if (user.length) return user;
  const execution = names.filter((n) => n === 'logs/azureml/executionlogs.txt');
  if (execution.length) return execution;
  return names.filter((n) => /^azureml-logs\/\d{2}.+\.txt$/.test(n));
}
