/**
 * What submit and the run view need from one Azure ML workspace: the default datastore and its key, code
 * and component versions, computes, jobs (PUT, GET, list, cancel) and, through run history, pipeline steps
 * and log files. Operations the
 * SDK types well go through @azure/arm-machinelearning; job bodies (Spark jobs and pipeline nodes are
 * newer than the SDK's models) go as raw JSON through the same client pipeline, so auth, retry and the
 * environment's CA trust stay the same for every call.
 */
import * as l10n from '@vscode/l10n';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { createHttpHeaders, createPipelineRequest, type Pipeline, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { ArmAccess } from '../model/armAccess';
import type { AmlWorkspaceRef } from '../model/sparkTargets';
import { UserFacingError } from '../util/errors';
import type { WorkspaceRef } from '../pipelines/rest/armIds';
import { AzureRequestError, serviceErrorOf } from '../http/errors';
import { RunHistoryClient, type HistoryRun } from './runHistory';

/** The API version of raw job requests: Spark jobs and pipeline Spark nodes need 2023-04-01 or later. */
export const JOBS_API_VERSION = '2024-04-01';

export interface DatastoreInfo {
  name: string;
  accountName: string;
  containerName: string;
  /** `core.windows.net` in Azure; `127.0.0.1:port` (an IP endpoint) for the emulator. */
  endpoint: string;
  protocol: string;
}

export interface AmlJob {
  id: string;
  name: string;
  properties: {
    jobType?: string;
    status?: string;
    displayName?: string;
    experimentName?: string;
    properties?: Record<string, string>;
    jobs?: Record<string, Record<string, unknown>>;
    outputs?: Record<string, { uri?: string | null; jobOutputType?: string }>;
    services?: Record<string, { endpoint?: string | null }>;
    [key: string]: unknown;
  };
  systemData?: { createdAt?: string };
}

export const TERMINAL_STATES = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding']);

export function workspaceRefOf(ws: AmlWorkspaceRef): WorkspaceRef {
  return { subscriptionId: ws.subscriptionId, resourceGroup: ws.resourceGroup, workspaceName: ws.name };
}

export class AmlWorkspaceClient {
  readonly client: AzureMachineLearningWorkspaces;
  private readonly endpoint: string;
  private history: RunHistoryClient | undefined;

  constructor(
    readonly arm: ArmAccess,
    readonly workspace: AmlWorkspaceRef,
  ) {
    this.endpoint = arm.resourceManagerEndpoint().replace(/\/$/, '');
    this.client = new AzureMachineLearningWorkspaces(arm.credentialFor(workspace), workspace.subscriptionId, {
      endpoint: this.endpoint,
      credentialScopes: [arm.resourceManagerScope()],
      httpClient: arm.httpClient(),
    });
    // Job calls share the retry, concurrency limit and request log of every other Azure call.
    arm.httpStack().configure(this.client.pipeline, { label: 'Azure ML' });
  }

  private plainPipeline: Pipeline | undefined;

  /** No credential at all (discovery, log files by SAS URL), on the same HTTP stack. */
  private plain(): Pipeline {
    this.plainPipeline ??= this.arm.httpStack().plainPipeline({ label: 'RunHistory' });
    return this.plainPipeline;
  }

  /** Run history of this workspace (pipeline steps, run details and log files), found through its discovery URL. */
  get runHistory(): RunHistoryClient {
    this.history ??= new RunHistoryClient(
      {
        sendAuthenticated: (request) => this.client.sendRequest(request),
        sendPlain: (request) => this.plain().sendRequest(this.arm.httpClient(), request),
      },
      { id: this.workspace.id, cacheKey: `${this.endpoint}${this.workspace.id}`, discoveryUrl: (signal) => this.discoveryUrl(signal) },
    );
    return this.history;
  }

  private async discoveryUrl(signal?: AbortSignal): Promise<string | undefined> {
    const url = `${this.endpoint}${this.workspace.id}?api-version=${JOBS_API_VERSION}`;
    const ws = JSON.parse((await this.send('GET', url, undefined, signal)).bodyAsText ?? '{}') as {
      properties?: { discoveryUrl?: string };
    };
    return ws.properties?.discoveryUrl || undefined;
  }

  get ref(): WorkspaceRef {
    return workspaceRefOf(this.workspace);
  }

  private get rg(): string {
    return this.workspace.resourceGroup;
  }

  async defaultDatastore(signal?: AbortSignal): Promise<DatastoreInfo> {
    return this.datastore('workspaceblobstore', signal);
  }

  /** A blob datastore of the workspace (where outputs and uploads live). */
  async datastore(name: string, signal?: AbortSignal): Promise<DatastoreInfo> {
    const ds = await this.client.datastores.get(this.rg, this.workspace.name, name, { abortSignal: signal });
    const p = ds.properties as unknown as Record<string, string>;
    if (p.datastoreType !== 'AzureBlob') {
      throw new UserFacingError(l10n.t('The datastore {0} of {1} is not an Azure Blob datastore.', name, this.workspace.name));
    }
    return {
      name: ds.name ?? name,
      accountName: p.accountName,
      containerName: p.containerName,
      endpoint: p.endpoint ?? 'core.windows.net',
      protocol: p.protocol ?? 'https',
    };
  }

  async datastoreAccountKey(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const secrets = (await this.client.datastores.listSecrets(this.rg, this.workspace.name, name, { abortSignal: signal })) as unknown as {
      key?: string;
    };
    return secrets.key;
  }

  /** The code version, or undefined when it does not exist. */
  async getCodeVersion(name: string, version: string, signal?: AbortSignal): Promise<{ id: string; codeUri?: string } | undefined> {
    try {
      const v = await this.client.codeVersions.get(this.rg, this.workspace.name, name, version, { abortSignal: signal });
      return { id: v.id!, codeUri: v.properties.codeUri };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async putCodeVersion(name: string, version: string, codeUri: string, signal?: AbortSignal): Promise<string> {
    const v = await this.client.codeVersions.createOrUpdate(
      this.rg,
      this.workspace.name,
      name,
      version,
      { properties: { codeUri, isAnonymous: true } },
      { abortSignal: signal },
    );
    return v.id!;
  }

  async putComponentVersion(
    name: string,
    version: string,
    body: { properties: { componentSpec: Record<string, unknown>; isAnonymous?: boolean } },
    signal?: AbortSignal,
  ): Promise<string> {
    const v = await this.client.componentVersions.createOrUpdate(this.rg, this.workspace.name, name, version, body, {
      abortSignal: signal,
    });
    return v.id!;
  }

  /** `azureml:name@latest` (and `azureml:name`): the container's latest version. */
  async latestComponentVersion(name: string, signal?: AbortSignal): Promise<string> {
    const c = await this.client.componentContainers.get(this.rg, this.workspace.name, name, { abortSignal: signal });
    const latest = c.properties.latestVersion;
    if (!latest) throw new UserFacingError(l10n.t("Component '{0}' has no versions in {1}.", name, this.workspace.name));
    return latest;
  }

  async computeNames(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    for await (const c of this.client.computeOperations.list(this.rg, this.workspace.name, { abortSignal: signal })) {
      if (c.name) names.push(c.name);
    }
    return names;
  }

  private jobsUrl(suffix = '', query: Record<string, string> = {}): string {
    const ws = `/subscriptions/${this.workspace.subscriptionId}/resourceGroups/${this.rg}/providers/Microsoft.MachineLearningServices/workspaces/${this.workspace.name}`;
    const q = new URLSearchParams({ 'api-version': JOBS_API_VERSION, ...query });
    return `${this.endpoint}${ws}/jobs${suffix}?${q}`;
  }

  private async send(method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<PipelineResponse> {
    const request = createPipelineRequest({
      url,
      method,
      abortSignal: signal,
      headers: createHttpHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const res = await this.client.sendRequest(request);
    if (res.status >= 400) {
      const { code, message } = serviceErrorOf(res);
      throw new AzureRequestError(`${code}: ${message}`, res.status, { code, serviceMessage: message });
    }
    return res;
  }

  async putJob(name: string, body: unknown, signal?: AbortSignal): Promise<AmlJob> {
    return JSON.parse((await this.send('PUT', this.jobsUrl(`/${encodeURIComponent(name)}`), body, signal)).bodyAsText ?? '{}');
  }

  /**
   * A job by name. ARM answers a pipeline step (child) with a stub without `properties`; as azure-ai-ml does,
   * that job then comes from run history.
   */
  async getJob(name: string, signal?: AbortSignal): Promise<AmlJob> {
    const job = JSON.parse(
      (await this.send('GET', this.jobsUrl(`/${encodeURIComponent(name)}`), undefined, signal)).bodyAsText ?? '{}',
    ) as AmlJob;
    if (job.properties) return job;
    return jobFromRun(job.id ?? name, await this.runHistory.getRun(name, signal));
  }

  /** Recent top-level jobs, newest first, up to `max`. */
  async listJobs(max = 50, signal?: AbortSignal): Promise<AmlJob[]> {
    return this.listPaged(this.jobsUrl(), max, signal);
  }

  private async listPaged(url: string, max: number, signal?: AbortSignal): Promise<AmlJob[]> {
    const out: AmlJob[] = [];
    let next: string | undefined = url;
    while (next && out.length < max) {
      const page = JSON.parse((await this.send('GET', next, undefined, signal)).bodyAsText ?? '{}') as {
        value?: AmlJob[];
        nextLink?: string;
      };
      out.push(...(page.value ?? []));
      next = page.nextLink ?? undefined;
    }
    return out.slice(0, max);
  }

  /** Requests cancellation (202) of a job or one pipeline step; it reaches Canceled on its own, which the monitor sees. */
  async cancelJob(name: string, signal?: AbortSignal): Promise<void> {
    await this.send('POST', this.jobsUrl(`/${encodeURIComponent(name)}/cancel`), undefined, signal);
  }
}

/** A run history run as the job shape the rest of the extension reads (how azure-ai-ml shows a pipeline child). */
export function jobFromRun(id: string, run: HistoryRun): AmlJob {
  return {
    id,
    name: run.runId,
    properties: {
      status: run.status ?? undefined,
      displayName: run.displayName ?? undefined,
      properties: run.properties ?? undefined,
    },
  };
}
