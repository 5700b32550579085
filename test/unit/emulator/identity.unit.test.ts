import * as assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { ARM_SCOPE, startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator identity (ClientSecretCredential over HTTPS)', function () {
  this.timeout(20_000);
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(async () => emu?.stop());

  it('issues an RS256 token whose audience follows the ARM scope', async () => {
    const token = await emu.credential().getToken(ARM_SCOPE);
    assert.ok(token, 'a token');
    const header = JSON.parse(Buffer.from(token.token.split('.')[0], 'base64url').toString('utf8')) as { alg: string };
    assert.equal(header.alg, 'RS256');
    const c = claims(token.token);
    assert.equal(c.aud, 'https://management.azure.com');
    assert.equal(c.tid, emu.tenantId);
    assert.equal(c.appid, emu.clientId);
    assert.ok(token.expiresOnTimestamp > Date.now() + 60_000);
  });

  it('issues a Synapse-audience token for the Synapse scope', async () => {
    const token = await emu.credential().getToken(SYNAPSE_SCOPE);
    assert.equal(claims(token!.token).aud, 'https://dev.azuresynapse.net');
  });

  it('rejects a wrong client secret with an AADSTS error', async () => {
    const bad = new ClientSecretCredential(emu.tenantId, emu.clientId, 'wrong', {
      authorityHost: emu.url,
      disableInstanceDiscovery: true,
      httpClient: emu.httpClient,
    });
    await assert.rejects(bad.getToken(ARM_SCOPE), /AADSTS7000215/);
  });

  it('serves the OpenID configuration and JWKS MSAL reads', async () => {
    const res = await fetchJson(emu, `/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.token_endpoint, `${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    assert.equal(new URL(String(res.issuer)).host, new URL(emu.url).host);
    const jwks = await fetchJson(emu, String(res.jwks_uri).slice(emu.url.length));
    assert.equal((jwks.keys as unknown[]).length, 1);
    const inst = await fetchJson(emu, '/common/discovery/instance?api-version=1.1&authorization_endpoint=x');
    assert.ok(Array.isArray(inst.metadata));
  });

  it('refuses an untrusted client: TLS is verified', async () => {
    const { createDefaultHttpClient, createPipelineRequest } = await import('@azure/core-rest-pipeline');
    await assert.rejects(
      createDefaultHttpClient().sendRequest(createPipelineRequest({ url: `${emu.url}/_emulator/health` })),
      /self.signed|unable to verify|certificate/i,
    );
  });
});

export async function fetchJson(
  emu: TestEmulator,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const { createPipelineRequest, createHttpHeaders } = await import('@azure/core-rest-pipeline');
  const res = await emu.httpClient.sendRequest(
    createPipelineRequest({
      url: `${emu.url}${path}`,
      method: (init.method ?? 'GET') as 'GET',
      body: init.body,
      headers: createHttpHeaders(init.headers),
    }),
  );
  return JSON.parse(res.bodyAsText ?? '{}') as Record<string, unknown>;
}
