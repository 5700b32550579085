/**
 * VS Code's built-in Microsoft account as a credential source: sessions from vscode.authentication,
 * one per tenant (`VSCODE_TENANT:` scope), tokens requested per resource scope. Sovereign clouds use
 * the `microsoft-sovereign-cloud` provider (configured by VS Code's `microsoft-sovereign-cloud.environment`).
 */
import * as vscode from 'vscode';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { CloudEnvironment } from '../core/cloud/environments';
import type { CredentialSource, SignedInAccount } from '../core/auth/types';
import { jwtExpiry } from '../core/auth/jwt';
import { UserFacingError } from '../core/util/errors';

export class VsCodeMicrosoftSource implements CredentialSource {
  readonly kind = 'microsoft' as const;
  readonly displayName = vscode.l10n.t('Microsoft account');
  private readonly providerId: string;
  private account: vscode.AuthenticationSessionAccountInformation | undefined;

  constructor(private readonly environment: CloudEnvironment) {
    this.providerId = environment.name === 'AzureCloud' ? 'microsoft' : 'microsoft-sovereign-cloud';
  }

  async signIn({ interactive }: { interactive: boolean }): Promise<SignedInAccount | undefined> {
    if (this.environment.name === 'Custom') {
      if (!interactive) return undefined;
      throw new UserFacingError(
        vscode.l10n.t(
          'A Microsoft account cannot sign in to a custom environment. Choose "{0}", "{1}" or "{2}" in "{3}".',
          'azureCli',
          'servicePrincipal',
          'emulator',
          'synapseSpark.auth.source',
        ),
        [{ title: vscode.l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }],
      );
    }
    const scopes = this.scopes([this.environment.resourceManagerScope]);
    const session = interactive
      ? await vscode.authentication.getSession(this.providerId, scopes, { createIfNone: true, clearSessionPreference: false })
      : await vscode.authentication.getSession(this.providerId, scopes, { silent: true });
    if (!session) return undefined;
    this.account = session.account;
    return { label: session.account.label, homeTenantId: tenantOf(session.accessToken), multiTenant: true };
  }

  async signOut(): Promise<void> {
    // VS Code owns the account (other extensions share it); forgetting it here is enough.
    this.account = undefined;
  }

  credential(tenantId?: string): TokenCredential {
    return {
      getToken: async (scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> => {
        if (!this.account)
          throw new UserFacingError(vscode.l10n.t('Not signed in.'), [{ title: vscode.l10n.t('Sign In'), command: 'synapseSpark.signIn' }]);
        const wanted = this.scopes(Array.isArray(scopes) ? scopes : [scopes], tenantId);
        const session =
          (await vscode.authentication.getSession(this.providerId, wanted, { silent: true, account: this.account })) ??
          (await vscode.authentication.getSession(this.providerId, wanted, { createIfNone: true, account: this.account }));
        return { token: session.accessToken, expiresOnTimestamp: jwtExpiry(session.accessToken) ?? Date.now() + 5 * 60_000 };
      },
    };
  }

  private scopes(resourceScopes: string[], tenantId?: string): string[] {
    return [...resourceScopes, ...(tenantId ? [`VSCODE_TENANT:${tenantId}`] : [])];
  }
}

function tenantOf(token: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).tid;
  } catch {
    return undefined;
  }
}
