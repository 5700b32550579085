/**
 * Client-credentials sign-in: a service principal (secret kept by the caller in secret storage) or the
 * emulator's well-known development principal. Tokens come from the environment's authority.
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import { createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import type { CloudEnvironment } from '../cloud/environments';
import { describeError, UserFacingError } from '../util/errors';
import type { AuthSourceKind, CredentialSource, SignedInAccount } from './types';

export interface ClientSecretSourceOptions {
  kind: Extract<AuthSourceKind, 'servicePrincipal' | 'emulator'>;
  environment: CloudEnvironment;
  tenantId: string;
  clientId: string;
  /** The secret, or a way to get it (for a service principal: secret storage, then a prompt when interactive). */
  secret: (interactive: boolean) => Promise<string | undefined>;
  /** Forgets the stored secret on sign-out (service principal). */
  forgetSecret?: () => Promise<void>;
  httpClient: HttpClient;
}

export class ClientSecretSource implements CredentialSource {
  readonly kind: ClientSecretSourceOptions['kind'];
  readonly displayName: string;
  private cred: ClientSecretCredential | undefined;

  constructor(private readonly options: ClientSecretSourceOptions) {
    this.kind = options.kind;
    this.displayName = options.kind === 'emulator' ? l10n.t('Emulator service principal') : l10n.t('Service principal');
  }

  async signIn({ interactive, signal }: { interactive: boolean; signal?: AbortSignal }): Promise<SignedInAccount | undefined> {
    const o = this.options;
    const secret = await o.secret(interactive);
    if (!secret) {
      if (!interactive) return undefined;
      throw new UserFacingError(
        o.kind === 'emulator'
          ? l10n.t('No client secret for emulator service principal {0}.', o.clientId)
          : l10n.t('No client secret for service principal {0}.', o.clientId),
      );
    }
    const cred = new ClientSecretCredential(o.tenantId, o.clientId, secret, {
      authorityHost: o.environment.authorityHost,
      disableInstanceDiscovery: o.environment.disableInstanceDiscovery,
      httpClient: o.httpClient,
    });
    try {
      // Proves the secret now rather than at the first tree load.
      await cred.getToken(o.environment.resourceManagerScope, { abortSignal: signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!interactive) return undefined;
      // MSAL reports an unreachable or untrusted authority as "endpoints_resolution_error" only: ask the
      // authority ourselves to name the cause (a certificate not trusted, a refused connection).
      const unreachable = /endpoints_resolution_error/i.test(firstLine(e)) ? await this.probeAuthority(signal) : undefined;
      throw new UserFacingError(
        l10n.t(
          '{0} {1} could not sign in to tenant {2} at {3}: {4}',
          this.displayName,
          o.clientId,
          o.tenantId,
          o.environment.authorityHost,
          unreachable ?? firstLine(e),
        ),
        [{ title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }],
        { cause: e },
      );
    }
    this.cred = cred;
    return {
      label: o.kind === 'emulator' ? `emulator (${o.clientId.slice(0, 8)})` : o.clientId,
      homeTenantId: o.tenantId,
      multiTenant: false,
    };
  }

  /** Why the authority's OpenID configuration cannot be read, with the setting to check; undefined when it can. */
  private async probeAuthority(signal?: AbortSignal): Promise<string | undefined> {
    const o = this.options;
    const url = `${o.environment.authorityHost.replace(/\/+$/, '')}/${o.tenantId}/v2.0/.well-known/openid-configuration`;
    try {
      const res = await o.httpClient.sendRequest(createPipelineRequest({ url, abortSignal: signal, timeout: 15_000 }));
      return res.status >= 400
        ? l10n.t('the authority answered HTTP {0} for {1}; check the authority host in the settings.', res.status, url)
        : undefined;
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      const detail = `${code ? `${code}: ` : ''}${firstLine(err)}`;
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(detail)) {
        return l10n.t(
          "its TLS certificate is not trusted ({0}). If it is signed by a private CA (the emulator's, a proxy's), add that CA with {1}.",
          detail,
          'synapseSpark.caBundlePath',
        );
      }
      return l10n.t('the authority cannot be reached ({0}); check the authority host in the settings and the network.', detail);
    }
  }

  async signOut(): Promise<void> {
    this.cred = undefined;
    await this.options.forgetSecret?.();
  }

  credential(_tenantId?: string): TokenCredential {
    const cred = this.cred;
    return {
      getToken: (scopes, options) => {
        if (!cred) throw new UserFacingError(l10n.t('Not signed in.'), [{ title: l10n.t('Sign In'), command: 'synapseSpark.signIn' }]);
        return cred.getToken(scopes, options);
      },
    };
  }
}

export function firstLine(e: unknown): string {
  const m = describeError(e);
  return m.split('\n')[0].trim();
}
