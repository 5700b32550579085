/**
 * Builds the notebook side (kernels per attached pool, sessions, Sessions view, status bar, commands) and
 * wires it to a SparkPoolCatalog. The composition root calls activateNotebooks once.
 */
import * as vscode from 'vscode';
import type { CommandRunner } from '../commands/commandRunner';
import { vscodeUi, type CommandUi } from '../commands/ui';
import { SdkLivyClient, type LivyApi } from '../core/livy/livyClient';
import type { AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { NotebookSessionRegistry, type StoredSession } from '../core/notebook/sessionRegistry';
import { UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { notebookKey, SparkKernels } from './kernels';
import { VsCodeNotebookSettings } from './settings';
import { SessionStatusBar } from './statusBar';
import { SessionsTree, type SessionsNode } from './sessionsView';

/** One row of the Sessions view as the view shows it (test hook). */
export interface SessionsViewRow {
  kind: SessionsNode['kind'];
  poolName: string;
  computeId: string;
  label: string;
  description?: string;
  contextValue?: string;
  sessionId?: number;
  state?: string;
  owner?: string;
  mine?: boolean;
  /** The element the view passes to its context-menu commands (Kill Session, Show Session Logs). */
  node: SessionsNode;
}

/** Test hooks of the notebook side. */
export interface NotebookTesting {
  /** Answers the notebook commands' prompts (Kill Session's confirmation) with this UI; undefined restores VS Code's. */
  useUi(ui: CommandUi | undefined): void;
  /** The Sessions view's rows, read through its tree data provider (what the view renders), pools then their sessions. */
  sessionsView(): Promise<SessionsViewRow[]>;
}

/** What the notebook side exposes on the extension API (wiring and tests). */
export interface NotebookApi {
  controllerIds(): string[];
  /** This window's sessions for a notebook (by URI string). */
  sessions(notebookUri: string): { computeId: string; sessionId: number | undefined; state: string }[];
  statusText(): string | undefined;
  testing: NotebookTesting;
}

const STORE_KEY = 'synapseSpark.notebook.sessions';

export function activateNotebooks(context: vscode.ExtensionContext, commands: CommandRunner, log: Logger,
  catalog?: SparkPoolCatalog): NotebookApi {
  let current = catalog;
  let ui: CommandUi = vscodeUi;
  const clients = new Map<string, LivyApi>();
  const apiFor = (pool: AttachedSparkPool): LivyApi => {
    if (!current) throw new UserFacingError('Sign in to Azure to use Spark pools.');
    const key = `${pool.synapseWorkspace.devEndpoint}|${pool.poolName}`;
    let api = clients.get(key);
    if (!api) {
      api = new SdkLivyClient({ devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName },
        { credential: current.credentialFor(pool), scope: current.synapseScope(), httpClient: current.httpClient() });
      clients.set(key, api);
    }
    return api;
  };
  const settings = new VsCodeNotebookSettings(log);
  const registry = new NotebookSessionRegistry({
    apiFor, settings, log,
    store: {
      get: (key) => context.workspaceState.get<Record<string, StoredSession>>(STORE_KEY, {})[key],
      set: (key, value) => {
        const all = { ...context.workspaceState.get<Record<string, StoredSession>>(STORE_KEY, {}) };
        if (value) all[key] = value;
        else delete all[key];
        void context.workspaceState.update(STORE_KEY, all);
      },
    },
  });
  const kernels = new SparkKernels(registry, settings, log);
  const tree = new SessionsTree({
    pools: () => kernels.pools,
    apiFor,
    mine: (pool) => new Set(registry.all().filter((h) => h.pool.computeId === pool.computeId && h.session.sessionId !== undefined)
      .map((h) => h.session.sessionId!)),
  });
  const statusBar = new SessionStatusBar(kernels, registry);
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => tree.refresh(), 500);
  };
  const view = vscode.window.createTreeView('synapseSpark.sessions', { treeDataProvider: tree, showCollapseAll: true });
  const poll = setInterval(() => {
    if (view.visible) tree.refresh();
  }, 15_000);
  context.subscriptions.push(registry, kernels, tree, statusBar, view, registry.onDidChange(refreshSoon),
    // A pool attached or detached shows (or goes) in the Sessions view at once, not at the next poll.
    kernels.onDidChangePools(() => tree.refresh()),
    { dispose: () => { clearInterval(poll); clearTimeout(refreshTimer); } });

  const activeNotebook = (uri?: unknown): vscode.NotebookDocument => {
    const target = uri instanceof vscode.Uri ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString())
      : vscode.window.activeNotebookEditor?.notebook;
    if (!target) throw new UserFacingError('Open a notebook that runs on a Synapse Spark pool first.');
    return target;
  };

  commands.register('synapseSpark.notebook.restartSession', async (uri?: unknown) => {
    const notebook = activeNotebook(uri);
    const hosts = registry.find(notebookKey(notebook));
    if (!hosts.length) throw new UserFacingError('This notebook has no Spark session yet: run a cell on a Synapse Spark kernel first.');
    kernels.queueFor(notebook).interrupt();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting the Spark session' }, async () => {
      for (const host of hosts) {
        await host.session.restart();
        host.session.prewarm();
      }
    });
  });
  commands.register('synapseSpark.sessions.refresh', () => tree.refresh());
  commands.register('synapseSpark.sessions.kill', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError('Pick a session in the Sessions view to kill.');
    const ours = registry.all().find((h) => h.pool.computeId === node.pool.computeId && h.session.sessionId === node.session.id);
    await ui.confirm(`Kill Spark session ${node.session.id} on ${node.pool.poolName}?`,
      ours ? 'A notebook in this window uses it: its variables are lost, and its next cell starts a new session.'
        : `${node.session.submitterName ? `Started by ${node.session.submitterName}. ` : ''}Whoever uses it loses its state.`,
      'Kill');
    if (ours) await ours.session.delete('was killed from the Sessions view');
    else await apiFor(node.pool).deleteSession(node.session.id);
    tree.refresh();
  });
  commands.register('synapseSpark.sessions.showLogs', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError('Pick a session in the Sessions view to show its logs.');
    const info = await apiFor(node.pool).getSession(node.session.id);
    const content = [`Spark session ${info.id} on ${node.pool.poolName} (${info.state})`,
      info.driverLogUrl ? `Driver log: ${info.driverLogUrl}` : '', info.sparkUiUrl ? `Spark UI: ${info.sparkUiUrl}` : '', '',
      ...info.log].filter((l, i) => l !== '' || i > 2).join('\n');
    const doc = await vscode.workspace.openTextDocument({ content, language: 'log' });
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  const useCatalog = async (next: SparkPoolCatalog) => {
    current = next;
    clients.clear();
    await kernels.useCatalog(next);
    tree.refresh();
  };
  if (catalog) void useCatalog(catalog);

  return {
    controllerIds: () => kernels.controllerIds(),
    sessions: (uri) => registry.find(uri).map((h) => ({ computeId: h.pool.computeId, sessionId: h.session.sessionId, state: h.session.state })),
    statusText: () => statusBar.text,
    testing: {
      useUi: (u) => { ui = u ?? vscodeUi; },
      sessionsView: async () => {
        const rows: SessionsViewRow[] = [];
        const row = (node: SessionsNode): SessionsViewRow => {
          const item = tree.getTreeItem(node);
          const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
          const session = node.kind === 'session' ? node.session : undefined;
          return {
            kind: node.kind, poolName: node.pool.poolName, computeId: node.pool.computeId, label,
            description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue,
            sessionId: session?.id, state: session?.state, owner: session?.submitterName, mine: node.kind === 'session' ? node.mine : undefined,
            node,
          };
        };
        for (const pool of await tree.getChildren()) {
          rows.push(row(pool));
          for (const child of await tree.getChildren(pool)) rows.push(row(child));
        }
        return rows;
      },
    },
  };
}
