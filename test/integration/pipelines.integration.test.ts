/**
 * Pipelines in a real extension host against the emulator the runner started: the custom editor driven
 * through its message protocol (YAML changes, undo, Problems), submit followed to Completed, cancel, and
 * a Python file run as a Livy batch. ARM access comes from the emulator's service principal through the
 * feature's test hook until the sign-in side provides ArmAccess.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ToEditor } from '../../src/protocol/pipelineEditor';
import { emulatorAccess } from '../support/emulatorAccess';

const extensionId = 'azureml-synapse-spark.azureml-synapse-spark';

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Pipelines and Spark jobs (emulator)', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let root: vscode.Uri;
  let pipeline: vscode.Uri;

  before(async function () {
    const url = process.env.SYNAPSE_EMULATOR_URL;
    const ca = process.env.SYNAPSE_EMULATOR_CA;
    if (!url || !ca) this.skip();
    api = await vscode.extensions.getExtension<ExtensionApi>(extensionId)!.activate();
    const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'emulator', 'seed.default.json'), 'utf8'));
    const access = emulatorAccess({ url: url!, caPem: fs.readFileSync(ca!, 'utf8'), tenantId: seed.tenantId });
    api.pipelines.useAccess(access.arm, access.catalog);
    root = vscode.workspace.workspaceFolders![0].uri;
    pipeline = vscode.Uri.joinPath(root, 'pipelines', 'prepare-train.pipeline.yml');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the pipeline editor, changes a step through the message protocol, shows problems, and undoes', async () => {
    await vscode.commands.executeCommand('vscode.openWith', pipeline, 'synapseSpark.pipelineEditor');
    const state = await waitFor(() => api.pipelines.editorState(pipeline.toString()), 'the editor state');
    assert.deepStrictEqual(state.steps.map((s) => s.name), ['prepare', 'train']);
    assert.strictEqual(state.graph.edges.length, 1);
    assert.ok(state.sparkPools.includes('sparksmall'), `pools: ${state.sparkPools}`);
    const document = await vscode.workspace.openTextDocument(pipeline);
    const original = document.getText();

    const reply = (await api.pipelines.sendEditorMessage(pipeline.toString(), { type: 'edit', requestId: 7, op: { kind: 'setConf', step: 'prepare', key: 'spark.executor.instances', value: 4 } })) as ToEditor;
    assert.deepStrictEqual(reply, { type: 'result', requestId: 7, ok: true });
    assert.ok(document.getText().includes('spark.executor.instances: 4'));
    assert.ok(document.isDirty);
    assert.strictEqual(document.getText().length, original.length, 'only the value changed');
    await waitFor(() => api.pipelines.editorState(pipeline.toString())?.steps[0].conf['spark.executor.instances'] === 4, 'the new state');

    await api.pipelines.sendEditorMessage(pipeline.toString(), { type: 'edit', requestId: 8, op: { kind: 'setField', step: 'prepare', path: ['entry', 'file'], value: 'missing.py' } });
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(pipeline);
      return d.some((x) => x.message.includes('missing.py')) ? d : undefined;
    }, 'a missing-file problem');
    assert.ok(diags.some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const bad = (await api.pipelines.sendEditorMessage(pipeline.toString(), { type: 'edit', requestId: 9, op: { kind: 'connect', fromStep: 'train', fromOutput: 'model_output', toStep: 'prepare', toInput: 'x' } })) as ToEditor;
    assert.strictEqual(bad.type === 'result' && bad.ok, false, 'a cycle is refused');

    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await waitFor(() => document.getText() === original, 'undo back to the original text', 10_000);
    await waitFor(() => !vscode.languages.getDiagnostics(pipeline).some((x) => x.message.includes('missing.py')), 'the problem to go away');
  });

  it('submits the pipeline to the emulator and follows the run to Completed', async () => {
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', pipeline, { workspaceId: 'contoso-aml' })) as { jobName: string };
    assert.ok(result?.jobName, 'the submit command answers the job name');
    const run = await waitFor(() => {
      const s = api.pipelines.runState(result.jobName);
      return s?.terminal ? s : undefined;
    }, 'the run to end', 90_000);
    assert.strictEqual(run.status, 'Completed', JSON.stringify(run));
    assert.deepStrictEqual(run.steps.map((s) => s.nodeStatus).sort(), ['completed', 'completed']);
    await waitFor(() => /prepare: wrote 200 rows/.test(api.pipelines.runLog(result.jobName)), 'the prepare step log');
  });

  it('cancels a running pipeline', async () => {
    const slow = vscode.Uri.joinPath(root, 'pipelines', 'slow.pipeline.yml');
    await vscode.workspace.fs.writeFile(slow, new TextEncoder().encode('type: pipeline\ndisplay_name: slow\njobs:\n  wait:\n    type: command\n    command: echo started && sleep 60\n'));
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', slow, { workspaceId: 'contoso-aml' })) as { jobName: string };
    await waitFor(() => api.pipelines.runState(result.jobName)?.steps.some((s) => s.status === 'Running'), 'the step to run', 30_000);
    await vscode.commands.executeCommand('synapseSpark.jobs.cancel', { jobName: result.jobName });
    const run = await waitFor(() => {
      const s = api.pipelines.runState(result.jobName);
      return s?.terminal ? s : undefined;
    }, 'the run to end', 30_000);
    assert.strictEqual(run.status, 'Canceled');
  });

  it('runs a Python file as a Spark batch and reads its log', async () => {
    const file = vscode.Uri.joinPath(root, 'src', 'wordcount_batch.py');
    const result = (await vscode.commands.executeCommand('synapseSpark.runPythonFileOnSpark', file, { computeName: 'sparksmall', args: 'extra words', conf: { 'spark.executor.instances': 2 } })) as { state: string; log: string[] };
    assert.strictEqual(result.state, 'success', result.log.join('\n'));
    assert.ok(result.log.some((l) => /^wordcount: 14 words/.test(l)), result.log.join('\n'));
  });
});
