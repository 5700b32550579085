/**
 * The Synapse Livy data plane of the emulator (2019-11-01-preview layout, as real traffic shows it).
 *
 * Mount:
 *   const livy = createLivySurface(ctx);            // ctx: LivyContext (context.ts)
 *   // a request to {emulatorUrl}/synapse/{workspace}/livyApi/versions/{v}/sparkPools/{pool}/...
 *   const res = await livy.handleRequest(req);      // undefined when the path is not a Livy path
 *   // or, when the server already split the path:
 *   const res = await livy.handle(req, workspace, pool, 'sessions/3/statements');
 *   // appInfo.driverLogUrl / sparkUiUrl point at {publicUrl}/sparkui/...: route that prefix to
 *   const res = await livy.handleSparkUi(req, pathAfterSparkui);
 *   livy.killSession(workspace, pool, id);          // admin fault: the session's Python process dies
 *   const saved = livy.snapshot(); livy.restore(saved);  // JSON-able; live jobs come back dead
 *   await livy.shutdown();                          // ends every Python process and timer
 *
 * Every Livy answer is 200 (create too; delete and reset-timeout with an empty body), errors are
 * `{code, message}` with 400/404/405. ctx.faults?.match('livy', req) is asked first and may answer instead.
 * Nothing here touches node:http: requests and responses are the EmuRequest/EmuResponse of ../http.
 */
import type { EmuRequest, EmuResponse } from '../http';
import { BatchManager } from './batches';
import type { LivyContext } from './context';
import { failure, LivyRequestError } from './responses';
import { buildRoutes, dispatch } from './routes';
import { LivyRuntime } from './runtime';
import { proxySparkApi, SessionManager } from './sessions';
import type { SessionData } from './session';
import type { BatchData } from './batch';

export type { LivyContext, PoolInfo, ColdStartDelays, Clock, Submitter, LivyFaults } from './context';
export { defaultColdStart, systemClock } from './context';

export const LIVY_API_VERSIONS = ['2019-11-01-preview', '2020-12-01'];

export interface LivySnapshot {
  version: 1;
  sessions: { counters: Record<string, number>; sessions: SessionData[] };
  batches: { counters: Record<string, number>; batches: BatchData[] };
}

export interface LivySurface {
  handleRequest(req: EmuRequest): Promise<EmuResponse | undefined>;
  handle(req: EmuRequest, workspace: string, pool: string, subPath: string): Promise<EmuResponse>;
  handleSparkUi(req: EmuRequest, subPath: string): Promise<EmuResponse>;
  /** Fault injection; false when there is no such session. */
  killSession(workspace: string, pool: string, sessionId: number): boolean;
  snapshot(): LivySnapshot;
  restore(snapshot: LivySnapshot): void;
  shutdown(): Promise<void>;
}

const SPARK_API = /^sessions\/(\d+)\/applications\/([^/]+)(\/.*)?$/i;
const LIVY_PATH = /^\/synapse\/([^/]+)\/livyApi\/versions\/([^/]+)\/sparkPools\/([^/]+)(?:\/(.*))?$/i;
const SPARK_UI_LOG =
  /(?:^|\/)workspaces\/([^/]+)\/sparkpools\/([^/]+)\/(sessions|batches)\/(\d+)\/applications\/[^/]+\/driverlog\/(stdout|stderr)$/i;

/** Splits `/synapse/{ws}/livyApi/versions/{v}/sparkPools/{pool}/{rest}`; undefined for other paths. */
export function parseLivyPath(path: string): { workspace: string; version: string; pool: string; subPath: string } | undefined {
  const match = LIVY_PATH.exec(path);
  return match ? { workspace: match[1], version: match[2], pool: match[3], subPath: match[4] ?? '' } : undefined;
}

export function createLivySurface(ctx: LivyContext): LivySurface {
  const rt = new LivyRuntime(ctx);
  const sessions = new SessionManager(rt);
  const batches = new BatchManager(rt);
  const routes = buildRoutes(sessions, batches);

  async function guarded(req: EmuRequest, work: () => Promise<EmuResponse>): Promise<EmuResponse> {
    const injected = await ctx.faults?.match('livy', req);
    if (injected) {
      return injected;
    }
    try {
      return await work();
    } catch (err) {
      if (err instanceof LivyRequestError) {
        return failure(err.status, err.code, err.message);
      }
      return failure(500, 'InternalServerError', err instanceof Error ? err.message : String(err));
    }
  }

  async function handle(req: EmuRequest, workspace: string, pool: string, subPath: string): Promise<EmuResponse> {
    return guarded(req, async () => {
      if (!(await ctx.findWorkspace(workspace))) {
        return failure(404, 'WorkspaceNotFound', `Synapse workspace '${workspace}' not found.`);
      }
      const poolInfo = await ctx.findPool(workspace, pool);
      if (!poolInfo) {
        return failure(404, 'BigDataPoolNotFound', `Spark pool '${pool}' not found in workspace '${workspace}'.`);
      }
      const app = SPARK_API.exec(subPath);
      if (app) {
        const [id, appId, rest] = [Number(app[1]), decodeURIComponent(app[2]), app[3] ?? ''];
        // Microsoft's own metrics connector reaches a batch's application as sessions/{livyId}/applications/{appId}
        // too: a batch with that id running that application answers when no session does.
        const batchUi = sessions.runsApplication(workspace, pool, id, appId)
          ? undefined
          : batches.applicationUi(workspace, pool, id, appId);
        if (batchUi) return proxySparkApi(req, batchUi, appId, rest, `batch ${id}`);
        return sessions.sparkApi(req, workspace, pool, id, appId, rest);
      }
      return dispatch(routes, { req, workspace, pool, poolInfo }, subPath);
    });
  }

  return {
    async handleRequest(req) {
      const parsed = parseLivyPath(req.path);
      if (!parsed) {
        return undefined;
      }
      if (!LIVY_API_VERSIONS.includes(parsed.version)) {
        return failure(
          400,
          'UnsupportedApiVersion',
          `Livy API version '${parsed.version}' is not supported; use ${LIVY_API_VERSIONS.join(' or ')}.`,
        );
      }
      return handle(req, parsed.workspace, parsed.pool, parsed.subPath);
    },
    handle,
    async handleSparkUi(req, subPath) {
      return guarded(req, async () => {
        const match = SPARK_UI_LOG.exec(subPath.replace(/\/+$/, ''));
        const job =
          match &&
          (match[3].toLowerCase() === 'sessions'
            ? sessions.job(match[1], match[2], Number(match[4]))
            : batches.job(match[1], match[2], Number(match[4])));
        if (!match || !job) {
          return failure(404, 'NotFound', 'No such Spark application log.');
        }
        const stream = match[5].toLowerCase() as 'stdout' | 'stderr';
        const text = job.log?.[stream].join('\n') ?? '';
        return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
      });
    },
    killSession: (workspace, pool, id) => sessions.crash(workspace, pool, id),
    snapshot: () => ({ version: 1, sessions: sessions.snapshot(), batches: batches.snapshot() }),
    restore(snapshot) {
      if (snapshot?.version !== 1) {
        return; // an unknown or missing snapshot: start with no jobs
      }
      sessions.restore(snapshot.sessions ?? {});
      batches.restore(snapshot.batches ?? {});
    },
    async shutdown() {
      rt.timers.close();
      batches.shutdown();
      await sessions.shutdown();
    },
  };
}
