import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Webview options: scripts on, resources only from the build output. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

/**
 * VS Code's l10n bundle for the page (webview-ui/src/shared/l10n.ts reads it): JSON in a data block, which no
 * CSP governs as it is never run; `<` is escaped so no string can end the element. Nothing in English.
 */
export function l10nBundleElement(bundle: { [key: string]: string } | undefined): string {
  if (!bundle) return '';
  return `<script type="application/json" id="l10n-bundle">${JSON.stringify(bundle).replace(/</g, '\\u003c')}</script>`;
}

/**
 * The page of a webview bundle (dist/webview/<name>.js): a strict CSP (no inline or eval'd script; the
 * one module script carries a nonce from crypto.randomBytes). Styles may be inline: the web components
 * and the graph set style attributes.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title.replace(/[<>&"]/g, '')}</title>
${l10nBundleElement(vscode.l10n.bundle)}
</head>
<body>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
