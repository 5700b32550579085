/**
 * Which credential source the settings select, validated: a missing client id or tenant becomes one
 * message naming the setting, before any network call.
 */
import * as l10n from '@vscode/l10n';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { CloudEnvironment } from '../cloud/environments';
import { UserFacingError } from '../util/errors';
import { AzureCliSource } from './azureCliSource';
import { ClientSecretSource } from './clientSecretSource';
import { AUTH_SOURCE_KINDS, type AuthSourceKind, type CredentialSource } from './types';

export interface AuthSettings {
  source?: string;
  servicePrincipal?: { clientId?: string; tenantId?: string };
  emulator?: { clientId?: string; clientSecret?: string };
}

/** Keeps a service principal's secret outside settings (VS Code SecretStorage in the glue). */
export interface SecretPrompt {
  get(clientId: string): Promise<string | undefined>;
  /** Asks the user (interactive sign-in only); stores and returns the answer, undefined when dismissed. */
  ask(clientId: string, tenantId: string): Promise<string | undefined>;
  forget(clientId: string): Promise<void>;
}

export interface CredentialSourceDeps {
  environment: CloudEnvironment;
  httpClient: HttpClient;
  secrets: SecretPrompt;
  /** VS Code's Microsoft account source (glue: it needs vscode.authentication). */
  microsoft: (environment: CloudEnvironment) => CredentialSource;
}

const openSettings = () => [{ title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }];

export function authSourceKind(settings: AuthSettings): AuthSourceKind {
  const s = (settings.source || 'microsoft') as AuthSourceKind;
  if (!AUTH_SOURCE_KINDS.includes(s)) {
    throw new UserFacingError(
      l10n.t(
        'Unknown "{0}" value \'{1}\'. Use one of {2}.',
        'synapseSpark.auth.source',
        String(settings.source),
        AUTH_SOURCE_KINDS.join(', '),
      ),
      openSettings(),
    );
  }
  return s;
}

export function createCredentialSource(settings: AuthSettings, deps: CredentialSourceDeps): CredentialSource {
  const env = deps.environment;
  switch (authSourceKind(settings)) {
    case 'microsoft':
      return deps.microsoft(env);
    case 'azureCli':
      return new AzureCliSource(env, env.tenantId);
    case 'servicePrincipal': {
      const clientId = settings.servicePrincipal?.clientId?.trim();
      const tenantId = settings.servicePrincipal?.tenantId?.trim() || env.tenantId;
      if (!clientId)
        throw new UserFacingError(
          l10n.t('Signing in with a service principal needs "{0}".', 'synapseSpark.servicePrincipal.clientId'),
          openSettings(),
        );
      if (!tenantId)
        throw new UserFacingError(
          l10n.t('Signing in with a service principal needs "{0}".', 'synapseSpark.servicePrincipal.tenantId'),
          openSettings(),
        );
      return new ClientSecretSource({
        kind: 'servicePrincipal',
        environment: env,
        tenantId,
        clientId,
        secret: async (interactive) =>
          (await deps.secrets.get(clientId)) ?? (interactive ? deps.secrets.ask(clientId, tenantId) : undefined),
        forgetSecret: () => deps.secrets.forget(clientId),
        httpClient: deps.httpClient,
      });
    }
    case 'emulator': {
      if (env.name !== 'Custom' || !env.tenantId) {
        throw new UserFacingError(
          l10n.t(
            'The emulator sign-in needs the Custom environment pointing at the emulator ({0} and {1}). {2} writes these settings; the emulator prints them too.',
            '"synapseSpark.environment": "Custom"',
            '"synapseSpark.custom.tenantId"',
            '`npm start`',
          ),
          openSettings(),
        );
      }
      const clientId = settings.emulator?.clientId?.trim();
      const secret = settings.emulator?.clientSecret;
      if (!clientId || !secret)
        throw new UserFacingError(
          l10n.t('The emulator sign-in needs "{0}" and "{1}".', 'synapseSpark.emulator.clientId', 'synapseSpark.emulator.clientSecret'),
          openSettings(),
        );
      return new ClientSecretSource({
        kind: 'emulator',
        environment: env,
        tenantId: env.tenantId,
        clientId,
        secret: async () => secret,
        httpClient: deps.httpClient,
      });
    }
  }
}
