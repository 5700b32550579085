/**
 * Every notebook's Spark sessions: one NotebookKernelSession per (notebook, pool), created on demand,
 * re-attached after a window reload from a small id store (workspaceState in the glue), and deleted when
 * the notebook closes. VS Code-free; the glue supplies settings, the store and the Livy client per pool.
 */
import type { AttachedSparkPool } from '../model/sparkTargets';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { isNotFound, type LivyApi } from '../livy/livyClient';
import { SparkSession } from '../livy/sparkSession';
import { systemClock, type Clock } from '../livy/polling';
import type { NotebookSessionHost, PoolTarget } from './cellRunner';
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
}

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

export class NotebookKernelSession implements NotebookSessionHost {
  readonly session: SparkSession;
  readonly target: PoolTarget;
  notebookConfig: SessionConfig | undefined;
  private restoring: Promise<void> | undefined;

  constructor(readonly notebookKey: string, readonly pool: AttachedSparkPool, readonly notebookName: string, private readonly deps: RegistryDeps,
    private readonly storeKey: string, private readonly others: () => NotebookKernelSession[] = () => []) {
    this.target = poolTarget(pool);
    const stored = deps.store.get(storeKey);
    this.session = new SparkSession({
      api: deps.apiFor(pool),
      name: `${notebookName} (VS Code)`.slice(0, 120),
      tags: { notebook: notebookName.slice(0, 250) },
      request: () => {
        const { name: _ignored, ...request } = mergeSessionConfig(deps.settings.sessionDefaults(), this.notebookConfig);
        return request;
      },
      clock: deps.clock,
      log: deps.log,
      keepAliveMs: deps.keepAliveMs,
      idleShutdownMs: () => deps.settings.idleShutdownMinutes() * 60_000,
      onSessionId: (id) => deps.store.set(storeKey, id === undefined ? undefined
        : { sessionId: id, devEndpoint: pool.synapseWorkspace.devEndpoint, poolName: pool.poolName }),
    });
    if (stored && stored.devEndpoint === pool.synapseWorkspace.devEndpoint && stored.poolName === pool.poolName) {
      this.restoring = this.session.attach(stored.sessionId)
        .then((ok) => {
          if (!ok) deps.store.set(storeKey, undefined);
        })
        .catch((err) => (deps.log ?? silentLogger).warn(`Could not re-attach to Spark session ${stored.sessionId}: ${String(err)}`))
        .finally(() => {
          this.restoring = undefined;
        });
    }
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
    return this.others().filter((other) => other !== this && samePool(other.pool, this.pool));
  }

  /** Resolves once a stored session was re-attached (or found gone). */
  async restored(): Promise<void> {
    await this.restoring;
  }

  /** Kernel selected: re-attach (already under way) or, with prewarm, start the session now. */
  async activate(prewarm: boolean): Promise<void> {
    await this.restored();
    if (prewarm && !this.session.isLive) this.session.prewarm();
  }
}

export class NotebookSessionRegistry {
  private readonly sessions = new Map<string, NotebookKernelSession>();
  private readonly orphans = new Map<string, { pool: AttachedSparkPool; id: number; notebook: string }>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly progressChanged = new Emitter<NotebookKernelSession>();
  /** A notebook's running statement or its Spark progress changed (fires on every progress poll). */
  readonly onDidChangeProgress = this.progressChanged.event;

  constructor(private readonly deps: RegistryDeps) {}

  static key(notebookKey: string, pool: AttachedSparkPool): string {
    return `${notebookKey}|${pool.computeId.toLowerCase()}`;
  }

  get(notebookKey: string, pool: AttachedSparkPool, notebookName: string): NotebookKernelSession {
    const key = NotebookSessionRegistry.key(notebookKey, pool);
    let entry = this.sessions.get(key);
    if (!entry) {
      entry = new NotebookKernelSession(notebookKey, pool, notebookName, this.deps, key, () => this.all());
      entry.session.onDidChange(() => this.changed.fire());
      entry.session.onDidChangeProgress(() => this.progressChanged.fire(entry!));
      this.sessions.set(key, entry);
      this.changed.fire();
    }
    return entry;
  }

  find(notebookKey: string, computeId?: string): NotebookKernelSession[] {
    return [...this.sessions.values()].filter((s) => s.notebookKey === notebookKey
      && (computeId === undefined || s.pool.computeId.toLowerCase() === computeId.toLowerCase()));
  }

  all(): NotebookKernelSession[] {
    return [...this.sessions.values()];
  }

  /** The notebook closed: delete its sessions (setting) or just let them go (they re-attach on reopen). */
  async closeNotebook(notebookKey: string, deleteSessions: boolean): Promise<void> {
    const entries = this.find(notebookKey);
    for (const entry of entries) this.sessions.delete(NotebookSessionRegistry.key(notebookKey, entry.pool));
    await Promise.all(entries.map(async (entry) => {
      try {
        await entry.restored();
        const id = entry.session.sessionId;
        if (deleteSessions && id !== undefined) await this.deleteOrOrphan(entry, id);
      } finally {
        entry.session.dispose();
      }
    }));
    if (entries.length) this.changed.fire();
  }

  /**
   * Deletes a closed notebook's session, trying again twice (1 s, then 3 s later) when the call fails; a
   * session still alive after that is remembered as orphaned (the Sessions view marks it, with Kill) and
   * its id logged, so it never leaks unseen.
   */
  private async deleteOrOrphan(entry: NotebookKernelSession, id: number): Promise<void> {
    const log = this.deps.log ?? silentLogger;
    const clock = this.deps.clock ?? systemClock;
    let last: unknown;
    for (const wait of [0, 1000, 3000]) {
      if (wait) await clock.sleep(wait);
      try {
        if (wait === 0) await entry.session.delete();
        else await this.deps.apiFor(entry.pool).deleteSession(id);
        this.orphans.delete(orphanKey(entry.pool, id));
        return;
      } catch (err) {
        if (isNotFound(err)) return; // gone already
        last = err;
      }
    }
    this.orphans.set(orphanKey(entry.pool, id), { pool: entry.pool, id, notebook: entry.notebookKey });
    log.warn(`Could not delete Spark session ${id} on ${entry.pool.poolName} after its notebook closed (${last instanceof Error ? last.message : String(last)}); `
      + 'it is listed as orphaned in the Sessions view, where Kill deletes it.');
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
    for (const entry of this.sessions.values()) entry.session.dispose();
    this.sessions.clear();
    this.changed.dispose();
    this.progressChanged.dispose();
  }
}
