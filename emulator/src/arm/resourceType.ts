/**
 * Which provider namespace and resource type an ARM path addresses. Shared by the emulator's api-version
 * check and scripts/gen-arm-api-versions.mjs (which reads swagger and SDK paths through it), so the table and
 * the check agree on what a type is. No imports: the generator loads the compiled file on its own.
 */

/** ARM's own namespace: subscriptions, tenants and resource groups. */
export const RESOURCES = 'Microsoft.Resources';

/** Provider namespace and resource type a request addresses; a POST to `<resource>/<action>` is on the resource. */
export function resourceTypeOf(path: string, method: string): { namespace: string; type: string } {
  const m = /\/providers\/([^/]+)\/(.+)$/i.exec(path.split('?')[0]);
  if (!m) {
    const parts = path.split('?')[0].split('/').filter(Boolean);
    return { namespace: RESOURCES, type: (parts.length > 2 ? parts[2] : parts[0]) ?? '' };
  }
  const segments = m[2].split('/').filter(Boolean);
  const names = segments.filter((_, i) => i % 2 === 0);
  if (method.toUpperCase() === 'POST' && segments.length % 2 === 1 && segments.length >= 3) names.pop();
  return { namespace: m[1], type: names.join('/') };
}
