/**
 * Admin API under `/_emulator/` (no auth; the server only listens on loopback and this surface also
 * refuses non-loopback peers). Health, reset, settings and fault injection, documented in README.md.
 */
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import { Router } from '../router';
import { amlWorkspaceId } from '../arm/ids';
import { DEFAULT_SETTINGS, NEW_LINKED_SERVICES_POLICIES, type EmulatorSettings, type NewLinkedServicesPolicy } from '../state/seed';
import type { FaultSpec } from './faults';

export interface AdminHooks {
  health(): Record<string, unknown>;
  reset(): Promise<void>;
}

export function createAdminRouter(ctx: EmulatorContext, hooks: AdminHooks): Router {
  const router = new Router();
  const bad = (message: string): EmuResponse => ({ status: 400, body: { error: { code: 'BadRequest', message } } });

  router.get('/_emulator/health', () => ({ status: 200, body: { status: 'ok', ...hooks.health() } }));

  router.post('/_emulator/reset', async () => {
    await hooks.reset();
    return { status: 200, body: { status: 'reset' } };
  });

  router.get('/_emulator/settings', () => ({ status: 200, body: ctx.store.data.settings }));
  router.patch('/_emulator/settings', (req) => {
    const patch = req.body as Partial<EmulatorSettings> | undefined;
    if (!patch || typeof patch !== 'object') return bad('Send a JSON object of settings to change.');
    for (const [k, v] of Object.entries(patch)) {
      if (!(k in DEFAULT_SETTINGS)) return bad(`Unknown setting '${k}'. Known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}.`);
      if (typeof v !== 'number' || v < 0) return bad(`Setting '${k}' must be a non-negative number.`);
    }
    Object.assign(ctx.store.data.settings, patch);
    ctx.store.changed();
    return { status: 200, body: ctx.store.data.settings };
  });

  // Per-AML-workspace switches (emulator-only facts kept beside the ARM body).
  const amlWs = '/_emulator/amlWorkspaces/{subscriptionId}/{resourceGroupName}/{workspaceName}';
  const switches = (p: Record<string, string>) => {
    const ws = ctx.store.get(amlWorkspaceId(p.subscriptionId, p.resourceGroupName, p.workspaceName));
    return ws && { id: ws.body.id, newLinkedServices: (ws.meta?.newLinkedServices as NewLinkedServicesPolicy | undefined) ?? 'accept' };
  };
  const noWorkspace = (p: Record<string, string>): EmuResponse => ({
    status: 404,
    body: { error: { code: 'NotFound', message: `No AML workspace '${p.workspaceName}' in ${p.subscriptionId}/${p.resourceGroupName}.` } },
  });
  router.get(amlWs, (_req, p) => {
    const now = switches(p);
    return now ? { status: 200, body: now } : noWorkspace(p);
  });
  router.patch(amlWs, (req, p) => {
    const ws = ctx.store.get(amlWorkspaceId(p.subscriptionId, p.resourceGroupName, p.workspaceName));
    if (!ws) return noWorkspace(p);
    const patch = req.body as { newLinkedServices?: unknown } | undefined;
    const policy = patch?.newLinkedServices;
    if (!NEW_LINKED_SERVICES_POLICIES.includes(policy as NewLinkedServicesPolicy)) {
      return bad(`Send {"newLinkedServices": ${NEW_LINKED_SERVICES_POLICIES.map((v) => `"${v}"`).join(' | ')}}.`);
    }
    ws.meta = { ...(ws.meta ?? {}), newLinkedServices: policy };
    if (policy === 'accept') delete ws.meta.newLinkedServices;
    ctx.store.changed();
    return { status: 200, body: switches(p) };
  });

  router.get('/_emulator/faults', () => ({ status: 200, body: { value: ctx.faults.list() } }));
  router.post('/_emulator/faults', (req: EmuRequest) => {
    const specs = (Array.isArray(req.body) ? req.body : [req.body]) as FaultSpec[];
    try {
      const added = specs.map((s) => ctx.faults.add(s));
      return { status: 201, body: Array.isArray(req.body) ? { value: added } : added[0] };
    } catch (e) {
      return bad(e instanceof Error ? e.message : String(e));
    }
  });
  router.delete('/_emulator/faults', () => {
    ctx.faults.clear();
    return { status: 204 };
  });
  router.delete('/_emulator/faults/{id}', (_req, p) =>
    ctx.faults.remove(p.id) ? { status: 204 } : { status: 404, body: { error: { code: 'NotFound', message: `No fault '${p.id}'.` } } },
  );
  return router;
}
