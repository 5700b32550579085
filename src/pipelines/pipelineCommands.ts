/**
 * The pipeline commands: New Pipeline (from the template, with an attached pool of the chosen workspace),
 * Open in Pipeline Editor, and Submit Pipeline (then its run view).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import { newPipelineTemplate, NodeFileReader } from '../core/pipelines';
import { submitPipeline, SubmitCancelledError, SubmitRefusedError, type SubmitResult } from '../core/jobs/submitPipeline';
import { UserCancelledError, UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { CommandRunner } from '../shared/commandRunner';
import type { JobsTree } from './jobsTree';
import { EDITOR_VIEW_TYPES, rootDirOf, type PipelineEditorProvider } from './pipelineEditorProvider';
import type { PipelineState } from './pipelineState';
import { RunPanel, type RunPanelDeps } from './runPanel';

export interface PipelineCommandDeps {
  state: PipelineState;
  editor: PipelineEditorProvider;
  jobsTree: JobsTree;
  runDeps: RunPanelDeps;
  log: Logger;
}

async function pipelineDocument(editor: PipelineEditorProvider, uri?: vscode.Uri): Promise<vscode.TextDocument> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (editor.activeDocument) return editor.activeDocument;
  const active = vscode.window.activeTextEditor?.document;
  if (active && /\.ya?ml$/i.test(active.fileName) && /^type:\s*pipeline\s*$/m.test(active.getText())) return active;
  const files = await vscode.workspace.findFiles('**/*.pipeline.{yml,yaml}', '**/node_modules/**', 200);
  if (files.length === 0)
    throw new UserFacingError(vscode.l10n.t('No pipeline file found: create one with "{0}".', vscode.l10n.t('New Pipeline')), [
      { title: vscode.l10n.t('New Pipeline'), command: 'synapseSpark.pipelines.new' },
    ]);
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), f })),
    { title: vscode.l10n.t('Submit which pipeline?') },
  );
  if (!picked) throw new UserCancelledError();
  return vscode.workspace.openTextDocument(picked.f);
}

/**
 * Where the Spark steps of a new pipeline run: an attached pool of the chosen workspace (asked for when
 * signed in and none is remembered yet; picked when it has several), else undefined (serverless Spark).
 */
async function newPipelinePool(state: PipelineState, options?: { workspaceId?: string; sparkPool?: string }): Promise<string | undefined> {
  if (!state.arm || !state.catalog) return undefined;
  const workspace = await state.pickWorkspace(state.arm, options?.workspaceId, {
    title: vscode.l10n.t('New Pipeline: which Azure ML workspace (for its attached Spark pools)?'),
  });
  const inWs = (await state.attachedPools()).filter((p) => p.amlWorkspace.id.toLowerCase() === workspace.id.toLowerCase());
  if (options?.sparkPool) {
    if (!inWs.some((p) => p.computeName === options.sparkPool))
      throw new UserFacingError(vscode.l10n.t("No Spark pool named '{0}' is attached to {1}.", options.sparkPool, workspace.name));
    return options.sparkPool;
  }
  if (inWs.length <= 1) return inWs[0]?.computeName;
  const picked = await vscode.window.showQuickPick(
    inWs.map((p) => ({ label: p.computeName, description: vscode.l10n.t('{0} in {1}', p.poolName, p.synapseWorkspace.name), p })),
    {
      title: vscode.l10n.t('Run the Spark steps on which attached pool?'),
      placeHolder: vscode.l10n.t('You can change it per step in the pipeline editor'),
    },
  );
  if (!picked) throw new UserCancelledError();
  return picked.p.computeName;
}

export function registerPipelineCommands(commands: CommandRunner, deps: PipelineCommandDeps): void {
  const { state, editor, jobsTree, runDeps, log } = deps;

  commands.register(
    'synapseSpark.pipelines.new',
    async (folder?: vscode.Uri, options?: { name?: string; workspaceId?: string; sparkPool?: string }) => {
      const root = folder instanceof vscode.Uri ? folder : vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!root) throw new UserFacingError(vscode.l10n.t('Open a folder first: the new pipeline is written into it.'));
      const name =
        options?.name ??
        (await vscode.window.showInputBox({
          title: vscode.l10n.t('New Pipeline'),
          prompt: vscode.l10n.t('Name of the pipeline (a folder of that name is created under {0})', 'pipelines/'),
          value: 'spark-pipeline',
          validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(v) ? undefined : vscode.l10n.t('Use letters, digits, "-" and "_".')),
        }));
      if (!name) throw new UserCancelledError();
      const dir = vscode.Uri.joinPath(root, 'pipelines', name);
      const pipelineFile = vscode.Uri.joinPath(dir, `${name}.pipeline.yml`);
      try {
        await vscode.workspace.fs.stat(pipelineFile);
        throw new UserFacingError(vscode.l10n.t('{0} already exists.', vscode.workspace.asRelativePath(pipelineFile)));
      } catch (err) {
        if (err instanceof UserFacingError) throw err;
      }
      // Command steps name no compute (serverless in Azure ML); Spark steps use an attached pool when there is one.
      const pool = await newPipelinePool(state, options);
      const template = newPipelineTemplate({ name, sparkPool: pool });
      for (const [rel, content] of Object.entries(template.files)) {
        const target = rel === template.pipelinePath ? pipelineFile : vscode.Uri.joinPath(dir, rel);
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
      }
      await vscode.commands.executeCommand('vscode.openWith', pipelineFile, EDITOR_VIEW_TYPES[0]);
      return pipelineFile;
    },
  );

  commands.register('synapseSpark.pipelines.openInEditor', async (uri?: vscode.Uri) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) throw new UserFacingError(vscode.l10n.t('Open a pipeline YAML file first.'));
    await vscode.commands.executeCommand(
      'vscode.openWith',
      target,
      /\.pipeline\.ya?ml$/i.test(target.path) ? EDITOR_VIEW_TYPES[0] : EDITOR_VIEW_TYPES[1],
    );
  });

  commands.register('synapseSpark.pipelines.submit', async (uri?: vscode.Uri, options?: { workspaceId?: string }) => {
    const access = state.requireArm();
    const document = await pipelineDocument(editor, uri);
    const workspace = await state.pickWorkspace(access, options?.workspaceId);
    const client = new AmlWorkspaceClient(access, workspace);
    let result: SubmitResult;
    try {
      result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Submitting {0} to {1}', path.basename(document.uri.fsPath), workspace.name),
          cancellable: true,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return submitPipeline({
            text: document.getText(),
            filePath: document.uri.fsPath.replace(/\\/g, '/'),
            rootDir: rootDirOf(document.uri),
            reader: new NodeFileReader(),
            client,
            signal: abort.signal,
            onProgress: (stage, message) => {
              log.debug(`submit ${stage}: ${message}`);
              progress.report({ message });
            },
          });
        },
      );
    } catch (err) {
      if (err instanceof SubmitCancelledError) {
        // Cancelled from the progress notification: say what was (not) left behind, then stay quiet.
        log.info(err.message);
        void vscode.window.showInformationMessage(err.message);
        if (err.cancelledJob) jobsTree.refresh();
      }
      if (err instanceof SubmitRefusedError) {
        throw new UserFacingError(err.message, [{ title: vscode.l10n.t('Show Problems'), command: 'workbench.actions.view.problems' }], {
          cause: err,
        });
      }
      throw err;
    }
    const t = result.timings;
    log.info(
      `Submitted ${result.jobName} to ${workspace.name} (validate ${t.validate} ms, upload ${t.upload} ms, register ${t.register} ms, PUT ${t.put} ms; ` +
        `${result.uploads.map((u) => `${path.basename(u.localPath)} ${u.uploaded ? 'uploaded' : 'unchanged'}`).join(', ') || 'nothing to upload'}).`,
    );
    RunPanel.show(runDeps, { jobName: result.jobName, workspace });
    jobsTree.refresh();
    return {
      jobName: result.jobName,
      timings: result.timings,
      uploads: result.uploads.map((u) => ({ localPath: u.localPath, uploaded: u.uploaded })),
    };
  });
}
