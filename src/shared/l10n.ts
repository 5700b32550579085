/**
 * Localisation of the strings core produces. src/core stays VS Code-free, so it translates through
 * `@vscode/l10n`, which knows nothing of the display language until it is given the extension's bundle:
 * VS Code loads that bundle (l10n/bundle.l10n.<locale>.json) for `vscode.l10n`, and this hands the same
 * contents on. Without a translated bundle (English) both return the message as written.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

export function configureCoreL10n(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}
