/** Maps a Livy sub-path (what follows `.../sparkPools/{pool}/`) and method to a manager call. */
import type { EmuRequest, EmuResponse } from '../http';
import type { BatchManager } from './batches';
import type { PoolInfo } from './context';
import type { JobEndpoints } from './jobManager';
import { LivyRequestError, notFound } from './responses';
import type { SessionManager } from './sessions';

export interface LivyTarget {
  req: EmuRequest;
  workspace: string;
  pool: string;
  poolInfo: PoolInfo;
}

type Route = (t: LivyTarget, ids: number[]) => EmuResponse;

interface RouteTable {
  [pattern: string]: { [method: string]: Route };
}

/** `{name}` (list, create) and `{name}/#` (get, delete): the same four endpoints for sessions and batches. */
function jobRoutes(name: 'sessions' | 'batches', jobs: JobEndpoints): RouteTable {
  return {
    [name]: {
      GET: (t) => jobs.list(t.req, t.workspace, t.pool),
      POST: (t) => jobs.create(t.req, t.workspace, t.pool, t.poolInfo),
    },
    [`${name}/#`]: {
      GET: (t, [id]) => jobs.get(t.req, t.workspace, t.pool, id),
      DELETE: (t, [id]) => jobs.delete(t.workspace, t.pool, id),
    },
  };
}

export function buildRoutes(sessions: SessionManager, batches: BatchManager): RouteTable {
  return {
    ...jobRoutes('sessions', sessions),
    'sessions/#/reset-timeout': {
      PUT: (t, [id]) => sessions.resetTimeout(t.workspace, t.pool, id),
    },
    'sessions/#/statements': {
      GET: (t, [id]) => sessions.listStatements(t.req, t.workspace, t.pool, id),
      POST: (t, [id]) => sessions.createStatement(t.req, t.workspace, t.pool, id),
    },
    'sessions/#/statements/#': {
      GET: (t, [id, sid]) => sessions.getStatement(t.workspace, t.pool, id, sid),
    },
    'sessions/#/statements/#/cancel': {
      POST: (t, [id, sid]) => sessions.cancelStatement(t.workspace, t.pool, id, sid),
    },
    ...jobRoutes('batches', batches),
  };
}

/** Finds the route for a sub-path; numeric segments become ids ('#'). Empty segments (a `//`) are ignored. */
export function dispatch(routes: RouteTable, target: LivyTarget, subPath: string): EmuResponse {
  const ids: number[] = [];
  const pattern = subPath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      if (/^\d+$/.test(segment)) {
        ids.push(Number(segment));
        return '#';
      }
      return segment.toLowerCase();
    })
    .join('/');
  const methods = routes[pattern];
  if (!methods) {
    throw notFound('NotFound', `The Livy API has no '${subPath}' (ids are non-negative integers).`);
  }
  const route = methods[target.req.method.toUpperCase()];
  if (!route) {
    throw new LivyRequestError(
      405,
      'MethodNotAllowed',
      `${target.req.method} is not supported on '${subPath}'; use ${Object.keys(methods).join(' or ')}.`,
    );
  }
  return route(target, ids);
}
