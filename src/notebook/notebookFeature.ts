/**
 * Builds the notebook side (kernels per attached pool, sessions, Sessions view, status bar, commands) and
 * wires it to a SparkPoolCatalog. The composition root calls activateNotebooks once.
 */
import * as vscode from 'vscode';
import type { CommandRunner } from '../commands/commandRunner';
import { vscodeUi, type CommandUi } from '../commands/ui';
import { SdkLivyClient, type LivyApi } from '../core/livy/livyClient';
import type { LivySessionInfo } from '../core/livy/types';
import type { AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { NotebookSessionRegistry, type StoredSession } from '../core/notebook/sessionRegistry';
import { PendingCells, type PendingCell } from '../core/notebook/pendingCells';
import { UserFacingError } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { notebookKey, SparkKernels } from './kernels';
import { VsCodeNotebookSettings } from './settings';
import { SessionStatusBar } from './statusBar';
import { SessionsTree, type SessionsNode } from './sessionsView';
import { describeRunning } from '../core/notebook/progressOutput';
import { directRegistrations, SESSION_LOG_SCHEME, type Registrations } from '../shell/registrations';

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
  /** The status bar item counting this window's sessions per pool as shown (text, tooltip); undefined while hidden. */
  sessionCounts(): { text: string; tooltip: string } | undefined;
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
/** Statements that ran when the window went away, whose results land in their cells after a reload. */
const PENDING_KEY = 'synapseSpark.notebook.pendingCells';

export { SESSION_LOG_SCHEME };

export function sessionLogUri(pool: AttachedSparkPool, sessionId: number): vscode.Uri {
  return vscode.Uri.from({ scheme: SESSION_LOG_SCHEME, path: `/${pool.poolName}/session-${sessionId}.log` });
}

function formatSessionLog(pool: AttachedSparkPool, info: LivySessionInfo): string {
  return [`Spark session ${info.id} on ${pool.poolName} (${info.state})`,
    info.driverLogUrl ? `Driver log: ${info.driverLogUrl}` : '', info.sparkUiUrl ? `Spark UI: ${info.sparkUiUrl}` : '', '',
    ...info.log].filter((l, i) => l !== '' || i > 2).join('\n');
}

/**
 * The read-only session log documents. The command fetches the log and calls refresh, which updates an
 * open document too; a document restored after a reload (no remembered pool) finds its pool by name.
 */
class SessionLogProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly content = new Map<string, string>();
  private readonly targets = new Map<string, { pool: AttachedSparkPool; sessionId: number }>();

  constructor(private readonly fetch: (pool: AttachedSparkPool, sessionId: number) => Promise<string>,
    private readonly poolNamed: (poolName: string) => AttachedSparkPool | undefined) {}

  remember(uri: vscode.Uri, pool: AttachedSparkPool, sessionId: number): void {
    this.targets.set(uri.toString(), { pool, sessionId });
  }

  /** Fetches the log again; an open document of it shows the new text before this resolves (or within 2 s). */
  async refresh(uri: vscode.Uri): Promise<void> {
    const target = this.target(uri);
    if (!target) throw new UserFacingError(`No attached Spark pool for ${uri.path}.`);
    const text = await this.fetch(target.pool, target.sessionId);
    this.content.set(uri.toString(), text);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!open || open.getText() === text) return;
    let sub: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      sub = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.toString() === uri.toString()) resolve(); });
      timer = setTimeout(resolve, 2000);
      this.changed.fire(uri);
    }).finally(() => { sub?.dispose(); clearTimeout(timer); });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.content.get(uri.toString());
    if (cached !== undefined) return cached;
    const target = this.target(uri);
    if (!target) return `No attached Spark pool for ${uri.path}: run Show Session Logs from the Sessions view.`;
    try {
      const text = await this.fetch(target.pool, target.sessionId);
      this.content.set(uri.toString(), text);
      return text;
    } catch (err) {
      return `Could not read the log of ${uri.path}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private target(uri: vscode.Uri): { pool: AttachedSparkPool; sessionId: number } | undefined {
    const known = this.targets.get(uri.toString());
    if (known) return known;
    const m = /^\/([^/]+)\/session-(\d+)\.log$/.exec(uri.path);
    const pool = m ? this.poolNamed(m[1]) : undefined;
    return pool && m ? { pool, sessionId: Number(m[2]) } : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function activateNotebooks(context: vscode.ExtensionContext, commands: CommandRunner, log: Logger,
  catalog?: SparkPoolCatalog, registrations: Registrations = directRegistrations): NotebookApi {
  let current = catalog;
  let ui: CommandUi = vscodeUi;
  const clients = new Map<string, LivyApi>();
  const apiFor = (pool: AttachedSparkPool): LivyApi => {
    if (!current) throw new UserFacingError('Sign in to Azure to use Spark pools.');
    const key = `${pool.synapseWorkspace.devEndpoint}|${pool.poolName}`;
    let api = clients.get(key);
    if (!api) {
      api = new SdkLivyClient({ devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName },
        { credential: current.credentialFor(pool), scope: current.synapseScope(), httpClient: current.httpClient(), stack: current.httpStack() });
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
  const pending = new PendingCells({
    get: () => context.workspaceState.get<PendingCell[]>(PENDING_KEY, []),
    set: (cells) => void context.workspaceState.update(PENDING_KEY, cells),
  });
  const kernels = new SparkKernels(registry, settings, log, pending);
  const notebooksUsing = (pool: AttachedSparkPool, sessionId: number) => registry.heldSessions()
    .filter((h) => h.pool.computeId === pool.computeId && h.session.sessionId === sessionId).flatMap((h) => h.notebookNames());
  const tree = new SessionsTree({
    pools: () => kernels.pools,
    apiFor,
    mine: (pool) => new Set(registry.all().filter((h) => h.pool.computeId === pool.computeId && h.session.sessionId !== undefined)
      .map((h) => h.session.sessionId!)),
    running: (pool, sessionId) => {
      const host = registry.all().find((h) => h.pool.computeId === pool.computeId && h.session.sessionId === sessionId);
      const statement = host?.session.runningStatement;
      return statement ? describeRunning(statement.statementId, statement.progress) : undefined;
    },
    notebooks: (pool, sessionId) => notebooksUsing(pool, sessionId),
    orphaned: (pool) => registry.orphaned(pool),
    forgetOrphan: (pool, id) => registry.forgetOrphan(pool, id),
  });
  const statusBar = new SessionStatusBar(kernels, registry);
  const logs = new SessionLogProvider(async (pool, sessionId) => formatSessionLog(pool, await apiFor(pool).getSession(sessionId)),
    (poolName) => kernels.pools.find((p) => p.poolName === poolName));
  context.subscriptions.push(logs, registrations.textDocumentContentProvider(SESSION_LOG_SCHEME, logs));
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => tree.refresh(), 500);
  };
  const view = registrations.treeView('synapseSpark.sessions', tree);
  const poll = setInterval(() => {
    if (view.visible) tree.refresh();
  }, 15_000);
  context.subscriptions.push(registry, kernels, tree, statusBar, view, registry.onDidChange(refreshSoon),
    // A running statement's progress redraws its session's row only (no listing request per poll).
    registry.onDidChangeProgress((host) => {
      if (host.session.sessionId !== undefined) tree.refreshSession(host.pool.computeId, host.session.sessionId);
    }),
    // A pool attached or detached shows (or goes) in the Sessions view at once, not at the next poll.
    kernels.onDidChangePools(() => tree.refresh()),
    { dispose: () => { clearInterval(poll); clearTimeout(refreshTimer); } });

  const activeNotebook = (uri?: unknown): vscode.NotebookDocument => {
    const target = uri instanceof vscode.Uri ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString())
      : vscode.window.activeNotebookEditor?.notebook;
    if (!target) throw new UserFacingError('Open a notebook that runs on a Synapse Spark pool first.');
    return target;
  };

  /**
   * Restarts the notebook's Spark session(s). A live session's variables and cached data are lost, so it
   * asks first (through `ui`, which tests script); `{ confirm: false }` skips that for programmatic callers.
   */
  commands.register('synapseSpark.notebook.restartSession', async (uri?: unknown, options?: { confirm?: boolean }) => {
    const notebook = activeNotebook(uri);
    const hosts = registry.find(notebookKey(notebook));
    if (!hosts.length) throw new UserFacingError('This notebook has no Spark session yet: run a cell on a Synapse Spark kernel first.');
    const name = decodeURIComponent(notebook.uri.path.split('/').pop() || notebook.uri.toString());
    // A shared session restarts for every notebook using it (sessionSharing `sharedPerPool`).
    const sharers = [...new Set(hosts.flatMap((h) => h.sharedWith()))];
    if (options?.confirm !== false && hosts.some((h) => h.session.isLive)) {
      await ui.confirm(`Restart the Spark session of ${name}?`, sharers.length
        ? `It is shared with ${sharers.map((h) => h.notebookName).join(', ')}: it restarts for them too, and all of them lose their variables and cached data.`
        : 'Its variables and cached data are lost.', 'Restart');
    }
    for (const doc of [notebook, ...vscode.workspace.notebookDocuments.filter((d) => sharers.some((h) => h.notebookKey === notebookKey(d)))]) {
      kernels.queueFor(doc).interrupt();
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting the Spark session' }, async () => {
      for (const session of new Set(hosts.map((h) => h.session))) {
        await session.restart();
        session.prewarm();
      }
    });
    vscode.window.setStatusBarMessage(`$(sync~spin) Requested a new Spark session for ${name}`, 5000);
  });
  commands.register('synapseSpark.sessions.refresh', () => tree.refresh());
  commands.register('synapseSpark.sessions.kill', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError('Pick a session in the Sessions view to kill.');
    const ours = registry.all().find((h) => h.pool.computeId === node.pool.computeId && h.session.sessionId === node.session.id);
    const users = notebooksUsing(node.pool, node.session.id);
    await ui.confirm(`Kill Spark session ${node.session.id} on ${node.pool.poolName}?`,
      ours && users.length > 1 ? `${users.join(', ')} share it: their variables are lost, and their next cells start a new session.`
        : ours ? 'A notebook in this window uses it: its variables are lost, and its next cell starts a new session.'
        : `${node.session.submitterName ? `Started by ${node.session.submitterName}. ` : ''}Whoever uses it loses its state.`,
      'Kill');
    if (ours) await ours.session.delete('was killed from the Sessions view');
    else await apiFor(node.pool).deleteSession(node.session.id);
    registry.forgetOrphan(node.pool, node.session.id);
    tree.refresh();
  });
  commands.register('synapseSpark.sessions.showLogs', async (node?: SessionsNode) => {
    if (node?.kind !== 'session') throw new UserFacingError('Pick a session in the Sessions view to show its logs.');
    const uri = sessionLogUri(node.pool, node.session.id);
    logs.remember(uri, node.pool, node.session.id);
    // Fetch first (errors surface in the command), then show the fresh text: an open log document is refreshed.
    await logs.refresh(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') doc = await vscode.languages.setTextDocumentLanguage(doc, 'log');
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
      sessionCounts: () => statusBar.countsShownAs,
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
