/** Reads the `synapseSpark.*` settings this area uses into plain data for core. */
import * as vscode from 'vscode';
import type { AuthSettings } from '../core/auth/selectSource';
import type { CustomEnvironmentSettings } from '../core/cloud/environments';

export interface ResourceSettings {
  environment: string;
  custom: CustomEnvironmentSettings;
  caBundlePaths: string[];
  auth: AuthSettings;
}

const SECTION = 'synapseSpark';

export function readResourceSettings(): ResourceSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const custom: CustomEnvironmentSettings = {
    name: c.get<string>('custom.name'),
    resourceManagerEndpoint: c.get<string>('custom.resourceManagerEndpoint'),
    authorityHost: c.get<string>('custom.authorityHost'),
    tenantId: c.get<string>('custom.tenantId'),
    resourceManagerScope: c.get<string>('custom.resourceManagerScope'),
    synapseScope: c.get<string>('custom.synapseScope'),
    portalUrl: c.get<string>('custom.portalUrl'),
    synapseStudioUrl: c.get<string>('custom.synapseStudioUrl'),
    amlStudioUrl: c.get<string>('custom.amlStudioUrl'),
    disableInstanceDiscovery: c.get<boolean>('custom.disableInstanceDiscovery'),
  };
  const environment = c.get<string>('environment') ?? 'AzureCloud';
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
  const caBundlePaths = list(c.get('caBundlePath'));
  return {
    environment,
    custom,
    caBundlePaths,
    auth: {
      source: c.get<string>('auth.source'),
      servicePrincipal: { clientId: c.get<string>('servicePrincipal.clientId'), tenantId: c.get<string>('servicePrincipal.tenantId') },
      emulator: { clientId: c.get<string>('emulator.clientId'), clientSecret: c.get<string>('emulator.clientSecret') },
    },
  };
}

/** Whether a configuration change touches what the Azure connection is built from. */
export function affectsResources(e: vscode.ConfigurationChangeEvent): boolean {
  return ['environment', 'custom', 'caBundlePath', 'auth', 'servicePrincipal', 'emulator'].some((k) =>
    e.affectsConfiguration(`${SECTION}.${k}`),
  );
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const inspect = c.inspect(key);
  // Write where the current value comes from (the emulator settings live in the workspace), else globally.
  const target =
    inspect?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspect?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await c.update(key, value, target);
}
