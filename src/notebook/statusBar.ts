/**
 * The status bar: the active notebook's Spark session state, and how many sessions this window holds on each
 * pool (with the notebooks using each one); both open the Sessions view.
 */
import * as vscode from 'vscode';
import type { HeldSession, NotebookSessionRegistry } from '../core/notebook/sessionRegistry';
import { notebookKey, NOTEBOOK_TYPE, type SparkKernels } from './kernels';

const ICONS: Record<string, string> = {
  not_started: '$(circle-large-outline)',
  starting: '$(loading~spin)',
  idle: '$(pass)',
  busy: '$(sync~spin)',
  dead: '$(error)',
  error: '$(error)',
  killed: '$(circle-slash)',
};

export class SessionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('synapseSpark.sessionState', vscode.StatusBarAlignment.Right, 100);
  private readonly counts = vscode.window.createStatusBarItem('synapseSpark.sessionCounts', vscode.StatusBarAlignment.Right, 99);
  private readonly disposables: vscode.Disposable[] = [];
  private shown: string | undefined;
  private countsShown: string | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly kernels: SparkKernels,
    private readonly registry: NotebookSessionRegistry,
  ) {
    this.item.name = vscode.l10n.t('Synapse Spark session');
    this.item.command = 'synapseSpark.sessions.focus';
    this.counts.name = vscode.l10n.t('Synapse Spark sessions of this window');
    this.counts.command = 'synapseSpark.sessions.focus';
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

  /** The sessions-per-pool item as shown, undefined while hidden (for tests). */
  get countsShownAs(): { text: string; tooltip: string } | undefined {
    return this.countsShown === undefined ? undefined : { text: this.counts.text, tooltip: String(this.counts.tooltip) };
  }

  /** At most one update per 50 ms: later changes join the pending one rather than postponing it. */
  updateSoon(): void {
    this.pending ??= setTimeout(() => this.update(), 50);
  }

  update(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.updateCounts();
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
    const shownState = state.replace('_', ' ');
    const text = `${ICONS[state] ?? ''} ${id !== undefined ? vscode.l10n.t('Spark {0}: {1} (#{2})', pool.poolName, shownState, id) : vscode.l10n.t('Spark {0}: {1}', pool.poolName, shownState)}`;
    const info = host?.session.info;
    const tooltip = [
      vscode.l10n.t('Spark session for this notebook on **{0}** ({1})', pool.poolName, pool.synapseWorkspace.name),
      id !== undefined ? vscode.l10n.t('Session {0}, {1}', id, state) : vscode.l10n.t('No session yet: it starts with the first cell.'),
      host?.sharedWith().length &&
        vscode.l10n.t(
          'Shared with {0}',
          host
            .sharedWith()
            .map((h) => h.notebookName)
            .join(', '),
        ),
      info?.sparkUiUrl && `[${vscode.l10n.t('Spark UI')}](${info.sparkUiUrl})`,
      info?.driverLogUrl && `[${vscode.l10n.t('Driver log')}](${info.driverLogUrl})`,
    ]
      .filter(Boolean)
      .join('\n\n');
    if (this.shown === `${text}\n${tooltip}`) return; // nothing changed: send nothing to the workbench
    this.shown = `${text}\n${tooltip}`;
    this.item.text = text;
    this.item.tooltip = new vscode.MarkdownString(tooltip);
    this.item.show();
  }

  /** "$(zap) Spark: sparksmall 2 · sparklarge 1": the sessions this window holds (or is starting), per pool. */
  private updateCounts(): void {
    const held = this.registry.heldSessions().filter((h) => h.session.isLive || h.session.isStarting);
    if (!held.length) {
      if (this.countsShown !== undefined) this.counts.hide();
      this.countsShown = undefined;
      return;
    }
    const perPool = new Map<string, HeldSession[]>();
    for (const h of held) perPool.set(h.pool.poolName, [...(perPool.get(h.pool.poolName) ?? []), h]);
    const text = `$(zap) Spark: ${[...perPool].map(([pool, sessions]) => `${pool} ${sessions.length}`).join(' · ')}`;
    const tooltip = [
      vscode.l10n.t('Spark sessions this window holds (click for the Sessions view):'),
      ...[...perPool].flatMap(([pool, sessions]) =>
        sessions.map((h) => {
          const id = h.session.sessionId;
          const names = h.notebookNames().join(', ') || vscode.l10n.t('no open notebook');
          const state = h.session.isStarting ? 'starting' : h.session.state;
          const session = id !== undefined ? vscode.l10n.t('session {0}', id) : vscode.l10n.t('a session');
          return h.notebookNames().length > 1
            ? vscode.l10n.t('{0}: {1} ({2}), shared by {3}', pool, session, state, names)
            : vscode.l10n.t('{0}: {1} ({2}), used by {3}', pool, session, state, names);
        }),
      ),
    ].join('\n');
    if (this.countsShown === `${text}\n${tooltip}`) return;
    this.countsShown = `${text}\n${tooltip}`;
    this.counts.text = text;
    this.counts.tooltip = tooltip; // plain text: notebook names are not Markdown
    this.counts.show();
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.item.dispose();
    this.counts.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
