/**
 * The Azure connection the settings describe: environment, trusted CAs, credential source, ARM context
 * and services. Rebuilt when those settings change (the old account is signed out of this extension).
 */
import * as vscode from 'vscode';
import { AccountManager } from '../core/auth/accountManager';
import { createCredentialSource, type SecretPrompt } from '../core/auth/selectSource';
import type { TenantInfo } from '../core/arm/types';
import { ArmContext } from '../core/arm/pipeline';
import { MachineLearningService } from '../core/arm/machineLearning';
import { SynapseService } from '../core/arm/synapse';
import { resolveEnvironment } from '../core/cloud/environments';
import type { ResourceServices } from '../core/resources/sparkPoolCatalog';
import { createTrustingHttpClient, readCaBundles } from '../core/util/httpClient';
import type { Logger } from '../core/util/logger';
import { Emitter } from '../core/util/emitter';
import { VsCodeMicrosoftSource } from './vscodeMicrosoftSource';
import { readResourceSettings } from './resourceSettings';
import type { CommandUi } from '../shared/ui';

export interface Connection extends ResourceServices {
  arm: ArmContext;
}

export class AzureConnection implements vscode.Disposable {
  private currentValue: Connection | undefined;
  private configError: Error | undefined;
  private readonly changed = new Emitter<void>();
  /** Fires when the connection is rebuilt or its account state changes. */
  readonly onDidChange = this.changed.event;
  private accountSub: { dispose(): void } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly ui: () => CommandUi,
  ) {
    this.rebuild();
  }

  /** The connection, or the settings error that prevents one. */
  get(): Connection {
    if (!this.currentValue) throw this.configError ?? new Error('No Azure connection.');
    return this.currentValue;
  }

  get error(): Error | undefined {
    return this.configError;
  }

  rebuild(): void {
    const previous = this.currentValue;
    this.accountSub?.dispose();
    this.currentValue = undefined;
    this.configError = undefined;
    try {
      const settings = readResourceSettings();
      const environment = resolveEnvironment(settings.environment, settings.custom);
      const httpClient = createTrustingHttpClient(readCaBundles(settings.caBundlePaths));
      const source = createCredentialSource(settings.auth, {
        environment,
        httpClient,
        secrets: this.secretPrompt(),
        microsoft: (env) => new VsCodeMicrosoftSource(env),
      });
      const arm = new ArmContext({ environment, httpClient, credential: (t) => source.credential(t), log: this.log });
      const account = new AccountManager(source, arm, this.context.globalState, this.log, (tenants) => this.chooseTenants(tenants));
      this.currentValue = { account, arm, ml: new MachineLearningService(arm), synapse: new SynapseService(arm) };
      this.accountSub = account.onDidChange(() => this.changed.fire());
      this.log.info(
        `Azure environment: ${environment.displayName} (${environment.resourceManagerEndpoint}); sign-in: ${source.displayName}.`,
      );
    } catch (e) {
      this.configError = e as Error;
      this.log.error(`Azure settings: ${(e as Error).message}`);
    }
    previous?.account.dispose();
    this.changed.fire();
  }

  /** Restores the last sign-in silently (no prompt) when there was one with these settings. */
  async restore(): Promise<void> {
    const c = this.currentValue;
    if (!c || !c.account.wasSignedIn) return;
    try {
      await c.account.signIn({ interactive: false });
    } catch (e) {
      this.log.warn(`Could not restore the sign-in: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.accountSub?.dispose();
    this.currentValue?.account.dispose();
    this.changed.dispose();
  }

  private async chooseTenants(tenants: TenantInfo[]): Promise<TenantInfo[] | undefined> {
    return this.ui().pickMany(
      tenants.map((t) => ({
        label: t.displayName ?? t.tenantId,
        description: t.defaultDomain,
        detail: t.tenantId,
        picked: true,
        value: t,
      })),
      {
        title: vscode.l10n.t('Synapse Spark: Tenants to show'),
        placeHolder: vscode.l10n.t('Your account has several tenants: choose the ones to list subscriptions from'),
      },
    );
  }

  private secretPrompt(): SecretPrompt {
    const key = (clientId: string) => `synapseSpark.servicePrincipal.secret.${clientId}`;
    const secrets = this.context.secrets;
    return {
      get: async (clientId) => secrets.get(key(clientId)),
      ask: async (clientId, tenantId) => {
        const value = await this.ui().secret(
          vscode.l10n.t("Client secret of service principal {0} (tenant {1}); kept in VS Code's secret storage", clientId, tenantId),
        );
        if (value) await secrets.store(key(clientId), value);
        return value || undefined;
      },
      forget: async (clientId) => secrets.delete(key(clientId)),
    };
  }
}
