/**
 * Localisation of a webview's strings. The extension puts VS Code's bundle (`vscode.l10n.bundle`, absent in
 * English) into the page as `<script type="application/json" id="l10n-bundle">`; this hands it to
 * `@vscode/l10n` before anything renders. Import it first in an entry, so it runs before the modules that
 * build text. Without a bundle `l10n.t` returns the message as written.
 */
import * as l10n from '@vscode/l10n';

const data = document.getElementById('l10n-bundle')?.textContent;
if (data) {
  try {
    l10n.config({ contents: JSON.parse(data) as Record<string, string> });
  } catch (err) {
    console.warn('ignored an unreadable l10n bundle', err);
  }
}
