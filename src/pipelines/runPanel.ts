/**
 * The run view: a webview panel per submitted job that follows it (polling with backoff) and shows the
 * step graph with live states, step errors and logs (from run history's log files) and outputs (download,
 * copy, browse), with cancel of the job or one step, rerun of a failed job and "open in Azure ML studio". Panels
 * come back after a window reload through a WebviewPanelSerializer (their state is the job and workspace).
 */
import * as vscode from 'vscode';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import { AzureRequestError } from '../core/http/errors';
import { graphFromJob } from '../core/jobs/jobGraph';
import { JobMonitor, stepStatusOf, type JobSnapshot } from '../core/jobs/jobMonitor';
import { sleep } from '../core/util/abort';
import { isNetworkFailure, statusOf } from '../core/arm/errors';
import type { ArmAccess } from '../core/model/armAccess';
import type { AmlWorkspaceRef } from '../core/model/sparkTargets';
import { describeError, isCancellation, UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { parseFromRun, RUN_VIEW_TYPE, type FromRun, type RunNotice, type RunState, type ToRun } from '../protocol/runView';
import { unhandledMessage } from '../protocol/messages';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface RunPanelState {
  jobName: string;
  workspace: AmlWorkspaceRef;
}

export interface RunPanelDeps {
  extensionUri: vscode.Uri;
  arm: () => ArmAccess | undefined;
  log: Logger;
  onStatus: (jobName: string, status: string) => void;
  /** Transient failures (5xx, 429, network) in a row before live updates stop; default 6. */
  maxTransientFailures?: number;
  /** First delay before following again after a transient failure, doubled each time; default 2000 ms. */
  reconnectDelayMs?: number;
}

/** A failure worth polling through: the service is busy or briefly unreachable, the run goes on. */
function isTransient(err: unknown): boolean {
  const status = err instanceof AzureRequestError ? err.statusCode : statusOf(err);
  return status === 429 || status === 408 || (status !== undefined && status >= 500) || isNetworkFailure(err);
}

export class RunPanel {
  private static readonly panels = new Map<string, RunPanel>();
  private readonly abort = new AbortController();
  private state: RunState | undefined;
  private noticeValue: RunNotice | undefined;
  private following = false;
  private readonly logs: { step: string; text: string }[] = [];

  static show(deps: RunPanelDeps, target: RunPanelState): RunPanel {
    const existing = RunPanel.panels.get(target.jobName);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, vscode.l10n.t('Run: {0}', target.jobName), vscode.ViewColumn.Active, {
      ...webviewOptions(deps.extensionUri),
      retainContextWhenHidden: true,
    });
    return new RunPanel(panel, deps, target);
  }

  static revive(panel: vscode.WebviewPanel, deps: RunPanelDeps, target: RunPanelState): RunPanel {
    panel.webview.options = webviewOptions(deps.extensionUri);
    return new RunPanel(panel, deps, target);
  }

  /** For tests: the panel of a job, if open. */
  static find(jobName: string): RunPanel | undefined {
    return RunPanel.panels.get(jobName);
  }

  /** After sign-in (or a change of account or environment): panels that stopped follow their run again. */
  static resumeAll(): void {
    for (const panel of RunPanel.panels.values()) if (!panel.state?.terminal) void panel.follow();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: RunPanelDeps,
    readonly target: RunPanelState,
  ) {
    RunPanel.panels.set(target.jobName, this);
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'runView', target.jobName);
    panel.webview.onDidReceiveMessage(async (raw) => {
      const message = parseFromRun(raw);
      if (!message) return deps.log.warn('Run view: dropped a malformed message.');
      const reply = await this.handle(message);
      if (reply) this.post(reply);
    });
    panel.onDidDispose(() => {
      this.abort.abort();
      RunPanel.panels.delete(target.jobName);
    });
    void this.follow();
  }

  /** Handles a message of the webview (tests deliver them directly); answers the reply of a request. */
  async handle(message: FromRun): Promise<ToRun | undefined> {
    const target = this.target;
    const request = async (requestId: number, work: () => Promise<void>): Promise<ToRun> => {
      try {
        await work();
        return { type: 'result', requestId, ok: true };
      } catch (err) {
        if (!isCancellation(err)) this.deps.log.warn(`Run view of ${target.jobName}: ${describeError(err)}`);
        return { type: 'result', requestId, ok: false, error: describeError(err) };
      }
    };
    switch (message.type) {
      case 'ready':
        if (this.state) this.post({ type: 'state', state: this.state });
        if (this.noticeValue) this.post({ type: 'notice', notice: this.noticeValue });
        this.post({ type: 'logs', logs: this.logs });
        return undefined;
      case 'retry':
        void this.follow();
        return undefined;
      case 'signIn':
        await vscode.commands.executeCommand('synapseSpark.signIn');
        return undefined;
      case 'openStudio': {
        const arm = this.deps.arm();
        if (arm) await vscode.env.openExternal(vscode.Uri.parse(arm.amlStudioJobUrl(target.workspace, target.jobName)));
        return undefined;
      }
      case 'cancel':
        return request(message.requestId, () => this.cancel());
      case 'cancelStep':
        return request(message.requestId, () => this.cancelStep(message.step));
      case 'rerun':
        return request(message.requestId, async () => {
          await vscode.commands.executeCommand('synapseSpark.jobs.rerun', { jobName: target.jobName, workspace: target.workspace });
        });
      case 'output': {
        const uri = this.state?.outputs[message.key];
        if (!uri) return undefined;
        if (message.action === 'copy') {
          await vscode.env.clipboard.writeText(uri);
          void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', uri), 3000);
        } else {
          const command = message.action === 'download' ? 'synapseSpark.jobs.downloadOutput' : 'synapseSpark.jobs.browseOutput';
          await vscode.commands.executeCommand(command, { jobName: target.jobName, workspace: target.workspace, key: message.key, uri });
        }
        return undefined;
      }
      default:
        return unhandledMessage(message);
    }
  }

  get runState(): RunState | undefined {
    return this.state;
  }

  /** Why the view is not live, if it is not (tests read it). */
  get notice(): RunNotice | undefined {
    return this.noticeValue;
  }

  get logText(): string {
    return this.logs.map((l) => `[${l.step}] ${l.text}`).join('');
  }

  private post(message: ToRun): void {
    void this.panel.webview.postMessage(message);
  }

  private setNotice(notice: RunNotice | undefined): void {
    if (notice?.message === this.noticeValue?.message && notice?.action === this.noticeValue?.action) return;
    this.noticeValue = notice;
    this.post({ type: 'notice', notice: notice ?? { message: '' } });
  }

  private client(): AmlWorkspaceClient {
    const arm = this.deps.arm();
    if (!arm?.signedIn())
      throw new UserFacingError(vscode.l10n.t('Sign in to Azure first: the run is in an Azure ML workspace.'), [
        { title: vscode.l10n.t('Sign In'), command: 'synapseSpark.signIn' },
      ]);
    return new AmlWorkspaceClient(arm, this.target.workspace);
  }

  async cancel(): Promise<void> {
    await this.client().cancelJob(this.target.jobName);
    this.deps.log.info(`Cancel requested for job ${this.target.jobName}.`);
  }

  /** Cancels one step: its run (a pipeline child) takes the same cancel call as a job. */
  async cancelStep(step: string): Promise<void> {
    const run = this.state?.steps.find((s) => s.step === step);
    if (!run?.runId) throw new UserFacingError(vscode.l10n.t('Step {0} has not been submitted yet, so there is nothing to cancel.', step));
    if (['completed', 'failed', 'canceled'].includes(run.nodeStatus))
      throw new UserFacingError(vscode.l10n.t('Step {0} has already ended ({1}).', step, run.status));
    await this.client().cancelJob(run.runId);
    this.deps.log.info(`Cancel requested for step ${step} (run ${run.runId}) of job ${this.target.jobName}.`);
  }

  /**
   * Follows the run to its end. Not signed in (e.g. a panel restored before the sign-in is): says so and
   * waits for resumeAll. Transient failures (5xx, 429, network) are polled through with a growing delay;
   * any other failure, or too many in a row, stops live updates with a Retry button.
   */
  private async follow(): Promise<void> {
    if (this.following || this.abort.signal.aborted) return;
    this.following = true;
    try {
      const maxFailures = this.deps.maxTransientFailures ?? 6;
      let failures = 0;
      for (;;) {
        if (!this.deps.arm()?.signedIn()) {
          this.setNotice({
            message: vscode.l10n.t('Not signed in: sign in to Azure to follow this run (it resumes by itself).'),
            action: 'signIn',
          });
          return;
        }
        try {
          await this.followOnce(() => {
            failures = 0;
            this.setNotice(undefined);
          });
          this.setNotice(undefined);
          return;
        } catch (err) {
          if (isCancellation(err) || this.abort.signal.aborted) return;
          failures++;
          if (isTransient(err) && failures < maxFailures) {
            const delay = (this.deps.reconnectDelayMs ?? 2000) * 2 ** (failures - 1);
            this.deps.log.warn(
              `Following job ${this.target.jobName}: ${describeError(err)}; trying again in ${Math.round(delay / 1000)} s.`,
            );
            this.setNotice({
              message: vscode.l10n.t('Reconnecting (attempt {0} of {1}) after: {2}', failures + 1, maxFailures, describeError(err)),
            });
            await sleep(delay, this.abort.signal).catch(() => undefined);
            if (this.abort.signal.aborted) return;
            continue;
          }
          this.deps.log.error(`Following job ${this.target.jobName} stopped: ${describeError(err)}`);
          this.setNotice({ message: vscode.l10n.t('Live updates stopped: {0}', describeError(err)), action: 'retry' });
          return;
        }
      }
    } finally {
      this.following = false;
    }
  }

  private async followOnce(onProgress: () => void): Promise<void> {
    const client = this.client();
    const job = await client.getJob(this.target.jobName, this.abort.signal);
    const graph = graphFromJob(job);
    const monitor = new JobMonitor(client, this.target.jobName);
    const maxSeconds = vscode.workspace.getConfiguration('synapseSpark.jobs').get<number>('pollMaxIntervalSeconds', 10);
    // Log offsets restart with a new monitor: skip what this panel already shows.
    const shown = new Map<string, number>();
    for (const l of this.logs) shown.set(l.step, (shown.get(l.step) ?? 0) + l.text.length);
    const update = (snapshot: JobSnapshot) => {
      this.state = {
        jobName: snapshot.name,
        workspaceName: this.target.workspace.name,
        displayName: snapshot.displayName,
        status: snapshot.status,
        terminal: snapshot.terminal,
        graph,
        steps:
          snapshot.steps.length > 0
            ? snapshot.steps.map((s) => ({
                step: s.step,
                status: s.status,
                nodeStatus: stepStatusOf(s.status),
                runId: s.runId,
                ...(s.error ? { error: s.error } : {}),
              }))
            : [{ step: snapshot.name, status: snapshot.status, nodeStatus: stepStatusOf(snapshot.status) }],
        outputs: snapshot.outputs,
        canRerun: snapshot.terminal && snapshot.status !== 'Completed',
        logsAvailable: monitor.hasLogs,
        persist: this.target,
      };
      this.panel.title = vscode.l10n.t('Run: {0} ({1})', snapshot.displayName ?? snapshot.name, snapshot.status);
      this.post({ type: 'state', state: this.state });
      this.deps.onStatus(snapshot.name, snapshot.status);
    };
    await monitor.follow({
      signal: this.abort.signal,
      backoff: { maxDelayMs: Math.max(1, maxSeconds) * 1000 },
      onSnapshot: (s) => {
        onProgress();
        update(s);
      },
      onLog: (chunk) => {
        let text = chunk.text;
        const skip = shown.get(chunk.step) ?? 0;
        if (skip > 0) {
          const dropped = Math.min(skip, text.length);
          shown.set(chunk.step, skip - dropped);
          text = text.slice(dropped);
        }
        if (!text) return;
        const entry = { step: chunk.step, text };
        this.logs.push(entry);
        this.post({ type: 'log', ...entry });
      },
    });
  }
}

export class RunPanelSerializer implements vscode.WebviewPanelSerializer<RunPanelState> {
  constructor(private readonly deps: RunPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: RunPanelState | undefined): Promise<void> {
    if (!state?.jobName || !state.workspace) {
      panel.dispose();
      return;
    }
    RunPanel.revive(panel, this.deps, state);
  }
}
