/**
 * "Run Python File on Spark Pool": asks for the pool, the script's arguments and the Spark configuration,
 * uploads the script's folder, submits a Livy batch, and follows its log and Spark progress in the Synapse
 * Spark Batches channel (and the Jobs view) until it ends. Cancel stops the upload, or kills the batch.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SparkBatchJob } from '@azure/synapse-spark';
import { SparkBatchRunner } from '../core/jobs/sparkBatchRunner';
import { parseSparkConf } from '../core/jobs/sparkConf';
import type { StatementProgress } from '../core/livy/sparkProgress';
import type { ArmAccess } from '../core/model/armAccess';
import type { AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { NodeFileReader } from '../core/pipelines';
import type { Literal } from '../core/pipelines/types';
import { describeError, UserCancelledError, UserFacingError } from '../core/util/errors';
import type { CommandRunner } from '../shared/commandRunner';
import type { BatchEntry, JobsTree } from './jobsTree';
import type { PipelineState } from './pipelineState';

export interface RunOnSparkDeps {
  context: vscode.ExtensionContext;
  state: PipelineState;
  jobsTree: JobsTree;
  /** The Spark batches' log. */
  batchChannel: vscode.LogOutputChannel;
}

/** What the command's arguments can answer instead of the prompts (tests, other commands). */
interface RunOptions {
  computeName?: string;
  args?: string;
  conf?: Record<string, Literal>;
}

/** Everything a run needs, gathered before anything is uploaded. */
interface RunInputs {
  access: ArmAccess;
  catalog: SparkPoolCatalog;
  file: vscode.Uri;
  pool: AttachedSparkPool;
  args: string;
  conf: Record<string, Literal>;
}

/** What the command resolves with. */
interface RunResult {
  batchId: number;
  /** Livy's final state of the batch. */
  state: SparkBatchJob['state'];
  log: string[];
  sparkJobs: { jobId: number; status: string; tasksDone: number; tasksTotal: number }[];
}

/** How far a run is, for Cancel: during the upload it stops it; once the batch exists it kills the batch. */
interface RunCancel {
  readonly abort: AbortController;
  cancelled: boolean;
  uploading: boolean;
  batchId: number | undefined;
}

async function pickPool(catalog: SparkPoolCatalog, computeName?: string): Promise<AttachedSparkPool> {
  const all = await catalog.listAttachedPools();
  if (all.length === 0)
    throw new UserFacingError(
      vscode.l10n.t('No Spark pools are attached to your Azure ML workspaces yet: attach one from the Workspaces view.'),
    );
  const pool = computeName ? all.find((p) => p.computeName === computeName) : undefined;
  if (computeName && !pool) throw new UserFacingError(vscode.l10n.t("No attached Spark pool named '{0}'.", computeName));
  if (pool) return pool;
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({
      label: p.computeName,
      description: vscode.l10n.t('{0} in {1} · {2}', p.poolName, p.synapseWorkspace.name, p.amlWorkspace.name),
      p,
    })),
    { title: vscode.l10n.t('Run on which Spark pool?') },
  );
  if (!picked) throw new UserCancelledError();
  return picked.p;
}

/** The script's arguments, offering (and remembering) the last ones used for this file. */
async function askArgs(context: vscode.ExtensionContext, file: vscode.Uri, given?: string): Promise<string> {
  const argsKey = `synapseSpark.jobs.args:${file.fsPath}`;
  const args =
    given ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Arguments for the script'),
      value: context.workspaceState.get<string>(argsKey, ''),
      prompt: vscode.l10n.t('As on a command line; leave empty for none'),
    }));
  if (args === undefined) throw new UserCancelledError();
  await context.workspaceState.update(argsKey, args);
  return args;
}

/** The Spark configuration, starting from the `synapseSpark.jobs.defaultSparkConf` setting. */
async function askConf(): Promise<Record<string, Literal>> {
  const defaults = vscode.workspace.getConfiguration('synapseSpark.jobs').get<Record<string, string>>('defaultSparkConf', {});
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Spark configuration'),
    prompt: vscode.l10n.t(
      'key=value pairs separated by commas, e.g. {0}; empty for none',
      'spark.executor.instances=2, spark.executor.memory=4g',
    ),
    value: Object.entries(defaults)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    validateInput: (v) => parseSparkConf(v).error,
  });
  if (text === undefined) throw new UserCancelledError();
  const parsed = parseSparkConf(text);
  if (parsed.error !== undefined) throw new UserFacingError(vscode.l10n.t('Spark configuration: {0}', parsed.error));
  return parsed.conf;
}

async function gatherInputs(deps: RunOnSparkDeps, uri?: vscode.Uri, options?: RunOptions): Promise<RunInputs> {
  const access = deps.state.requireArm();
  const catalog = deps.state.requireCatalog();
  const file = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!file || !file.fsPath.endsWith('.py'))
    throw new UserFacingError(vscode.l10n.t('Open or select a Python (.py) file to run it on a Spark pool.'));
  const pool = await pickPool(catalog, options?.computeName);
  const args = await askArgs(deps.context, file, options?.args);
  const conf = options?.conf ?? (await askConf());
  return { access, catalog, file, pool, args, conf };
}

/** Uploads the script's folder and creates the batch; a cancel before the batch exists ends the run quietly. */
async function submitBatch(
  runner: SparkBatchRunner,
  inputs: RunInputs,
  run: RunCancel,
  progress: vscode.Progress<{ message?: string }>,
  batchChannel: vscode.LogOutputChannel,
  name: string,
): Promise<SparkBatchJob> {
  try {
    const prepared = await runner.prepare(
      { file: inputs.file.fsPath.replace(/\\/g, '/'), args: inputs.args || undefined, conf: inputs.conf },
      inputs.access,
      new NodeFileReader(),
      run.abort.signal,
    );
    run.uploading = false;
    batchChannel.info(`${name}: ${prepared.uploaded ? 'uploaded' : 'unchanged, not uploaded again'} (${prepared.codeUri})`);
    if (run.cancelled) throw new UserCancelledError();
    progress.report({ message: vscode.l10n.t('Submitting the Spark batch...') });
    // Not abortable: an aborted POST may still have created the batch; a cancel now kills it below.
    return await runner.submit(prepared.body);
  } catch (err) {
    if (run.cancelled) {
      batchChannel.info(`${name}: cancelled before the Spark batch was created; nothing runs.`);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: cancelled before the Spark batch was created; nothing runs.', name));
      throw new UserCancelledError();
    }
    throw err;
  }
}

/**
 * Follows the batch's log until Livy says it ended, with live Spark progress of its application beside it:
 * the running job in the notification, each finished job as a log line, and a summary at the end.
 */
async function followBatch(
  runner: SparkBatchRunner,
  batch: SparkBatchJob,
  entry: BatchEntry,
  run: RunCancel,
  progress: vscode.Progress<{ message?: string }>,
  deps: RunOnSparkDeps,
  name: string,
): Promise<Omit<RunResult, 'batchId'>> {
  const { batchChannel, jobsTree } = deps;
  const lines: string[] = [];
  let appId: string | undefined;
  let spark: StatementProgress | undefined;
  const reported = new Set<number>();
  const progressStop = new AbortController();
  const progressDone = runner.followProgress(
    batch.id,
    () => appId,
    (p) => {
      spark = p;
      const running = p.jobs.find((j) => j.status === 'RUNNING');
      progress.report({
        message: running
          ? vscode.l10n.t('{0} · Spark job {1}: {2}/{3} tasks', entry.state, running.jobId, running.tasksDone, running.tasksTotal)
          : entry.state,
      });
      for (const job of p.jobs.filter((j) => j.status !== 'RUNNING' && !reported.has(j.jobId))) {
        reported.add(job.jobId);
        batchChannel.info(
          `${name}: Spark job ${job.jobId} (${job.name}) ${job.status.toLowerCase()}: ${job.tasksDone}/${job.tasksTotal} tasks` +
            `${job.failedTasks ? `, ${job.failedTasks} failed` : ''}${job.elapsedMs !== undefined ? ` in ${(job.elapsedMs / 1000).toFixed(1)} s` : ''}.`,
        );
      }
    },
    {
      signal: progressStop.signal,
      onFailure: (err) => batchChannel.warn(`${name}: Spark progress is not available (${describeError(err)}); the batch goes on.`),
    },
  );
  const final = await runner
    .follow(
      batch.id,
      (u) => {
        entry.state = u.state;
        appId = u.appId ?? appId;
        progress.report({ message: u.state });
        for (const line of u.newLines) {
          lines.push(line);
          batchChannel.appendLine(line);
        }
        jobsTree.refresh();
      },
      { signal: run.abort.signal },
    )
    .finally(() => progressStop.abort());
  await progressDone;
  if (spark?.jobs.length) {
    batchChannel.info(
      `${name}: Spark ran ${spark.jobs.length} job${spark.jobs.length === 1 ? '' : 's'}, ${spark.tasksDone} of ${spark.tasksTotal} tasks done` +
        `${spark.failedTasks ? `, ${spark.failedTasks} failed` : ''}.`,
    );
  }
  batchChannel.info(`${name}: batch ${batch.id} ended ${final.state}${final.result ? ` (${final.result})` : ''}.`);
  return {
    state: final.state,
    log: lines,
    sparkJobs: spark?.jobs.map((j) => ({ jobId: j.jobId, status: j.status, tasksDone: j.tasksDone, tasksTotal: j.tasksTotal })) ?? [],
  };
}

async function runBatch(
  inputs: RunInputs,
  deps: RunOnSparkDeps,
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
  runner: SparkBatchRunner,
  name: string,
): Promise<RunResult> {
  const { batchChannel, jobsTree } = deps;
  const { pool } = inputs;
  const kill = (batchId: number) => {
    batchChannel.info(`${name}: cancelling batch ${batchId}...`);
    void runner.cancel(batchId).catch((err) => batchChannel.error(`Cancel failed: ${describeError(err)}`));
  };
  // During the upload Cancel stops it; once the batch exists it kills the batch, and the log is
  // followed until Livy says it ended.
  const run: RunCancel = { abort: new AbortController(), cancelled: false, uploading: true, batchId: undefined };
  token.onCancellationRequested(() => {
    run.cancelled = true;
    if (run.uploading) run.abort.abort();
    if (run.batchId === undefined) return; // not submitted yet, or the submit is answering: handled below
    kill(run.batchId);
  });
  progress.report({ message: vscode.l10n.t('Uploading...') });
  const batch = await submitBatch(runner, inputs, run, progress, batchChannel, name);
  run.batchId = batch.id;
  const entry: BatchEntry = { id: batch.id, name, pool: pool.computeName, state: batch.state ?? 'not_started' };
  jobsTree.batches.unshift(entry);
  jobsTree.refresh();
  batchChannel.info(`${name}: Spark batch ${batch.id} submitted to ${pool.poolName} (${pool.synapseWorkspace.name}).`);
  // Cancel came while the submit was answering: the batch exists now, so kill it.
  if (run.cancelled) kill(batch.id);
  const result = await followBatch(runner, batch, entry, run, progress, deps, name);
  if (result.state !== 'success' && !run.cancelled)
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0} on {1} ended {2}.', name, pool.computeName, String(result.state)), vscode.l10n.t('Show Log'))
      .then((a) => a && batchChannel.show());
  return { batchId: batch.id, ...result };
}

export function registerRunOnSpark(commands: CommandRunner, deps: RunOnSparkDeps): void {
  commands.register('synapseSpark.runPythonFileOnSpark', async (uri?: vscode.Uri, options?: RunOptions) => {
    const inputs = await gatherInputs(deps, uri, options);
    const runner = new SparkBatchRunner(inputs.pool, inputs.catalog);
    const name = path.basename(inputs.file.fsPath);
    deps.batchChannel.show(true);
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('{0} on {1}', name, inputs.pool.computeName),
        cancellable: true,
      },
      (progress, token) => runBatch(inputs, deps, progress, token, runner, name),
    );
  });
}
