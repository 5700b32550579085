import * as vscode from 'vscode';
import { CommandRunner } from './commands/commandRunner';
import { createLogger } from './log';
import { activateResources, type ResourcesApi } from './resources/resourcesModule';
import type { SparkPoolCatalog } from './core/model/sparkTargets';
import { activateNotebooks, type NotebookApi } from './notebook/notebookFeature';
import { registerPipelineFeature, type PipelineFeatureApi } from './pipelines/pipelineFeature';

export interface ExtensionApi {
  /** Command ids this activation registered; used by the manifest consistency test. */
  readonly registeredCommands: readonly string[];
  /** Attached Synapse Spark pools and how to reach their Livy endpoints (for the Spark side). */
  readonly sparkPools: SparkPoolCatalog;
  /** Sign-in, Workspaces tree and test hooks of the resources area. */
  readonly resources: ResourcesApi;
  /** Notebook kernels per attached pool, their sessions, and test hooks. */
  readonly notebooks: NotebookApi;
  /** Pipeline editor, submit, runs, Jobs view and Spark batches; test hooks. */
  readonly pipelines: PipelineFeatureApi;
}

/** Composition root: build the parts, wire them together, register them. Nothing else lives here. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const channel = vscode.window.createOutputChannel('Azure ML Synapse Spark', { log: true });
  context.subscriptions.push(channel);
  const log = createLogger(channel);
  const commands = new CommandRunner(log, context.subscriptions);

  const resources = activateResources(context, log, commands);
  const notebooks = activateNotebooks(context, commands, log, resources.catalog);
  const pipelines = registerPipelineFeature(context, { commands, log, catalog: resources.catalog, arm: resources.arm });

  commands.register('synapseSpark.showLog', () => channel.show(true));
  commands.register('synapseSpark.openSettings', () =>
    vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`));
  commands.register('synapseSpark.refresh', (node?: unknown) => {
    resources.refresh(node);
    if (!node) pipelines.refreshJobs();
  });

  log.info(`Activated ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version}.`);
  return { registeredCommands: [...commands.ids], sparkPools: resources.catalog, resources, notebooks, pipelines };
}

export function deactivate(): void {}
