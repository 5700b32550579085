import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

const extensionId = 'azureml-synapse-spark.azureml-synapse-spark';

describe('Extension in a real VS Code host', () => {
  let api: ExtensionApi;

  before(async () => {
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost}) extension host, Node ${process.version}`);
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId);
    assert.ok(ext, `extension ${extensionId} is not loaded`);
    api = await ext.activate();
  });

  it('runs inside a real extension host of the version the manifest targets', () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major === 1 && minor >= 100, `unexpected VS Code ${vscode.version}`);
    assert.strictEqual(typeof vscode.notebooks.createNotebookController, 'function');
  });

  it('registers every command package.json declares, and declares every command it registers', async () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON;
    const declared = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const registered = new Set(api.registeredCommands);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of declared) {
      assert.ok(registered.has(id), `${id} is declared in package.json but not registered`);
      assert.ok(all.has(id), `${id} is not known to VS Code`);
    }
    for (const id of registered) assert.ok(declared.has(id), `${id} is registered but not declared in package.json`);
    const strays = [...all].filter((id) => id.startsWith('synapseSpark.') && !declared.has(id) && !id.endsWith('.focus')
      && !id.endsWith('.resetViewLocation') && !id.endsWith('.toggleVisibility') && !id.endsWith('.removeView') && !id.endsWith('.open'));
    assert.deepStrictEqual(strays, [], 'commands under our prefix that the manifest does not declare');
  });

  it('gets its titles and descriptions from package.nls.json, with no %key% left', () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON;
    assert.deepStrictEqual(JSON.stringify(manifest).match(/"%[^"%\s]+%"/g) ?? [], [], 'keys VS Code did not resolve');
    const showLog = manifest.contributes.commands.find((c: { command: string }) => c.command === 'synapseSpark.showLog');
    assert.strictEqual(`${showLog.category}: ${showLog.title}`, 'Synapse Spark: Show Log');
    assert.strictEqual(manifest.displayName, 'Azure ML Synapse Spark');
    assert.strictEqual(manifest.contributes.configuration.title, 'Azure ML Synapse Spark');
  });

  it('opens the Synapse Spark view container and its views', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.synapseSpark');
    await vscode.commands.executeCommand('synapseSpark.workspaces.focus');
    await vscode.commands.executeCommand('synapseSpark.refresh');
  });

  it('a command that fails rejects executeCommand in the test host, so command tests cannot pass over a failure', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('synapseSpark.jobs.openRun')), /Choose a job in the Jobs view/);
  });

  it('shows its log through the command wrapper', async () => {
    await vscode.commands.executeCommand('synapseSpark.showLog');
  });
});
