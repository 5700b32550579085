/**
 * What submit and the run view need from one Azure ML workspace: the default datastore and its key, code
 * and component versions, computes, and jobs (PUT, GET, list, children, cancel, step logs). Operations the
 * SDK types well go through @azure/arm-machinelearning; job bodies (Spark jobs and pipeline nodes are
 * newer than the SDK's models) go as raw JSON through the same client pipeline, so auth, retry and the
 * environment's CA trust stay the same for every call.
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { ArmAccess } from '../model/armAccess';
import type { AmlWorkspaceRef } from '../model/sparkTargets';
import { UserFacingError } from '../util/errors';
import type { WorkspaceRef } from '../pipelines/rest/armIds';

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

export class ArmRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ArmRequestError';
  }
}

export function workspaceRefOf(ws: AmlWorkspaceRef): WorkspaceRef {
  return { subscriptionId: ws.subscriptionId, resourceGroup: ws.resourceGroup, workspaceName: ws.name };
}

export class AmlWorkspaceClient {
  readonly client: AzureMachineLearningWorkspaces;
  private readonly endpoint: string;

  constructor(readonly arm: ArmAccess, readonly workspace: AmlWorkspaceRef) {
    this.endpoint = arm.resourceManagerEndpoint().replace(/\/$/, '');
    this.client = new AzureMachineLearningWorkspaces(arm.credentialFor(workspace), workspace.subscriptionId, {
      endpoint: this.endpoint,
      credentialScopes: [arm.resourceManagerScope()],
      httpClient: arm.httpClient(),
    });
  }

  get ref(): WorkspaceRef {
    return workspaceRefOf(this.workspace);
  }

  private get rg(): string {
    return this.workspace.resourceGroup;
  }

  async defaultDatastore(signal?: AbortSignal): Promise<DatastoreInfo> {
    const ds = await this.client.datastores.get(this.rg, this.workspace.name, 'workspaceblobstore', { abortSignal: signal });
    const p = ds.properties as unknown as Record<string, string>;
    if (p.datastoreType !== 'AzureBlob') {
      throw new UserFacingError(`The default datastore of ${this.workspace.name} is not an Azure Blob datastore.`);
    }
    return { name: ds.name ?? 'workspaceblobstore', accountName: p.accountName, containerName: p.containerName, endpoint: p.endpoint ?? 'core.windows.net', protocol: p.protocol ?? 'https' };
  }

  async datastoreAccountKey(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const secrets = (await this.client.datastores.listSecrets(this.rg, this.workspace.name, name, { abortSignal: signal })) as unknown as { key?: string };
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
    const v = await this.client.codeVersions.createOrUpdate(this.rg, this.workspace.name, name, version, { properties: { codeUri, isAnonymous: true } }, { abortSignal: signal });
    return v.id!;
  }

  async putComponentVersion(name: string, version: string, body: { properties: { componentSpec: Record<string, unknown>; isAnonymous?: boolean } }, signal?: AbortSignal): Promise<string> {
    const v = await this.client.componentVersions.createOrUpdate(this.rg, this.workspace.name, name, version, body, { abortSignal: signal });
    return v.id!;
  }

  /** `azureml:name@latest` (and `azureml:name`): the container's latest version. */
  async latestComponentVersion(name: string, signal?: AbortSignal): Promise<string> {
    const c = await this.client.componentContainers.get(this.rg, this.workspace.name, name, { abortSignal: signal });
    const latest = c.properties.latestVersion;
    if (!latest) throw new UserFacingError(`Component '${name}' has no versions in ${this.workspace.name}.`);
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
      let code = `HTTP${res.status}`;
      let message = res.bodyAsText ?? '';
      try {
        const err = JSON.parse(res.bodyAsText ?? '{}').error;
        code = err?.code ?? code;
        message = err?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ArmRequestError(res.status, code, `${code}: ${message}`);
    }
    return res;
  }

  async putJob(name: string, body: unknown, signal?: AbortSignal): Promise<AmlJob> {
    return JSON.parse((await this.send('PUT', this.jobsUrl(`/${encodeURIComponent(name)}`), body, signal)).bodyAsText ?? '{}');
  }

  async getJob(name: string, signal?: AbortSignal): Promise<AmlJob> {
    return JSON.parse((await this.send('GET', this.jobsUrl(`/${encodeURIComponent(name)}`), undefined, signal)).bodyAsText ?? '{}');
  }

  /** Recent top-level jobs, newest first, up to `max`. */
  async listJobs(max = 50, signal?: AbortSignal): Promise<AmlJob[]> {
    return this.listPaged(this.jobsUrl(), max, signal);
  }

  /**
   * The step (child) jobs of a pipeline. AML serves them through run history; the emulator through
   * `jobs?parentJobName=` (see emulator/README.md). An empty list where neither answers.
   */
  async listChildJobs(pipelineName: string, signal?: AbortSignal): Promise<AmlJob[]> {
    try {
      return await this.listPaged(this.jobsUrl('', { parentJobName: pipelineName }), 500, signal);
    } catch (err) {
      if (err instanceof ArmRequestError && err.status === 400) return [];
      throw err;
    }
  }

  private async listPaged(url: string, max: number, signal?: AbortSignal): Promise<AmlJob[]> {
    const out: AmlJob[] = [];
    let next: string | undefined = url;
    while (next && out.length < max) {
      const page = JSON.parse((await this.send('GET', next, undefined, signal)).bodyAsText ?? '{}') as { value?: AmlJob[]; nextLink?: string };
      out.push(...(page.value ?? []));
      next = page.nextLink ?? undefined;
    }
    return out.slice(0, max);
  }

  /** Requests cancellation (202); the job reaches Canceled on its own, which the monitor sees. */
  async cancelJob(name: string, signal?: AbortSignal): Promise<void> {
    await this.send('POST', this.jobsUrl(`/${encodeURIComponent(name)}/cancel`), undefined, signal);
  }

  /**
   * A job's user log from byte `offset` on (the emulator's `userlogs` extension). `undefined` when the
   * service has no such route (Azure: the log is in studio).
   */
  async readUserLog(jobName: string, offset: number, signal?: AbortSignal): Promise<{ text: string; size: number } | undefined> {
    try {
      const res = await this.send('GET', this.jobsUrl(`/${encodeURIComponent(jobName)}/userlogs`, { offset: String(offset) }), undefined, signal);
      return { text: res.bodyAsText ?? '', size: Number(res.headers.get('x-ms-log-size') ?? offset) };
    } catch (err) {
      if (err instanceof ArmRequestError && (err.status === 404 || err.status === 400)) return undefined;
      throw err;
    }
  }
}
