/**
 * ARM's api-version check, before any provider sees the request: a version the provider does not serve for the
 * resource type answers 400 `NoRegisteredProviderFound`; ARM's own routes (subscriptions, tenants, resource
 * groups) answer 400 `InvalidApiVersionParameter`. Types the table does not know fall through to the router
 * (which answers 404 `InvalidResourceType` for a path no provider serves). The table is generated
 * (`apiVersions.ts`, see scripts/gen-arm-api-versions.mjs).
 */
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import { API_VERSIONS } from './apiVersions';
import { armError } from './errors';
import { RESOURCES, resourceTypeOf } from './resourceType';

function lookup<T>(record: Readonly<Record<string, T>>, key: string): [string, T] | undefined {
  const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : [found, record[found]];
}

/** The type as the table spells it and the versions ARM serves for it; undefined when the table does not know it. */
export function supportedApiVersions(namespace: string, type: string): { type: string; versions: readonly string[] } | undefined {
  const provider = lookup(API_VERSIONS, namespace);
  const found = provider && lookup(provider[1], type);
  return found && { type: found[0], versions: found[1] };
}

/** ARM's 400 for an api-version the addressed resource type is not served at, or undefined to go on. */
export function checkApiVersion(ctx: EmulatorContext, req: EmuRequest, version: string): EmuResponse | undefined {
  const { namespace, type } = resourceTypeOf(req.path, req.method);
  const supported = supportedApiVersions(namespace, type);
  if (!supported) return undefined;
  const { versions } = supported;
  if (versions.some((v) => v.toLowerCase() === version.toLowerCase())) return undefined;
  if (namespace.toLowerCase() === RESOURCES.toLowerCase()) {
    const list = [...versions].reverse().join(', ');
    return armError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${list}'.`, {
      gateway: true,
    });
  }
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${requestLocation(ctx, req)}' and API version '${version}' for type '${supported.type}'. ` +
      `The supported api-versions are '${versions.join(', ')}'. The supported locations are '${knownLocations(ctx).join(', ')}'.`,
    { gateway: true },
  );
}

const normalize = (location: string) => location.replace(/\s+/g, '').toLowerCase();

/** The location ARM routes the request by: the resource group's, or the `locations/{l}` the path names. */
function requestLocation(ctx: EmulatorContext, req: EmuRequest): string {
  const rg = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(req.path);
  if (rg) {
    const found = Object.values(ctx.store.data.resourceGroups).find(
      (g) => g.subscriptionId.toLowerCase() === rg[1].toLowerCase() && g.name.toLowerCase() === decodeURIComponent(rg[2]).toLowerCase(),
    );
    if (found) return normalize(found.location);
  }
  const loc = /\/locations\/([^/]+)/i.exec(req.path);
  return loc ? normalize(decodeURIComponent(loc[1])) : 'global';
}

/** The locations the emulator hosts resources in (those of its resource groups). */
function knownLocations(ctx: EmulatorContext): string[] {
  return [...new Set(Object.values(ctx.store.data.resourceGroups).map((g) => normalize(g.location)))].sort();
}
