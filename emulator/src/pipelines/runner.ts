/**
 * Runs submitted jobs locally. A pipeline's steps run in dependency order (inputs bound to
 * `${{parent.jobs.<step>.outputs.<name>}}`), each as a child job visible through
 * `GET .../jobs?parentJobName=<pipeline>`; spark steps run their entry file with spark-submit on the
 * emulator's Spark engine (in the Synapse workspace of the step's attached pool), command steps their
 * command with /bin/sh. Outputs are folders under `<dataDir>/jobs/<pipeline>/`. Statuses:
 * NotStarted -> Queued -> Running -> Completed | Failed | Canceled. Cancel kills the process groups.
 * A step failure cancels the steps not yet started (azureml.continue_on_step_failure = False).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorContext } from '../context';
import { dependencyOrder, stepDependencies, TERMINAL_JOB_STATES, type JobRunner } from '../arm/jobs';
import { nowIso, systemData, TYPES } from '../arm/resources';
import type { ArmBody, StoredResource } from '../state/store';
import { AZURITE_ACCOUNT, downloadPrefix } from '../storage/azurite';
import { parseBigDataPoolId } from '../arm/ids';

type Step = Record<string, unknown>;

interface Run {
  canceled: boolean;
  processes: Set<ChildProcess>;
  done: Promise<void>;
}

export class PipelineRunner implements JobRunner {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly ctx: EmulatorContext,
    _livy?: unknown,
  ) {}

  /** Jobs left running by an earlier process cannot be resumed: they end Failed, as a lost node would. */
  recover(): void {
    for (const r of Object.values(this.ctx.store.data.resources)) {
      if (r.type === TYPES.job && !TERMINAL_JOB_STATES.has(String(r.body.properties.status))) {
        r.body.properties.status = r.body.properties.status === 'CancelRequested' ? 'Canceled' : 'Failed';
        this.ctx.store.changed();
      }
    }
  }

  start(jobId: string): void {
    const run: Run = { canceled: false, processes: new Set(), done: Promise.resolve() };
    run.done = this.execute(jobId, run).catch((e) => {
      this.ctx.log(`job ${jobId} failed in the runner: ${e instanceof Error ? e.message : String(e)}`);
      this.setStatus(this.ctx.store.get(jobId), run.canceled ? 'Canceled' : 'Failed', e instanceof Error ? e.message : String(e));
    });
    this.runs.set(jobId.toLowerCase(), run);
    void run.done.finally(() => this.runs.delete(jobId.toLowerCase()));
  }

  cancel(jobId: string): void {
    const run = this.runs.get(jobId.toLowerCase());
    if (!run) return;
    run.canceled = true;
    for (const p of run.processes) killGroup(p);
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
    if (error) (job.body.properties.properties as Record<string, string>)['azureml.failureReason'] = error;
    this.ctx.store.changed();
  }

  private async execute(jobId: string, run: Run): Promise<void> {
    const job = this.ctx.store.get(jobId);
    if (!job) return;
    await tick(50); // let the client see NotStarted in the PUT answer and right after it
    if (job.body.properties.jobType === 'Pipeline') {
      await this.runPipeline(job, run);
    } else {
      const dir = path.join(this.ctx.dataDir, 'jobs', job.body.name);
      const ok = await this.runStep(job, job.body.properties as Step, String(job.body.properties.jobType).toLowerCase(), dir, {}, {}, run);
      this.setStatus(job, run.canceled ? 'Canceled' : ok ? 'Completed' : 'Failed');
    }
  }

  private async runPipeline(job: StoredResource, run: Run): Promise<void> {
    const steps = Object.fromEntries(
      Object.entries((job.body.properties.jobs ?? {}) as Record<string, Step>).map(([name, step]) => [name, this.withComponent(step)]),
    );
    const order = dependencyOrder(steps) ?? [];
    const pipelineDir = path.join(this.ctx.dataDir, 'jobs', job.body.name);
    const children = new Map(order.map((name) => [name, this.createChild(job, name, steps[name])]));
    this.setStatus(job, 'Running');
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
        if (run.canceled || depResults.some((ok) => !ok)) {
          this.setStatus(child, 'Canceled');
          return false;
        }
        const ok = await this.runStep(child, steps[name], String(steps[name].type), path.join(pipelineDir, name), outputs, job.body.properties, run, name, pipelineDir);
        this.setStatus(child, run.canceled ? 'Canceled' : ok ? 'Completed' : 'Failed');
        if (!ok) run.canceled ||= false;
        return ok;
      })();
      state.set(name, p);
      return p;
    };
    const results = await Promise.all(order.map(runOne));
    const failed = order.some((n) => children.get(n)?.body.properties.status === 'Failed');
    this.setStatus(job, run.canceled ? 'Canceled' : failed ? 'Failed' : results.every(Boolean) ? 'Completed' : 'Failed');
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

  private createChild(parent: StoredResource, stepName: string, step: Step): StoredResource {
    const ws = parent.parent;
    const wsBody = this.ctx.store.get(ws)!.body;
    const name = `${parent.body.name}_${stepName}`.slice(0, 255);
    const body: ArmBody = {
      id: `${wsBody.id}/jobs/${name}`,
      name,
      type: TYPES.job,
      properties: {
        jobType: step.type === 'spark' ? 'Spark' : 'Command',
        displayName: stepName,
        description: null,
        tags: {},
        properties: { 'azureml.nodeid': stepName, 'azureml.pipelinerunid': parent.body.name },
        experimentName: parent.body.properties.experimentName,
        status: 'NotStarted',
        computeId: step.computeId ?? step.compute ?? null,
        isArchived: false,
        inputs: step.inputs ?? {},
        outputs: step.outputs ?? {},
        services: {},
      },
      systemData: systemData('emulator-runner', nowIso()),
    };
    return this.ctx.store.put({ type: TYPES.job, parent: ws, body, meta: { parentJobName: parent.body.name, stepName } });
  }

  /** Runs one step (or a standalone job); true when its process exits 0. */
  private async runStep(
    job: StoredResource,
    step: Step,
    type: string,
    stepDir: string,
    stepOutputs: Record<string, Record<string, string>>,
    parent: Record<string, unknown>,
    run: Run,
    stepName?: string,
    pipelineDir?: string,
  ): Promise<boolean> {
    this.setStatus(job, 'Queued');
    await tick(this.ctx.store.data.settings.pipelineStepDelayMs);
    if (run.canceled) return false;
    fs.mkdirSync(path.join(stepDir, 'user_logs'), { recursive: true });
    const inputs = this.resolveInputs(step, parent, stepOutputs);
    try {
      await this.fetchDatastoreInputs(job, inputs, stepDir);
    } catch (e) {
      // The step fails with the reason in its own log, as Azure ML reports an input it cannot mount.
      fs.appendFileSync(path.join(stepDir, 'user_logs', 'std_log.txt'), `Could not prepare the inputs: ${e instanceof Error ? e.message : String(e)}\n`);
      return false;
    }
    const outputs: Record<string, string> = {};
    for (const [k, v] of Object.entries((step.outputs ?? {}) as Record<string, Record<string, unknown>>)) {
      const bound = /\$\{\{\s*parent\.outputs\.([A-Za-z0-9_-]+)\s*\}\}/.exec(String(v?.value ?? ''));
      const storageUri = typeof v?.uri === 'string' && /^(abfss?|wasbs?):\/\//.test(v.uri) ? v.uri : undefined;
      if (storageUri) {
        outputs[k] = storageUri; // a path on storage the step's Spark writes to directly
        continue;
      }
      outputs[k] = bound && pipelineDir ? path.join(pipelineDir, 'outputs', bound[1]) : path.join(stepDir, 'outputs', k);
      fs.mkdirSync(outputs[k], { recursive: true });
    }
    if (stepName) stepOutputs[stepName] = outputs;
    (job.body.properties as Record<string, unknown>).outputs = Object.fromEntries(
      Object.entries(outputs).map(([k, dir]) => [k, { jobOutputType: 'uri_folder', mode: 'Direct', uri: path.isAbsolute(dir) ? `file://${dir}` : dir, description: null }]),
    );
    const codeDir = await this.resolveCode(step, stepDir);
    // Spark resolves bare paths against the workspace's lake: local folders go to Spark as file:// URIs.
    const forSpark = (value: string) => (type === 'spark' && path.isAbsolute(value) ? `file://${value}` : value);
    const substitute = (s: string) =>
      s
        .replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_m, k: string) => forSpark(inputs[k] ?? ''))
        .replace(/\$\{\{\s*outputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_m, k: string) => forSpark(outputs[k] ?? ''));
    const logFile = path.join(stepDir, 'user_logs', 'std_log.txt');
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
        const workspace = this.sparkWorkspace(job, step);
        const list = (a: string, b: string) => ((step[a] ?? step[b] ?? []) as string[]).map((f) => path.resolve(codeDir, f));
        const [pyFiles, jars, files] = [list('pyFiles', 'py_files'), list('jars', 'jars'), list('files', 'files')];
        const started = await spark.startApplication(
          { workspace, dir: stepDir, appName: stepName ?? job.body.name, userConf: Object.fromEntries(Object.entries((step.conf ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])) },
          (line) => fs.appendFileSync(logFile, `${line}\n`),
          () => !run.canceled,
        );
        if (!started) return false;
        release = started.release;
        argv = spark.submitCommand({ name: stepName ?? job.body.name, file, args, pyFiles, jars, files });
        Object.assign(env, started.env, { SYNAPSE_WORKSPACE_NAME: workspace });
      } else {
        fs.appendFileSync(logFile, `No Spark engine (${this.ctx.sparkUnavailableReason ?? 'not configured'}): the entry runs with plain Python.\n`);
        argv = [this.ctx.python, file, ...args];
      }
    } else {
      argv = ['/bin/sh', '-c', substitute(String(step.command ?? ''))];
    }
    this.setStatus(job, 'Running');
    try {
      const code = await this.spawnLogged(argv, codeDir, logFile, run, env);
      return code === 0 && !run.canceled;
    } finally {
      release?.();
    }
  }

  /** The Synapse workspace of the pool a Spark step's compute is attached to (its lake and lake database). */
  private sparkWorkspace(job: StoredResource, step: Step): string {
    const ref = String(step.computeId ?? step.compute ?? '').replace(/^azureml:/, '');
    const workspaceId = job.body.id.slice(0, job.body.id.toLowerCase().indexOf('/jobs/'));
    const compute = ref.startsWith('/') ? this.ctx.store.get(ref) : this.ctx.store.get(`${workspaceId}/computes/${ref}`);
    const pool = parseBigDataPoolId(compute?.body.properties.resourceId);
    if (pool) return pool.workspaceName;
    const any = Object.values(this.ctx.store.data.resources).find((r) => r.type === TYPES.synapseWorkspace);
    if (!any) throw new Error(`step ${job.body.name}: compute '${ref}' is not an attached Synapse Spark pool`);
    return any.body.name;
  }

  private resolveInputs(step: Step, parent: Record<string, unknown>, stepOutputs: Record<string, Record<string, string>>): Record<string, string> {
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
      if (await downloadPrefix(blob, this.ctx.caPem, String(container), `${m[2]}/`, dest) > 0) {
        inputs[name] = dest;
      } else if (await downloadPrefix(blob, this.ctx.caPem, String(container), m[2], dest) > 0) {
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
