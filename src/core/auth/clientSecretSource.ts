/**
 * Client-credentials sign-in: a service principal (secret kept by the caller in secret storage) or the
 * emulator's well-known development principal. Tokens come from the environment's authority.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import type { CloudEnvironment } from '../cloud/environments';
import { UserFacingError } from '../util/errors';
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
    this.displayName = options.kind === 'emulator' ? 'Emulator service principal' : 'Service principal';
  }

  async signIn({ interactive, signal }: { interactive: boolean; signal?: AbortSignal }): Promise<SignedInAccount | undefined> {
    const o = this.options;
    const secret = await o.secret(interactive);
    if (!secret) {
      if (!interactive) return undefined;
      throw new UserFacingError(`No client secret for ${this.displayName.toLowerCase()} ${o.clientId}.`);
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
      throw new UserFacingError(
        `${this.displayName} ${o.clientId} could not sign in to tenant ${o.tenantId} at ${o.environment.authorityHost}: ${firstLine(e)}`,
        [{ title: 'Open Settings', command: 'synapseSpark.openSettings' }],
        { cause: e },
      );
    }
    this.cred = cred;
    return { label: o.kind === 'emulator' ? `emulator (${o.clientId.slice(0, 8)})` : o.clientId, homeTenantId: o.tenantId, multiTenant: false };
  }

  async signOut(): Promise<void> {
    this.cred = undefined;
    await this.options.forgetSecret?.();
  }

  credential(_tenantId?: string): TokenCredential {
    const cred = this.cred;
    return {
      getToken: (scopes, options) => {
        if (!cred) throw new UserFacingError('Not signed in.', [{ title: 'Sign In', command: 'synapseSpark.signIn' }]);
        return cred.getToken(scopes, options);
      },
    };
  }
}

export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim();
}
