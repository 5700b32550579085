/**
 * The Jobs view's commands and the run view's actions: refresh, the batch log, the workspace whose jobs are
 * listed, open a run, cancel, rerun, and download or browse an output.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import { downloadDatastorePath, parseDatastoreUri, rerunBody } from '../core/jobs/jobActions';
import type { AmlWorkspaceRef } from '../core/model/sparkTargets';
import { newJobName } from '../core/jobs/submitPipeline';
import { UserCancelledError, UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { CommandRunner } from '../shared/commandRunner';
import type { JobsNode, JobsTree } from './jobsTree';
import type { PipelineState } from './pipelineState';
import { RunPanel, type RunPanelDeps } from './runPanel';

export interface JobCommandDeps {
  state: PipelineState;
  jobsTree: JobsTree;
  runDeps: RunPanelDeps;
  /** The Spark batches' log. */
  batchChannel: vscode.LogOutputChannel;
  log: Logger;
}

export function registerJobCommands(commands: CommandRunner, deps: JobCommandDeps): void {
  const { state, jobsTree, runDeps, batchChannel, log } = deps;

  commands.register('synapseSpark.jobs.refresh', () => jobsTree.refresh());

  // Batches log to one channel, each line under its file name: showing it is how a batch's log is opened.
  commands.register('synapseSpark.jobs.showBatchLog', () => {
    if (jobsTree.batches.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'No Spark batch has run in this window yet: "{0}" starts one, and its log shows here.',
          vscode.l10n.t('Run Python File on Spark Pool'),
        ),
      );
    }
    batchChannel.show();
  });

  commands.register('synapseSpark.jobs.selectWorkspace', async (options?: { workspaceId?: string }) => {
    const ws = await state.pickWorkspace(state.requireArm(), options?.workspaceId, {
      ask: true,
      title: vscode.l10n.t('List and submit jobs in which Azure ML workspace?'),
    });
    return { workspaceId: ws.id };
  });

  commands.register('synapseSpark.jobs.openRun', (node?: JobsNode | { jobName: string; workspace: AmlWorkspaceRef }) => {
    if (node && 'kind' in node && node.kind === 'job') RunPanel.show(runDeps, { jobName: node.job.name, workspace: node.workspace });
    else if (node && 'jobName' in node) RunPanel.show(runDeps, { jobName: node.jobName, workspace: node.workspace });
    else throw new UserFacingError(vscode.l10n.t('Choose a job in the Jobs view to open its run.'));
  });

  commands.register('synapseSpark.jobs.cancel', async (node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef }) => {
    const jobName = node && 'kind' in node && node.kind === 'job' ? node.job.name : node && 'jobName' in node ? node.jobName : undefined;
    const workspace =
      node && 'kind' in node && node.kind === 'job'
        ? node.workspace
        : ((node as { workspace?: AmlWorkspaceRef } | undefined)?.workspace ?? state.rememberedWorkspace());
    if (!jobName || !workspace) throw new UserFacingError(vscode.l10n.t('Choose a running job in the Jobs view to cancel it.'));
    const panel = RunPanel.find(jobName);
    if (panel) await panel.cancel();
    else await new AmlWorkspaceClient(state.requireArm(), workspace).cancelJob(jobName);
    jobsTree.refresh();
  });

  const jobTarget = (
    node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef },
  ): { jobName: string; workspace: AmlWorkspaceRef } | undefined => {
    if (node && 'kind' in node && node.kind === 'job') return { jobName: node.job.name, workspace: node.workspace };
    const ws = (node as { workspace?: AmlWorkspaceRef } | undefined)?.workspace ?? state.rememberedWorkspace();
    return node && 'jobName' in node && ws ? { jobName: node.jobName, workspace: ws } : undefined;
  };

  // Submits the job again with the same definition, inputs and settings, and follows the new run.
  commands.register('synapseSpark.jobs.rerun', async (node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef }) => {
    const target = jobTarget(node);
    if (!target) throw new UserFacingError(vscode.l10n.t('Choose a failed or canceled job in the Jobs view to run it again.'));
    const client = new AmlWorkspaceClient(state.requireArm(), target.workspace);
    const newName = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Rerunning {0}', target.jobName), cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const job = await client.getJob(target.jobName, abort.signal);
        const name = newJobName({
          displayName: job.properties.displayName ?? target.jobName,
          experimentName: job.properties.experimentName,
        });
        await client.putJob(name, rerunBody(job), abort.signal);
        return name;
      },
    );
    log.info(`Job ${target.jobName} submitted again as ${newName}.`);
    RunPanel.show(runDeps, { jobName: newName, workspace: target.workspace });
    jobsTree.refresh();
    return { jobName: newName };
  });

  // Downloads an output Azure ML reports as azureml://datastores/<name>/paths/<path> into a local folder.
  commands.register(
    'synapseSpark.jobs.downloadOutput',
    async (args?: { workspace?: AmlWorkspaceRef; uri?: string; key?: string; targetFolder?: string }) => {
      const workspace = args?.workspace ?? state.rememberedWorkspace();
      const parsed = args?.uri ? parseDatastoreUri(args.uri) : undefined;
      if (!workspace || !args?.uri) throw new UserFacingError(vscode.l10n.t('Choose an output in a run view to download it.'));
      if (!parsed)
        throw new UserFacingError(vscode.l10n.t('{0} is not on an Azure ML datastore, so it cannot be downloaded from here.', args.uri));
      let folder = args.targetFolder;
      if (!folder) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          openLabel: vscode.l10n.t('Download Here'),
          title: vscode.l10n.t('Download {0}', args.key ?? parsed.path),
        });
        if (!picked?.[0]) throw new UserCancelledError();
        folder = path.join(
          picked[0].fsPath,
          (args.key ?? path.posix.basename(parsed.path.replace(/\/+$/, ''))).replace(/[^A-Za-z0-9._-]+/g, '_'),
        );
      }
      const access = state.requireArm();
      const client = new AmlWorkspaceClient(access, workspace);
      const files = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Downloading {0}', args.key ?? parsed.path),
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          const ds = await client.datastore(parsed.datastore, abort.signal);
          const key = await client.datastoreAccountKey(parsed.datastore, abort.signal);
          if (!key)
            throw new UserFacingError(
              vscode.l10n.t(
                'Datastore {0} has no account key this account can read; browse it in Azure ML studio instead.',
                parsed.datastore,
              ),
            );
          return downloadDatastorePath(
            ds,
            key,
            access.httpClient(),
            parsed.path,
            folder!,
            (p) =>
              progress.report({
                message: p.current ? vscode.l10n.t('{0} file(s): {1}', p.files, p.current) : vscode.l10n.t('{0} file(s)', p.files),
              }),
            abort.signal,
          );
        },
      );
      log.info(`Downloaded ${files} file(s) of ${args.uri} to ${folder}.`);
      if (!args.targetFolder) {
        void vscode.window
          .showInformationMessage(vscode.l10n.t('Downloaded {0} file(s) to {1}.', files, folder), vscode.l10n.t('Reveal'))
          .then((choice) => {
            if (choice) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder!));
          });
      }
      return { folder, files };
    },
  );

  commands.register('synapseSpark.jobs.browseOutput', async (args?: { workspace?: AmlWorkspaceRef; uri?: string }) => {
    const workspace = args?.workspace ?? state.rememberedWorkspace();
    const parsed = args?.uri ? parseDatastoreUri(args.uri) : undefined;
    if (!workspace || !parsed) throw new UserFacingError(vscode.l10n.t('Choose a datastore output in a run view to browse it.'));
    await vscode.env.openExternal(vscode.Uri.parse(state.requireArm().amlStudioDatastoreUrl(workspace, parsed.datastore)));
  });
}
