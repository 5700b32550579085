import * as assert from 'assert';
import * as vscode from 'vscode';
import { registerTestHooks } from '../../src/shell/testHooks';
import { activateWithHooks, TEST_HOOKS_COMMAND, type TestHooks } from './testHooks';

const extensionId = 'azureml-synapse-spark.azureml-synapse-spark';

describe('Extension in a real VS Code host', () => {
  let hooks: TestHooks;

  before(async () => {
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost}) extension host, Node ${process.version}`);
    hooks = await activateWithHooks();
  });

  it('runs inside a real extension host of the version the manifest targets', () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major === 1 && minor >= 100, `unexpected VS Code ${vscode.version}`);
    assert.strictEqual(typeof vscode.notebooks.createNotebookController, 'function');
  });

  it('registers every command package.json declares, and declares every command it registers', async () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON;
    const declared = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const registered = new Set(hooks.registeredCommands);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of declared) {
      assert.ok(registered.has(id), `${id} is declared in package.json but not registered`);
      assert.ok(all.has(id), `${id} is not known to VS Code`);
    }
    for (const id of registered) assert.ok(declared.has(id), `${id} is registered but not declared in package.json`);
    const strays = [...all].filter(
      (id) =>
        id.startsWith('synapseSpark.') &&
        !declared.has(id) &&
        id !== TEST_HOOKS_COMMAND &&
        !id.endsWith('.focus') &&
        !id.endsWith('.resetViewLocation') &&
        !id.endsWith('.toggleVisibility') &&
        !id.endsWith('.removeView') &&
        !id.endsWith('.open'),
    );
    assert.deepStrictEqual(strays, [], 'commands under our prefix that the manifest does not declare');
  });

  it('offers no API: the test hooks come only from a command the test host enables, undeclared in package.json', () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    assert.strictEqual(ext.exports, undefined, 'activate() returns nothing');
    const declared = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(!declared.includes(TEST_HOOKS_COMMAND), `${TEST_HOOKS_COMMAND} is declared in package.json`);
    assert.ok(
      !JSON.stringify(ext.packageJSON.activationEvents ?? []).includes(TEST_HOOKS_COMMAND),
      `${TEST_HOOKS_COMMAND} activates the extension`,
    );
    assert.strictEqual(typeof hooks.timings.activateMs, 'number');
  });

  it('registers the hooks command only under SYNAPSE_SPARK_TEST_HOOKS=1 (this host sets it)', () => {
    const load = () => {
      throw new Error('the features were loaded');
    };
    assert.strictEqual(registerTestHooks(load, { activateMs: 0, featuresMs: undefined }, {}), undefined);
    assert.strictEqual(registerTestHooks(load, { activateMs: 0, featuresMs: undefined }, { SYNAPSE_SPARK_TEST_HOOKS: '0' }), undefined);
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
