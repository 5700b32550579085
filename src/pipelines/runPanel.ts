/**
 * The run view: a webview panel per submitted job that follows it (polling with backoff) and shows the
 * step graph with live states, step logs and outputs, with cancel and "open in Azure ML studio". Panels
 * come back after a window reload through a WebviewPanelSerializer (their state is the job and workspace).
 */
import * as vscode from 'vscode';
import { AmlWorkspaceClient } from '../core/jobs/amlWorkspaceClient';
import { graphFromJob } from '../core/jobs/jobGraph';
import { JobMonitor, stepStatusOf, type JobSnapshot } from '../core/jobs/jobMonitor';
import type { ArmAccess } from '../core/model/armAccess';
import type { AmlWorkspaceRef } from '../core/model/sparkTargets';
import { describeError, isCancellation } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { parseFromRun, RUN_VIEW_TYPE, type RunState, type ToRun } from '../protocol/runView';
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
}

export class RunPanel {
  private static readonly panels = new Map<string, RunPanel>();
  private readonly abort = new AbortController();
  private state: RunState | undefined;
  private readonly logs: { step: string; text: string }[] = [];

  static show(deps: RunPanelDeps, target: RunPanelState): RunPanel {
    const existing = RunPanel.panels.get(target.jobName);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, `Run: ${target.jobName}`, vscode.ViewColumn.Active, { ...webviewOptions(deps.extensionUri), retainContextWhenHidden: true });
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

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: RunPanelDeps, readonly target: RunPanelState) {
    RunPanel.panels.set(target.jobName, this);
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'runView', target.jobName);
    panel.webview.onDidReceiveMessage(async (raw) => {
      const message = parseFromRun(raw);
      if (!message) return deps.log.warn('Run view: dropped a malformed message.');
      if (message.type === 'ready') {
        if (this.state) this.post({ type: 'state', state: this.state });
        for (const l of this.logs) this.post({ type: 'log', ...l });
      } else if (message.type === 'openStudio') {
        const arm = deps.arm();
        if (arm) await vscode.env.openExternal(vscode.Uri.parse(arm.amlStudioJobUrl(target.workspace, target.jobName)));
      } else if (message.type === 'cancel') {
        try {
          await this.cancel();
          this.post({ type: 'result', requestId: message.requestId, ok: true });
        } catch (err) {
          this.post({ type: 'result', requestId: message.requestId, ok: false, error: describeError(err) });
        }
      }
    });
    panel.onDidDispose(() => {
      this.abort.abort();
      RunPanel.panels.delete(target.jobName);
    });
    void this.follow();
  }

  get runState(): RunState | undefined {
    return this.state;
  }

  get logText(): string {
    return this.logs.map((l) => `[${l.step}] ${l.text}`).join('');
  }

  private post(message: ToRun): void {
    void this.panel.webview.postMessage(message);
  }

  private client(): AmlWorkspaceClient {
    const arm = this.deps.arm();
    if (!arm) throw new Error('Not signed in to Azure.');
    return new AmlWorkspaceClient(arm, this.target.workspace);
  }

  async cancel(): Promise<void> {
    await this.client().cancelJob(this.target.jobName);
    this.deps.log.info(`Cancel requested for job ${this.target.jobName}.`);
  }

  private async follow(): Promise<void> {
    try {
      const client = this.client();
      const job = await client.getJob(this.target.jobName, this.abort.signal);
      const graph = graphFromJob(job);
      const monitor = new JobMonitor(client, this.target.jobName);
      const maxSeconds = vscode.workspace.getConfiguration('synapseSpark.jobs').get<number>('pollMaxIntervalSeconds', 10);
      const update = (snapshot: JobSnapshot, error?: string) => {
        this.state = {
          jobName: snapshot.name,
          workspaceName: this.target.workspace.name,
          displayName: snapshot.displayName,
          status: snapshot.status,
          terminal: snapshot.terminal,
          graph,
          steps: snapshot.steps.length > 0
            ? snapshot.steps.map((s) => ({ step: s.step, status: s.status, nodeStatus: stepStatusOf(s.status) }))
            : [{ step: snapshot.name, status: snapshot.status, nodeStatus: stepStatusOf(snapshot.status) }],
          outputs: snapshot.outputs,
          error,
          logsAvailable: monitor.hasLogs,
          persist: this.target,
        };
        this.panel.title = `Run: ${snapshot.displayName ?? snapshot.name} (${snapshot.status})`;
        this.post({ type: 'state', state: this.state });
        this.deps.onStatus(snapshot.name, snapshot.status);
      };
      await monitor.follow({
        signal: this.abort.signal,
        backoff: { maxDelayMs: Math.max(1, maxSeconds) * 1000 },
        onSnapshot: (s) => update(s),
        onLog: (chunk) => {
          const entry = { step: chunk.step, text: chunk.text };
          this.logs.push(entry);
          this.post({ type: 'log', ...entry });
        },
      });
    } catch (err) {
      if (isCancellation(err)) return;
      this.deps.log.error(`Following job ${this.target.jobName} stopped: ${describeError(err)}`);
      if (this.state) {
        this.state = { ...this.state, error: `live updates stopped: ${describeError(err)}` };
        this.post({ type: 'state', state: this.state });
      }
    }
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
