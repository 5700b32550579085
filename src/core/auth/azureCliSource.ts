/** Sign-in through the Azure CLI's cached login (`az login`), one credential per tenant. */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential } from '@azure/identity';
import type { CloudEnvironment } from '../cloud/environments';
import { UserFacingError } from '../util/errors';
import { firstLine } from './clientSecretSource';
import { jwtExpiry } from './jwt';
import type { CredentialSource, SignedInAccount } from './types';

export class AzureCliSource implements CredentialSource {
  readonly kind = 'azureCli' as const;
  readonly displayName = 'Azure CLI';
  private readonly byTenant = new Map<string, AzureCliCredential>();
  private signedIn = false;

  constructor(
    private readonly environment: CloudEnvironment,
    private readonly tenantId?: string,
  ) {}

  async signIn({ interactive }: { interactive: boolean }): Promise<SignedInAccount | undefined> {
    try {
      const token = await this.get(this.tenantId).getToken(this.environment.resourceManagerScope);
      this.signedIn = true;
      const claims = decodeClaims(token.token);
      return {
        label: String(claims.upn ?? claims.unique_name ?? claims.appid ?? 'Azure CLI'),
        homeTenantId: claims.tid as string | undefined,
        multiTenant: !this.tenantId,
      };
    } catch (e) {
      if (!interactive) return undefined;
      throw new UserFacingError(
        l10n.t(
          'The Azure CLI gave no token for {0}: {1}. Run "{2}" (and "{3}" for a sovereign cloud) in a terminal, then sign in again.',
          this.environment.resourceManagerScope,
          firstLine(e),
          'az login',
          'az cloud set',
        ),
        [],
        { cause: e },
      );
    }
  }

  async signOut(): Promise<void> {
    this.signedIn = false;
    this.byTenant.clear();
  }

  credential(tenantId?: string): TokenCredential {
    return {
      getToken: async (scopes, options) => {
        if (!this.signedIn)
          throw new UserFacingError(l10n.t('Not signed in.'), [{ title: l10n.t('Sign In'), command: 'synapseSpark.signIn' }]);
        const t = await this.get(tenantId ?? this.tenantId).getToken(scopes, options);
        return { ...t, expiresOnTimestamp: t.expiresOnTimestamp || jwtExpiry(t.token) || Date.now() + 5 * 60_000 };
      },
    };
  }

  private get(tenantId: string | undefined): AzureCliCredential {
    const key = tenantId ?? '';
    let c = this.byTenant.get(key);
    if (!c) {
      c = new AzureCliCredential(tenantId ? { tenantId } : {});
      this.byTenant.set(key, c);
    }
    return c;
  }
}

function decodeClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}
