/**
 * Pipelines in a real extension host against the emulator the runner started: the custom editor driven
 * through its message protocol (YAML changes, undo, Problems), "New Pipeline" writing a template that
 * opens clean, submit followed to Completed, the Jobs view (status, refresh, reopening a closed run
 * view), cancel, and a Python file run as a Livy batch. ARM access comes from the emulator's service
 * principal through the feature's test hook until the sign-in side provides ArmAccess.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from './testHooks';
import type { ToEditor } from '../../src/protocol/pipelineEditor';
import { AmlWorkspaceClient } from '../../src/core/jobs/amlWorkspaceClient';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { waitUntil } from '../support/waitUntil';
import type { EmulatorAccess } from '../support/emulatorAccess';
import { activateOnEmulator } from './emulatorHost';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tabs of run view panels (their input is a webview whose view type ends with synapseSpark.run). */
function runTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('synapseSpark.run'));
}

const waitFor = <T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000) =>
  waitUntil(read, what, timeoutMs);

describe('Pipelines and Spark jobs (emulator)', function () {
  this.timeout(120_000);
  let hooks: TestHooks;
  let root: vscode.Uri;
  let pipeline: vscode.Uri;
  let access: EmulatorAccess;

  before(async () => {
    ({ hooks, access } = await activateOnEmulator());
    root = vscode.workspace.workspaceFolders![0].uri;
    pipeline = vscode.Uri.joinPath(root, 'pipelines', 'prepare-train.pipeline.yml');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the pipeline editor, changes a step through the message protocol, shows problems, and undoes', async () => {
    await vscode.commands.executeCommand('vscode.openWith', pipeline, 'synapseSpark.pipelineEditor');
    const state = await waitFor(() => hooks.pipelines.editorState(pipeline.toString()), 'the editor state');
    assert.deepStrictEqual(
      state.steps.map((s) => s.name),
      ['prepare', 'train'],
    );
    assert.strictEqual(state.graph.edges.length, 1);
    assert.ok(state.sparkPools.includes('sparksmall'), `pools: ${state.sparkPools}`);
    const document = await vscode.workspace.openTextDocument(pipeline);
    const original = document.getText();

    const reply = (await hooks.pipelines.sendEditorMessage(pipeline.toString(), {
      type: 'edit',
      requestId: 7,
      op: { kind: 'setConf', step: 'prepare', key: 'spark.executor.instances', value: 4 },
    })) as ToEditor;
    assert.deepStrictEqual(reply, { type: 'result', requestId: 7, ok: true });
    assert.ok(document.getText().includes('spark.executor.instances: 4'));
    assert.ok(document.isDirty);
    assert.strictEqual(document.getText().length, original.length, 'only the value changed');
    await waitFor(() => hooks.pipelines.editorState(pipeline.toString())?.steps[0].conf['spark.executor.instances'] === 4, 'the new state');

    await hooks.pipelines.sendEditorMessage(pipeline.toString(), {
      type: 'edit',
      requestId: 8,
      op: { kind: 'setField', step: 'prepare', path: ['entry', 'file'], value: 'missing.py' },
    });
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(pipeline);
      return d.some((x) => x.message.includes('missing.py')) ? d : undefined;
    }, 'a missing-file problem');
    assert.ok(diags.some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const bad = (await hooks.pipelines.sendEditorMessage(pipeline.toString(), {
      type: 'edit',
      requestId: 9,
      op: { kind: 'connect', fromStep: 'train', fromOutput: 'model_output', toStep: 'prepare', toInput: 'x' },
    })) as ToEditor;
    assert.strictEqual(bad.type === 'result' && bad.ok, false, 'a cycle is refused');

    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await waitFor(() => document.getText() === original, 'undo back to the original text', 10_000);
    await waitFor(() => !vscode.languages.getDiagnostics(pipeline).some((x) => x.message.includes('missing.py')), 'the problem to go away');
  });

  it('submits the pipeline to the emulator and follows the run to Completed', async () => {
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', pipeline, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    assert.ok(result?.jobName, 'the submit command answers the job name');
    const run = await waitFor(
      () => {
        const s = hooks.pipelines.runState(result.jobName);
        return s?.terminal ? s : undefined;
      },
      'the run to end',
      90_000,
    );
    assert.strictEqual(run.status, 'Completed', JSON.stringify(run));
    assert.deepStrictEqual(run.steps.map((s) => s.nodeStatus).sort(), ['completed', 'completed']);
    await waitFor(() => /prepare: wrote 200 rows/.test(hooks.pipelines.runLog(result.jobName)), 'the prepare step log');
  });

  it('"New Pipeline" writes the template on the attached pool and it opens in the editor without errors', async () => {
    const file = (await vscode.commands.executeCommand('synapseSpark.pipelines.new', root, {
      name: 'fresh',
      workspaceId: 'contoso-aml',
    })) as vscode.Uri;
    assert.ok(file instanceof vscode.Uri, 'the command answers the pipeline file');
    const dir = vscode.Uri.joinPath(root, 'pipelines', 'fresh');
    assert.strictEqual(file.toString(), vscode.Uri.joinPath(dir, 'fresh.pipeline.yml').toString());
    for (const rel of ['fresh.pipeline.yml', 'src/prepare.py', 'src/train.py', 'src/score.py', 'data/sample.csv']) {
      const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, rel));
      assert.ok(stat.size > 0, `${rel} is written`);
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    assert.strictEqual(text.match(/^ {4}compute: azureml:sparksmall$/gm)?.length, 2, 'both Spark steps run on the attached pool');
    assert.ok(!/cpu-cluster/.test(text), 'no compute the workspace does not have');
    assert.match(text, /^# Submit with .* az ml job create --file fresh\.pipeline\.yml$/m, 'the comment names the real file');
    assert.ok(
      !/import pyspark|^from pyspark/m.test(
        new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'src/prepare.py'))),
      ),
      'pyspark is imported only where it is optional',
    );

    // It opened in the pipeline editor, and the full analysis (files, the workspace's computes) is clean.
    await waitFor(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return (
        input instanceof vscode.TabInputCustom &&
        input.viewType === 'synapseSpark.pipelineEditor' &&
        input.uri.toString() === file.toString()
      );
    }, 'the pipeline editor tab');
    const state = await waitFor(() => hooks.pipelines.editorState(file.toString()), 'the editor state');
    assert.deepStrictEqual(
      state.steps.map((s) => [s.name, s.type, s.compute]),
      [
        ['prepare', 'spark', 'sparksmall'],
        ['train', 'command', undefined],
        ['score', 'spark', 'sparksmall'],
      ],
    );
    assert.deepStrictEqual(state.sparkPools, ['sparksmall']);
    await sleep(1500);
    const errors = () => vscode.languages.getDiagnostics(file).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual(
      errors().map((d) => d.message),
      [],
    );
    assert.deepStrictEqual(hooks.pipelines.editorState(file.toString())!.problems, []);

    // The same analysis does flag a compute the workspace lacks (what the old template named).
    const reply = (await hooks.pipelines.sendEditorMessage(file.toString(), {
      type: 'edit',
      requestId: 31,
      op: { kind: 'setField', step: 'train', path: ['compute'], value: 'azureml:cpu-cluster' },
    })) as ToEditor;
    assert.deepStrictEqual(reply, { type: 'result', requestId: 31, ok: true });
    await waitFor(() => errors().some((d) => /cpu-cluster.*not attached/.test(d.message)), 'an unknown-compute error');
    await vscode.commands.executeCommand('undo');
    await waitFor(() => errors().length === 0, 'the error to go with the undo');
    await vscode.commands.executeCommand('workbench.action.files.save');
  });

  it('the Jobs view lists a submitted run with its status, refresh updates it, and the run view reopens from it', async () => {
    await vscode.commands.executeCommand('synapseSpark.jobs.focus');
    // Slow steps (2 s each) so the run is still going when its run view closes below.
    const settings = await emulatorAdmin('GET', '/_emulator/settings');
    await emulatorAdmin('PATCH', '/_emulator/settings', { pipelineStepDelayMs: 2000 });
    try {
      await jobsViewScenario();
    } finally {
      await emulatorAdmin('PATCH', '/_emulator/settings', { pipelineStepDelayMs: settings.pipelineStepDelayMs });
    }
  });

  async function jobsViewScenario(): Promise<void> {
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', pipeline, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    assert.ok(result?.jobName);
    const itemOf = () => hooks.pipelines.jobsView().items.find((i) => typeof i.id === 'string' && i.id.endsWith(`/jobs/${result.jobName}`));
    const first = await waitFor(itemOf, 'the run in the Jobs view');
    assert.match(String(first.description), /^(NotStarted|Queued|Preparing|Starting|Running) · Pipeline$/, String(first.description));
    assert.strictEqual(first.label, 'prepare_train');

    // Close the run view: nothing follows the run any more, so only a refresh can update the view.
    await vscode.window.tabGroups.close(runTabs());
    await waitFor(() => !hooks.pipelines.hasRunPanel(result.jobName), 'the run view to close');
    const client = new AmlWorkspaceClient(
      access.arm,
      (await access.arm.listAmlWorkspaces()).find((w) => w.name === 'contoso-aml')!,
    );
    await waitFor(
      async () => (await client.getJob(result.jobName)).properties.status === 'Completed',
      'the run to complete in the service',
      90_000,
    );
    await sleep(500);
    const stale = itemOf();
    assert.ok(stale && !String(stale.description).startsWith('Completed'), `without a refresh the view still shows ${stale?.description}`);
    const loads = hooks.pipelines.jobsView().loads;
    await vscode.commands.executeCommand('synapseSpark.jobs.refresh');
    await waitFor(() => hooks.pipelines.jobsView().loads > loads, 'the Jobs view to reload');
    const refreshed = await waitFor(
      () => (String(itemOf()?.description).startsWith('Completed') ? itemOf() : undefined),
      'Completed in the Jobs view',
    );
    assert.strictEqual(refreshed.description, 'Completed · Pipeline', `before the refresh: ${stale?.description}`);
    assert.strictEqual(refreshed.contextValue, 'synapseSpark.job', 'a finished job offers no cancel');

    // Clicking the item runs its command: the run view comes back and shows the finished run.
    const command = refreshed.command!;
    assert.strictEqual(command.command, 'synapseSpark.jobs.openRun');
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    await waitFor(() => hooks.pipelines.hasRunPanel(result.jobName), 'the run view to reopen');
    const run = await waitFor(
      () => (hooks.pipelines.runState(result.jobName)?.terminal ? hooks.pipelines.runState(result.jobName) : undefined),
      'the reopened run view state',
    );
    assert.strictEqual(run.status, 'Completed');
    assert.strictEqual(run.graph.nodes.filter((n) => n.kind === 'step').length, 2);
    await waitFor(() => runTabs().some((t) => t.label.includes('Completed')), 'the run view tab');
  }

  it('the Jobs view follows the workspace chosen for it, named in its title', async () => {
    await vscode.commands.executeCommand('synapseSpark.jobs.focus');
    const jobIds = () =>
      hooks.pipelines
        .jobsView()
        .items.map((i) => String(i.id ?? ''))
        .filter((id) => id.includes('/jobs/'));
    // Focusing the view may start a load of the previous workspace: wait for a load of the chosen one.
    await vscode.commands.executeCommand('synapseSpark.jobs.selectWorkspace', { workspaceId: 'contoso-aml-sandbox' });
    await waitFor(() => hooks.pipelines.jobsView().listed === 'contoso-aml-sandbox', 'the Jobs view to list the sandbox workspace');
    assert.strictEqual(hooks.pipelines.jobsView().description, 'contoso-aml-sandbox');
    assert.deepStrictEqual(
      jobIds().filter((id) => !id.includes('/workspaces/contoso-aml-sandbox/')),
      [],
      'only the jobs of the chosen workspace',
    );
    await vscode.commands.executeCommand('synapseSpark.jobs.selectWorkspace', { workspaceId: 'contoso-aml' });
    await waitFor(() => hooks.pipelines.jobsView().listed === 'contoso-aml', 'the Jobs view to list contoso-aml');
    assert.strictEqual(hooks.pipelines.jobsView().description, 'contoso-aml');
    const ids = jobIds();
    assert.ok(ids.length > 0 && ids.every((id) => id.includes('/workspaces/contoso-aml/')), ids.join('\n'));
  });

  it('cancels a running pipeline', async () => {
    const slow = vscode.Uri.joinPath(root, 'pipelines', 'slow.pipeline.yml');
    await vscode.workspace.fs.writeFile(
      slow,
      new TextEncoder().encode(
        'type: pipeline\ndisplay_name: slow\njobs:\n  wait:\n    type: command\n    command: echo started && sleep 60\n',
      ),
    );
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', slow, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    await waitFor(() => hooks.pipelines.runState(result.jobName)?.steps.some((s) => s.status === 'Running'), 'the step to run', 30_000);
    await vscode.commands.executeCommand('synapseSpark.jobs.cancel', { jobName: result.jobName });
    const run = await waitFor(
      () => {
        const s = hooks.pipelines.runState(result.jobName);
        return s?.terminal ? s : undefined;
      },
      'the run to end',
      30_000,
    );
    assert.strictEqual(run.status, 'Canceled');
  });

  it('the run view polls through a burst of server errors, says it is reconnecting, and still reaches the end', async () => {
    const slow = vscode.Uri.joinPath(root, 'pipelines', 'flaky.pipeline.yml');
    await vscode.workspace.fs.writeFile(
      slow,
      new TextEncoder().encode(
        'type: pipeline\ndisplay_name: flaky\njobs:\n  wait:\n    type: command\n    command: echo started && sleep 3 && echo done\n',
      ),
    );
    const result = (await vscode.commands.executeCommand('synapseSpark.pipelines.submit', slow, { workspaceId: 'contoso-aml' })) as {
      jobName: string;
    };
    await waitFor(() => hooks.pipelines.runState(result.jobName), 'the first state');
    // More 500s on the job's GET than the client's own retries absorb: the view must keep following.
    await emulatorAdmin('POST', '/_emulator/faults', {
      kind: 'status',
      surface: 'arm',
      method: 'GET',
      path: `/jobs/${result.jobName}$`,
      status: 500,
      count: 6,
    });
    try {
      const notice = await waitFor(() => hooks.pipelines.runNotice(result.jobName), 'a reconnecting notice', 60_000);
      assert.match(notice.message, /^Reconnecting \(attempt 2 of \d+\) after: .*InternalServerError/, JSON.stringify(notice));
      assert.strictEqual(notice.action, undefined, 'no button while it reconnects by itself');
      const run = await waitFor(
        () => {
          const s = hooks.pipelines.runState(result.jobName);
          return s?.terminal ? s : undefined;
        },
        'the run to end',
        90_000,
      );
      assert.strictEqual(run.status, 'Completed');
      assert.strictEqual(hooks.pipelines.runNotice(result.jobName), undefined, 'the notice is cleared once live again');
      const log = hooks.pipelines.runLog(result.jobName);
      assert.strictEqual(log.match(/started/g)?.length, 1, `each log line once after reconnecting:\n${log}`);
    } finally {
      await emulatorAdmin('DELETE', '/_emulator/faults');
    }
  });

  it('runs a Python file as a Spark batch that writes parquet to the lake, and reads its log', async () => {
    const file = vscode.Uri.joinPath(root, 'src', 'wordcount_batch.py');
    const result = (await vscode.commands.executeCommand('synapseSpark.runPythonFileOnSpark', file, {
      computeName: 'sparksmall',
      args: 'extra words',
      conf: { 'spark.executor.instances': 2 },
    })) as { state: string; log: string[] };
    assert.strictEqual(result.state, 'success', result.log.join('\n'));
    assert.ok(
      result.log.some((l) => /^wordcount: 14 words, 12 distinct/.test(l)),
      result.log.join('\n'),
    );
    // It ran with spark-submit on the emulator's Spark and wrote parquet to the workspace's lake.
    assert.ok(
      result.log.some((l) =>
        /^wordcount: wrote 12 rows of parquet to abfss:\/\/synapse@contosodatalake\.dfs\.core\.windows\.net\/sample\/wordcount$/.test(l),
      ),
      result.log.join('\n'),
    );
    // The Jobs view lists the batch in its own words, and clicking it shows the batch log.
    await vscode.commands.executeCommand('synapseSpark.jobs.refresh');
    const item = await waitFor(
      () =>
        hooks.pipelines
          .jobsView()
          .items.find(
            (i) =>
              i.contextValue === 'synapseSpark.batch' && i.label === 'wordcount_batch.py' && String(i.description).startsWith('Succeeded'),
          ),
      'the batch in the Jobs view',
    );
    assert.match(String(item.description), /^Succeeded · Spark batch \d+ on sparksmall$/);
    assert.strictEqual(item.command?.command, 'synapseSpark.jobs.showBatchLog');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
  });
});
