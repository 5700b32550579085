/**
 * Composition root of the features: builds the shared parts, activates each feature (one `activate` per
 * feature folder) and wires them together. Bundled on its own (dist/features.js) and loaded by extension.ts
 * on first use, so activation does not pay for the Azure SDK clients, the notebook machinery or the
 * pipeline code.
 */
import * as vscode from 'vscode';
import type { SparkPoolCatalog } from './core/model/sparkTargets';
import { activate as activateNotebooks, type NotebookTesting } from './notebook/activate';
import { activate as activatePipelines, type PipelineTesting } from './pipelines/activate';
import { activate as activateResources, type ResourcesTesting } from './resources/activate';
import { CommandRunner } from './shared/commandRunner';
import type { FeatureDeps } from './shared/feature';
import { configureCoreL10n } from './shared/l10n';
import { createLogger } from './shared/log';
import { directRegistrations, type Registrations } from './shell/registrations';

/** The features' test hooks; the entry point hands them out only in the test host (shell/testHooks.ts). */
export interface FeaturesTesting {
  /** Command ids the features registered; used by the manifest consistency test. */
  readonly registeredCommands: readonly string[];
  /** Attached Synapse Spark pools and how to reach their Livy endpoints. */
  readonly sparkPools: SparkPoolCatalog;
  /** Sign-in and the Workspaces tree. */
  readonly resources: ResourcesTesting;
  /** Notebook kernels per attached pool and their sessions. */
  readonly notebooks: NotebookTesting;
  /** Pipeline editor, submit, runs, Jobs view and Spark batches. */
  readonly pipelines: PipelineTesting;
}

/** What loading the features gives the entry point. */
export interface Features {
  readonly testing: FeaturesTesting;
}

export function activateFeatures(
  context: vscode.ExtensionContext,
  channel: vscode.LogOutputChannel,
  registrations: Registrations = directRegistrations,
): Features {
  configureCoreL10n();
  const log = createLogger(channel);
  const commands = new CommandRunner(log, context.subscriptions, registrations);
  const deps: FeatureDeps = { commands, log, registrations };

  const resources = activateResources(context, deps);
  const notebooks = activateNotebooks(context, { ...deps, catalog: resources.catalog });
  const pipelines = activatePipelines(context, { ...deps, catalog: resources.catalog, arm: resources.arm });

  commands.register('synapseSpark.showLog', () => channel.show(true));
  commands.register('synapseSpark.openSettings', () =>
    vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`),
  );
  commands.register('synapseSpark.refresh', (node?: unknown) => {
    resources.refresh(node);
    if (!node) pipelines.refreshJobs();
  });

  return {
    testing: {
      registeredCommands: [...commands.ids],
      sparkPools: resources.catalog,
      resources: resources.testing,
      notebooks: notebooks.testing,
      pipelines: pipelines.testing,
    },
  };
}
