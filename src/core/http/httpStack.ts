/**
 * The one HTTP stack every Azure call goes through (ARM and Azure ML through their SDK clients, raw ARM
 * requests, run history, Livy through the Synapse SDK, unauthenticated reads of log files): the trusting
 * HttpClient, our retry rules in place of each SDK's default (Retry-After honoured up to a cap, see
 * util/retry), a shared concurrency limit, a per-request timeout, and a log line per request (method, path
 * without query, status, time; never headers, bodies or tokens). Cancellation is the request's abort signal,
 * which every layer passes down (waits in the limiter and the retry end with it too).
 */
import { createPipelineFromOptions, retryPolicy, type HttpClient, type Pipeline, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { ConcurrencyLimiter } from '../util/concurrency';
import type { Logger } from '../util/logger';
import { armRetryStrategy, DEFAULT_RETRY, type RetrySettings } from '../util/retry';

export interface HttpStackOptions {
  httpClient: HttpClient;
  log: Logger;
  /** Requests in flight at once across every client of this stack. */
  concurrency?: number;
  retry?: Partial<RetrySettings>;
  /** A request without an answer after this long fails (and is retried as a network failure). */
  timeoutMs?: number;
}

/** Per-client differences: how it names itself in the log and, for Livy, a shorter Retry-After cap. */
export interface StackUse {
  label: string;
  retry?: Partial<RetrySettings>;
}

const USER_AGENT_PREFIX = 'azureml-synapse-spark';
const DEFAULT_TIMEOUT_MS = 120_000;
/** The SDKs' own retry policies, replaced by ours. */
const SDK_RETRY_POLICIES = ['defaultRetryPolicy', 'exponentialRetryPolicy', 'throttlingRetryPolicy', 'systemErrorRetryPolicy'];

export class HttpStack {
  readonly httpClient: HttpClient;
  readonly limiter: ConcurrencyLimiter;
  readonly retry: RetrySettings;
  /** Requests sent (each attempt), for tests and the benchmarks. */
  requestCount = 0;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpStackOptions) {
    this.httpClient = options.httpClient;
    this.limiter = new ConcurrencyLimiter(options.concurrency ?? 8);
    this.retry = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get userAgentPrefix(): string {
    return USER_AGENT_PREFIX;
  }

  /** Puts a client's pipeline (an SDK client's, or one of ours) on this stack: our retry, the limit, the log. */
  configure(pipeline: Pipeline, use: StackUse): void {
    for (const name of SDK_RETRY_POLICIES) pipeline.removePolicy({ name });
    const retry = { ...this.retry, ...(use.retry ?? {}) };
    const log = this.options.log;
    const strategy = armRetryStrategy(retry, (reason, ms, url) =>
      log.info(`${use.label} retry in ${ms} ms (${reason}): ${url ? pathOf(url) : ''}`),
    );
    pipeline.addPolicy(retryPolicy([strategy], { maxRetries: retry.maxRetries }), { phase: 'Retry' });
    pipeline.addPolicy(this.wirePolicy(use.label), { afterPhase: 'Sign' });
  }

  /** A pipeline with no credential (discovery documents, SAS URLs), on this stack. */
  plainPipeline(use: StackUse): Pipeline {
    const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX } });
    this.configure(pipeline, use);
    return pipeline;
  }

  private wirePolicy(label: string): PipelinePolicy {
    return {
      name: 'synapseSparkWire',
      sendRequest: (request, next) =>
        this.limiter.run(
          async () => {
            this.requestCount++;
            if (!request.timeout) request.timeout = this.timeoutMs;
            const started = Date.now();
            try {
              const res = await next(request);
              this.options.log.debug(`${label} ${request.method} ${pathOf(request.url)} -> ${res.status} (${Date.now() - started} ms)`);
              return res;
            } catch (e) {
              this.options.log.debug(
                `${label} ${request.method} ${pathOf(request.url)} -> ${(e as Error).message} (${Date.now() - started} ms)`,
              );
              throw e;
            }
          },
          request.abortSignal as AbortSignal | undefined,
        ),
    };
  }
}

/** The URL without query string: api-version and skip tokens add noise, and query strings may carry secrets (SAS). */
export function pathOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
