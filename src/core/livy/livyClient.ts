/**
 * The Livy data plane of one Spark pool through the official SDK (`@azure/synapse-spark` SparkClient),
 * with the catalog's credential, Synapse scope and HttpClient, so retry, throttling, TLS and auth are the
 * same as every other Azure call. Converts the SDK's generated shapes to ./types.
 */
import * as l10n from '@vscode/l10n';
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { FullOperationResponse, OperationOptions } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { SparkClient, type SparkBatchJob, type SparkBatchJobOptions, type SparkSession, type SparkStatement } from '@azure/synapse-spark';
import type {
  LivySessionInfo,
  LivyStatementInfo,
  SessionRequest,
  SparkJobData,
  SparkStageData,
  StatementKind,
  StatementOutput,
} from './types';
import type { HttpStack } from '../http/httpStack';
import { AzureRequestError } from '../http/errors';
import { describeError } from '../util/errors';
import { retryAfterMs } from '../util/retry';

export { isNotFound } from '../http/errors';

export const LIVY_API_VERSION = '2019-11-01-preview';
/**
 * The Livy version under which Synapse passes Spark's monitoring REST API through (the one Microsoft's
 * docs and clients use), whatever version the statement calls use.
 */
export const SPARK_MONITORING_API_VERSION = '2019-11-01-preview';

/** What the session and statement code needs from Livy; a fake can stand in for it in unit tests. */
export interface LivyApi {
  createSession(request: SessionRequest, signal?: AbortSignal): Promise<LivySessionInfo>;
  getSession(id: number, signal?: AbortSignal): Promise<LivySessionInfo>;
  listSessions(signal?: AbortSignal): Promise<LivySessionInfo[]>;
  deleteSession(id: number, signal?: AbortSignal): Promise<void>;
  resetTimeout(id: number, signal?: AbortSignal): Promise<void>;
  createStatement(sessionId: number, code: string, kind: StatementKind, signal?: AbortSignal): Promise<LivyStatementInfo>;
  /** The statement, and the wait the service asked for (Retry-After), if any. */
  getStatement(
    sessionId: number,
    statementId: number,
    signal?: AbortSignal,
  ): Promise<{ statement: LivyStatementInfo; retryAfterMs?: number }>;
  cancelStatement(sessionId: number, statementId: number, signal?: AbortSignal): Promise<void>;
  /** The Spark jobs of the session's application (newest first), through the Livy pass-through to Spark's REST API. */
  getSparkJobs(sessionId: number, appId: string, signal?: AbortSignal): Promise<SparkJobData[]>;
  /** The application's stage attempts (no tasks), optionally only those with a status (e.g. `active`). */
  getSparkStages(
    sessionId: number,
    appId: string,
    status?: 'active' | 'complete' | 'pending' | 'failed',
    signal?: AbortSignal,
  ): Promise<SparkStageData[]>;
}

export interface LivyEndpoint {
  /** The Synapse workspace's `connectivityEndpoints.dev`. */
  devEndpoint: string;
  poolName: string;
}

export interface LivyConnection {
  credential: TokenCredential;
  /** e.g. https://dev.azuresynapse.net/.default, from the environment. */
  scope: string;
  httpClient: HttpClient;
  /** The HTTP stack every Azure call shares (retry with capped Retry-After, concurrency limit, request log). */
  stack?: HttpStack;
}

/** The longest Retry-After a Livy call waits out; a longer one fails the call at once (AzureRequestError.retryAfterMs). */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Thrown by retryAfterCap; not a RestError, so the SDK's retry policy passes it through instead of sleeping. */
class RetryAfterTooLongError extends Error {
  constructor(
    readonly statusCode: number,
    readonly retryAfterMs: number,
    readonly bodyText: string,
  ) {
    super(`HTTP ${statusCode} with Retry-After ${Math.round(retryAfterMs / 1000)} s`);
  }
}

/**
 * The SDK's retry policy sleeps whatever Retry-After a 429/503 asks (three times), so a throttled call could
 * hold a cell silent for minutes. Inside each try, a wait over MAX_RETRY_AFTER_MS fails the call at once.
 */
const retryAfterCap: PipelinePolicy = {
  name: 'livyRetryAfterCap',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status === 429 || response.status === 503) {
      const ms = retryAfterMs(response);
      if (ms !== undefined && ms > MAX_RETRY_AFTER_MS) throw new RetryAfterTooLongError(response.status, ms, response.bodyAsText ?? '');
    }
    return response;
  },
};

/**
 * The credential, asking for a newly issued token on its first call: a token the service refused (expired
 * early, revoked, clock skew) may still look valid to the credential's own cache, which would hand it out
 * again. The claims request (`nbf` = now) is how a token "issued after now" is asked for; it bypasses the cache.
 */
function freshTokenCredential(credential: TokenCredential): TokenCredential {
  let first = true;
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      if (!first || options?.claims) return credential.getToken(scopes, options);
      first = false;
      const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: String(Math.floor(Date.now() / 1000)) } } });
      return credential.getToken(scopes, { ...options, claims });
    },
  };
}

/** The code and message of a Livy/Synapse error body (`{code, message}` or `{error: {code, message}}`); undefined for other text. */
export function parseErrorBody(body: string): { code?: string; message?: string } | undefined {
  const text = body.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    const o = parsed as Record<string, unknown>;
    const inner = o.error && typeof o.error === 'object' ? (o.error as Record<string, unknown>) : o;
    const code = typeof inner.code === 'string' && inner.code.trim() ? inner.code.trim() : undefined;
    const message =
      typeof inner.message === 'string' && inner.message.trim()
        ? inner.message.trim()
        : typeof inner.msg === 'string' && inner.msg.trim()
          ? inner.msg.trim()
          : undefined;
    return code || message ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user-facing text of a failed Livy call: `Could not <what> on pool '<pool>' (HTTP <status>): <code>: <message>`
 * from a JSON body (a plain-text body as it is, trimmed), plus the next step when the failure is transient.
 */
export function formatLivyError(what: string, poolName: string, status: number | undefined, body: string): string {
  const parsed = parseErrorBody(body);
  const detail = parsed ? [parsed.code, parsed.message].filter(Boolean).join(': ') : body.trim();
  let text =
    status !== undefined
      ? l10n.t("Could not {0} on pool '{1}' (HTTP {2})", what, poolName, status)
      : l10n.t("Could not {0} on pool '{1}'", what, poolName);
  text += detail ? `: ${detail}` : '.';
  if (status !== undefined && (status === 429 || status >= 500)) {
    text = `${text.replace(/[.\s]+$/, '')}. ${l10n.t('Try again; if it persists, check the pool in Synapse Studio.')}`;
  }
  return text;
}

export class SdkLivyClient implements LivyApi {
  private client: SparkClient;

  constructor(
    readonly endpoint: LivyEndpoint,
    private readonly connection: LivyConnection,
  ) {
    this.client = this.newClient();
  }

  /**
   * A client with its own token cache (the SDK's bearer policy keeps a token until it nears expiry); with
   * `freshToken`, its first token is newly issued rather than taken from the credential's cache.
   */
  private newClient(freshToken = false): SparkClient {
    const credential = freshToken ? freshTokenCredential(this.connection.credential) : this.connection.credential;
    const client = new SparkClient(credential, this.endpoint.devEndpoint.replace(/\/+$/, ''), this.endpoint.poolName, {
      credentialScopes: [this.connection.scope],
      httpClient: this.connection.httpClient,
      livyApiVersion: LIVY_API_VERSION,
      additionalPolicies: [{ policy: retryAfterCap, position: 'perRetry' }],
    });
    this.connection.stack?.configure(client.pipeline, { label: 'Livy', retry: { maxRetryAfterMs: MAX_RETRY_AFTER_MS } });
    return client;
  }

  createSession(request: SessionRequest, signal?: AbortSignal): Promise<LivySessionInfo> {
    return this.call('create a Spark session', async () =>
      toSession(
        await this.client.sparkSessionOperations.createSparkSession(
          {
            name: request.name,
            tags: request.tags,
            driverMemory: request.driverMemory,
            driverCores: request.driverCores,
            executorMemory: request.executorMemory,
            executorCores: request.executorCores,
            executorCount: request.numExecutors,
            configuration: request.conf,
            jars: request.jars,
            pythonFiles: request.pyFiles,
            files: request.files,
            archives: request.archives,
          },
          { detailed: true, abortSignal: signal },
        ),
      ),
    );
  }

  getSession(id: number, signal?: AbortSignal): Promise<LivySessionInfo> {
    return this.call(l10n.t('read Spark session {0}', id), async () =>
      toSession(await this.client.sparkSessionOperations.getSparkSession(id, { detailed: true, abortSignal: signal })),
    );
  }

  listSessions(signal?: AbortSignal): Promise<LivySessionInfo[]> {
    return this.call('list Spark sessions', async () => {
      const all: LivySessionInfo[] = [];
      for (let from = 0; ;) {
        const page = await this.client.sparkSessionOperations.getSparkSessions({
          detailed: true,
          fromParam: from,
          size: 20,
          abortSignal: signal,
        });
        const sessions = page.sessions ?? [];
        all.push(...sessions.map(toSession));
        from += sessions.length;
        if (sessions.length === 0 || from >= page.total) return all;
      }
    });
  }

  deleteSession(id: number, signal?: AbortSignal): Promise<void> {
    return this.call(l10n.t('delete Spark session {0}', id), () =>
      this.client.sparkSessionOperations.cancelSparkSession(id, { abortSignal: signal }),
    );
  }

  resetTimeout(id: number, signal?: AbortSignal): Promise<void> {
    return this.call(l10n.t('keep Spark session {0} alive', id), () =>
      this.client.sparkSessionOperations.resetSparkSessionTimeout(id, { abortSignal: signal }),
    );
  }

  createStatement(sessionId: number, code: string, kind: StatementKind, signal?: AbortSignal): Promise<LivyStatementInfo> {
    return this.call(l10n.t('submit a statement to Spark session {0}', sessionId), async () =>
      toStatement(await this.client.sparkSessionOperations.createSparkStatement(sessionId, { code, kind }, { abortSignal: signal })),
    );
  }

  getStatement(
    sessionId: number,
    statementId: number,
    signal?: AbortSignal,
  ): Promise<{ statement: LivyStatementInfo; retryAfterMs?: number }> {
    let askedWaitMs: number | undefined;
    const options: OperationOptions = {
      abortSignal: signal,
      onResponse: (raw: FullOperationResponse) => {
        askedWaitMs = retryAfterMs(raw);
      },
    };
    return this.call(l10n.t('read statement {0} of Spark session {1}', statementId, sessionId), async () => {
      const statement = toStatement(await this.client.sparkSessionOperations.getSparkStatement(sessionId, statementId, options));
      return { statement, retryAfterMs: askedWaitMs };
    });
  }

  cancelStatement(sessionId: number, statementId: number, signal?: AbortSignal): Promise<void> {
    return this.call(l10n.t('cancel statement {0} of Spark session {1}', statementId, sessionId), async () => {
      await this.client.sparkSessionOperations.cancelSparkStatement(sessionId, statementId, { abortSignal: signal });
    });
  }

  /** Spark batch jobs ("Run Python File on Spark Pool") on the same client: one Livy client per pool. */
  createBatch(options: SparkBatchJobOptions, signal?: AbortSignal): Promise<SparkBatchJob> {
    return this.call('submit the Spark batch', () =>
      this.client.sparkBatch.createSparkBatchJob(options, { detailed: true, abortSignal: signal }),
    );
  }

  getBatch(id: number, signal?: AbortSignal): Promise<SparkBatchJob> {
    return this.call(l10n.t('read Spark batch {0}', id), () =>
      this.client.sparkBatch.getSparkBatchJob(id, { detailed: true, abortSignal: signal }),
    );
  }

  cancelBatch(id: number, signal?: AbortSignal): Promise<void> {
    return this.call(l10n.t('cancel Spark batch {0}', id), () => this.client.sparkBatch.cancelSparkBatchJob(id, { abortSignal: signal }));
  }

  getSparkJobs(sessionId: number, appId: string, signal?: AbortSignal): Promise<SparkJobData[]> {
    return this.call(l10n.t('read the Spark jobs of session {0}', sessionId), () =>
      this.sparkApi<SparkJobData[]>(sessionId, appId, '/jobs', signal),
    );
  }

  getSparkStages(
    sessionId: number,
    appId: string,
    status?: 'active' | 'complete' | 'pending' | 'failed',
    signal?: AbortSignal,
  ): Promise<SparkStageData[]> {
    return this.call(l10n.t('read the Spark stages of session {0}', sessionId), () =>
      this.sparkApi<SparkStageData[]>(sessionId, appId, `/stages${status ? `?status=${status}` : ''}`, signal),
    );
  }

  /**
   * GET on Spark's monitoring REST API of the session's application through Synapse's Livy pass-through,
   * through the SDK client's own pipeline (same credential, scope, retry and HttpClient as every Livy call).
   */
  private async sparkApi<T>(sessionId: number, appId: string, suffix: string, signal?: AbortSignal): Promise<T> {
    const base =
      `${this.endpoint.devEndpoint.replace(/\/+$/, '')}/livyApi/versions/${SPARK_MONITORING_API_VERSION}` +
      `/sparkPools/${encodeURIComponent(this.endpoint.poolName)}/sessions/${sessionId}/applications/${encodeURIComponent(appId)}`;
    const response = await this.client.sendRequest(
      createPipelineRequest({
        url: `${base}${suffix}`,
        method: 'GET',
        abortSignal: signal,
        headers: createHttpHeaders({ accept: 'application/json' }),
      }),
    );
    const text = response.bodyAsText ?? '';
    if (response.status < 200 || response.status >= 300) {
      throw Object.assign(new Error(text.trim() || `HTTP ${response.status}`), {
        statusCode: response.status,
        response: { bodyAsText: text },
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw Object.assign(new Error(`The Spark monitoring API answered something other than JSON: ${text.slice(0, 200)}`), {
        statusCode: response.status,
      });
    }
  }

  private async call<T>(what: string, action: () => Promise<T>, retriedAuth = false): Promise<T> {
    try {
      return await action();
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      if ((err as { statusCode?: number }).statusCode === 401) {
        // A refused token (revoked, expired early, another tenant's) must not stay cached for the window's life:
        // drop it with the client's policy and ask once more with a freshly requested one.
        this.client = this.newClient(true);
        if (!retriedAuth) return this.call(what, action, true);
        throw new AzureRequestError(
          l10n.t(
            "Could not {0} on pool '{1}': the Synapse workspace refused the sign-in (HTTP 401), also with a fresh token. Sign in again ({2}), then try again.",
            what,
            this.endpoint.poolName,
            'Synapse Spark: Sign In',
          ),
          401,
          { cause: err, code: 'Unauthorized' },
        );
      }
      if (err instanceof RetryAfterTooLongError) {
        const parsed = parseErrorBody(err.bodyText);
        throw new AzureRequestError(formatLivyError(what, this.endpoint.poolName, err.statusCode, err.bodyText), err.statusCode, {
          cause: err,
          code: parsed?.code,
          serviceMessage: parsed?.message,
          retryAfterMs: err.retryAfterMs,
        });
      }
      const status = (err as { statusCode?: number }).statusCode;
      const bodyText = (err as { response?: { bodyAsText?: string | null } }).response?.bodyAsText;
      const detail = bodyText && parseErrorBody(bodyText) ? bodyText : describeError(err);
      const parsed = parseErrorBody(detail);
      throw new AzureRequestError(formatLivyError(what, this.endpoint.poolName, status, detail), status, {
        cause: err,
        code: parsed?.code,
        serviceMessage: parsed?.message,
      });
    }
  }
}

export function toSession(s: SparkSession): LivySessionInfo {
  const appInfo = s.appInfo ?? {};
  const r = s.livyInfo?.jobCreationRequest;
  // Back to Livy's key names (the SDK renames conf, pyFiles and numExecutors).
  const request = r
    ? dropUndefined({
        name: r.name,
        driverMemory: r.driverMemory,
        driverCores: r.driverCores,
        executorMemory: r.executorMemory,
        executorCores: r.executorCores,
        numExecutors: r.executorCount,
        conf: r.configuration,
        jars: r.jars,
        pyFiles: r.pythonFiles,
        files: r.files,
        archives: r.archives,
      })
    : undefined;
  return {
    id: s.id,
    name: s.name,
    state: s.state ?? 'not_started',
    appId: s.appId ?? undefined,
    sparkUiUrl: appInfo.sparkUiUrl ?? undefined,
    driverLogUrl: appInfo.driverLogUrl ?? undefined,
    submitterName: s.submitterName,
    result: s.result,
    tags: s.tags ?? {},
    log: s.logLines ?? [],
    errors: (s.errors ?? []).map((e) => ({ errorCode: e.errorCode, message: e.message })),
    submittedAt: s.scheduler?.submittedAt,
    request,
    coldStart: {
      submittedAt: s.scheduler?.submittedAt,
      scheduledAt: s.scheduler?.scheduledAt,
      endedAt: s.scheduler?.endedAt,
      schedulerState: s.scheduler?.currentState,
      preparationStartedAt: s.plugin?.preparationStartedAt,
      resourceAcquisitionStartedAt: s.plugin?.resourceAcquisitionStartedAt,
      submissionStartedAt: s.plugin?.submissionStartedAt,
      monitoringStartedAt: s.plugin?.monitoringStartedAt,
      cleanupStartedAt: s.plugin?.cleanupStartedAt,
      pluginState: s.plugin?.currentState,
    },
  };
}

export function toStatement(s: SparkStatement): LivyStatementInfo {
  return { id: s.id, state: s.state ?? 'waiting', output: s.output ? toOutput(s.output) : undefined };
}

function toOutput(o: NonNullable<SparkStatement['output']>): StatementOutput {
  if (o.status === 'error') {
    return {
      status: 'error',
      executionCount: o.executionCount,
      ename: o.errorName ?? 'Error',
      evalue: o.errorValue ?? '',
      traceback: o.traceback ?? [],
    };
  }
  return { status: 'ok', executionCount: o.executionCount, data: o.data ?? {} };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
