/**
 * Composition root of the features: builds the parts, wires them together, registers them. Bundled on its
 * own (dist/features.js) and loaded by extension.ts on first use, so activation does not pay for the
 * Azure SDK clients, the notebook machinery or the pipeline code.
 */
import * as vscode from 'vscode';
import { CommandRunner } from './commands/commandRunner';
import { createLogger } from './log';
import { activateResources, type ResourcesApi } from './resources/resourcesModule';
import type { SparkPoolCatalog } from './core/model/sparkTargets';
import { activateNotebooks, type NotebookApi } from './notebook/notebookFeature';
import { registerPipelineFeature, type PipelineFeatureApi } from './pipelines/pipelineFeature';
import { directRegistrations, type Registrations } from './shell/registrations';

export interface Features {
  /** Command ids the features registered; used by the manifest consistency test. */
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

export function activateFeatures(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel,
  registrations: Registrations = directRegistrations): Features {
  const log = createLogger(channel);
  const commands = new CommandRunner(log, context.subscriptions, registrations);

  const resources = activateResources(context, log, commands, registrations);
  const notebooks = activateNotebooks(context, commands, log, resources.catalog, registrations);
  const pipelines = registerPipelineFeature(context, { commands, log, catalog: resources.catalog, arm: resources.arm, registrations });

  commands.register('synapseSpark.showLog', () => channel.show(true));
  commands.register('synapseSpark.openSettings', () =>
    vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`));
  commands.register('synapseSpark.refresh', (node?: unknown) => {
    resources.refresh(node);
    if (!node) pipelines.refreshJobs();
  });

  return { registeredCommands: [...commands.ids], sparkPools: resources.catalog, resources, notebooks, pipelines };
}
