/** The active notebook's Spark session state in the status bar. */
import * as vscode from 'vscode';
import type { NotebookSessionRegistry } from '../core/notebook/sessionRegistry';
import { notebookKey, NOTEBOOK_TYPE, type SparkKernels } from './kernels';

const ICONS: Record<string, string> = {
  not_started: '$(circle-large-outline)', starting: '$(loading~spin)', idle: '$(pass)', busy: '$(sync~spin)',
  dead: '$(error)', error: '$(error)', killed: '$(circle-slash)',
};

export class SessionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('synapseSpark.sessionState', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private shown: string | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly kernels: SparkKernels, private readonly registry: NotebookSessionRegistry) {
    this.item.name = 'Synapse Spark session';
    this.item.command = 'synapseSpark.sessions.focus';
    this.disposables.push(
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
      kernels.onDidChangeSelection(() => this.update()),
      // A session flips busy/idle on every cell: coalesce those into one update per 50 ms, so a short cell does
      // not make the status bar (and the workbench) redraw twice for nothing, while a run of cells still shows.
      registry.onDidChange(() => this.updateSoon()),
    );
    this.update();
  }

  /** The text shown (for tests). */
  get text(): string | undefined {
    return this.item.text;
  }

  /** At most one update per 50 ms: later changes join the pending one rather than postponing it. */
  updateSoon(): void {
    this.pending ??= setTimeout(() => this.update(), 50);
  }

  update(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const pool = notebook && notebook.notebookType === NOTEBOOK_TYPE ? this.kernels.selectedPool(notebook) : undefined;
    if (!notebook || !pool) {
      if (this.shown !== undefined) this.item.hide();
      this.shown = undefined;
      return;
    }
    const host = this.registry.find(notebookKey(notebook), pool.computeId)[0];
    // A session we deleted (restart, idle shutdown) reads as "not started": the next cell starts one.
    const id = host?.session.sessionId;
    // Livy says "not_started" while a session it accepted is queued and cold-starting: to the user it is starting.
    const raw = !host || (id === undefined && host.session.state === 'killed') ? 'not_started' : host.session.state;
    const state = raw === 'not_started' && id !== undefined ? 'starting' : raw;
    const text = `${ICONS[state] ?? ''} Spark ${pool.poolName}: ${state.replace('_', ' ')}${id !== undefined ? ` (#${id})` : ''}`;
    const info = host?.session.info;
    const tooltip = [
      `Spark session for this notebook on **${pool.poolName}** (${pool.synapseWorkspace.name})`,
      id !== undefined ? `Session ${id}, ${state}` : 'No session yet: it starts with the first cell.',
      info?.sparkUiUrl && `[Spark UI](${info.sparkUiUrl})`, info?.driverLogUrl && `[Driver log](${info.driverLogUrl})`,
    ].filter(Boolean).join('\n\n');
    if (this.shown === `${text}\n${tooltip}`) return; // nothing changed: send nothing to the workbench
    this.shown = `${text}\n${tooltip}`;
    this.item.text = text;
    this.item.tooltip = new vscode.MarkdownString(tooltip);
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
