/**
 * Azure clouds the extension can talk to. Every endpoint, token scope and browser host comes from here
 * (or from the resource itself), never from string-building a public-cloud host name: that is what lets
 * sovereign clouds and the local emulator (a Custom environment) run the same code.
 */
import * as l10n from '@vscode/l10n';
import { UserFacingError } from '../util/errors';

export type EnvironmentName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'Custom';
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment', 'Custom'];

export interface CloudEnvironment {
  name: EnvironmentName;
  /** Shown in the status bar and pickers. */
  displayName: string;
  /** ARM base URL, no trailing slash. */
  resourceManagerEndpoint: string;
  /** Entra ID authority host, no trailing slash. */
  authorityHost: string;
  /** Scope ARM tokens are requested for. */
  resourceManagerScope: string;
  /** Scope Synapse dev-endpoint (Livy) tokens are requested for. */
  synapseScope: string;
  /** Browser hosts; empty when the environment has none (then "Open in ..." explains that). */
  portalUrl: string;
  synapseStudioUrl: string;
  amlStudioUrl: string;
  /** A fixed tenant (custom environments); otherwise the account's tenants are used. */
  tenantId?: string;
  /** MSAL instance discovery always goes to the public cloud; custom authorities must turn it off. */
  disableInstanceDiscovery: boolean;
}

export const BUILT_IN_ENVIRONMENTS: Readonly<Record<Exclude<EnvironmentName, 'Custom'>, CloudEnvironment>> = {
  AzureCloud: {
    name: 'AzureCloud',
    displayName: 'Azure',
    resourceManagerEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    resourceManagerScope: 'https://management.azure.com/.default',
    synapseScope: 'https://dev.azuresynapse.net/.default',
    portalUrl: 'https://portal.azure.com',
    synapseStudioUrl: 'https://web.azuresynapse.net',
    amlStudioUrl: 'https://ml.azure.com',
    disableInstanceDiscovery: false,
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    displayName: 'Azure China',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    resourceManagerScope: 'https://management.chinacloudapi.cn/.default',
    synapseScope: 'https://dev.azuresynapse.azure.cn/.default',
    portalUrl: 'https://portal.azure.cn',
    synapseStudioUrl: 'https://web.azuresynapse.azure.cn',
    amlStudioUrl: 'https://studio.ml.azure.cn',
    disableInstanceDiscovery: false,
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    displayName: 'Azure US Government',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    resourceManagerScope: 'https://management.usgovcloudapi.net/.default',
    synapseScope: 'https://dev.azuresynapse.usgovcloudapi.net/.default',
    portalUrl: 'https://portal.azure.us',
    synapseStudioUrl: 'https://web.azuresynapse.usgovcloudapi.net',
    amlStudioUrl: 'https://ml.azure.us',
    disableInstanceDiscovery: false,
  },
};

/** The `synapseSpark.custom.*` settings, as read (unset values are empty strings / undefined). */
export interface CustomEnvironmentSettings {
  name?: string;
  resourceManagerEndpoint?: string;
  authorityHost?: string;
  tenantId?: string;
  resourceManagerScope?: string;
  synapseScope?: string;
  portalUrl?: string;
  synapseStudioUrl?: string;
  amlStudioUrl?: string;
  disableInstanceDiscovery?: boolean;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

function requireHttpsUrl(value: string | undefined, setting: string): string {
  const v = (value ?? '').trim();
  if (!v) throw settingsError(l10n.t('The custom environment needs "{0}".', `synapseSpark.custom.${setting}`));
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw settingsError(l10n.t('"{0}" is not a URL: {1}', `synapseSpark.custom.${setting}`, v));
  }
  if (url.protocol !== 'https:')
    throw settingsError(l10n.t('"{0}" must be an {1} URL (TLS is always verified): {2}', `synapseSpark.custom.${setting}`, 'https://', v));
  return trimSlash(v);
}

function optionalUrl(value: string | undefined): string {
  const v = (value ?? '').trim();
  return v ? trimSlash(v) : '';
}

function settingsError(message: string): UserFacingError {
  return new UserFacingError(message, [{ title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }]);
}

/** The environment the settings select; throws a UserFacingError naming the setting to fix. */
export function resolveEnvironment(name: string | undefined, custom: CustomEnvironmentSettings = {}): CloudEnvironment {
  const chosen = (name || 'AzureCloud') as EnvironmentName;
  if (chosen !== 'Custom') {
    const builtIn = BUILT_IN_ENVIRONMENTS[chosen];
    if (!builtIn)
      throw settingsError(
        l10n.t('Unknown "{0}" value \'{1}\'. Use one of {2}.', 'synapseSpark.environment', String(name), ENVIRONMENT_NAMES.join(', ')),
      );
    return { ...builtIn };
  }
  const resourceManagerEndpoint = requireHttpsUrl(custom.resourceManagerEndpoint, 'resourceManagerEndpoint');
  const authorityHost = requireHttpsUrl(custom.authorityHost, 'authorityHost');
  return {
    name: 'Custom',
    displayName: custom.name?.trim() || new URL(resourceManagerEndpoint).host,
    resourceManagerEndpoint,
    authorityHost,
    // ARM SDK clients default to `<endpoint>/.default`; a custom cloud (and the emulator) may use another audience.
    resourceManagerScope: custom.resourceManagerScope?.trim() || `${resourceManagerEndpoint}/.default`,
    synapseScope: custom.synapseScope?.trim() || BUILT_IN_ENVIRONMENTS.AzureCloud.synapseScope,
    portalUrl: optionalUrl(custom.portalUrl),
    synapseStudioUrl: optionalUrl(custom.synapseStudioUrl),
    amlStudioUrl: optionalUrl(custom.amlStudioUrl),
    tenantId: custom.tenantId?.trim() || undefined,
    disableInstanceDiscovery: custom.disableInstanceDiscovery ?? true,
  };
}

export type BrowserTarget = 'portal' | 'synapseStudio' | 'amlStudio';

/**
 * The browser URL for a resource in the environment's portal or studio, or a UserFacingError when the
 * environment has no such host (a custom cloud without the setting).
 */
export function browserUrl(env: CloudEnvironment, target: BrowserTarget, resourceId: string, tenantId?: string): string {
  const host = target === 'portal' ? env.portalUrl : target === 'synapseStudio' ? env.synapseStudioUrl : env.amlStudioUrl;
  const setting = target === 'portal' ? 'portalUrl' : target === 'synapseStudio' ? 'synapseStudioUrl' : 'amlStudioUrl';
  if (!host) {
    const where =
      target === 'portal' ? l10n.t('portal') : target === 'synapseStudio' ? l10n.t('Synapse Studio') : l10n.t('Azure ML studio');
    throw settingsError(
      l10n.t('The environment "{0}" has no {1} address. Set "{2}".', env.displayName, where, `synapseSpark.custom.${setting}`),
    );
  }
  const tid = tenantId ? `&tid=${encodeURIComponent(tenantId)}` : '';
  switch (target) {
    case 'portal':
      return `${host}/#${tenantId ? `@${tenantId}` : ''}/resource${resourceId}`;
    case 'synapseStudio':
      return `${host}/?workspace=${encodeURIComponent(resourceId)}${tid}`;
    case 'amlStudio':
      return `${host}/?wsid=${encodeURIComponent(resourceId)}${tid}`;
  }
}
