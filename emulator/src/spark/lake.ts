/**
 * The emulated ADLS Gen2 accounts: which ones exist, each Synapse workspace's primary file system, and the
 * sample data seeded into them (emulator/lake-seed/{account}/{filesystem}/..., copied where missing so a
 * user's own changes survive restarts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorContext } from '../context';
import { TYPES } from '../arm/resources';
import type { DataLakeLocation } from './conf';

export function lakeSeedDir(): string | undefined {
  for (const candidate of [path.resolve(__dirname, '../../lake-seed'), path.resolve(__dirname, '../../../../emulator/lake-seed')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function accountOf(accountUrl: unknown): string | undefined {
  try {
    return new URL(String(accountUrl)).hostname.split('.')[0].toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** A Synapse workspace's primary storage from its ARM body (properties.defaultDataLakeStorage). */
export function workspaceLake(ctx: EmulatorContext, workspace: string): DataLakeLocation | undefined {
  const ws = ctx.findSynapseWorkspace(workspace);
  const storage = ws?.body.properties.defaultDataLakeStorage as { accountUrl?: string; filesystem?: string } | undefined;
  const account = accountOf(storage?.accountUrl);
  return account && storage?.filesystem ? { account, filesystem: storage.filesystem } : undefined;
}

/** Every account of the emulated world: the workspaces' primary ones and their linked ones. */
export function lakeAccounts(ctx: EmulatorContext): string[] {
  const accounts = new Set<string>();
  for (const resource of Object.values(ctx.store.data.resources)) {
    if (resource.type !== TYPES.synapseWorkspace) continue;
    const primary = accountOf((resource.body.properties.defaultDataLakeStorage as { accountUrl?: string } | undefined)?.accountUrl);
    if (primary) accounts.add(primary);
    for (const linked of (resource.meta?.dataLakeAccounts as string[] | undefined) ?? []) accounts.add(linked.toLowerCase());
  }
  return [...accounts].sort();
}

/** Copies the seed's files into the lake where they are missing. */
export function seedLake(lakeRoot: string, seedDir = lakeSeedDir()): void {
  fs.mkdirSync(lakeRoot, { recursive: true });
  if (!seedDir) return;
  const copy = (from: string, to: string) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (entry.name.endsWith('.py') && from === seedDir) continue; // the generator script is not data
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        fs.mkdirSync(target, { recursive: true });
        copy(source, target);
      } else if (!fs.existsSync(target)) {
        fs.copyFileSync(source, target);
      }
    }
  };
  copy(seedDir, lakeRoot);
}
