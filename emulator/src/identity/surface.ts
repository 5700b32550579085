/**
 * The Entra ID (AAD) part MSAL talks to: the OAuth2 client-credentials token endpoint (v2.0 and v1), the
 * OpenID discovery documents, the JWKS, and instance discovery. Error bodies follow AAD's
 * `{error, error_description: "AADSTSnnnn: ...", error_codes, ...}` form.
 *
 * Note: MSAL sends instance discovery to login.microsoftonline.com whatever the authority, so clients must
 * pass `disableInstanceDiscovery: true` (the extension does for the custom environment). The
 * `/common/discovery/instance` route exists for clients that ask the authority host itself.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import type { EmuRequest, EmuResponse } from '../http';
import { Router } from '../router';
import type { SeedServicePrincipal } from '../state/seed';
import { stableGuid } from '../arm/ids';

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export function createIdentityRouter(ctx: EmulatorContext, principals: () => SeedServicePrincipal[]): Router {
  const router = new Router();
  const token = (version: 'v1' | 'v2') => (req: EmuRequest, p: Record<string, string>) =>
    issueToken(ctx, principals(), req, p.tenant, version);
  router.post('/{tenant}/oauth2/v2.0/token', token('v2'));
  router.post('/{tenant}/oauth2/token', token('v1'));
  router.get('/{tenant}/v2.0/.well-known/openid-configuration', (req, p) => openIdConfig(ctx, req, p.tenant, 'v2'));
  router.get('/{tenant}/.well-known/openid-configuration', (req, p) => openIdConfig(ctx, req, p.tenant, 'v1'));
  router.get('/{tenant}/discovery/v2.0/keys', () => ({ status: 200, body: ctx.signer.jwks() }));
  router.get('/{tenant}/discovery/keys', () => ({ status: 200, body: ctx.signer.jwks() }));
  router.get('/common/discovery/instance', (req) => instanceDiscovery(ctx, req));
  return router;
}

function knownTenant(ctx: EmulatorContext, tenant: string): boolean {
  const t = tenant.toLowerCase();
  return t === ctx.store.data.tenantId.toLowerCase() || t === 'common' || t === 'organizations';
}

function aadError(status: number, error: string, code: number, description: string): EmuResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function issueToken(
  ctx: EmulatorContext,
  principals: SeedServicePrincipal[],
  req: EmuRequest,
  tenant: string,
  version: 'v1' | 'v2',
): EmuResponse {
  const tenantId = ctx.store.data.tenantId;
  if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
    return aadError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
  }
  const clientId = form.get('client_id') ?? '';
  const principal = principals.find((sp) => sp.clientId.toLowerCase() === clientId.toLowerCase());
  if (!principal) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
    );
  }
  if (form.get('client_secret') !== principal.clientSecret) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  const audience = version === 'v1' ? form.get('resource') : audienceFromScopes(form.get('scope'));
  if (!audience) {
    return version === 'v1'
      ? aadError(400, 'invalid_request', 50001, `The resource principal named '' was not found in the tenant named '${tenantId}'.`)
      : aadError(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
  }

  const lifetime = ctx.store.data.settings.tokenLifetimeSeconds;
  const now = Math.floor(Date.now() / 1000);
  // The expiredTokens fault: the JWT is already expired while expires_in still promises a normal lifetime,
  // which is what a client sees after clock skew or revocation: a cached token the service rejects.
  const expired = ctx.faults.take(['expiredTokens'], { surface: 'identity', method: req.method, path: req.path });
  const iat = expired ? now - 2 * lifetime : now;
  const objectId = principal.objectId ?? stableGuid(`sp/${principal.clientId}`);
  const accessToken = ctx.signer.sign({
    aud: audience,
    iss: `${req.baseUrl ?? ctx.baseUrl()}/${tenantId}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + lifetime,
    appid: principal.clientId,
    azp: principal.clientId,
    appidacr: '1',
    idtyp: 'app',
    oid: objectId,
    sub: objectId,
    tid: tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
  });
  const body: Record<string, unknown> = { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
  if (version === 'v1') Object.assign(body, { expires_on: String(iat + lifetime), not_before: String(iat), resource: audience });
  return { status: 200, headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' }, body };
}

/** `https://management.azure.com/.default` -> `https://management.azure.com`; undefined unless one resource scope ends in /.default. */
export function audienceFromScopes(scope: string | null): string | undefined {
  const resources = (scope ?? '').split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
  if (resources.length !== 1 || !resources[0].endsWith('/.default')) return undefined;
  return resources[0].slice(0, -'/.default'.length);
}

function openIdConfig(ctx: EmulatorContext, req: EmuRequest, tenant: string, version: 'v1' | 'v2'): EmuResponse {
  if (!knownTenant(ctx, tenant)) {
    return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
  }
  const base = `${req.baseUrl ?? ctx.baseUrl()}/${tenant}`;
  const v = version === 'v2' ? '/v2.0' : '';
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2${v}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery${v}/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}${version === 'v2' ? '/v2.0' : '/'}`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2${v}/authorize`,
      device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
      end_session_endpoint: `${base}/oauth2${v}/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'emulator.local',
      cloud_graph_host_name: 'graph.emulator.local',
      msgraph_host: 'graph.emulator.local',
    },
  };
}

function instanceDiscovery(ctx: EmulatorContext, req: EmuRequest): EmuResponse {
  const base = req.baseUrl ?? ctx.baseUrl();
  const host = new URL(base).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${base}/${ctx.store.data.tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}
