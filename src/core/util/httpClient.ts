/**
 * The one way this extension makes HTTPS connections: core-rest-pipeline's default client, with extra
 * certificate authorities (the emulator's, a corporate proxy's) added to the platform's trusted roots.
 * TLS is always verified; nothing here or anywhere else turns verification off.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { createDefaultHttpClient, type HttpClient, type TlsSettings } from '@azure/core-rest-pipeline';
import { UserFacingError } from './errors';

/** Reads PEM bundles (each file may hold several certificates); a missing or non-PEM file is a settings error. */
export function readCaBundles(paths: readonly string[]): string[] {
  const pems: string[] = [];
  for (const raw of paths) {
    const p = raw.trim().replace(/^~(?=$|[\\/])/, os.homedir());
    if (!p) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(p), 'utf8');
    } catch (e) {
      throw new UserFacingError(
        l10n.t('The CA bundle "{0}" ({1}) cannot be read: {2}', p, 'synapseSpark.caBundlePath', (e as Error).message),
        [{ title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }],
      );
    }
    const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!certs) {
      throw new UserFacingError(l10n.t('The CA bundle "{0}" ({1}) holds no PEM certificate.', p, 'synapseSpark.caBundlePath'), [
        { title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' },
      ]);
    }
    pems.push(...certs);
  }
  return pems;
}

function defaultRoots(): string[] {
  // Node >= 22.15 can report the effective default store (including NODE_EXTRA_CA_CERTS); older Node only the bundled roots.
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  return get ? get('default') : [...tls.rootCertificates];
}

/**
 * An HttpClient whose TLS trusts the default roots plus `extraCaPems`. Setting `tlsSettings` (not an
 * agent) keeps it working through proxies: core-rest-pipeline's proxy agent honours the same settings.
 *
 * Inside VS Code's extension host, proxy support wraps every request in an agent of its own that does not
 * keep connections alive, so each request would open a new TLS connection (a handshake per Livy poll).
 * Asking for keep-alive in the request's own `Connection` header lets the underlying agent keep and reuse
 * the connection again, as it does outside VS Code. With extra CAs, the TLS settings also carry one
 * prebuilt `secureContext`: building a context parses every root (about 30 ms), which a new connection
 * would otherwise pay again. It is built on the first request, not when the client is made (activation
 * stays cheap).
 */
export function createTrustingHttpClient(extraCaPems: readonly string[]): HttpClient {
  const inner = createDefaultHttpClient();
  // One object for the client's lifetime: the node client caches its agent per tlsSettings identity.
  let tlsSettings: TlsSettings | undefined;
  const settings = (): TlsSettings => {
    if (!tlsSettings) {
      const ca = [...defaultRoots(), ...extraCaPems];
      tlsSettings = { ca, secureContext: tls.createSecureContext({ ca }) } as TlsSettings;
    }
    return tlsSettings;
  };
  return {
    sendRequest(request) {
      if (!request.headers.has('connection')) request.headers.set('connection', 'keep-alive');
      if (extraCaPems.length > 0) request.tlsSettings ??= settings();
      return inner.sendRequest(request);
    },
  };
}
