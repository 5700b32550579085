/**
 * The pipelines feature: the pipeline custom editor, New/Submit Pipeline, the run view, the Jobs view, and
 * "Run Python File on Spark Pool". Everything it needs comes in through `deps`; the commands live by
 * responsibility in pipelineCommands.ts, jobCommands.ts and runOnSpark.ts, sharing a PipelineState.
 */
import * as vscode from 'vscode';
import type { ArmAccess } from '../core/model/armAccess';
import type { SparkPoolCatalog } from '../core/model/sparkTargets';
import { parseFromEditor, type EditorState, type ToEditor } from '../protocol/pipelineEditor';
import { parseFromRun, RUN_VIEW_TYPE, type RunNotice, type RunState, type ToRun } from '../protocol/runView';
import type { FeatureDeps } from '../shared/feature';
import { registerJobCommands } from './jobCommands';
import { JobsTree } from './jobsTree';
import { registerPipelineCommands } from './pipelineCommands';
import { EDITOR_VIEW_TYPES, PipelineEditorProvider } from './pipelineEditorProvider';
import { PipelineState } from './pipelineState';
import { RunPanel, RunPanelSerializer, type RunPanelDeps } from './runPanel';
import { registerRunOnSpark } from './runOnSpark';

export interface PipelineDeps extends FeatureDeps {
  catalog?: SparkPoolCatalog;
  arm?: ArmAccess;
}

/** Test hooks of the pipelines feature. */
export interface PipelineTesting {
  /** Replaces the ARM access and pool catalog (tests use the emulator's service principal). */
  useAccess(arm: ArmAccess, catalog: SparkPoolCatalog): void;
  /** Delivers a message as if the pipeline editor webview of `uri` sent it; resolves with the reply of an edit. */
  sendEditorMessage(uri: string, message: unknown): Promise<ToEditor | undefined>;
  editorState(uri: string): EditorState | undefined;
  runState(jobName: string): RunState | undefined;
  /** Why the run view of the job is not live (signed out, reconnecting, stopped), if it is not. */
  runNotice(jobName: string): RunNotice | undefined;
  runLog(jobName: string): string;
  /** Delivers a message as if the run view of the job sent it; resolves with the reply of a request. */
  sendRunMessage(jobName: string, message: unknown): Promise<ToRun | undefined>;
  /** What the Jobs view last showed (the items VS Code got from the tree's last root load) and how many loads so far. */
  jobsView(): { loads: number; items: vscode.TreeItem[]; description: string | undefined; listed: string | undefined };
  /** Whether a run view panel of the job is open. */
  hasRunPanel(jobName: string): boolean;
}

/** What the pipelines feature gives the others. */
export interface PipelineApi {
  refreshJobs(): void;
  /** Test hooks (handed out only by the test host's hooks command). */
  testing: PipelineTesting;
}

function pipelineTesting(
  state: PipelineState,
  editor: PipelineEditorProvider,
  jobsTree: JobsTree,
  jobsView: vscode.TreeView<unknown>,
): PipelineTesting {
  return {
    useAccess: (arm, catalog) => state.useAccess(arm, catalog),
    async sendEditorMessage(uri, raw) {
      const session = editor.session(uri);
      const message = parseFromEditor(raw);
      if (!session || !message) throw new Error(!session ? `No pipeline editor is open for ${uri}.` : 'Malformed message.');
      return session.handle(message);
    },
    editorState: (uri) => editor.session(uri)?.lastState,
    runState: (jobName) => RunPanel.find(jobName)?.runState,
    runNotice: (jobName) => RunPanel.find(jobName)?.notice,
    runLog: (jobName) => RunPanel.find(jobName)?.logText ?? '',
    sendRunMessage: async (jobName, message) => {
      const panel = RunPanel.find(jobName);
      const parsed = parseFromRun(message);
      if (!panel || !parsed) throw new Error(`No run view of ${jobName}, or a malformed message.`);
      return panel.handle(parsed);
    },
    jobsView: () => ({
      loads: jobsTree.loads,
      items: jobsTree.lastRoots.map((n) => jobsTree.getTreeItem(n)),
      description: jobsView.description,
      listed: jobsTree.lastWorkspace,
    }),
    hasRunPanel: (jobName) => RunPanel.find(jobName) !== undefined,
  };
}

export function activate(context: vscode.ExtensionContext, deps: PipelineDeps): PipelineApi {
  const { commands, log, registrations } = deps;
  const state = new PipelineState(context, log, deps.arm, deps.catalog);
  context.subscriptions.push(state);

  const diagnostics = vscode.languages.createDiagnosticCollection('synapseSpark.pipelines');
  context.subscriptions.push(diagnostics);
  const editor = new PipelineEditorProvider(
    context.extensionUri,
    {
      async sparkPools() {
        const ws = state.rememberedWorkspace();
        const all = await state.attachedPools();
        const inWs = ws ? all.filter((p) => p.amlWorkspace.id.toLowerCase() === ws.id.toLowerCase()) : all;
        return [...new Set(inWs.map((p) => p.computeName))];
      },
      async workspaceComputes() {
        return state.workspaceComputes();
      },
    },
    diagnostics,
    log,
  );
  for (const viewType of EDITOR_VIEW_TYPES) {
    context.subscriptions.push(registrations.customEditor(viewType, editor));
  }
  const jobsTree = new JobsTree(
    () => state.arm,
    () => state.rememberedWorkspace(),
  );
  const jobsView = registrations.treeView('synapseSpark.jobs', jobsTree);
  context.subscriptions.push(jobsTree, jobsView);
  // The Jobs view lists one workspace's jobs: its name is the view's description, and the welcome content
  // asks for one until it is chosen.
  const showJobsWorkspace = () => {
    const ws = state.rememberedWorkspace();
    jobsView.description = ws?.name;
    void vscode.commands.executeCommand('setContext', 'synapseSpark.jobs.hasWorkspace', Boolean(ws));
  };
  showJobsWorkspace();
  // The catalog changes on sign-in/out, subscription choice, attach and detach: the pools, the Jobs view
  // and run views that waited for a sign-in follow.
  state.onDidChangeAccess(() => {
    editor.refreshAll();
    jobsTree.refresh();
    RunPanel.resumeAll();
  });
  state.onDidChooseWorkspace(() => {
    showJobsWorkspace();
    jobsTree.refresh();
    editor.refreshAll();
  });

  const runDeps: RunPanelDeps = {
    extensionUri: context.extensionUri,
    arm: () => state.arm,
    log,
    onStatus: () => jobsTree.refresh(),
  };
  context.subscriptions.push(registrations.webviewPanelSerializer(RUN_VIEW_TYPE, new RunPanelSerializer(runDeps)));
  const batchChannel = vscode.window.createOutputChannel('Synapse Spark Batches', { log: true });
  context.subscriptions.push(batchChannel);

  registerPipelineCommands(commands, { state, editor, jobsTree, runDeps, log });
  registerJobCommands(commands, { state, jobsTree, runDeps, batchChannel, log });
  registerRunOnSpark(commands, { context, state, jobsTree, batchChannel });

  return {
    refreshJobs: () => jobsTree.refresh(),
    testing: pipelineTesting(state, editor, jobsTree, jobsView),
  };
}
