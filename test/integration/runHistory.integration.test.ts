/**
 * The run view on the routes real Azure serves, in a real extension host against the emulator: pipeline steps
 * from run history (every one of a pipeline longer than a page), step logs streamed from log files while the
 * step runs, a failed step's error and log, cancel of one step, rerun of a failed pipeline, and an output
 * downloaded from its datastore URI.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import type { RunState } from '../../src/protocol/runView';
import type { AmlWorkspaceRef } from '../../src/core/model/sparkTargets';
import { waitUntil } from '../support/waitUntil';
import type { EmulatorAccess } from '../support/emulatorAccess';
import { activateOnEmulator } from './emulatorHost';

const waitFor = <T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000) =>
  waitUntil(read, what, timeoutMs);

describe('Run view on run history (emulator)', function () {
  this.timeout(180_000);
  let hooks: TestHooks;
  let root: vscode.Uri;
  let access: EmulatorAccess;
  let workspace: AmlWorkspaceRef;
  const temp: string[] = [];

  before(async () => {
    ({ hooks, access } = await activateOnEmulator());
    root = vscode.workspace.workspaceFolders![0].uri;
    workspace = (await access.arm.listAmlWorkspaces()).find((w) => w.name === 'contoso-aml')!;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function submit(name: string, yaml: string): Promise<string> {
    const file = vscode.Uri.joinPath(root, 'pipelines', `${name}.pipeline.yml`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(yaml));
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', file, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    assert.ok(result?.jobName);
    return result.jobName;
  }

  const ended = (jobName: string, timeoutMs = 120_000) =>
    waitFor(
      () => {
        const s = hooks.pipelines.runState(jobName);
        return s?.terminal ? s : undefined;
      },
      `${jobName} to end`,
      timeoutMs,
    );

  it('lists every step of a 60-step pipeline, more than one page of run history', async () => {
    const steps = Array.from(
      { length: 60 },
      (_, i) => `  s${String(i).padStart(2, '0')}:\n    type: command\n    command: echo step ${i}\n`,
    ).join('');
    const jobName = await submit('sixty', `type: pipeline\ndisplay_name: sixty\njobs:\n${steps}`);
    const run = await ended(jobName, 150_000);
    assert.strictEqual(run.status, 'Completed');
    assert.strictEqual(run.steps.length, 60, run.steps.map((s) => s.step).join(' '));
    assert.deepStrictEqual(
      run.steps.map((s) => s.step).sort(),
      Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(2, '0')}`),
    );
    assert.ok(
      run.steps.every((s) => s.nodeStatus === 'completed' && /^[0-9a-f-]{36}$/.test(s.runId ?? '')),
      'each step is its own run, with an opaque id',
    );
    // Every node of the graph got its state from its run.
    const byNode = new Set(run.steps.map((s) => `step:${s.step}`));
    assert.ok(run.graph.nodes.every((n) => byNode.has(n.id)));
    await waitFor(() => /step 59/.test(hooks.pipelines.runLog(jobName)), 'the last step log');
  });

  it('streams a step log while the step runs', async () => {
    const jobName = await submit(
      'streaming',
      'type: pipeline\ndisplay_name: streaming\njobs:\n  talk:\n    type: command\n    command: echo first words && sleep 6 && echo last words\n',
    );
    await waitFor(
      () => {
        const s = hooks.pipelines.runState(jobName);
        const running = s?.steps.find((x) => x.step === 'talk')?.status === 'Running';
        return running && /first words/.test(hooks.pipelines.runLog(jobName)) && !/last words/.test(hooks.pipelines.runLog(jobName));
      },
      'the first line while the step still runs',
      60_000,
    );
    const run = await ended(jobName);
    assert.strictEqual(run.status, 'Completed');
    await waitFor(() => /last words/.test(hooks.pipelines.runLog(jobName)), 'the last line');
    const log = hooks.pipelines.runLog(jobName);
    assert.strictEqual(log.match(/first words/g)?.length, 1, `each line once:\n${log}`);
    // The pipeline's own orchestration log comes from run history too.
    assert.match(log, new RegExp(`\\[${jobName}\\] .*Submitting 1 runs?`), log);
  });

  let failedJob = '';
  it('shows a failed step with its error and its log', async () => {
    failedJob = await submit(
      'failing',
      'type: pipeline\ndisplay_name: failing\njobs:\n  breaks:\n    type: command\n    command: echo about to fail && exit 3\n',
    );
    const run = await ended(failedJob);
    assert.strictEqual(run.status, 'Failed');
    const step = run.steps.find((s) => s.step === 'breaks')!;
    assert.strictEqual(step.nodeStatus, 'failed');
    assert.ok(step.error && step.error.length > 0, `the step's error: ${JSON.stringify(step)}`);
    assert.strictEqual(run.canRerun, true);
    await waitFor(() => /\[breaks\] about to fail/.test(hooks.pipelines.runLog(failedJob)), 'the failed step log');
  });

  it('reruns a failed pipeline with the same definition as a new run', async () => {
    assert.ok(failedJob, 'needs the failed run of the previous test');
    const again = (await vscode.commands.executeCommand('synapseSpark.jobs.rerun', { jobName: failedJob, workspace })) as {
      jobName: string;
    };
    assert.ok(again.jobName && again.jobName !== failedJob);
    const run = await ended(again.jobName);
    assert.strictEqual(run.displayName, 'failing');
    assert.deepStrictEqual(
      run.steps.map((s) => [s.step, s.status]),
      [['breaks', 'Failed']],
    );
    await waitFor(() => /\[breaks\] about to fail/.test(hooks.pipelines.runLog(again.jobName)), 'the rerun step log');
  });

  it('cancels one step of a running pipeline from the run view', async () => {
    const jobName = await submit(
      'onestep',
      'type: pipeline\ndisplay_name: onestep\njobs:\n  quick:\n    type: command\n    command: echo quick done\n  long:\n    type: command\n    command: echo long started && sleep 90\n',
    );
    await waitFor(
      () => hooks.pipelines.runState(jobName)?.steps.find((s) => s.step === 'long')?.status === 'Running',
      'the long step to run',
    );
    const reply = await hooks.pipelines.sendRunMessage(jobName, { type: 'cancelStep', requestId: 5, step: 'long' });
    assert.deepStrictEqual(reply, { type: 'result', requestId: 5, ok: true });
    const run: RunState = await ended(jobName, 60_000);
    assert.strictEqual(run.steps.find((s) => s.step === 'long')?.status, 'Canceled');
    assert.strictEqual(run.steps.find((s) => s.step === 'quick')?.status, 'Completed');
    assert.notStrictEqual(run.status, 'Completed');
    const refused = await hooks.pipelines.sendRunMessage(jobName, { type: 'cancelStep', requestId: 6, step: 'quick' });
    assert.strictEqual(refused?.type === 'result' && refused.ok, false, 'an ended step cannot be cancelled');
  });

  it('reports step outputs as datastore URIs and downloads one', async () => {
    const yaml = [
      'type: pipeline',
      'display_name: outputs',
      'jobs:',
      '  write:',
      '    type: command',
      '    command: mkdir -p ${{outputs.result}} && echo hello > ${{outputs.result}}/greeting.txt',
      '    outputs:',
      '      result:',
      '        type: uri_folder',
      '',
    ].join('\n');
    const jobName = await submit('outputs', yaml);
    const run = await ended(jobName);
    assert.strictEqual(run.status, 'Completed');
    const uri = run.outputs['write.result'];
    const runId = run.steps.find((s) => s.step === 'write')!.runId!;
    assert.strictEqual(uri, `azureml://datastores/workspaceblobstore/paths/azureml/${runId}/result/`);
    assert.ok(!Object.values(run.outputs).some((u) => u.startsWith('file:')), JSON.stringify(run.outputs));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-output-'));
    temp.push(dir);
    const got = (await vscode.commands.executeCommand('synapseSpark.jobs.downloadOutput', {
      workspace,
      uri,
      key: 'write.result',
      targetFolder: dir,
    })) as { files: number };
    assert.strictEqual(got.files, 1);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'greeting.txt'), 'utf8'), 'hello\n');
  });
});
