/**
 * Which credential source the settings select, validated: a missing client id or tenant becomes one
 * message naming the setting, before any network call.
 */
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

const openSettings = [{ title: 'Open Settings', command: 'synapseSpark.openSettings' }];

export function authSourceKind(settings: AuthSettings): AuthSourceKind {
  const s = (settings.source || 'microsoft') as AuthSourceKind;
  if (!AUTH_SOURCE_KINDS.includes(s)) {
    throw new UserFacingError(`Unknown "synapseSpark.auth.source" value '${settings.source}'. Use one of ${AUTH_SOURCE_KINDS.join(', ')}.`, openSettings);
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
      if (!clientId) throw new UserFacingError('Signing in with a service principal needs "synapseSpark.servicePrincipal.clientId".', openSettings);
      if (!tenantId) throw new UserFacingError('Signing in with a service principal needs "synapseSpark.servicePrincipal.tenantId".', openSettings);
      return new ClientSecretSource({
        kind: 'servicePrincipal',
        environment: env,
        tenantId,
        clientId,
        secret: async (interactive) => (await deps.secrets.get(clientId)) ?? (interactive ? deps.secrets.ask(clientId, tenantId) : undefined),
        forgetSecret: () => deps.secrets.forget(clientId),
        httpClient: deps.httpClient,
      });
    }
    case 'emulator': {
      if (env.name !== 'Custom' || !env.tenantId) {
        throw new UserFacingError(
          'The emulator sign-in needs the Custom environment pointing at the emulator ("synapseSpark.environment": "Custom" and "synapseSpark.custom.tenantId"). `npm start` writes these settings; the emulator prints them too.',
          openSettings,
        );
      }
      const clientId = settings.emulator?.clientId?.trim();
      const secret = settings.emulator?.clientSecret;
      if (!clientId || !secret) throw new UserFacingError('The emulator sign-in needs "synapseSpark.emulator.clientId" and "synapseSpark.emulator.clientSecret".', openSettings);
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
