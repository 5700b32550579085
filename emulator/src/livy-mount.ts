/**
 * Mounts the Livy data plane (./livy, owned by the Livy surface) into the server: builds its LivyContext
 * from the emulator's state, persists its snapshot next to state.json, and turns the `sessionDeath` fault
 * into a `killSession` shortly after a matching request (e.g. a statement POST) went through.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorContext } from './context';
import type { EmuRequest, EmuResponse } from './http';
import { AZURITE_ACCOUNT, downloadPrefix } from './storage/azurite';
import { createLivySurface, parseLivyPath, type ColdStartDelays, type LivySnapshot, type LivySurface } from './livy';

export interface LivyMount {
  handle(req: EmuRequest): Promise<EmuResponse>;
  handleSparkUi(req: EmuRequest, subPath: string): Promise<EmuResponse>;
  surface: LivySurface;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Splits a pool's total cold start over Synapse's stages in the proportions real sessions show. */
function coldStartFor(totalMs: number): ColdStartDelays {
  const unit = totalMs / 6;
  return { queued: unit, preparation: unit, resourceAcquisition: 2 * unit, submission: unit, starting: unit };
}

/**
 * Batch files that clients uploaded to the default datastore live in Azurite: copy such a blob
 * (an Azurite https URL, or abfss/wasbs naming the emulated account) into a local cache so Livy can
 * run it. Anything else falls through to Livy's own mapping.
 */
async function fetchFromBlobStore(ctx: EmulatorContext, uri: string): Promise<string | undefined> {
  const blob = ctx.blobServiceUrl();
  if (!blob) return undefined;
  let container: string | undefined;
  let blobPath: string | undefined;
  const storage = /^(?:abfss?|wasbs?):\/\/([^@/]+)@([^./]+)\.[^/]+\/(.+)$/.exec(uri);
  if (storage && storage[2] === AZURITE_ACCOUNT) {
    [container, blobPath] = [storage[1], decodeURIComponent(storage[3])];
  } else if (uri.startsWith(`${blob}/`)) {
    const parts = decodeURIComponent(new URL(uri).pathname).split('/').filter(Boolean); // [account, container, ...path]
    if (parts[0] === AZURITE_ACCOUNT && parts.length >= 3) [container, blobPath] = [parts[1], parts.slice(2).join('/')];
  }
  if (!container || !blobPath) return undefined;
  const dest = path.join(ctx.dataDir, 'livy', 'blob-cache', container, path.dirname(blobPath));
  const count = await downloadPrefix(blob, ctx.caPem, container, blobPath, dest);
  const local = path.join(dest, path.basename(blobPath));
  return count > 0 && fs.existsSync(local) ? local : undefined;
}

export function mountLivy(ctx: EmulatorContext, restore: boolean): LivyMount {
  const snapshotFile = path.join(ctx.dataDir, 'livy-state.json');
  const make = () =>
    createLivySurface({
      findWorkspace: (ws) => ctx.findSynapseWorkspace(ws) !== undefined,
      findPool: (ws, pool) => {
        const p = ctx.findSparkPool(ws, pool);
        if (!p) return undefined;
        const props = p.body.properties as { sparkVersion?: string; nodeSize?: string };
        const coldStartMs = p.meta?.coldStartMs as number | undefined;
        return {
          sparkVersion: props.sparkVersion,
          nodeSize: props.nodeSize,
          coldStart: coldStartMs === undefined ? undefined : coldStartFor(coldStartMs),
        };
      },
      get coldStart() {
        return coldStartFor(ctx.store.data.settings.defaultColdStartMs);
      },
      get idleTimeoutMs() {
        return ctx.store.data.settings.livyIdleTimeoutMs;
      },
      dataDir: path.join(ctx.dataDir, 'livy'),
      lakeRoot: ctx.lakeRoot,
      resolveFile: (uri) => fetchFromBlobStore(ctx, uri),
      pythonPath: ctx.python,
      spark: ctx.spark,
      sparkUnavailableReason: ctx.sparkUnavailableReason,
      tenantId: ctx.store.data.tenantId,
    });
  let surface = make();
  if (restore) {
    try {
      surface.restore(JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as LivySnapshot);
    } catch {
      // no snapshot yet, or an unreadable one: start with no sessions
    }
  }

  return {
    get surface() {
      return surface;
    },
    async handle(req) {
      const res = (await surface.handleRequest(req)) ?? {
        status: 404,
        body: { code: 'NotFound', message: `No Livy route for '${req.path}'.` },
      };
      const death = ctx.faults.take(['sessionDeath'], { surface: 'livy', method: req.method, path: req.path });
      if (death) {
        const parsed = parseLivyPath(req.path);
        const id = /^sessions\/(\d+)/.exec(parsed?.subPath ?? '')?.[1];
        if (parsed && id !== undefined) {
          const kill = setTimeout(() => surface.killSession(parsed.workspace, parsed.pool, Number(id)), death.latencyMs ?? 300);
          kill.unref();
        }
      }
      return res;
    },
    handleSparkUi: (req, subPath) => surface.handleSparkUi(req, subPath),
    async reset() {
      await surface.shutdown();
      fs.rmSync(snapshotFile, { force: true });
      surface = make();
    },
    async stop() {
      try {
        fs.writeFileSync(snapshotFile, JSON.stringify(surface.snapshot()));
      } catch (e) {
        ctx.log(`could not save Livy state: ${e instanceof Error ? e.message : String(e)}`);
      }
      await surface.shutdown();
    },
  };
}
