/** Stable notebook controller ids per attached pool (kept across reloads so VS Code remembers the kernel choice). */
import type { AttachedSparkPool } from '../model/sparkTargets';

export const CONTROLLER_PREFIX = 'synapseSpark.pool.';

export function controllerIdFor(pool: Pick<AttachedSparkPool, 'computeId' | 'computeName'>): string {
  const name = pool.computeName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `${CONTROLLER_PREFIX}${name}.${fnv1a(pool.computeId.toLowerCase())}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
