/**
 * The notebook feature: kernels per attached pool, their Spark sessions, the Sessions view, the status bar
 * and the notebook commands, wired to the resources feature's SparkPoolCatalog.
 */
import * as vscode from 'vscode';
import { SdkLivyClient, type LivyApi } from '../core/livy/livyClient';
import type { AttachedSparkPool, SparkPoolCatalog } from '../core/model/sparkTargets';
import { NotebookSessionRegistry, type StoredSession } from '../core/notebook/sessionRegistry';
import { PendingCells, type PendingCell } from '../core/notebook/pendingCells';
import { describeRunning } from '../core/notebook/progressOutput';
import { UserFacingError } from '../core/util/errors';
import type { FeatureDeps } from '../shared/feature';
import { vscodeUi, type CommandUi } from '../shared/ui';
import { SESSION_LOG_SCHEME } from '../shell/registrations';
import { SparkKernels } from './kernels';
import { registerNotebookCommands } from './notebookCommands';
import { formatSessionLog, SessionLogProvider } from './sessionLogs';
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
  controllerIds(): string[];
  /** This window's sessions for a notebook (by URI string). */
  sessions(notebookUri: string): { computeId: string; sessionId: number | undefined; state: string }[];
  statusText(): string | undefined;
  /** Answers the notebook commands' prompts (Kill Session's confirmation) with this UI; undefined restores VS Code's. */
  useUi(ui: CommandUi | undefined): void;
  /** The Sessions view's rows, read through its tree data provider (what the view renders), pools then their sessions. */
  sessionsView(): Promise<SessionsViewRow[]>;
  /** The status bar item counting this window's sessions per pool as shown (text, tooltip); undefined while hidden. */
  sessionCounts(): { text: string; tooltip: string } | undefined;
}

/** What the notebook feature gives the others: nothing yet but its test hooks. */
export interface NotebookApi {
  /** Test hooks (handed out only by the test host's hooks command). */
  testing: NotebookTesting;
}

export interface NotebookDeps extends FeatureDeps {
  /** Attached pools and how to reach them; without one (signed out) the kernels wait. */
  catalog?: SparkPoolCatalog;
}

const STORE_KEY = 'synapseSpark.notebook.sessions';
/** Statements that ran when the window went away, whose results land in their cells after a reload. */
const PENDING_KEY = 'synapseSpark.notebook.pendingCells';

/** The sessions each notebook holds, kept in the workspace state so a reload reconnects to them. */
function sessionStore(context: vscode.ExtensionContext) {
  return {
    get: (key: string) => context.workspaceState.get<Record<string, StoredSession>>(STORE_KEY, {})[key],
    set: (key: string, value: StoredSession | undefined) => {
      const all = { ...context.workspaceState.get<Record<string, StoredSession>>(STORE_KEY, {}) };
      if (value) all[key] = value;
      else delete all[key];
      void context.workspaceState.update(STORE_KEY, all);
    },
  };
}

/** The Sessions view's tree over the kernels' pools and the registry's sessions. */
function sessionsTree(
  kernels: SparkKernels,
  registry: NotebookSessionRegistry,
  apiFor: (pool: AttachedSparkPool) => LivyApi,
  notebooksUsing: (pool: AttachedSparkPool, sessionId: number) => string[],
): SessionsTree {
  return new SessionsTree({
    pools: () => kernels.pools,
    apiFor,
    mine: (pool) =>
      new Set(
        registry
          .all()
          .filter((h) => h.pool.computeId === pool.computeId && h.session.sessionId !== undefined)
          .map((h) => h.session.sessionId!),
      ),
    running: (pool, sessionId) => {
      const host = registry.all().find((h) => h.pool.computeId === pool.computeId && h.session.sessionId === sessionId);
      const statement = host?.session.runningStatement;
      return statement ? describeRunning(statement.statementId, statement.progress) : undefined;
    },
    notebooks: (pool, sessionId) => notebooksUsing(pool, sessionId),
    orphaned: (pool) => registry.orphaned(pool),
    forgetOrphan: (pool, id) => registry.forgetOrphan(pool, id),
  });
}

/** The Sessions view's rows as VS Code gets them from the tree: pools, each followed by its sessions. */
async function sessionsViewRows(tree: SessionsTree): Promise<SessionsViewRow[]> {
  const rows: SessionsViewRow[] = [];
  const row = (node: SessionsNode): SessionsViewRow => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const session = node.kind === 'session' ? node.session : undefined;
    return {
      kind: node.kind,
      poolName: node.pool.poolName,
      computeId: node.pool.computeId,
      label,
      description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue,
      sessionId: session?.id,
      state: session?.state,
      owner: session?.submitterName,
      mine: node.kind === 'session' ? node.mine : undefined,
      node,
    };
  };
  for (const pool of await tree.getChildren()) {
    rows.push(row(pool));
    for (const child of await tree.getChildren(pool)) rows.push(row(child));
  }
  return rows;
}

export function activate(context: vscode.ExtensionContext, deps: NotebookDeps): NotebookApi {
  const { commands, log, registrations, catalog } = deps;
  let current = catalog;
  let ui: CommandUi = vscodeUi;
  const clients = new Map<string, LivyApi>();
  const apiFor = (pool: AttachedSparkPool): LivyApi => {
    if (!current) throw new UserFacingError(vscode.l10n.t('Sign in to Azure to use Spark pools.'));
    const key = `${pool.synapseWorkspace.devEndpoint}|${pool.poolName}`;
    let api = clients.get(key);
    if (!api) {
      api = new SdkLivyClient(
        { devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName },
        {
          credential: current.credentialFor(pool),
          scope: current.synapseScope(),
          httpClient: current.httpClient(),
          stack: current.httpStack(),
        },
      );
      clients.set(key, api);
    }
    return api;
  };
  const settings = new VsCodeNotebookSettings(log);
  const registry = new NotebookSessionRegistry({ apiFor, settings, log, store: sessionStore(context) });
  const pending = new PendingCells({
    get: () => context.workspaceState.get<PendingCell[]>(PENDING_KEY, []),
    set: (cells) => void context.workspaceState.update(PENDING_KEY, cells),
  });
  const kernels = new SparkKernels(registry, settings, log, pending);
  const notebooksUsing = (pool: AttachedSparkPool, sessionId: number) =>
    registry
      .heldSessions()
      .filter((h) => h.pool.computeId === pool.computeId && h.session.sessionId === sessionId)
      .flatMap((h) => h.notebookNames());
  const tree = sessionsTree(kernels, registry, apiFor, notebooksUsing);
  const statusBar = new SessionStatusBar(kernels, registry);
  const logs = new SessionLogProvider(
    async (pool, sessionId) => formatSessionLog(pool, await apiFor(pool).getSession(sessionId)),
    (poolName) => kernels.pools.find((p) => p.poolName === poolName),
  );
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
  context.subscriptions.push(
    registry,
    kernels,
    tree,
    statusBar,
    view,
    registry.onDidChange(refreshSoon),
    // A running statement's progress redraws its session's row only (no listing request per poll).
    registry.onDidChangeProgress((host) => {
      if (host.session.sessionId !== undefined) tree.refreshSession(host.pool.computeId, host.session.sessionId);
    }),
    // A pool attached or detached shows (or goes) in the Sessions view at once, not at the next poll.
    kernels.onDidChangePools(() => tree.refresh()),
    {
      dispose: () => {
        clearInterval(poll);
        clearTimeout(refreshTimer);
      },
    },
  );

  registerNotebookCommands(commands, { registry, kernels, tree, logs, apiFor, notebooksUsing, ui: () => ui });

  const useCatalog = async (next: SparkPoolCatalog) => {
    current = next;
    clients.clear();
    await kernels.useCatalog(next);
    tree.refresh();
  };
  if (catalog) void useCatalog(catalog);

  return {
    testing: {
      controllerIds: () => kernels.controllerIds(),
      sessions: (uri) =>
        registry.find(uri).map((h) => ({ computeId: h.pool.computeId, sessionId: h.session.sessionId, state: h.session.state })),
      statusText: () => statusBar.text,
      useUi: (u) => {
        ui = u ?? vscodeUi;
      },
      sessionCounts: () => statusBar.countsShownAs,
      sessionsView: () => sessionsViewRows(tree),
    },
  };
}
