/**
 * Pipelines and Spark jobs: the pipeline custom editor, New/Submit Pipeline, the run view, the Jobs view,
 * and "Run Python File on Spark Pool". Everything it needs comes in through `deps`; extension.ts calls
 * registerPipelineFeature once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandRunner } from '../commands/commandRunner';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import { parseSparkConf } from '../core/jobs/sparkConf';
import { SparkBatchRunner } from '../core/jobs/sparkBatchRunner';
import type { ArmAccess } from '../core/model/armAccess';
import type { AmlWorkspaceRef, AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { newPipelineTemplate, NodeFileReader } from '../core/pipelines';
import { newJobName, submitPipeline, SubmitCancelledError, SubmitRefusedError, type SubmitResult } from '../core/pipelines/submit/submitPipeline';
import { downloadDatastorePath, parseDatastoreUri, rerunBody } from '../core/jobs/jobActions';
import type { Literal } from '../core/pipelines/types';
import { describeError, UserCancelledError, UserFacingError } from '../core/util/errors';
import type { StatementProgress } from '../core/livy/sparkProgress';
import type { Logger } from '../core/util/logger';
import { parseFromEditor, type EditorState, type ToEditor } from '../protocol/pipelineEditor';
import { parseFromRun, RUN_VIEW_TYPE, type RunNotice, type RunState, type ToRun } from '../protocol/runView';
import { JobsTree, type JobsNode } from './jobsTree';
import { EDITOR_VIEW_TYPES, PipelineEditorProvider, rootDirOf } from './pipelineEditorProvider';
import { RunPanel, RunPanelSerializer, type RunPanelDeps } from './runPanel';
import { directRegistrations, type Registrations } from '../shell/registrations';

export interface PipelineFeatureDeps {
  commands: CommandRunner;
  log: Logger;
  catalog?: SparkPoolCatalog;
  arm?: ArmAccess;
  /** Where commands, views, editors and serializers are registered (default: with VS Code at once). */
  registrations?: Registrations;
}

/** What the feature exposes on the ExtensionApi (mostly test hooks). */
export interface PipelineFeatureApi {
  refreshJobs(): void;
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

const WORKSPACE_KEY = 'synapseSpark.pipelines.workspace';

export function registerPipelineFeature(context: vscode.ExtensionContext, deps: PipelineFeatureDeps): PipelineFeatureApi {
  const { commands, log, registrations = directRegistrations } = deps;
  let arm = deps.arm;
  let catalog = deps.catalog;
  const signInFirst = (why: string) => new UserFacingError(`Sign in to Azure first: ${why}`, [{ title: 'Sign In', command: 'synapseSpark.signIn' }, { title: 'Open Settings', command: 'synapseSpark.openSettings' }]);
  const requireArm = (): ArmAccess => {
    if (!arm?.signedIn()) throw signInFirst('submitting and following jobs needs an Azure account.');
    return arm;
  };
  const requireCatalog = (): SparkPoolCatalog => {
    if (!catalog) throw signInFirst('no attached Spark pools are known yet.');
    return catalog;
  };
  const rememberedWorkspace = (): AmlWorkspaceRef | undefined => context.workspaceState.get<AmlWorkspaceRef>(WORKSPACE_KEY);

  // Attached pools, cached until the catalog says something changed.
  let pools: Promise<AttachedSparkPool[]> | undefined;
  const attachedPools = (): Promise<AttachedSparkPool[]> => {
    if (!catalog) return Promise.resolve([]);
    pools ??= catalog.listAttachedPools().catch((err) => {
      log.warn(`Listing attached Spark pools failed: ${err instanceof Error ? err.message : String(err)}`);
      pools = undefined;
      return [];
    });
    return pools;
  };
  let computesCache: { id: string; names: Promise<string[] | undefined> } | undefined;

  const diagnostics = vscode.languages.createDiagnosticCollection('synapseSpark.pipelines');
  context.subscriptions.push(diagnostics);
  const editor = new PipelineEditorProvider(context.extensionUri, {
    async sparkPools() {
      const ws = rememberedWorkspace();
      const all = await attachedPools();
      const inWs = ws ? all.filter((p) => p.amlWorkspace.id.toLowerCase() === ws.id.toLowerCase()) : all;
      return [...new Set(inWs.map((p) => p.computeName))];
    },
    async workspaceComputes() {
      const ws = rememberedWorkspace();
      if (!ws || !arm) return undefined;
      if (computesCache?.id !== ws.id) computesCache = { id: ws.id, names: new AmlWorkspaceClient(arm, ws).computeNames().catch(() => undefined) };
      return computesCache.names;
    },
  }, diagnostics, log);
  for (const viewType of EDITOR_VIEW_TYPES) {
    context.subscriptions.push(registrations.customEditor(viewType, editor));
  }
  const jobsTree = new JobsTree(() => arm, rememberedWorkspace);
  const jobsView = registrations.treeView('synapseSpark.jobs', jobsTree);
  context.subscriptions.push(jobsTree, jobsView);
  // The Jobs view lists one workspace's jobs: its name is the view's description, and the welcome content
  // asks for one until it is chosen.
  const showJobsWorkspace = () => {
    const ws = rememberedWorkspace();
    jobsView.description = ws?.name;
    void vscode.commands.executeCommand('setContext', 'synapseSpark.jobs.hasWorkspace', Boolean(ws));
  };
  showJobsWorkspace();
  // The catalog changes on sign-in/out, subscription choice, attach and detach: the pools, the Jobs view
  // and run views that waited for a sign-in follow.
  const subscribeCatalog = (c: SparkPoolCatalog | undefined) => c?.onDidChange(() => {
    pools = undefined;
    computesCache = undefined;
    editor.refreshAll();
    jobsTree.refresh();
    RunPanel.resumeAll();
  });
  let catalogSubscription = subscribeCatalog(catalog);
  context.subscriptions.push({ dispose: () => catalogSubscription?.dispose() });

  const runDeps: RunPanelDeps = {
    extensionUri: context.extensionUri,
    arm: () => arm,
    log,
    onStatus: () => jobsTree.refresh(),
  };
  context.subscriptions.push(registrations.webviewPanelSerializer(RUN_VIEW_TYPE, new RunPanelSerializer(runDeps)));
  const batchChannel = vscode.window.createOutputChannel('Synapse Spark Batches', { log: true });
  context.subscriptions.push(batchChannel);

  /**
   * The Azure ML workspace to use: `workspaceId` when given, else the one remembered for this folder, else a
   * quick pick. `ask` shows the pick even when one is remembered; `title` is the pick's question.
   */
  async function pickWorkspace(access: ArmAccess, workspaceId?: string, pick: { ask?: boolean; title?: string } = {}): Promise<AmlWorkspaceRef> {
    const remembered = rememberedWorkspace();
    if (!pick.ask && !workspaceId && remembered && vscode.workspace.getConfiguration('synapseSpark.pipelines').get<boolean>('rememberWorkspace', true)) return remembered;
    const all = await access.listAmlWorkspaces();
    let chosen: AmlWorkspaceRef | undefined;
    if (workspaceId) {
      chosen = all.find((w) => w.id.toLowerCase() === workspaceId.toLowerCase() || w.name === workspaceId);
      if (!chosen) throw new UserFacingError(`Azure ML workspace '${workspaceId}' was not found.`);
    } else {
      if (all.length === 0) throw new UserFacingError('No Azure ML workspaces are visible to the signed-in account.');
      const items = all.map((w) => ({ label: w.name, description: `${w.resourceGroup} · ${w.subscriptionId}`, w }))
        .sort((a, b) => Number(b.w.id === remembered?.id) - Number(a.w.id === remembered?.id));
      const picked = await vscode.window.showQuickPick(items, { title: pick.title ?? 'Submit to which Azure ML workspace?', placeHolder: 'The choice is remembered for this folder' });
      if (!picked) throw new UserCancelledError();
      chosen = picked.w;
    }
    await context.workspaceState.update(WORKSPACE_KEY, chosen);
    computesCache = undefined;
    showJobsWorkspace();
    jobsTree.refresh();
    editor.refreshAll();
    return chosen;
  }

  async function pipelineDocument(uri?: vscode.Uri): Promise<vscode.TextDocument> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    if (editor.activeDocument) return editor.activeDocument;
    const active = vscode.window.activeTextEditor?.document;
    if (active && /\.ya?ml$/i.test(active.fileName) && /^type:\s*pipeline\s*$/m.test(active.getText())) return active;
    const files = await vscode.workspace.findFiles('**/*.pipeline.{yml,yaml}', '**/node_modules/**', 200);
    if (files.length === 0) throw new UserFacingError('No pipeline file found: create one with "New Pipeline".', [{ title: 'New Pipeline', command: 'synapseSpark.pipelines.new' }]);
    const picked = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), f })), { title: 'Submit which pipeline?' });
    if (!picked) throw new UserCancelledError();
    return vscode.workspace.openTextDocument(picked.f);
  }

  /**
   * Where the Spark steps of a new pipeline run: an attached pool of the chosen workspace (asked for when
   * signed in and none is remembered yet; picked when it has several), else undefined (serverless Spark).
   */
  async function newPipelinePool(options?: { workspaceId?: string; sparkPool?: string }): Promise<string | undefined> {
    if (!arm || !catalog) return undefined;
    const workspace = await pickWorkspace(arm, options?.workspaceId, { title: 'New Pipeline: which Azure ML workspace (for its attached Spark pools)?' });
    const inWs = (await attachedPools()).filter((p) => p.amlWorkspace.id.toLowerCase() === workspace.id.toLowerCase());
    if (options?.sparkPool) {
      if (!inWs.some((p) => p.computeName === options.sparkPool)) throw new UserFacingError(`No Spark pool named '${options.sparkPool}' is attached to ${workspace.name}.`);
      return options.sparkPool;
    }
    if (inWs.length <= 1) return inWs[0]?.computeName;
    const picked = await vscode.window.showQuickPick(
      inWs.map((p) => ({ label: p.computeName, description: `${p.poolName} in ${p.synapseWorkspace.name}`, p })),
      { title: 'Run the Spark steps on which attached pool?', placeHolder: 'You can change it per step in the pipeline editor' },
    );
    if (!picked) throw new UserCancelledError();
    return picked.p.computeName;
  }

  commands.register('synapseSpark.pipelines.new', async (folder?: vscode.Uri, options?: { name?: string; workspaceId?: string; sparkPool?: string }) => {
    const root = folder instanceof vscode.Uri ? folder : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) throw new UserFacingError('Open a folder first: the new pipeline is written into it.');
    const name = options?.name ?? (await vscode.window.showInputBox({
      title: 'New Pipeline',
      prompt: 'Name of the pipeline (a folder of that name is created under pipelines/)',
      value: 'spark-pipeline',
      validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(v) ? undefined : 'Use letters, digits, "-" and "_".'),
    }));
    if (!name) throw new UserCancelledError();
    const dir = vscode.Uri.joinPath(root, 'pipelines', name);
    const pipelineFile = vscode.Uri.joinPath(dir, `${name}.pipeline.yml`);
    try {
      await vscode.workspace.fs.stat(pipelineFile);
      throw new UserFacingError(`${vscode.workspace.asRelativePath(pipelineFile)} already exists.`);
    } catch (err) {
      if (err instanceof UserFacingError) throw err;
    }
    // Command steps name no compute (serverless in Azure ML); Spark steps use an attached pool when there is one.
    const pool = await newPipelinePool(options);
    const template = newPipelineTemplate({ name, sparkPool: pool });
    for (const [rel, content] of Object.entries(template.files)) {
      const target = rel === template.pipelinePath ? pipelineFile : vscode.Uri.joinPath(dir, rel);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    }
    await vscode.commands.executeCommand('vscode.openWith', pipelineFile, EDITOR_VIEW_TYPES[0]);
    return pipelineFile;
  });

  commands.register('synapseSpark.pipelines.openInEditor', async (uri?: vscode.Uri) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) throw new UserFacingError('Open a pipeline YAML file first.');
    await vscode.commands.executeCommand('vscode.openWith', target, /\.pipeline\.ya?ml$/i.test(target.path) ? EDITOR_VIEW_TYPES[0] : EDITOR_VIEW_TYPES[1]);
  });

  commands.register('synapseSpark.pipelines.submit', async (uri?: vscode.Uri, options?: { workspaceId?: string }) => {
    const access = requireArm();
    const document = await pipelineDocument(uri);
    const workspace = await pickWorkspace(access, options?.workspaceId);
    const client = new AmlWorkspaceClient(access, workspace);
    let result: SubmitResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Submitting ${path.basename(document.uri.fsPath)} to ${workspace.name}`, cancellable: true },
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
        throw new UserFacingError(err.message, [{ title: 'Show Problems', command: 'workbench.actions.view.problems' }], { cause: err });
      }
      throw err;
    }
    const t = result.timings;
    log.info(`Submitted ${result.jobName} to ${workspace.name} (validate ${t.validate} ms, upload ${t.upload} ms, register ${t.register} ms, PUT ${t.put} ms; `
      + `${result.uploads.map((u) => `${path.basename(u.localPath)} ${u.uploaded ? 'uploaded' : 'unchanged'}`).join(', ') || 'nothing to upload'}).`);
    RunPanel.show(runDeps, { jobName: result.jobName, workspace });
    jobsTree.refresh();
    return { jobName: result.jobName, timings: result.timings, uploads: result.uploads.map((u) => ({ localPath: u.localPath, uploaded: u.uploaded })) };
  });

  commands.register('synapseSpark.jobs.refresh', () => jobsTree.refresh());

  // Batches log to one channel, each line under its file name: showing it is how a batch's log is opened.
  commands.register('synapseSpark.jobs.showBatchLog', () => {
    if (jobsTree.batches.length === 0) {
      void vscode.window.showInformationMessage('No Spark batch has run in this window yet: "Run Python File on Spark Pool" starts one, and its log shows here.');
    }
    batchChannel.show();
  });

  commands.register('synapseSpark.jobs.selectWorkspace', async (options?: { workspaceId?: string }) => {
    const ws = await pickWorkspace(requireArm(), options?.workspaceId, { ask: true, title: 'List and submit jobs in which Azure ML workspace?' });
    return { workspaceId: ws.id };
  });

  commands.register('synapseSpark.jobs.openRun', (node?: JobsNode | { jobName: string; workspace: AmlWorkspaceRef }) => {
    if (node && 'kind' in node && node.kind === 'job') RunPanel.show(runDeps, { jobName: node.job.name, workspace: node.workspace });
    else if (node && 'jobName' in node) RunPanel.show(runDeps, { jobName: node.jobName, workspace: node.workspace });
    else throw new UserFacingError('Choose a job in the Jobs view to open its run.');
  });

  commands.register('synapseSpark.jobs.cancel', async (node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef }) => {
    const jobName = node && 'kind' in node && node.kind === 'job' ? node.job.name : node && 'jobName' in node ? node.jobName : undefined;
    const workspace = node && 'kind' in node && node.kind === 'job' ? node.workspace : (node as { workspace?: AmlWorkspaceRef } | undefined)?.workspace ?? rememberedWorkspace();
    if (!jobName || !workspace) throw new UserFacingError('Choose a running job in the Jobs view to cancel it.');
    const panel = RunPanel.find(jobName);
    if (panel) await panel.cancel();
    else await new AmlWorkspaceClient(requireArm(), workspace).cancelJob(jobName);
    jobsTree.refresh();
  });

  const jobTarget = (node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef }): { jobName: string; workspace: AmlWorkspaceRef } | undefined => {
    if (node && 'kind' in node && node.kind === 'job') return { jobName: node.job.name, workspace: node.workspace };
    const ws = (node as { workspace?: AmlWorkspaceRef } | undefined)?.workspace ?? rememberedWorkspace();
    return node && 'jobName' in node && ws ? { jobName: node.jobName, workspace: ws } : undefined;
  };

  // Submits the job again with the same definition, inputs and settings, and follows the new run.
  commands.register('synapseSpark.jobs.rerun', async (node?: JobsNode | { jobName: string; workspace?: AmlWorkspaceRef }) => {
    const target = jobTarget(node);
    if (!target) throw new UserFacingError('Choose a failed or canceled job in the Jobs view to run it again.');
    const client = new AmlWorkspaceClient(requireArm(), target.workspace);
    const newName = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rerunning ${target.jobName}`, cancellable: true }, async (_p, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const job = await client.getJob(target.jobName, abort.signal);
      const name = newJobName({ displayName: job.properties.displayName ?? target.jobName, experimentName: job.properties.experimentName });
      await client.putJob(name, rerunBody(job), abort.signal);
      return name;
    });
    log.info(`Job ${target.jobName} submitted again as ${newName}.`);
    RunPanel.show(runDeps, { jobName: newName, workspace: target.workspace });
    jobsTree.refresh();
    return { jobName: newName };
  });

  // Downloads an output Azure ML reports as azureml://datastores/<name>/paths/<path> into a local folder.
  commands.register('synapseSpark.jobs.downloadOutput', async (args?: { workspace?: AmlWorkspaceRef; uri?: string; key?: string; targetFolder?: string }) => {
    const workspace = args?.workspace ?? rememberedWorkspace();
    const parsed = args?.uri ? parseDatastoreUri(args.uri) : undefined;
    if (!workspace || !args?.uri) throw new UserFacingError('Choose an output in a run view to download it.');
    if (!parsed) throw new UserFacingError(`${args.uri} is not on an Azure ML datastore, so it cannot be downloaded from here.`);
    let folder = args.targetFolder;
    if (!folder) {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download Here', title: `Download ${args.key ?? parsed.path}` });
      if (!picked?.[0]) throw new UserCancelledError();
      folder = path.join(picked[0].fsPath, (args.key ?? path.posix.basename(parsed.path.replace(/\/+$/, ''))).replace(/[^A-Za-z0-9._-]+/g, '_'));
    }
    const access = requireArm();
    const client = new AmlWorkspaceClient(access, workspace);
    const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${args.key ?? parsed.path}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const ds = await client.datastore(parsed.datastore, abort.signal);
      const key = await client.datastoreAccountKey(parsed.datastore, abort.signal);
      if (!key) throw new UserFacingError(`Datastore ${parsed.datastore} has no account key this account can read; browse it in Azure ML studio instead.`);
      return downloadDatastorePath(ds, key, access.httpClient(), parsed.path, folder!, (p) => progress.report({ message: `${p.files} file(s)${p.current ? `: ${p.current}` : ''}` }), abort.signal);
    });
    log.info(`Downloaded ${files} file(s) of ${args.uri} to ${folder}.`);
    if (!args.targetFolder) {
      void vscode.window.showInformationMessage(`Downloaded ${files} file(s) to ${folder}.`, 'Reveal').then((choice) => {
        if (choice) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder!));
      });
    }
    return { folder, files };
  });

  commands.register('synapseSpark.jobs.browseOutput', async (args?: { workspace?: AmlWorkspaceRef; uri?: string }) => {
    const workspace = args?.workspace ?? rememberedWorkspace();
    const parsed = args?.uri ? parseDatastoreUri(args.uri) : undefined;
    if (!workspace || !parsed) throw new UserFacingError('Choose a datastore output in a run view to browse it.');
    await vscode.env.openExternal(vscode.Uri.parse(requireArm().amlStudioDatastoreUrl(workspace, parsed.datastore)));
  });

  commands.register('synapseSpark.runPythonFileOnSpark', async (uri?: vscode.Uri, options?: { computeName?: string; args?: string; conf?: Record<string, Literal> }) => {
    const access = requireArm();
    const poolCatalog = requireCatalog();
    const file = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!file || !file.fsPath.endsWith('.py')) throw new UserFacingError('Open or select a Python (.py) file to run it on a Spark pool.');
    const all = await poolCatalog.listAttachedPools();
    if (all.length === 0) throw new UserFacingError('No Spark pools are attached to your Azure ML workspaces yet: attach one from the Workspaces view.');
    let pool = options?.computeName ? all.find((p) => p.computeName === options.computeName) : undefined;
    if (options?.computeName && !pool) throw new UserFacingError(`No attached Spark pool named '${options.computeName}'.`);
    if (!pool) {
      const picked = await vscode.window.showQuickPick(all.map((p) => ({ label: p.computeName, description: `${p.poolName} in ${p.synapseWorkspace.name} · ${p.amlWorkspace.name}`, p })), { title: 'Run on which Spark pool?' });
      if (!picked) throw new UserCancelledError();
      pool = picked.p;
    }
    const argsKey = `synapseSpark.jobs.args:${file.fsPath}`;
    const args = options?.args ?? (await vscode.window.showInputBox({ title: 'Arguments for the script', value: context.workspaceState.get<string>(argsKey, ''), prompt: 'As on a command line; leave empty for none' }));
    if (args === undefined) throw new UserCancelledError();
    await context.workspaceState.update(argsKey, args);
    let conf = options?.conf;
    if (!conf) {
      const defaults = vscode.workspace.getConfiguration('synapseSpark.jobs').get<Record<string, string>>('defaultSparkConf', {});
      const text = await vscode.window.showInputBox({
        title: 'Spark configuration',
        prompt: 'key=value pairs separated by commas, e.g. spark.executor.instances=2, spark.executor.memory=4g; empty for none',
        value: Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join(', '),
        validateInput: (v) => parseSparkConf(v).error,
      });
      if (text === undefined) throw new UserCancelledError();
      const parsed = parseSparkConf(text);
      if (parsed.error !== undefined) throw new UserFacingError(`Spark configuration: ${parsed.error}`);
      conf = parsed.conf;
    }
    const runner = new SparkBatchRunner(pool, poolCatalog);
    const lines: string[] = [];
    const name = path.basename(file.fsPath);
    batchChannel.show(true);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${name} on ${pool.computeName}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      // During the upload Cancel stops it; once the batch exists it kills the batch, and the log is
      // followed until Livy says it ended.
      let batchId: number | undefined = undefined;
      let uploading = true;
      let cancelled = false;
      token.onCancellationRequested(() => {
        cancelled = true;
        if (uploading) abort.abort();
        if (batchId === undefined) return; // not submitted yet, or the submit is answering: handled below
        batchChannel.info(`${name}: cancelling batch ${batchId}...`);
        void runner.cancel(batchId).catch((err) => batchChannel.error(`Cancel failed: ${err instanceof Error ? err.message : String(err)}`));
      });
      progress.report({ message: 'Uploading...' });
      let batch: Awaited<ReturnType<typeof runner.submit>>;
      try {
        const prepared = await runner.prepare({ file: file.fsPath.replace(/\\/g, '/'), args: args || undefined, conf }, access, new NodeFileReader(), abort.signal);
        uploading = false;
        batchChannel.info(`${name}: ${prepared.uploaded ? 'uploaded' : 'unchanged, not uploaded again'} (${prepared.codeUri})`);
        if (cancelled) throw new UserCancelledError();
        progress.report({ message: 'Submitting the Spark batch...' });
        // Not abortable: an aborted POST may still have created the batch; a cancel now kills it below.
        batch = await runner.submit(prepared.body);
      } catch (err) {
        if (cancelled) {
          batchChannel.info(`${name}: cancelled before the Spark batch was created; nothing runs.`);
          void vscode.window.showInformationMessage(`${name}: cancelled before the Spark batch was created; nothing runs.`);
          throw new UserCancelledError();
        }
        throw err;
      }
      batchId = batch.id;
      const entry = { id: batch.id, name, pool: pool!.computeName, state: batch.state ?? 'not_started' };
      jobsTree.batches.unshift(entry);
      jobsTree.refresh();
      batchChannel.info(`${name}: Spark batch ${batch.id} submitted to ${pool!.poolName} (${pool!.synapseWorkspace.name}).`);
      if (cancelled) {
        // Cancel came while the submit was answering: the batch exists now, so kill it.
        batchChannel.info(`${name}: cancelling batch ${batch.id}...`);
        void runner.cancel(batch.id).catch((err) => batchChannel.error(`Cancel failed: ${err instanceof Error ? err.message : String(err)}`));
      }
      // Live Spark progress of the batch's application, beside its log: the running job in the notification,
      // each finished job as a log line, and a summary at the end.
      let appId: string | undefined;
      let spark: StatementProgress | undefined;
      const reported = new Set<number>();
      const progressStop = new AbortController();
      const progressDone = runner.followProgress(batch.id, () => appId, (p) => {
        spark = p;
        const running = p.jobs.find((j) => j.status === 'RUNNING');
        progress.report({ message: running ? `${entry.state} · Spark job ${running.jobId}: ${running.tasksDone}/${running.tasksTotal} tasks` : entry.state });
        for (const job of p.jobs.filter((j) => j.status !== 'RUNNING' && !reported.has(j.jobId))) {
          reported.add(job.jobId);
          batchChannel.info(`${name}: Spark job ${job.jobId} (${job.name}) ${job.status.toLowerCase()}: ${job.tasksDone}/${job.tasksTotal} tasks`
            + `${job.failedTasks ? `, ${job.failedTasks} failed` : ''}${job.elapsedMs !== undefined ? ` in ${(job.elapsedMs / 1000).toFixed(1)} s` : ''}.`);
        }
      }, { signal: progressStop.signal, onFailure: (err) => batchChannel.warn(`${name}: Spark progress is not available (${describeError(err)}); the batch goes on.`) });
      const final = await runner.follow(batch.id, (u) => {
        entry.state = u.state;
        appId = u.appId ?? appId;
        progress.report({ message: u.state });
        for (const line of u.newLines) {
          lines.push(line);
          batchChannel.appendLine(line);
        }
        jobsTree.refresh();
      }, { signal: abort.signal }).finally(() => progressStop.abort());
      await progressDone;
      if (spark?.jobs.length) {
        batchChannel.info(`${name}: Spark ran ${spark.jobs.length} job${spark.jobs.length === 1 ? '' : 's'}, ${spark.tasksDone} of ${spark.tasksTotal} tasks done`
          + `${spark.failedTasks ? `, ${spark.failedTasks} failed` : ''}.`);
      }
      batchChannel.info(`${name}: batch ${batch.id} ended ${final.state}${final.result ? ` (${final.result})` : ''}.`);
      if (final.state !== 'success' && !cancelled) void vscode.window.showWarningMessage(`${name} on ${pool!.computeName} ended ${final.state}.`, 'Show Log').then((a) => a && batchChannel.show());
      return { batchId: batch.id, state: final.state, log: lines, sparkJobs: spark?.jobs.map((j) => ({ jobId: j.jobId, status: j.status, tasksDone: j.tasksDone, tasksTotal: j.tasksTotal })) ?? [] };
    });
  });

  return {
    refreshJobs: () => jobsTree.refresh(),
    useAccess(newArm, newCatalog) {
      arm = newArm;
      catalog = newCatalog;
      pools = undefined;
      computesCache = undefined;
      catalogSubscription?.dispose();
      catalogSubscription = subscribeCatalog(catalog);
      editor.refreshAll();
      jobsTree.refresh();
      RunPanel.resumeAll();
    },
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
      loads: jobsTree.loads, items: jobsTree.lastRoots.map((n) => jobsTree.getTreeItem(n)), description: jobsView.description, listed: jobsTree.lastWorkspace,
    }),
    hasRunPanel: (jobName) => RunPanel.find(jobName) !== undefined,
  };
}
