/** Status-bar item: the signed-in account and the Azure environment; click to sign in or choose subscriptions. */
import * as vscode from 'vscode';
import type { AzureConnection } from './azureConnection';

export class AccountStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('synapseSpark.account', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: { dispose(): void };

  constructor(private readonly connection: AzureConnection) {
    this.item.name = vscode.l10n.t('Synapse Spark: Azure account');
    this.sub = connection.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const error = this.connection.error;
    if (error) {
      this.item.text = `$(warning) ${vscode.l10n.t('Synapse Spark: check settings')}`;
      this.item.tooltip = error.message;
      this.item.command = 'synapseSpark.openSettings';
      return;
    }
    const { account, arm } = this.connection.get();
    const env = arm.environment.displayName;
    const state = account.state;
    if (state.kind === 'signedIn') {
      this.item.text = `$(azure) ${state.account.label} · ${env}`;
      this.item.tooltip = vscode.l10n.t(
        'Synapse Spark: signed in to {0} ({1}) as {2} with {3}. Click to choose subscriptions.',
        env,
        arm.environment.resourceManagerEndpoint,
        state.account.label,
        account.source.displayName,
      );
      this.item.command = 'synapseSpark.selectSubscriptions';
    } else if (state.kind === 'signingIn') {
      this.item.text = `$(sync~spin) ${vscode.l10n.t('Signing in · {0}', env)}`;
      this.item.tooltip = undefined;
      this.item.command = undefined;
    } else {
      this.item.text = `$(azure) ${vscode.l10n.t('Sign in · {0}', env)}`;
      this.item.tooltip = vscode.l10n.t('Synapse Spark: not signed in to {0}. Click to sign in with {1}.', env, account.source.displayName);
      this.item.command = 'synapseSpark.signIn';
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
