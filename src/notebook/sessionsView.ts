/**
 * The Sessions view: every live Livy session on the attached pools (also ones started elsewhere, e.g.
 * Synapse Studio or another machine), grouped by pool, with state, owner and age; kill and show-logs
 * actions. A pool that cannot be listed becomes an error node with a retry action.
 */
import * as vscode from 'vscode';
import type { LivyApi } from '../core/livy/livyClient';
import { isEndedServerState, type LivySessionInfo } from '../core/livy/types';
import type { AttachedSparkPool } from '../core/model/sparkTargets';
import { describeError } from '../core/util/errors';

export type SessionsNode =
  | { kind: 'pool'; pool: AttachedSparkPool }
  | { kind: 'session'; pool: AttachedSparkPool; session: LivySessionInfo; mine: boolean }
  | { kind: 'error'; pool: AttachedSparkPool; message: string }
  | { kind: 'empty'; pool: AttachedSparkPool };

export interface SessionsSource {
  pools(): AttachedSparkPool[];
  apiFor(pool: AttachedSparkPool): LivyApi;
  /** Session ids this window's notebooks use, per compute id. */
  mine(pool: AttachedSparkPool): Set<number>;
  /** The statement this window runs on the session now and its Spark progress, e.g. "statement 3: 150/200 tasks". */
  running?(pool: AttachedSparkPool, sessionId: number): string | undefined;
  /** The notebooks of this window using the session (several when they share it). */
  notebooks?(pool: AttachedSparkPool, sessionId: number): string[];
  /** Sessions this window failed to delete when their notebook closed (shown as orphaned, with Kill). */
  orphaned?(pool: AttachedSparkPool): number[];
  /** A session listed as orphaned is gone: stop marking it. */
  forgetOrphan?(pool: AttachedSparkPool, sessionId: number): void;
}

export function formatAge(from: Date | undefined, now = Date.now()): string {
  if (!from) return '';
  const s = Math.max(0, Math.round((now - from.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d`;
}

export class SessionsTree implements vscode.TreeDataProvider<SessionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The last listing per pool (tests and the status bar read it). */
  readonly lastListing = new Map<string, LivySessionInfo[]>();
  /** The session nodes last listed, by `computeId:sessionId`, so one can be redrawn without listing again. */
  private readonly sessionNodes = new Map<string, SessionsNode>();

  constructor(private readonly source: SessionsSource) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Redraws one session's row (its running statement's progress changed); no Livy request. */
  refreshSession(computeId: string, sessionId: number): void {
    const node = this.sessionNodes.get(`${computeId}:${sessionId}`);
    if (node) this.changed.fire(node);
  }

  /** The description a session row shows (tests read it). */
  describe(node: Extract<SessionsNode, { kind: 'session' }>): string {
    const s = node.session;
    const running = node.mine ? this.source.running?.(node.pool, s.id) : undefined;
    const orphaned = this.source.orphaned?.(node.pool).includes(s.id)
      ? vscode.l10n.t('orphaned: its notebook closed, the delete failed')
      : '';
    const notebooks = node.mine ? (this.source.notebooks?.(node.pool, s.id) ?? []) : [];
    const shared = notebooks.length > 1 ? vscode.l10n.t('shared by {0}', notebooks.join(', ')) : '';
    return [
      orphaned,
      running ?? s.state.replace(/_/g, ' '),
      s.submitterName,
      formatAge(s.submittedAt),
      node.mine ? vscode.l10n.t('this window') : '',
      shared,
      s.appId,
    ]
      .filter(Boolean)
      .join(' · ');
  }

  getTreeItem(node: SessionsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'pool': {
        const item = new vscode.TreeItem(node.pool.poolName, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.pool.synapseWorkspace.name} · ${node.pool.amlWorkspace.name}`;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'synapseSpark.sessionPool';
        item.id = `pool:${node.pool.computeId}`;
        return item;
      }
      case 'session': {
        const s = node.session;
        const item = new vscode.TreeItem(`${s.name ?? vscode.l10n.t('session')} #${s.id}`, vscode.TreeItemCollapsibleState.None);
        const running = node.mine ? this.source.running?.(node.pool, s.id) : undefined;
        item.description = this.describe(node);
        item.tooltip = new vscode.MarkdownString(
          [
            vscode.l10n.t('**Session {0}** on {1}', s.id, node.pool.poolName),
            vscode.l10n.t('State: {0}', s.state.replace(/_/g, ' ')),
            running && vscode.l10n.t('Running: {0}', running),
            s.submitterName && vscode.l10n.t('Owner: {0}', s.submitterName),
            node.mine && vscode.l10n.t('Notebooks: {0}', this.source.notebooks?.(node.pool, s.id).join(', ') || vscode.l10n.t('none open')),
            s.appId && vscode.l10n.t('Application: {0}', s.appId),
            s.sparkUiUrl && `[${vscode.l10n.t('Spark UI')}](${s.sparkUiUrl})`,
            s.driverLogUrl && `[${vscode.l10n.t('Driver log')}](${s.driverLogUrl})`,
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
        item.iconPath = new vscode.ThemeIcon(s.state === 'idle' ? 'pass' : s.state === 'busy' ? 'sync~spin' : 'loading~spin');
        item.contextValue = 'synapseSpark.session';
        item.id = `session:${node.pool.computeId}:${s.id}`;
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(vscode.l10n.t('Could not list sessions: {0}', node.message), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error');
        item.command = { command: 'synapseSpark.sessions.refresh', title: vscode.l10n.t('Retry') };
        item.tooltip = vscode.l10n.t('Click to retry.');
        return item;
      }
      case 'empty':
        return new vscode.TreeItem(vscode.l10n.t('No live sessions'), vscode.TreeItemCollapsibleState.None);
    }
  }

  async getChildren(node?: SessionsNode): Promise<SessionsNode[]> {
    if (!node) return this.source.pools().map((pool) => ({ kind: 'pool', pool }));
    if (node.kind !== 'pool') return [];
    try {
      const sessions = (await this.source.apiFor(node.pool).listSessions()).filter((s) => !isEndedServerState(s.state));
      this.lastListing.set(node.pool.computeId, sessions);
      const live = new Set(sessions.map((s) => s.id));
      for (const id of this.source.orphaned?.(node.pool) ?? []) if (!live.has(id)) this.source.forgetOrphan?.(node.pool, id);
      const mine = this.source.mine(node.pool);
      if (!sessions.length) return [{ kind: 'empty', pool: node.pool }];
      for (const key of [...this.sessionNodes.keys()]) if (key.startsWith(`${node.pool.computeId}:`)) this.sessionNodes.delete(key);
      return sessions.map((session) => {
        const child: SessionsNode = { kind: 'session', pool: node.pool, session, mine: mine.has(session.id) };
        this.sessionNodes.set(`${node.pool.computeId}:${session.id}`, child);
        return child;
      });
    } catch (err) {
      return [{ kind: 'error', pool: node.pool, message: describeError(err) }];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
