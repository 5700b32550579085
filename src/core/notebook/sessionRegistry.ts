/**
 * Every notebook's Spark sessions: one NotebookKernelSession per (notebook, pool), created on demand,
 * re-attached after a window reload from a small id store (workspaceState in the glue), and deleted when
 * the notebook closes. Each NotebookKernelSession uses a HeldSession (one Livy session this window holds):
 * its own, or, with `sessionSharing: sharedPerPool`, one that the notebooks on the same pool with the same
 * session settings share; a shared session is deleted when its last notebook closes.
 * VS Code-free; the glue supplies settings, the store and the Livy client per pool.
 */
import type { AttachedSparkPool } from '../model/sparkTargets';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { isNotFound, type LivyApi } from '../livy/livyClient';
import { SparkSession } from '../livy/sparkSession';
import { systemClock, type Clock } from '../livy/polling';
import type { NotebookSessionHost, PoolTarget } from './cellRunner';
import type { SessionRequest } from '../livy/types';
import { mergeSessionConfig, type SessionConfig } from './configure';
import type { OutputLimits } from './outputs';

export interface StoredSession {
  sessionId: number;
  devEndpoint: string;
  poolName: string;
}

/** Where session ids survive a window reload. */
export interface SessionIdStore {
  get(key: string): StoredSession | undefined;
  set(key: string, value: StoredSession | undefined): void;
}

export interface NotebookSettings {
  sessionDefaults(): SessionConfig;
  /** 0 = never. */
  idleShutdownMinutes(): number;
  outputLimits(): OutputLimits;
  /** Live Spark progress under running cells (default on). */
  sparkProgress?(): boolean;
  /**
   * `perNotebook` (default): every notebook starts its own session. `sharedPerPool`: a notebook opened on a
   * pool uses the session another notebook of this window holds there with the same settings.
   */
  sessionSharing?(): SessionSharing;
}

export type SessionSharing = 'perNotebook' | 'sharedPerPool';

export interface RegistryDeps {
  apiFor(pool: AttachedSparkPool): LivyApi;
  settings: NotebookSettings;
  store: SessionIdStore;
  log?: Logger;
  clock?: Clock;
  keepAliveMs?: number;
}

function orphanKey(pool: AttachedSparkPool, id: number): string {
  return `${pool.computeId.toLowerCase()}:${id}`;
}

export function poolTarget(pool: AttachedSparkPool): PoolTarget {
  return {
    poolName: pool.poolName,
    synapseWorkspace: pool.synapseWorkspace.name,
    amlWorkspace: pool.amlWorkspace.name,
    sparkVersion: pool.sparkVersion,
  };
}

/** Same Livy endpoint: session ids are shared (two Azure ML computes may attach the same Synapse pool). */
function samePool(a: AttachedSparkPool, b: AttachedSparkPool): boolean {
  const endpoint = (p: AttachedSparkPool) => p.synapseWorkspace.devEndpoint.replace(/\/+$/, '').toLowerCase();
  return endpoint(a) === endpoint(b) && a.poolName.toLowerCase() === b.poolName.toLowerCase();
}

/** The create body a notebook's settings ask for (a %%configure `name` names the notebook, not the session). */
function requestFor(defaults: SessionConfig, config: SessionConfig | undefined): Omit<SessionRequest, 'name'> {
  const { name: _ignored, ...request } = mergeSessionConfig(defaults, config);
  return request;
}

/**
 * One Livy session this window holds (or starts with the first cell) and the notebooks using it: one
 * notebook, or, when shared, every notebook of this window on the pool that asked for the same settings.
 */
export class HeldSession {
  readonly session: SparkSession;
  /** The notebooks using the session, in the order they came. */
  readonly users = new Set<NotebookKernelSession>();
  /** The %%configure its notebooks asked for (the same for all of them). */
  config: SessionConfig | undefined;
  /** The stored session id being re-attached after a window reload, until that is done. */
  restoringId: number | undefined;
  restoring: Promise<void> | undefined;

  constructor(
    readonly pool: AttachedSparkPool,
    readonly shared: boolean,
    readonly firstNotebook: string,
    private readonly deps: RegistryDeps,
  ) {
    this.session = new SparkSession({
      api: deps.apiFor(pool),
      name: shared ? 'Shared notebook session (VS Code)' : `${firstNotebook} (VS Code)`.slice(0, 120),
      tags: { notebook: firstNotebook.slice(0, 250), ...(shared ? { sharing: 'sharedPerPool' } : {}) },
      request: () => this.request(),
      clock: deps.clock,
      log: deps.log,
      keepAliveMs: deps.keepAliveMs,
      idleShutdownMs: () => deps.settings.idleShutdownMinutes() * 60_000,
      onSessionId: () => this.storeIds(),
    });
  }

  request(): Omit<SessionRequest, 'name'> {
    return requestFor(this.deps.settings.sessionDefaults(), this.config);
  }

  /** Whether a notebook whose settings make `requestKey` can use this session as it is now. */
  fits(requestKey: string): boolean {
    return JSON.stringify(this.request()) === requestKey && (!this.session.isLive || this.session.matchesRequest());
  }

  notebookNames(): string[] {
    return [...this.users].map((u) => u.notebookName);
  }

  /** Stores the session id under every notebook using it, so each one re-attaches to it after a window reload. */
  storeIds(): void {
    for (const user of this.users) this.storeIdFor(user);
  }

  storeIdFor(user: NotebookKernelSession): void {
    const id = this.session.sessionId;
    if (id === undefined && this.restoringId !== undefined) return; // being re-attached: keep the stored id
    const value =
      id === undefined ? undefined : { sessionId: id, devEndpoint: this.pool.synapseWorkspace.devEndpoint, poolName: this.pool.poolName };
    if (JSON.stringify(this.deps.store.get(user.storeKey)) !== JSON.stringify(value)) this.deps.store.set(user.storeKey, value);
  }
}

/** What a notebook's kernel session asks of its registry. */
interface SessionBinder {
  all(): NotebookKernelSession[];
  configChanged(entry: NotebookKernelSession): void;
}

export class NotebookKernelSession implements NotebookSessionHost {
  readonly target: PoolTarget;
  private config: SessionConfig | undefined;
  /** The session this notebook uses (the registry binds it). */
  held!: HeldSession;
  /** The session this notebook last ran a statement on. */
  private usedHeld: HeldSession | undefined;

  constructor(
    readonly notebookKey: string,
    readonly pool: AttachedSparkPool,
    readonly notebookName: string,
    private readonly deps: RegistryDeps,
    readonly storeKey: string,
    private readonly binder: SessionBinder,
  ) {
    this.target = poolTarget(pool);
  }

  get session(): SparkSession {
    return this.held.session;
  }

  get notebookConfig(): SessionConfig | undefined {
    return this.config;
  }

  /** %%configure: a notebook sharing a session moves to one of those settings (see NotebookSessionRegistry.configChanged). */
  set notebookConfig(config: SessionConfig | undefined) {
    this.config = config;
    this.binder.configChanged(this);
  }

  /** The create body this notebook's settings ask for, as a comparable string. */
  requestKey(): string {
    return JSON.stringify(requestFor(this.deps.settings.sessionDefaults(), this.config));
  }

  markUsed(): void {
    this.usedHeld = this.held;
  }

  usedSession(): boolean {
    return this.usedHeld === this.held;
  }

  /** The other notebooks of this window using the same Livy session. */
  sharedWith(): NotebookKernelSession[] {
    return [...this.held.users].filter((u) => u !== this);
  }

  defaults(): SessionConfig {
    return this.deps.settings.sessionDefaults();
  }

  limits(): OutputLimits {
    return this.deps.settings.outputLimits();
  }

  sparkProgress(): boolean {
    return this.deps.settings.sparkProgress?.() ?? true;
  }

  /** The other notebooks' sessions of this window on the same Spark pool (same Livy endpoint). */
  peers(): NotebookKernelSession[] {
    return this.binder.all().filter((other) => other !== this && samePool(other.pool, this.pool));
  }

  /** Resolves once a stored session was re-attached (or found gone). */
  async restored(): Promise<void> {
    await this.held.restoring;
  }

  /** Kernel selected: re-attach (already under way) or, with prewarm, start the session now. */
  async activate(prewarm: boolean): Promise<void> {
    await this.restored();
    if (prewarm && !this.session.isLive) this.session.prewarm();
  }
}

export class NotebookSessionRegistry {
  private readonly sessions = new Map<string, NotebookKernelSession>();
  private readonly held = new Set<HeldSession>();
  private readonly orphans = new Map<string, { pool: AttachedSparkPool; id: number; notebook: string }>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly progressChanged = new Emitter<HeldSession>();
  /** A session's running statement or its Spark progress changed (fires on every progress poll). */
  readonly onDidChangeProgress = this.progressChanged.event;

  constructor(private readonly deps: RegistryDeps) {}

  static key(notebookKey: string, pool: AttachedSparkPool): string {
    return `${notebookKey}|${pool.computeId.toLowerCase()}`;
  }

  get(notebookKey: string, pool: AttachedSparkPool, notebookName: string): NotebookKernelSession {
    const key = NotebookSessionRegistry.key(notebookKey, pool);
    let entry = this.sessions.get(key);
    if (!entry) {
      entry = new NotebookKernelSession(notebookKey, pool, notebookName, this.deps, key, {
        all: () => this.all(),
        configChanged: (e) => this.configChanged(e),
      });
      this.sessions.set(key, entry);
      this.bind(entry, this.heldFor(entry));
    }
    return entry;
  }

  find(notebookKey: string, computeId?: string): NotebookKernelSession[] {
    return [...this.sessions.values()].filter(
      (s) => s.notebookKey === notebookKey && (computeId === undefined || s.pool.computeId.toLowerCase() === computeId.toLowerCase()),
    );
  }

  all(): NotebookKernelSession[] {
    return [...this.sessions.values()];
  }

  /** The Livy sessions this window holds (or will start with a notebook's first cell), with their notebooks. */
  heldSessions(): HeldSession[] {
    return [...this.held];
  }

  /**
   * The session a notebook opened now uses: the one its stored id names (re-attached after a window reload,
   * once for all the notebooks that stored it); else, with sessionSharing `sharedPerPool`, one another
   * notebook holds on the pool with the same settings; else a new one of its own.
   */
  private heldFor(entry: NotebookKernelSession): HeldSession {
    const stored = this.deps.store.get(entry.storeKey);
    const id =
      stored && stored.devEndpoint === entry.pool.synapseWorkspace.devEndpoint && stored.poolName === entry.pool.poolName
        ? stored.sessionId
        : undefined;
    const holding =
      id === undefined
        ? undefined
        : [...this.held].find((h) => samePool(h.pool, entry.pool) && (h.session.sessionId === id || h.restoringId === id));
    if (holding) return holding;
    const shared = (this.deps.settings.sessionSharing?.() ?? 'perNotebook') === 'sharedPerPool';
    const fitting = shared && id === undefined ? this.fitting(entry.pool, entry.requestKey()) : undefined;
    if (fitting) return fitting;
    const held = this.hold(entry.pool, shared, entry.notebookName);
    if (id !== undefined) this.restore(held, id);
    return held;
  }

  private hold(pool: AttachedSparkPool, shared: boolean, firstNotebook: string): HeldSession {
    const held = new HeldSession(pool, shared, firstNotebook, this.deps);
    held.session.onDidChange(() => this.changed.fire());
    held.session.onDidChangeProgress(() => this.progressChanged.fire(held));
    this.held.add(held);
    return held;
  }

  /** A shared session on the pool that a notebook asking for `requestKey` can use, a live one first. */
  private fitting(pool: AttachedSparkPool, requestKey: string, except?: HeldSession): HeldSession | undefined {
    const candidates = [...this.held].filter((h) => h !== except && h.shared && samePool(h.pool, pool) && h.fits(requestKey));
    return candidates.find((h) => h.session.isLive) ?? candidates[0];
  }

  private bind(entry: NotebookKernelSession, held: HeldSession): void {
    held.users.add(entry);
    entry.held = held;
    held.storeIdFor(entry);
    this.changed.fire();
  }

  /** Moves a notebook to another session; the one it leaves is deleted when no notebook uses it any more. */
  private move(entry: NotebookKernelSession, to: HeldSession): void {
    const from = entry.held;
    from.users.delete(entry);
    this.bind(entry, to);
    if (!from.users.size) {
      this.release(from, true).catch((err) =>
        (this.deps.log ?? silentLogger).warn(`Could not delete Spark session ${from.session.sessionId}: ${String(err)}`),
      );
    }
  }

  private restore(held: HeldSession, id: number): void {
    held.restoringId = id;
    held.restoring = held.session
      .attach(id)
      .then((ok) => {
        held.restoringId = undefined;
        if (ok) return;
        held.storeIds();
        if (held.shared) this.regroup(held);
      })
      .catch((err) => (this.deps.log ?? silentLogger).warn(`Could not re-attach to Spark session ${id}: ${String(err)}`))
      .finally(() => {
        held.restoringId = undefined;
        held.restoring = undefined;
      });
  }

  /** A shared session that turned out gone after a reload: its notebooks join another of the same settings, if there is one. */
  private regroup(held: HeldSession): void {
    if (held.session.isLive || held.session.isStarting) return;
    const other = this.fitting(held.pool, JSON.stringify(held.request()), held);
    if (other) for (const user of [...held.users]) this.move(user, other);
  }

  /**
   * A notebook's %%configure changed. A notebook with a session of its own keeps it (the cell restarts it when
   * the settings differ, as it always did). A notebook sharing a session whose settings no longer fit moves
   * to a shared session of the new settings, or to one of its own; the others keep theirs.
   */
  private configChanged(entry: NotebookKernelSession): void {
    const held = entry.held;
    if (!held.shared && held.users.size === 1) {
      held.config = entry.notebookConfig;
      return;
    }
    const requestKey = entry.requestKey();
    if (held.fits(requestKey)) return;
    const other = held.shared ? this.fitting(entry.pool, requestKey, held) : undefined;
    if (other) return this.move(entry, other);
    if (held.users.size === 1) {
      held.config = entry.notebookConfig;
      return;
    }
    const own = this.hold(entry.pool, held.shared, entry.notebookName);
    own.config = entry.notebookConfig;
    this.move(entry, own);
  }

  /**
   * The notebook closed: it stops using its sessions. A session no other notebook uses is deleted (setting)
   * or just let go (it re-attaches on reopen); a shared one stays for the notebooks still using it.
   */
  async closeNotebook(notebookKey: string, deleteSessions: boolean): Promise<void> {
    const entries = this.find(notebookKey);
    for (const entry of entries) {
      this.sessions.delete(NotebookSessionRegistry.key(notebookKey, entry.pool));
      entry.held.users.delete(entry);
      if (deleteSessions) this.deps.store.set(entry.storeKey, undefined);
    }
    const unused = new Set(entries.map((e) => e.held).filter((h) => !h.users.size));
    await Promise.all([...unused].map((held) => this.release(held, deleteSessions)));
    if (entries.length) this.changed.fire();
  }

  /** Lets a session no notebook uses go: deleted (retried, else listed as orphaned) or left for a re-attach. */
  private async release(held: HeldSession, deleteSession: boolean): Promise<void> {
    if (!this.held.delete(held)) return;
    try {
      await held.restoring;
      // A create request in flight: wait for its id, or the session would leak.
      if (deleteSession && held.session.sessionId === undefined && held.session.isStarting)
        await held.session.ensureReady().catch(() => undefined);
      const id = held.session.sessionId;
      if (deleteSession && id !== undefined) await this.deleteOrOrphan(held, id);
    } finally {
      held.session.dispose();
      this.changed.fire();
    }
  }

  /**
   * Deletes a closed notebook's session, trying again twice (1 s, then 3 s later) when the call fails; a
   * session still alive after that is remembered as orphaned (the Sessions view marks it, with Kill) and
   * its id logged, so it never leaks unseen.
   */
  private async deleteOrOrphan(held: HeldSession, id: number): Promise<void> {
    const log = this.deps.log ?? silentLogger;
    const clock = this.deps.clock ?? systemClock;
    let last: unknown;
    for (const wait of [0, 1000, 3000]) {
      if (wait) await clock.sleep(wait);
      try {
        if (wait === 0) await held.session.delete();
        else await this.deps.apiFor(held.pool).deleteSession(id);
        this.orphans.delete(orphanKey(held.pool, id));
        return;
      } catch (err) {
        if (isNotFound(err)) return; // gone already
        last = err;
      }
    }
    this.orphans.set(orphanKey(held.pool, id), { pool: held.pool, id, notebook: held.firstNotebook });
    log.warn(
      `Could not delete Spark session ${id} on ${held.pool.poolName} after its notebook closed (${last instanceof Error ? last.message : String(last)}); ` +
        'it is listed as orphaned in the Sessions view, where Kill deletes it.',
    );
  }

  /** Sessions whose delete failed when their notebook closed, on this pool. */
  orphaned(pool: AttachedSparkPool): number[] {
    return [...this.orphans.values()].filter((o) => o.pool.computeId === pool.computeId).map((o) => o.id);
  }

  /** A session was deleted or found gone: it is no longer orphaned. */
  forgetOrphan(pool: AttachedSparkPool, id: number): void {
    if (this.orphans.delete(orphanKey(pool, id))) this.changed.fire();
  }

  dispose(): void {
    for (const held of this.held) held.session.dispose();
    this.held.clear();
    this.sessions.clear();
    this.changed.dispose();
    this.progressChanged.dispose();
  }
}
