/**
 * The ARM surface: all Microsoft.Resources / Synapse / MachineLearningServices routes behind one handler
 * that checks api-version (per provider and resource type, `apiVersionCheck.ts`), settles due long-running
 * operations, turns thrown ArmHttpErrors into answers
 * and adds the headers ARM always sends.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import { Router } from '../router';
import { registerAmlWorkspaces } from './aml-workspaces';
import { registerCodes } from './codes';
import { registerComponents } from './components';
import { registerComputes } from './computes';
import { registerDatastores } from './datastores';
import { checkApiVersion } from './apiVersionCheck';
import { armError, ArmHttpError } from './errors';
import { registerJobs, type JobRunner } from './jobs';
import { registerLinkedServices } from './linked-services';
import { Operations } from './lro';
import { registerSubscriptions } from './subscriptions';
import { registerSynapse } from './synapse';

export interface ArmSurface {
  handle(req: EmuRequest): Promise<EmuResponse>;
  operations: Operations;
}

export function createArmSurface(ctx: EmulatorContext, runner: () => JobRunner | undefined): ArmSurface {
  const router = new Router();
  const operations = new Operations(ctx);
  registerSubscriptions(router, ctx);
  registerSynapse(router, ctx);
  registerAmlWorkspaces(router, ctx);
  registerComputes(router, ctx, operations);
  registerLinkedServices(router, ctx);
  registerDatastores(router, ctx);
  registerCodes(router, ctx);
  registerComponents(router, ctx);
  registerJobs(router, ctx, operations, runner);
  operations.register(router);

  const handle = async (req: EmuRequest): Promise<EmuResponse> => {
    let res: EmuResponse;
    try {
      res = await dispatch(ctx, router, operations, req);
    } catch (e) {
      if (!(e instanceof ArmHttpError)) throw e;
      res = e.response;
    }
    return withArmHeaders(req, res);
  };
  return { handle, operations };
}

async function dispatch(ctx: EmulatorContext, router: Router, operations: Operations, req: EmuRequest): Promise<EmuResponse> {
  const version = req.query.get('api-version');
  if (!version) {
    return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  const rejected = checkApiVersion(ctx, req, version);
  if (rejected) return rejected;
  operations.settle();
  const m = router.match(req.method, req.path);
  if (m.kind === 'found') return m.match.handler(req, m.match.params);
  if (m.kind === 'method-not-allowed') {
    return armError(405, 'MethodNotAllowed', `The requested method '${req.method}' is not allowed for '${req.path}'.`);
  }
  return unknownRoute(req);
}

/** ARM's answer for a path no provider serves. */
export function unknownRoute(req: EmuRequest): EmuResponse {
  const m = /\/providers\/([^/]+)\/(.+)$/i.exec(req.path);
  if (m) {
    const type = m[2]
      .split('/')
      .filter((_, i) => i % 2 === 0)
      .join('/');
    return armError(
      404,
      'InvalidResourceType',
      `The resource type '${type}' could not be found in the namespace '${m[1]}' for api version '${req.query.get('api-version') ?? ''}'.`,
      { gateway: true },
    );
  }
  return armError(404, 'NotFound', `No route matches '${req.method} ${req.path}'.`, { gateway: true });
}

function withArmHeaders(req: EmuRequest, res: EmuResponse): EmuResponse {
  const requestId = randomUUID();
  const write = req.method !== 'GET' && req.method !== 'HEAD';
  return {
    ...res,
    headers: {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': req.headers['x-ms-correlation-request-id'] ?? requestId,
      [`x-ms-ratelimit-remaining-subscription-${write ? 'writes' : 'reads'}`]: write ? '1199' : '11999',
      'cache-control': 'no-cache',
      ...(res.headers ?? {}),
    },
  };
}
