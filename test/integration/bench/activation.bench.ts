/**
 * Host benchmark (not a test; `npm run bench:activation` starts a fresh host for each sample and runs only
 * this): the extension's cold activation in the real extension host. From `isActive` false, it times
 * `activate()` through the API (VS Code loading the bundle and running activate() until the extension is
 * active), reads the extension's own timing of activate() and then times the first use of its features
 * (the notebook hooks: loading dist/features.js). Appends one JSON line per host to SYNAPSE_BENCH_OUT;
 * skipped without it (so `npm run bench:notebook` never runs it). The timings and the notebook hooks come
 * from the test hooks command; builds from before it offered them on the extension's API instead.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { extensionId } from '../notebookHarness';
import { TEST_HOOKS_COMMAND } from '../testHooks';

describe('bench: activation', function () {
  it('activates the extension cold and uses its features once', async function () {
    const out = process.env.SYNAPSE_BENCH_OUT;
    if (!out) this.skip();
    const ext = vscode.extensions.getExtension<Record<string, unknown>>(extensionId);
    if (!ext) throw new Error(`extension ${extensionId} is not loaded`);
    const wasActive = ext.isActive;
    let t = performance.now();
    const api = await ext.activate();
    const activateWallMs = performance.now() - t;
    const hooks = (await vscode.commands.getCommands(true)).includes(TEST_HOOKS_COMMAND)
      ? await vscode.commands.executeCommand<Record<string, unknown>>(TEST_HOOKS_COMMAND)
      : api;
    // Builds before the lazy entry point had no timings: everything loaded inside activate().
    const timings = hooks.timings as { activateMs: number; featuresMs?: number } | undefined;
    t = performance.now();
    const notebooks = hooks.notebooks as { controllerIds(): string[] };
    notebooks.controllerIds();
    const firstUseMs = performance.now() - t;
    fs.appendFileSync(
      out!,
      JSON.stringify({ wasActive, activateWallMs, activateMs: timings?.activateMs, firstUseMs, featuresMs: timings?.featuresMs }) + '\n',
    );
  });
});
