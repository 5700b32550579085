/**
 * The emulator's persistent state: ARM resources stored as the JSON bodies GET returns, keyed by their
 * lower-cased resource id (ARM ids compare case-insensitively), plus long-running operations and settings.
 * Written to `<dataDir>/state.json` atomically (temp file + rename) shortly after each change, so a crash
 * never leaves a half-written file and a restart picks up where the last run stopped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorSettings } from './seed';

export interface StoredResource {
  /** ARM resource type, e.g. `Microsoft.Synapse/workspaces/bigDataPools`. */
  type: string;
  /** Parent resource id (lower-cased) or the resource group id for top-level resources. */
  parent: string;
  /** The body GET returns. */
  body: ArmBody;
  /** Insertion order, for stable listing. */
  seq: number;
  /** Emulator-only facts that are not part of the ARM body (e.g. a pool's Livy cold start). */
  meta?: Record<string, unknown>;
}

export interface ArmBody {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown>;
  [key: string]: unknown;
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface StoredOperation {
  id: string;
  /** What finishing the operation does; interpreted by the ARM surface. */
  kind: 'compute-attach' | 'compute-detach' | 'job-cancel';
  resourceId: string;
  subscriptionId: string;
  /** Azure region the operation URLs name (the workspace's location). */
  location: string;
  apiVersion: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  /** Epoch ms when the operation completes on its own. */
  completeAt: number;
  error?: { code: string; message: string };
}

export interface StateData {
  version: 1;
  settings: EmulatorSettings;
  tenantId: string;
  subscriptions: Record<string, SubscriptionRecord>;
  resourceGroups: Record<string, ResourceGroupRecord>;
  resources: Record<string, StoredResource>;
  operations: Record<string, StoredOperation>;
  seq: number;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  state: string;
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
}

export class StateStore {
  private writeTimer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(
    private readonly dataDir: string,
    public data: StateData,
  ) {
    this.file = path.join(dataDir, 'state.json');
  }

  /** Loads state saved by an earlier run, or undefined when there is none (or it is unreadable). */
  static load(dataDir: string): StateData | undefined {
    const file = path.join(dataDir, 'state.json');
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as StateData;
      return data.version === 1 ? data : undefined;
    } catch {
      return undefined;
    }
  }

  get(id: string): StoredResource | undefined {
    return this.data.resources[id.toLowerCase()];
  }

  put(resource: Omit<StoredResource, 'seq'>): StoredResource {
    const key = resource.body.id.toLowerCase();
    const existing = this.data.resources[key];
    const stored = { ...resource, parent: resource.parent.toLowerCase(), seq: existing?.seq ?? ++this.data.seq };
    this.data.resources[key] = stored;
    this.changed();
    return stored;
  }

  delete(id: string): boolean {
    const key = id.toLowerCase();
    if (!this.data.resources[key]) return false;
    // Children go with their parent, as ARM deletes nested resources.
    for (const k of Object.keys(this.data.resources)) {
      if (k === key || k.startsWith(key + '/')) delete this.data.resources[k];
    }
    this.changed();
    return true;
  }

  /** Resources of `type` directly under `parent`, in creation order. */
  children(parent: string, type: string): StoredResource[] {
    const p = parent.toLowerCase();
    const t = type.toLowerCase();
    return Object.values(this.data.resources)
      .filter((r) => r.parent === p && r.type.toLowerCase() === t)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Resources of `type` whose id starts with `scope` (a subscription or resource group id). */
  inScope(scope: string, type: string): StoredResource[] {
    const s = scope.toLowerCase() + '/';
    const t = type.toLowerCase();
    return Object.values(this.data.resources)
      .filter((r) => r.body.id.toLowerCase().startsWith(s) && r.type.toLowerCase() === t)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Marks state dirty; the write happens shortly after, coalescing bursts of changes. */
  changed(): void {
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.flush();
    }, 50);
    this.writeTimer.unref();
  }

  flush(): void {
    if (this.writeTimer) {
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
    }
    fs.mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 1));
    fs.renameSync(tmp, this.file);
  }
}
