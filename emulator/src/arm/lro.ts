/**
 * ARM long-running operations. An operation is stored with the time it completes; every ARM request first
 * settles due operations (applying their effect), so state is consistent whether or not anyone polls.
 *
 * URLs and answers follow the async contract and the recordings:
 *  - Azure-AsyncOperation: `.../operationStatuses/{id}` style URL answering 200 `{"status": ...}`.
 *  - Location: answers 202 (empty body, Location + Retry-After) while running; then 204 for a delete,
 *    200 for others. The job-cancel Location (mfeOperationResults) answers 202 `{}` then 200 empty, as
 *    recorded by azure-ai-ml.
 *  - Retry-After is whole seconds (settings.retryAfterSeconds).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import type { Router } from '../router';
import type { StoredOperation } from '../state/store';
import { fail } from './errors';

const ML = 'Microsoft.MachineLearningServices';

export type OperationEffect = (ctx: EmulatorContext, op: StoredOperation) => void;

export class Operations {
  private readonly effects = new Map<StoredOperation['kind'], OperationEffect>();

  constructor(private readonly ctx: EmulatorContext) {}

  onComplete(kind: StoredOperation['kind'], effect: OperationEffect): void {
    this.effects.set(kind, effect);
  }

  start(kind: StoredOperation['kind'], resourceId: string, subscriptionId: string, location: string, apiVersion: string): StoredOperation {
    const now = Date.now();
    const op: StoredOperation = {
      id: randomUUID(),
      kind,
      resourceId,
      subscriptionId,
      location: location.replace(/\s+/g, '').toLowerCase(),
      apiVersion,
      status: 'InProgress',
      startTime: new Date(now).toISOString(),
      completeAt: now + this.ctx.store.data.settings.lroDurationMs,
    };
    this.ctx.store.data.operations[op.id] = op;
    this.ctx.store.changed();
    return op;
  }

  /** Completes every due operation (and, with `force`, the one given) and applies its effect. */
  settle(forceId?: string): void {
    const now = Date.now();
    for (const op of Object.values(this.ctx.store.data.operations)) {
      if (op.status !== 'InProgress' || (op.completeAt > now && op.id !== forceId)) continue;
      op.status = 'Succeeded';
      op.endTime = new Date().toISOString();
      try {
        this.effects.get(op.kind)?.(this.ctx, op);
      } catch (e) {
        op.status = 'Failed';
        op.error = { code: 'InternalServerError', message: e instanceof Error ? e.message : String(e) };
      }
      this.ctx.store.changed();
    }
  }

  private base(req: EmuRequest, op: StoredOperation): string {
    return `${req.baseUrl ?? this.ctx.baseUrl()}/subscriptions/${op.subscriptionId}/providers/${ML}/locations/${op.location}`;
  }

  asyncOperationUrl(req: EmuRequest, op: StoredOperation): string {
    const family = op.kind === 'job-cancel' ? 'mfeOperationsStatus' : 'computeOperationsStatus';
    return `${this.base(req, op)}/${family}/${op.id}?api-version=${encodeURIComponent(op.apiVersion)}`;
  }

  locationUrl(req: EmuRequest, op: StoredOperation): string {
    // The recorded cancel Location names the job: mfeOperationResults/jc:{guid}:{jobName}.
    if (op.kind === 'job-cancel') {
      const jobName = op.resourceId.split('/').pop();
      return `${this.base(req, op)}/mfeOperationResults/jc:${op.id}:${jobName}?api-version=${encodeURIComponent(op.apiVersion)}`;
    }
    return `${this.base(req, op)}/computeOperationsResult/${op.id}?api-version=${encodeURIComponent(op.apiVersion)}`;
  }

  retryAfter(): Record<string, string> {
    return { 'retry-after': String(this.ctx.store.data.settings.retryAfterSeconds) };
  }

  register(router: Router): void {
    const prefix = `/subscriptions/{subscriptionId}/providers/${ML}/locations/{location}`;
    router.get(`${prefix}/computeOperationsStatus/{operationId}`, (req, p) => this.status(req, p.operationId));
    router.get(`${prefix}/mfeOperationsStatus/{operationId}`, (req, p) => this.status(req, p.operationId));
    router.get(`${prefix}/computeOperationsResult/{operationId}`, (req, p) => this.result(req, p.operationId));
    router.get(`${prefix}/mfeOperationResults/{operationId}`, (req, p) => this.result(req, p.operationId.split(':')[1] ?? p.operationId));
  }

  private find(id: string): StoredOperation {
    const op = this.ctx.store.data.operations[id];
    if (!op) fail(404, 'NotFound', `The operation '${id}' could not be found.`);
    return op;
  }

  private status(req: EmuRequest, id: string): EmuResponse {
    const op = this.find(id);
    const body: Record<string, unknown> = {
      id: new URL(this.asyncOperationUrl(req, op)).pathname,
      name: op.id,
      status: op.status,
      startTime: op.startTime,
    };
    if (op.endTime) body.endTime = op.endTime;
    if (op.error) body.error = op.error;
    return { status: 200, headers: op.status === 'InProgress' ? this.retryAfter() : {}, body };
  }

  private result(req: EmuRequest, id: string): EmuResponse {
    const op = this.find(id);
    if (op.status === 'InProgress') {
      return {
        status: 202,
        headers: { location: this.locationUrl(req, op), ...this.retryAfter() },
        body: op.kind === 'job-cancel' ? {} : undefined,
      };
    }
    if (op.status === 'Failed')
      return { status: 500, body: { error: op.error ?? { code: 'InternalServerError', message: 'The operation failed.' } } };
    if (op.kind === 'compute-detach') return { status: 204 };
    return { status: 200 };
  }
}
