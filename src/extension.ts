/**
 * The entry point VS Code loads (dist/extension.js). Activation stays cheap: it registers a stand-in for
 * every command, view, custom editor, webview panel and content provider the manifest names
 * (shell/lazyRegistrations.ts) and loads the features (features.ts, bundled as dist/features.js) on the
 * first call into any of them, or as soon as a Jupyter notebook is open (its kernels follow the attached
 * pools). Imports nothing but `vscode` and the shell, so the bundle stays small. The extension offers no API;
 * a test host gets test hooks through a command instead (shell/testHooks.ts).
 */
import * as vscode from 'vscode';
import type { Features } from './features';
import { LazyRegistrations, type ContributionManifest } from './shell/lazyRegistrations';
import { registerTestHooks } from './shell/testHooks';

/** The notebook type of the manifest's `onNotebook:` activation event, the one the kernels serve. */
const JUPYTER_NOTEBOOK = 'jupyter-notebook';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Azure ML Synapse Spark', { log: true });
  context.subscriptions.push(channel);
  const timings = { activateMs: 0, featuresMs: undefined as number | undefined };
  let features: Features | undefined;
  const load = (): Features => {
    if (!features) {
      const t = performance.now();
      // Bundled separately (esbuild.mjs keeps this require as it is): evaluated here, on first use.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { activateFeatures } = require('./features') as typeof import('./features');
      features = activateFeatures(context, channel, registrations);
      timings.featuresMs = performance.now() - t;
      channel.info(`Loaded the features in ${Math.round(timings.featuresMs)} ms.`);
    }
    return features;
  };
  const registrations = new LazyRegistrations(context.extension.packageJSON as ContributionManifest, load);
  context.subscriptions.push(registrations);
  const loadSoon = () => setTimeout(() => {
    try {
      load();
    } catch (err) {
      channel.error(err instanceof Error ? err : String(err));
    }
  }, 0);
  context.subscriptions.push(vscode.workspace.onDidOpenNotebookDocument((nb) => {
    if (nb.notebookType === JUPYTER_NOTEBOOK && !features) loadSoon();
  }));
  if (vscode.workspace.notebookDocuments.some((nb) => nb.notebookType === JUPYTER_NOTEBOOK)) loadSoon();

  timings.activateMs = performance.now() - started;
  channel.info(`Activated ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version} in ${Math.round(timings.activateMs)} ms.`);
  const hooks = registerTestHooks(load, timings);
  if (hooks) context.subscriptions.push(hooks);
}

export function deactivate(): void {}
