/**
 * Runs submitted jobs locally. A pipeline's steps run in dependency order (inputs bound to
 * `${{parent.jobs.<step>.outputs.<name>}}`), each as a child run (a GUID run id, `displayName` = the node key)
 * that RunHistory lists under `runs/<pipeline>/children`; spark steps run their entry file with spark-submit on
 * the emulator's Spark engine (in the Synapse workspace of the step's attached pool), command steps their
 * command with /bin/sh. Outputs are folders under `<dataDir>/jobs/<pipeline>/`, uploaded when a step ends to
 * the default datastore at `azureml/<runId>/<output>/` (Azure ML's default output path). Statuses:
 * NotStarted -> Queued -> Running -> Completed | Failed | Canceled. Cancel (of the pipeline or of one step)
 * kills the process groups. A step failure cancels its dependants (azureml.continue_on_step_failure = False).
 * The pipeline's own orchestration log is `logs/azureml/executionlogs.txt` in its folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorContext } from '../context';
import { boundCompute, dependencyOrder, stepDependencies, TERMINAL_JOB_STATES, type JobRunner } from '../arm/jobs';
import { nowIso, TYPES } from '../arm/resources';
import type { ArmBody, StoredResource } from '../state/store';
import { AZURITE_ACCOUNT, downloadPrefix, uploadPath } from '../storage/azurite';
import { parseBigDataPoolId } from '../arm/ids';
import { PIPELINE_LOG, runDir, type RunLogs } from '../runhistory/logs';

type Step = Record<string, unknown>;

/** The default datastore Azure ML writes job outputs to unless an output names its own path. */
export const DEFAULT_DATASTORE = 'workspaceblobstore';
const DATASTORE_URI = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.+?)\/*$/;

interface Run {
  canceled: boolean;
  processes: Set<ChildProcess>;
  done: Promise<void>;
  /** The pipeline run a step run belongs to (its cancel cancels the step). */
  parent?: Run;
  /** A pipeline's step runs, by child run id (lower case). */
  steps?: Map<string, Run>;
}

/** Where a finished step's local output folder goes on a datastore. */
interface OutputUpload {
  name: string;
  dir: string;
  datastore: string;
  path: string;
  /** The pipeline-level output this step output is bound to, if any. */
  parentOutput?: string;
  /** The user named this path (a file output then goes exactly there). */
  explicit: boolean;
}

function isCanceled(run: Run): boolean {
  return run.canceled || Boolean(run.parent?.canceled);
}

/** `[2026-12-07 11:45:38Z]`, the time stamp of Azure ML's execution logs. */
function logStamp(d = new Date()): string {
  return `[${d.toISOString().slice(0, 19).replace('T', ' ')}Z]`;
}

export class PipelineRunner implements JobRunner {
  private readonly runs = new Map<string, Run>();
  /** Runs of pipeline steps, by child run id (lower case), so one step can be canceled alone. */
  private readonly stepRuns = new Map<string, Run>();

  constructor(
    private readonly ctx: EmulatorContext,
    _livy?: unknown,
    private readonly logs?: RunLogs,
  ) {}

  /** Jobs left running by an earlier process cannot be resumed: they end Failed, as a lost node would. */
  recover(): void {
    for (const r of Object.values(this.ctx.store.data.resources)) {
      if (r.type === TYPES.job && !TERMINAL_JOB_STATES.has(String(r.body.properties.status))) {
        r.body.properties.status = r.body.properties.status === 'CancelRequested' ? 'Canceled' : 'Failed';
        (r.meta ??= {}).endTimeUtc = nowIso();
        if (r.body.properties.status === 'Failed') r.meta.error ??= 'The emulator stopped while the run was in progress.';
        this.ctx.store.changed();
      }
    }
  }

  start(jobId: string): void {
    const run: Run = { canceled: false, processes: new Set(), done: Promise.resolve() };
    run.done = this.execute(jobId, run).catch((e) => {
      const message = e instanceof Error ? e.message : String(e);
      this.ctx.log(`job ${jobId} failed in the runner: ${message}`);
      const job = this.ctx.store.get(jobId);
      if (job && !run.canceled) (job.meta ??= {}).error ??= message;
      this.setStatus(job, run.canceled ? 'Canceled' : 'Failed', message);
    });
    this.runs.set(jobId.toLowerCase(), run);
    void run.done.finally(() => this.runs.delete(jobId.toLowerCase()));
  }

  /** Cancels a job, a pipeline (all its steps) or a single pipeline step (its dependants follow). */
  cancel(jobId: string): void {
    const run = this.runs.get(jobId.toLowerCase()) ?? this.stepRuns.get(jobId.toLowerCase());
    if (run) cancelRun(run);
  }

  async cancelAll(): Promise<void> {
    const pending = [...this.runs.entries()];
    for (const [id] of pending) this.cancel(id);
    await Promise.all(pending.map(([, r]) => r.done));
  }

  private setStatus(job: StoredResource | undefined, status: string, error?: string): void {
    if (!job) return;
    if (TERMINAL_JOB_STATES.has(String(job.body.properties.status))) return; // a terminal status is final
    job.body.properties.status = status;
    const meta = (job.meta ??= {});
    meta.revision = (Number(meta.revision) || 0) + 1;
    if (status === 'Running' && !meta.startTimeUtc) meta.startTimeUtc = nowIso();
    if (error && !job.meta?.parentJobName) (job.body.properties.properties as Record<string, string>)['azureml.failureReason'] = error;
    if (TERMINAL_JOB_STATES.has(status)) {
      meta.endTimeUtc = nowIso();
      void this.logs?.sync(job); // the final copy of its logs
    }
    this.ctx.store.changed();
  }

  /** Marks why a run failed (RunHistory `error`); returns false for `return this.fail(...)`. */
  private fail(job: StoredResource, message: string): false {
    (job.meta ??= {}).error ??= message;
    this.ctx.store.changed();
    return false;
  }

  /** Appends a line to a pipeline's orchestration log (`logs/azureml/executionlogs.txt`). */
  private executionLog(pipeline: StoredResource, line: string): void {
    const file = path.join(runDir(this.ctx, pipeline), ...PIPELINE_LOG.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${logStamp()} ${line}\n`);
  }

  private async execute(jobId: string, run: Run): Promise<void> {
    const job = this.ctx.store.get(jobId);
    if (!job) return;
    await tick(50); // let the client see NotStarted in the PUT answer and right after it
    if (job.body.properties.jobType === 'Pipeline') {
      await this.runPipeline(job, run);
    } else {
      const dir = runDir(this.ctx, job);
      const ok = await this.runStep(
        job,
        job.body.properties as Step,
        String(job.body.properties.jobType).toLowerCase(),
        dir,
        {},
        undefined,
        run,
      );
      this.setStatus(job, run.canceled ? 'Canceled' : ok ? 'Completed' : 'Failed');
    }
  }

  private async runPipeline(job: StoredResource, run: Run): Promise<void> {
    const steps = Object.fromEntries(
      Object.entries((job.body.properties.jobs ?? {}) as Record<string, Step>).map(([name, step]) => [name, this.withComponent(step)]),
    );
    const order = dependencyOrder(steps) ?? [];
    const pipelineDir = runDir(this.ctx, job);
    const declared = (job.body.properties.jobs ?? {}) as Record<string, Step>;
    const children = new Map(order.map((name) => [name, this.createChild(job, name, steps[name], declared[name])]));
    run.steps = new Map();
    for (const child of children.values()) {
      const stepRun: Run = { canceled: false, processes: new Set(), done: Promise.resolve(), parent: run };
      run.steps.set(child.body.id.toLowerCase(), stepRun);
      this.stepRuns.set(child.body.id.toLowerCase(), stepRun);
    }
    const stepRunOf = (name: string) => run.steps!.get(children.get(name)!.body.id.toLowerCase())!;
    try {
      this.setStatus(job, 'Running');
      const submitted = [...children.values()];
      this.executionLog(
        job,
        `Submitting ${submitted.length} runs, first five are: ${submitted
          .slice(0, 5)
          .map((c) => `${c.meta?.nodeId}:${c.body.name}`)
          .join(',')}`,
      );
      const outputs: Record<string, Record<string, string>> = {};
      const state = new Map<string, Promise<boolean>>();
      // Each step waits for its dependencies; independent steps run concurrently.
      const runOne = (name: string): Promise<boolean> => {
        const existing = state.get(name);
        if (existing) return existing;
        const p = (async () => {
          const deps = stepDependencies(steps[name]);
          const depResults = await Promise.all(deps.map(runOne));
          const child = children.get(name)!;
          const stepRun = stepRunOf(name);
          if (isCanceled(stepRun) || depResults.some((ok) => !ok)) {
            this.setStatus(child, 'Canceled');
            return false;
          }
          let ok: boolean;
          try {
            ok = await this.runStep(
              child,
              steps[name],
              String(steps[name].type),
              path.join(pipelineDir, name),
              outputs,
              job,
              stepRun,
              name,
              pipelineDir,
            );
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            fs.mkdirSync(path.join(pipelineDir, name, 'user_logs'), { recursive: true });
            fs.appendFileSync(path.join(pipelineDir, name, 'user_logs', 'std_log.txt'), `${message}\n`);
            ok = this.fail(child, message);
          }
          const status = isCanceled(stepRun) ? 'Canceled' : ok ? 'Completed' : 'Failed';
          if (status === 'Failed') {
            this.executionLog(
              job,
              `Node ${child.meta?.nodeId} (${name}) failed, run id ${child.body.name}: ${String(child.meta?.error ?? 'the step failed')}`,
            );
          }
          this.executionLog(job, `Completing processing run id ${child.body.name}.`);
          this.setStatus(child, status);
          return ok && status === 'Completed';
        })();
        state.set(name, p);
        return p;
      };
      const results = await Promise.all(order.map(runOne));
      const failed = order.filter((n) => children.get(n)?.body.properties.status === 'Failed');
      const status = run.canceled ? 'Canceled' : failed.length ? 'Failed' : results.every(Boolean) ? 'Completed' : 'Canceled';
      if (status === 'Failed') {
        this.fail(
          job,
          `Pipeline has failed child jobs. Failed nodes: ${failed.map((n) => `/${n}`).join(', ')}. For more details and logs, please go to the job detail page and check the child jobs.`,
        );
        this.executionLog(job, 'Execution of experiment failed, update experiment status and cancel running nodes.');
      } else if (status === 'Canceled') {
        this.executionLog(job, 'Execution of experiment was canceled.');
      } else {
        this.executionLog(job, 'Execution of experiment completed successfully.');
      }
      this.setStatus(job, status);
    } finally {
      for (const id of run.steps.keys()) this.stepRuns.delete(id);
    }
  }

  /**
   * A node that points at a registered component (an anonymous one for local and inline steps) runs the
   * component's code, entry, args and command; fields the node sets itself win, as in AML.
   */
  private withComponent(step: Step): Step {
    const ref = typeof step.componentId === 'string' ? step.componentId.replace(/^azureml:/, '') : '';
    const spec = ref.startsWith('/') ? (this.ctx.store.get(ref)?.body.properties.componentSpec as Step | undefined) : undefined;
    if (!spec) return step;
    const { inputs: _declaredInputs, outputs: _declaredOutputs, name: _name, version: _version, ...runnable } = spec;
    return { ...runnable, ...step };
  }

  /**
   * A pipeline step's child run, stored as a job resource named by its GUID run id. ARM answers only a stub
   * for it; RunHistory renders the full run from the body and `meta` (parent, node key, graph node id).
   */
  private createChild(parent: StoredResource, stepName: string, step: Step, declared: Step | undefined): StoredResource {
    const ws = parent.parent;
    const wsBody = this.ctx.store.get(ws)!.body;
    const runId = randomUUID();
    const nodeId = randomBytes(4).toString('hex');
    const componentRef = String(declared?.componentId ?? '').replace(/^azureml:/, '');
    const componentName = /\/components\/([^/]+)\/versions\//i.exec(componentRef)?.[1] ?? 'azureml_anonymous';
    const compute =
      String(step.computeId ?? step.compute ?? '')
        .replace(/^azureml:/, '')
        .split('/')
        .pop() || null;
    const createdAt = nowIso();
    const body: ArmBody = {
      id: `${wsBody.id}/jobs/${runId}`,
      name: runId,
      type: TYPES.job,
      properties: {
        jobType: step.type === 'spark' ? 'Spark' : 'Command',
        displayName: stepName,
        description: (declared?.description as string | undefined) ?? null,
        tags: { 'azureml.nodeid': nodeId, 'azureml.pipeline': parent.body.name },
        properties: {
          'azureml.nodeid': nodeId,
          'azureml.pipelinerunid': parent.body.name,
          'azureml.pipeline': parent.body.name,
          'azureml.rootpipelinerunid': parent.body.name,
          'azureml.runsource': 'azureml.StepRun',
          'azureml.moduleName': componentName,
          'azureml.pipelineComponent': 'masterescloud',
          'azureml.DevPlatv2': 'true',
          StepType: step.type === 'spark' ? 'SparkStep' : 'PythonScriptStep',
          ...(componentRef.startsWith('/') ? { 'azureml.moduleid': componentRef } : {}),
        },
        experimentName: parent.body.properties.experimentName,
        status: 'NotStarted',
        computeId: step.computeId ?? step.compute ?? null,
        componentId: declared?.componentId ?? null,
        isArchived: false,
        inputs: step.inputs ?? {},
        outputs: step.outputs ?? {},
      },
      systemData: { createdAt, createdBy: 'emulator-runner', createdByType: 'Application' },
    };
    return this.ctx.store.put({
      type: TYPES.job,
      parent: ws,
      body,
      meta: { parentJobName: parent.body.name, stepName, nodeId, componentName, compute },
    });
  }

  /** Runs one step (or a standalone job); true when its process exits 0. */
  private async runStep(
    job: StoredResource,
    step: Step,
    type: string,
    stepDir: string,
    stepOutputs: Record<string, Record<string, string>>,
    pipeline: StoredResource | undefined,
    run: Run,
    stepName?: string,
    pipelineDir?: string,
  ): Promise<boolean> {
    this.setStatus(job, 'Queued');
    await tick(this.ctx.store.data.settings.pipelineStepDelayMs);
    if (isCanceled(run)) return false;
    fs.mkdirSync(path.join(stepDir, 'user_logs'), { recursive: true });
    const logFile = path.join(stepDir, 'user_logs', 'std_log.txt');
    const inputs = this.resolveInputs(step, pipeline?.body.properties ?? {}, stepOutputs);
    try {
      await this.fetchDatastoreInputs(job, inputs, stepDir);
    } catch (e) {
      // The step fails with the reason in its own log, as Azure ML reports an input it cannot mount.
      const message = `Could not prepare the inputs: ${e instanceof Error ? e.message : String(e)}`;
      fs.appendFileSync(logFile, `${message}\n`);
      return this.fail(job, message);
    }
    const parentOutputs = (pipeline?.body.properties.outputs ?? {}) as Record<string, Record<string, unknown>>;
    const outputs: Record<string, string> = {};
    const visible: Record<string, string> = {};
    const uploads: OutputUpload[] = [];
    for (const [k, v] of Object.entries((step.outputs ?? {}) as Record<string, Record<string, unknown>>)) {
      const bound = /\$\{\{\s*parent\.outputs\.([A-Za-z0-9_-]+)\s*\}\}/.exec(String(v?.value ?? ''));
      const own = typeof v?.uri === 'string' && v.uri ? v.uri : undefined;
      const fromParent = bound && typeof parentOutputs[bound[1]]?.uri === 'string' ? String(parentOutputs[bound[1]].uri) : undefined;
      const explicit = own ?? (fromParent && !this.defaultOutputUri(fromParent) ? fromParent : undefined);
      if (explicit && /^(abfss?|wasbs?):\/\//.test(explicit)) {
        outputs[k] = visible[k] = explicit; // a path on storage the step's Spark writes to directly
        continue;
      }
      outputs[k] = bound && pipelineDir ? path.join(pipelineDir, 'outputs', bound[1]) : path.join(stepDir, 'outputs', k);
      fs.mkdirSync(outputs[k], { recursive: true });
      // Azure ML's default output path, unless the user bound the output to a datastore path of their own.
      const ownPath = explicit ? DATASTORE_URI.exec(explicit) : null;
      const target = ownPath
        ? { datastore: ownPath[1], path: `${ownPath[2]}/` }
        : { datastore: DEFAULT_DATASTORE, path: `azureml/${job.body.name}/${k}/` };
      visible[k] = `azureml://datastores/${target.datastore}/paths/${target.path}`;
      uploads.push({
        name: k,
        dir: outputs[k],
        ...target,
        parentOutput: bound && !explicit ? bound[1] : undefined,
        explicit: Boolean(ownPath),
      });
    }
    if (stepName) stepOutputs[stepName] = outputs;
    const declaredOutputs = { ...((job.body.properties.outputs ?? {}) as Record<string, Record<string, unknown>>) };
    const showOutputs = () => {
      if (job.meta?.parentJobName) {
        (job.meta ??= {}).outputs = { ...visible };
      } else {
        job.body.properties.outputs = Object.fromEntries(
          Object.entries(visible).map(([k, uri]) => [
            k,
            { jobOutputType: 'uri_folder', mode: 'ReadWriteMount', description: null, ...(declaredOutputs[k] ?? {}), uri },
          ]),
        );
      }
      this.ctx.store.changed();
    };
    showOutputs();
    const codeDir = await this.resolveCode(step, stepDir);
    // Spark resolves bare paths against the workspace's lake: local folders go to Spark as file:// URIs.
    const forSpark = (value: string) => (type === 'spark' && path.isAbsolute(value) ? `file://${value}` : value);
    // A command runs through /bin/sh: a value that is not a plain word or path is quoted, so an input can
    // never run commands of its own.
    const forShell = (value: string) => (type === 'command' ? shellWord(value) : value);
    const substitute = (s: string) =>
      s
        .replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_m, k: string) => forShell(forSpark(inputs[k] ?? '')))
        .replace(/\$\{\{\s*outputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_m, k: string) => forShell(forSpark(outputs[k] ?? '')));
    const env: Record<string, string> = { AZUREML_RUN_ID: job.body.name, AZUREML_OUTPUT_DIR: stepDir };
    let argv: string[];
    let release: (() => void) | undefined;
    if (type === 'spark') {
      const entry = (step.entry ?? {}) as Record<string, unknown>;
      const file = String(entry.file ?? '');
      if (!file) throw new Error(`step ${stepName ?? job.body.name}: spark entry.file is missing`);
      const args = splitArgs(substitute(String(step.args ?? '')));
      const spark = this.ctx.spark;
      if (spark) {
        const workspace = this.sparkWorkspace(job, step, (pipeline?.body.properties ?? {}) as Record<string, unknown>);
        const list = (a: string, b: string) => ((step[a] ?? step[b] ?? []) as string[]).map((f) => path.resolve(codeDir, f));
        const [pyFiles, jars, files] = [list('pyFiles', 'py_files'), list('jars', 'jars'), list('files', 'files')];
        const started = await spark.startApplication(
          {
            workspace,
            dir: stepDir,
            appName: stepName ?? job.body.name,
            userConf: Object.fromEntries(Object.entries((step.conf ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
          },
          (line) => fs.appendFileSync(logFile, `${line}\n`),
          () => !isCanceled(run),
        );
        if (!started) return isCanceled(run) ? false : this.fail(job, 'The Spark application could not start.');
        release = started.release;
        argv = spark.submitCommand({ name: stepName ?? job.body.name, file, args, pyFiles, jars, files });
        Object.assign(env, started.env, { SYNAPSE_WORKSPACE_NAME: workspace });
      } else {
        fs.appendFileSync(
          logFile,
          `No Spark engine (${this.ctx.sparkUnavailableReason ?? 'not configured'}): the entry runs with plain Python.\n`,
        );
        argv = [this.ctx.python, file, ...args];
      }
    } else {
      argv = ['/bin/sh', '-c', substitute(String(step.command ?? ''))];
    }
    this.setStatus(job, 'Running');
    let code: number | null;
    try {
      code = await this.spawnLogged(argv, codeDir, logFile, run, env);
    } finally {
      release?.();
    }
    if (isCanceled(run)) return false;
    if (code !== 0) {
      const program = type === 'spark' ? (this.ctx.spark ? 'spark-submit' : this.ctx.python) : '/bin/sh';
      return this.fail(
        job,
        `Execution failed. User process '${program}' exited with status code ${code ?? 'unknown'}. Please check log file 'user_logs/std_log.txt' for error details.`,
      );
    }
    try {
      Object.assign(visible, await this.uploadOutputs(job, uploads, pipeline));
      showOutputs();
    } catch (e) {
      const message = `Could not upload the outputs: ${e instanceof Error ? e.message : String(e)}`;
      fs.appendFileSync(logFile, `${message}\n`);
      return this.fail(job, message);
    }
    return true;
  }

  /** True for a pipeline output URI this runner filled in itself (a step's default output path). */
  private defaultOutputUri(uri: string): boolean {
    return new RegExp(`^azureml://datastores/${DEFAULT_DATASTORE}/paths/azureml/[0-9a-f-]{36}/`).test(uri);
  }

  /**
   * Copies a finished step's local outputs to their datastore paths (the local copies stay: later steps read
   * them) and points pipeline-level outputs bound to them at the step's datastore URI. A step that wrote a
   * file where its output folder was (a uri_file output) gets that file as one blob: at the user's own path,
   * or as `<output name>` under the default output folder. Answers the final URI of each output.
   */
  private async uploadOutputs(
    job: StoredResource,
    uploads: OutputUpload[],
    pipeline: StoredResource | undefined,
  ): Promise<Record<string, string>> {
    const blob = this.ctx.blobServiceUrl();
    const workspaceId = job.body.id.slice(0, job.body.id.toLowerCase().indexOf('/jobs/'));
    const uris: Record<string, string> = {};
    for (const u of uploads) {
      const isFile = fs.statSync(u.dir, { throwIfNoEntry: false })?.isFile() ?? false;
      const blobPath = !isFile ? u.path : u.explicit ? u.path.replace(/\/+$/, '') : `${u.path}${u.name}`;
      if (blob) {
        const container = this.ctx.store.get(`${workspaceId}/datastores/${u.datastore}`)?.body.properties.containerName;
        if (!container) throw new Error(`output ${u.name}: datastore '${u.datastore}' has no blob storage in this emulator`);
        await uploadPath(blob, this.ctx.caPem, String(container), blobPath, u.dir);
      }
      uris[u.name] = `azureml://datastores/${u.datastore}/paths/${blobPath}`;
      const parentOutput = u.parentOutput
        ? (pipeline?.body.properties.outputs as Record<string, Record<string, unknown>> | undefined)?.[u.parentOutput]
        : undefined;
      if (parentOutput) {
        parentOutput.uri = uris[u.name];
        this.ctx.store.changed();
      }
    }
    return uris;
  }

  /** The Synapse workspace of the pool a Spark step's compute is attached to (its lake and lake database). */
  private sparkWorkspace(job: StoredResource, step: Step, pipeline: Record<string, unknown>): string {
    const ref = String(boundCompute(step.computeId ?? step.compute, pipeline) ?? '').replace(/^azureml:/, '');
    const workspaceId = job.body.id.slice(0, job.body.id.toLowerCase().indexOf('/jobs/'));
    const compute = ref.startsWith('/') ? this.ctx.store.get(ref) : this.ctx.store.get(`${workspaceId}/computes/${ref}`);
    const pool = parseBigDataPoolId(compute?.body.properties.resourceId);
    if (pool) return pool.workspaceName;
    const any = Object.values(this.ctx.store.data.resources).find((r) => r.type === TYPES.synapseWorkspace);
    if (!any) throw new Error(`step ${job.body.name}: compute '${ref}' is not an attached Synapse Spark pool`);
    return any.body.name;
  }

  private resolveInputs(
    step: Step,
    parent: Record<string, unknown>,
    stepOutputs: Record<string, Record<string, string>>,
  ): Record<string, string> {
    const parentInputs = (parent.inputs ?? {}) as Record<string, Record<string, unknown>>;
    const resolved: Record<string, string> = {};
    for (const [k, v] of Object.entries((step.inputs ?? {}) as Record<string, Record<string, unknown> | string>)) {
      const raw = typeof v === 'object' && v !== null ? String(v.value ?? v.uri ?? '') : String(v);
      const fromParent = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(raw);
      const fromStep = /^\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(raw);
      if (fromParent) {
        const pi = parentInputs[fromParent[1]] ?? {};
        resolved[k] = String(pi.uri ?? pi.value ?? '');
      } else if (fromStep) {
        resolved[k] = stepOutputs[fromStep[1]]?.[fromStep[2]] ?? '';
      } else {
        resolved[k] = raw;
      }
    }
    return resolved;
  }

  /**
   * Inputs addressed as `azureml://datastores/<name>/paths/<path>` (data the client uploaded) are downloaded
   * from Azurite into the step folder, as Azure ML downloads or mounts them for a job: the step gets a local
   * folder, or the file itself for a single blob.
   */
  private async fetchDatastoreInputs(job: StoredResource, inputs: Record<string, string>, stepDir: string): Promise<void> {
    for (const [name, value] of Object.entries(inputs)) {
      const m = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.+?)\/*$/.exec(value);
      if (!m) continue;
      const workspaceId = job.body.id.slice(0, job.body.id.toLowerCase().indexOf('/jobs/'));
      const container = this.ctx.store.get(`${workspaceId}/datastores/${m[1]}`)?.body.properties.containerName;
      const blob = this.ctx.blobServiceUrl();
      if (!blob || !container) throw new Error(`input ${name}: datastore '${m[1]}' has no blob storage in this emulator`);
      const dest = path.join(stepDir, 'inputs', name);
      if ((await downloadPrefix(blob, this.ctx.caPem, String(container), `${m[2]}/`, dest)) > 0) {
        inputs[name] = dest;
      } else if ((await downloadPrefix(blob, this.ctx.caPem, String(container), m[2], dest)) > 0) {
        inputs[name] = path.join(dest, path.basename(m[2]));
      } else {
        throw new Error(`input ${name}: nothing is stored at ${value}`);
      }
    }
  }

  /** The step's code folder: a code version's codeUri (Azurite blob folder, file:// URL or local path). */
  private async resolveCode(step: Step, stepDir: string): Promise<string> {
    const ref = String(step.codeId ?? step.code ?? '');
    if (!ref) return stepDir;
    const versionId = ref.replace(/^azureml:/, '');
    const version = versionId.startsWith('/') ? this.ctx.store.get(versionId) : undefined;
    const uri = String(version?.body.properties.codeUri ?? versionId);
    if (uri.startsWith('file://')) return fileURLToPath(uri);
    if (path.isAbsolute(uri) && fs.existsSync(uri)) return uri;
    const blob = this.ctx.blobServiceUrl();
    if (blob && uri.startsWith(blob)) {
      const rest = decodeURIComponent(new URL(uri).pathname).split('/').filter(Boolean); // [account, container, ...prefix]
      if (rest[0] !== AZURITE_ACCOUNT || rest.length < 2) throw new Error(`code URI ${uri} is not a blob folder`);
      const dest = path.join(stepDir, 'code');
      await downloadPrefix(blob, this.ctx.caPem, rest[1], rest.slice(2).join('/'), dest);
      return dest;
    }
    throw new Error(`cannot fetch code from '${uri}' (use an Azurite blob URL, a file:// URL or a local path)`);
  }

  private spawnLogged(argv: string[], cwd: string, logFile: string, run: Run, env: Record<string, string>): Promise<number | null> {
    return new Promise((resolve) => {
      const log = fs.openSync(logFile, 'a');
      let child: ChildProcess;
      try {
        child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
      } catch (e) {
        fs.appendFileSync(logFile, `failed to start: ${String(e)}\n`);
        fs.closeSync(log);
        return resolve(null);
      }
      run.processes.add(child);
      if (isCanceled(run)) killGroup(child); // canceled while it was starting
      const finish = (code: number | null) => {
        run.processes.delete(child);
        fs.closeSync(log);
        resolve(code);
      };
      child.once('error', (e) => {
        fs.appendFileSync(logFile, `failed to start: ${e.message}\n`);
        finish(null);
      });
      child.once('exit', (code) => finish(code));
    });
  }
}

function cancelRun(run: Run): void {
  run.canceled = true;
  for (const p of run.processes) killGroup(p);
  for (const step of run.steps?.values() ?? []) cancelRun(step);
}

function killGroup(p: ChildProcess): void {
  if (p.pid === undefined || p.exitCode !== null) return;
  try {
    process.kill(-p.pid, 'SIGTERM'); // the whole group: /bin/sh and what it started
  } catch {
    p.kill('SIGTERM');
  }
  const hard = setTimeout(() => {
    try {
      if (p.exitCode === null && p.pid !== undefined) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 2000);
  hard.unref();
}

function tick(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Splits an args string like a shell would for plain words and quoted strings (no expansion). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** `value` as one shell word: as is when it is a plain word or path, else in single quotes. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
