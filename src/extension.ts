/**
 * The entry point VS Code loads (dist/extension.js). Activation stays cheap: it registers a stand-in for
 * every command, view, custom editor, webview panel and content provider the manifest names
 * (shell/lazyRegistrations.ts) and loads the features (features.ts, bundled as dist/features.js) on the
 * first call into any of them, or as soon as a Jupyter notebook is open while a sign-in is remembered (its
 * kernels follow the attached pools; a user who never signed in pays for activation only). Imports nothing
 * but `vscode` and the shell, so the bundle stays small. The extension offers no API;
 * a test host gets test hooks through a command instead (shell/testHooks.ts).
 */
import * as vscode from 'vscode';
import type { Features } from './features';
import { LazyRegistrations, type ContributionManifest } from './shell/lazyRegistrations';
import { registerTestHooks } from './shell/testHooks';
import { notebookNeedsFeatures } from './core/auth/signInMemory';

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
  const loadSoon = () =>
    setTimeout(() => {
      try {
        load();
      } catch (err) {
        channel.error(err instanceof Error ? err : String(err));
      }
    }, 0);
  // A Jupyter notebook needs the kernels only when a sign-in will be restored (no sign-in: no pools, no kernels).
  const kernelsWanted = () => notebookNeedsFeatures((key) => context.globalState.get(key));
  context.subscriptions.push(
    vscode.workspace.onDidOpenNotebookDocument((nb) => {
      if (nb.notebookType === JUPYTER_NOTEBOOK && !features && kernelsWanted()) loadSoon();
    }),
  );
  if (vscode.workspace.notebookDocuments.some((nb) => nb.notebookType === JUPYTER_NOTEBOOK) && kernelsWanted()) loadSoon();

  timings.activateMs = performance.now() - started;
  channel.info(
    `Activated ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version} in ${Math.round(timings.activateMs)} ms.`,
  );
  const hooks = registerTestHooks(load, timings);
  if (hooks) context.subscriptions.push(hooks);
}

export function deactivate(): void {}
