import * as assert from 'node:assert/strict';
import { createCredentialSource, type CredentialSourceDeps } from '../../../src/core/auth/selectSource';
import { resolveEnvironment } from '../../../src/core/cloud/environments';
import { createTrustingHttpClient, readCaBundles } from '../../../src/core/util/httpClient';
import { UserFacingError } from '../../../src/core/util/errors';
import { startTestEmulator, ARM_SCOPE, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';
import { emulatorEnvironment } from './harness';

function deps(env = resolveEnvironment('AzureCloud'), over: Partial<CredentialSourceDeps> = {}): CredentialSourceDeps {
  return {
    environment: env,
    httpClient: createTrustingHttpClient([]),
    secrets: { get: async () => undefined, ask: async () => undefined, forget: async () => {} },
    microsoft: () => ({
      kind: 'microsoft',
      displayName: 'fake',
      signIn: async () => undefined,
      signOut: async () => {},
      credential: () => ({ getToken: async () => null }),
    }),
    ...over,
  };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

describe('credential selection and sign-in', function () {
  this.timeout(20_000);
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => emu?.stop());

  it('selects the source the settings name, the Microsoft account by default', () => {
    assert.equal(createCredentialSource({}, deps()).kind, 'microsoft');
    assert.equal(createCredentialSource({ source: 'azureCli' }, deps()).kind, 'azureCli');
    assert.equal(
      createCredentialSource({ source: 'servicePrincipal', servicePrincipal: { clientId: 'c', tenantId: 't' } }, deps()).kind,
      'servicePrincipal',
    );
    assert.throws(() => createCredentialSource({ source: 'magic' }, deps()), /auth\.source/);
  });

  it('names the missing setting instead of failing at the first request', () => {
    assert.throws(
      () => createCredentialSource({ source: 'servicePrincipal' }, deps()),
      (e: Error) => e instanceof UserFacingError && /servicePrincipal\.clientId/.test(e.message),
    );
    assert.throws(
      () => createCredentialSource({ source: 'servicePrincipal', servicePrincipal: { clientId: 'c' } }, deps()),
      /servicePrincipal\.tenantId/,
    );
    assert.throws(
      () => createCredentialSource({ source: 'emulator', emulator: { clientId: 'c', clientSecret: 's' } }, deps()),
      /Custom environment/,
    );
  });

  it('signs in to the emulator over verified TLS and gets tokens per resource scope', async () => {
    const env = emulatorEnvironment(emu);
    const source = createCredentialSource(
      { source: 'emulator', emulator: { clientId: emu.clientId, clientSecret: emu.clientSecret } },
      deps(env, { httpClient: createTrustingHttpClient(readCaBundles([emu.caPath])) }),
    );
    const account = await source.signIn({ interactive: true });
    assert.equal(account?.homeTenantId, emu.tenantId);
    const arm = await source.credential().getToken(ARM_SCOPE);
    const livy = await source.credential().getToken(SYNAPSE_SCOPE);
    assert.equal(claims(arm!.token).aud, 'https://management.azure.com');
    assert.equal(claims(livy!.token).aud, 'https://dev.azuresynapse.net');
  });

  it('does not trust the emulator without its CA: TLS stays verified', async () => {
    const env = emulatorEnvironment(emu);
    const source = createCredentialSource(
      { source: 'emulator', emulator: { clientId: emu.clientId, clientSecret: emu.clientSecret } },
      deps(env, { httpClient: createTrustingHttpClient([]) }),
    );
    await assert.rejects(
      source.signIn({ interactive: true }),
      (e: Error) =>
        e instanceof UserFacingError &&
        /could not sign in/.test(e.message) &&
        /TLS certificate is not trusted .*synapseSpark\.caBundlePath/.test(e.message) &&
        !/endpoints_resolution_error/.test(e.message),
    );
    assert.equal(await source.signIn({ interactive: false }), undefined, 'a silent restore fails quietly');
  });

  it('says the authority cannot be reached instead of an MSAL error code', async () => {
    const env = resolveEnvironment('Custom', {
      resourceManagerEndpoint: emu.url,
      authorityHost: 'https://127.0.0.1:1',
      tenantId: emu.tenantId,
      resourceManagerScope: ARM_SCOPE,
    });
    const source = createCredentialSource(
      { source: 'emulator', emulator: { clientId: emu.clientId, clientSecret: emu.clientSecret } },
      deps(env, { httpClient: createTrustingHttpClient(readCaBundles([emu.caPath])) }),
    );
    await assert.rejects(source.signIn({ interactive: true }), (e: Error) =>
      /the authority cannot be reached \(ECONNREFUSED/.test(e.message),
    );
  });

  it('refuses a wrong service principal secret with a message naming the principal', async () => {
    const env = resolveEnvironment('Custom', {
      resourceManagerEndpoint: emu.url,
      authorityHost: emu.url,
      tenantId: emu.tenantId,
      resourceManagerScope: ARM_SCOPE,
    });
    let asked = 0;
    const source = createCredentialSource(
      { source: 'servicePrincipal', servicePrincipal: { clientId: emu.clientId } },
      deps(env, {
        httpClient: createTrustingHttpClient(readCaBundles([emu.caPath])),
        secrets: {
          get: async () => undefined,
          ask: async () => {
            asked++;
            return 'wrong';
          },
          forget: async () => {},
        },
      }),
    );
    assert.equal(await source.signIn({ interactive: false }), undefined, 'no stored secret: no silent sign-in, no prompt');
    assert.equal(asked, 0);
    await assert.rejects(source.signIn({ interactive: true }), new RegExp(`Service principal ${emu.clientId} could not sign in`));
    assert.equal(asked, 1);
  });

  it('reads CA bundles and names a bad path', () => {
    assert.equal(readCaBundles([emu.caPath]).length, 1);
    assert.throws(() => readCaBundles(['/nope/ca.pem']), /cannot be read/);
    assert.throws(() => readCaBundles([__filename.replace(/\.js$/, '.js')]), /no PEM certificate/);
  });
});
