/**
 * Sign-in sources behind one shape. Each source yields an account and a TokenCredential per tenant;
 * callers request tokens per resource with the environment's scopes (ARM vs Synapse dev endpoint).
 */
import type { TokenCredential } from '@azure/core-auth';

export type AuthSourceKind = 'microsoft' | 'azureCli' | 'servicePrincipal' | 'emulator';
export const AUTH_SOURCE_KINDS: readonly AuthSourceKind[] = ['microsoft', 'azureCli', 'servicePrincipal', 'emulator'];

export interface SignedInAccount {
  /** What the status bar shows: a user name, a client id. */
  label: string;
  /** The tenant sign-in happened in, when known. */
  homeTenantId?: string;
  /** Whether the source can reach more tenants than its home tenant (then tenants are listed and chosen). */
  multiTenant: boolean;
}

export interface CredentialSource {
  readonly kind: AuthSourceKind;
  /** Human name of the source ("Microsoft account", "Azure CLI", ...). */
  readonly displayName: string;
  /**
   * Signs in. `interactive: false` restores a previous sign-in silently and answers undefined when that
   * is not possible; `interactive: true` may prompt (browser, secret) and throws when it fails.
   */
  signIn(options: { interactive: boolean; signal?: AbortSignal }): Promise<SignedInAccount | undefined>;
  signOut(): Promise<void>;
  /** A credential for one tenant (or the home/default tenant when omitted). */
  credential(tenantId?: string): TokenCredential;
}
