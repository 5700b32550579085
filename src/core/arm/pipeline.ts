/**
 * Builds every ARM client the same way: the environment's endpoint and `credentialScopes`, on the one HTTP
 * stack (../http/httpStack: the trusting HttpClient, our retry rules, the shared concurrency limit, the
 * request log), which the Azure ML job client, run history and Livy use too.
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { SynapseManagementClient } from '@azure/arm-synapse';
import type { CloudEnvironment } from '../cloud/environments';
import { HttpStack } from '../http/httpStack';
import type { ConcurrencyLimiter } from '../util/concurrency';
import type { Logger } from '../util/logger';
import type { RetrySettings } from '../util/retry';

export interface ArmContextOptions {
  environment: CloudEnvironment;
  httpClient: HttpClient;
  /** Credential for a tenant (the home tenant when undefined). */
  credential: (tenantId?: string) => TokenCredential;
  log: Logger;
  /** Requests in flight at once across every client of this context. */
  concurrency?: number;
  retry?: Partial<RetrySettings>;
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; undefined on the last page. */
  continuationToken?: string;
}

/** One signed-in, configured connection to ARM. Clients are cached per (tenant, subscription). */
export class ArmContext {
  readonly environment: CloudEnvironment;
  readonly httpClient: HttpClient;
  /** The HTTP stack of this connection; every client of it (ARM, Azure ML, run history, Livy) goes through it. */
  readonly stack: HttpStack;
  private readonly synapseClients = new Map<string, SynapseManagementClient>();
  private readonly mlClients = new Map<string, AzureMachineLearningWorkspaces>();
  private readonly rawPipelines = new Map<string, Pipeline>();

  constructor(private readonly options: ArmContextOptions) {
    this.environment = options.environment;
    this.httpClient = options.httpClient;
    this.stack = new HttpStack({
      httpClient: options.httpClient,
      log: options.log,
      concurrency: options.concurrency,
      retry: options.retry,
    });
  }

  get limiter(): ConcurrencyLimiter {
    return this.stack.limiter;
  }

  get retry(): RetrySettings {
    return this.stack.retry;
  }

  /** Requests sent (each attempt), for tests and the benchmark. */
  get requestCount(): number {
    return this.stack.requestCount;
  }

  credential(tenantId?: string): TokenCredential {
    return this.options.credential(tenantId);
  }

  synapse(subscriptionId: string, tenantId?: string): SynapseManagementClient {
    const key = `${tenantId ?? ''}/${subscriptionId}`;
    let c = this.synapseClients.get(key);
    if (!c) {
      c = new SynapseManagementClient(this.credential(tenantId), subscriptionId, this.sdkOptions());
      this.configure(c.pipeline);
      this.synapseClients.set(key, c);
    }
    return c;
  }

  machineLearning(subscriptionId: string, tenantId?: string): AzureMachineLearningWorkspaces {
    const key = `${tenantId ?? ''}/${subscriptionId}`;
    let c = this.mlClients.get(key);
    if (!c) {
      c = new AzureMachineLearningWorkspaces(this.credential(tenantId), subscriptionId, this.sdkOptions());
      this.configure(c.pipeline);
      this.mlClients.set(key, c);
    }
    return c;
  }

  /**
   * Sends one request through the same policies as the SDK clients (for operations the SDKs lack:
   * subscriptions/tenants listing, AML linked services at 2020-09-01-preview). Non-2xx throws RestError
   * with the ARM error code and message, like the SDKs do.
   */
  async send<T = unknown>(req: {
    method: HttpMethods;
    path: string;
    apiVersion?: string;
    body?: unknown;
    tenantId?: string;
    signal?: AbortSignal;
  }): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    let url = /^https:\/\//.test(req.path) ? req.path : `${this.environment.resourceManagerEndpoint}${req.path}`;
    if (req.apiVersion && !/[?&]api-version=/.test(url))
      url += `${url.includes('?') ? '&' : '?'}api-version=${encodeURIComponent(req.apiVersion)}`;
    const request = createPipelineRequest({
      url,
      method: req.method,
      headers: createHttpHeaders(
        req.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ),
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      abortSignal: req.signal,
    });
    const response = await this.raw(req.tenantId).sendRequest(this.httpClient, request);
    const text = response.bodyAsText ?? '';
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status >= 400) {
      const err = body?.error ?? {};
      throw new RestError(String(err.message ?? `HTTP ${response.status}`), {
        code: err.code,
        statusCode: response.status,
        request,
        response,
      });
    }
    return { status: response.status, body: body as T, headers: response.headers.toJSON() };
  }

  /** One page of an ARM list (`{value, nextLink}`) through `send`. */
  async page<T>(
    path: string,
    apiVersion: string,
    continuationToken: string | undefined,
    opts: { tenantId?: string; signal?: AbortSignal } = {},
  ): Promise<Page<T>> {
    const { body } = await this.send<{ value?: T[]; nextLink?: string }>({
      method: 'GET',
      path: continuationToken ?? path,
      apiVersion: continuationToken ? undefined : apiVersion,
      ...opts,
    });
    return { items: body?.value ?? [], continuationToken: body?.nextLink || undefined };
  }

  private raw(tenantId?: string): Pipeline {
    const key = tenantId ?? '';
    let p = this.rawPipelines.get(key);
    if (!p) {
      p = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'azureml-synapse-spark' } });
      p.addPolicy(
        bearerTokenAuthenticationPolicy({ credential: this.credential(tenantId), scopes: this.environment.resourceManagerScope }),
      );
      this.configure(p);
      this.rawPipelines.set(key, p);
    }
    return p;
  }

  private sdkOptions() {
    return {
      endpoint: this.environment.resourceManagerEndpoint,
      $host: this.environment.resourceManagerEndpoint,
      credentialScopes: [this.environment.resourceManagerScope],
      httpClient: this.httpClient,
      userAgentOptions: { userAgentPrefix: 'azureml-synapse-spark' },
    };
  }

  private configure(pipeline: Pipeline): void {
    this.stack.configure(pipeline, { label: 'ARM' });
  }
}
