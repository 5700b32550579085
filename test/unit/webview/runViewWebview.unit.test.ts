/**
 * The run view webview in a DOM, talking through a stubbed `acquireVsCodeApi`: each message type the
 * extension sends shows, and the buttons post what the extension acts on.
 */
import * as assert from 'assert';
import type { RunState } from '../../../src/protocol/runView';
import { bundle, openWebview, type WebviewDom } from './webviewDom';

const run: RunState = {
  jobName: 'job-1',
  workspaceName: 'ws',
  displayName: 'Nightly prep',
  status: 'Failed',
  terminal: true,
  graph: { nodes: [{ id: 'step:prepare', kind: 'step', label: 'prepare', inputs: [], outputs: [] }], edges: [] },
  steps: [{ step: 'prepare', status: 'Failed', nodeStatus: 'failed', runId: 'r1', error: 'boom' }],
  outputs: { clean: 'azureml://datastores/blob/paths/clean', model: 'https://example.invalid/model' },
  canRerun: true,
  logsAvailable: true,
  persist: { jobName: 'job-1' },
};

describe('Run view webview (DOM)', () => {
  let script: string;
  let dom: WebviewDom;
  const byId = (id: string) => dom.document.getElementById(id)!;

  before(async function () {
    this.timeout(60_000);
    script = await bundle('webview-ui/src/runView.entry.ts');
  });

  beforeEach(async () => {
    dom = openWebview(script);
    dom.send({ type: 'state', state: run });
    await dom.settle();
  });

  afterEach(() => dom.close());

  it('shows the state: title, status, rerun, and the output actions a datastore output has', () => {
    assert.deepStrictEqual(dom.posted[0], { type: 'ready' });
    assert.strictEqual(byId('title').textContent, 'Nightly prep ');
    assert.strictEqual(byId('job-status').textContent, 'Failed');
    assert.strictEqual(byId('rerun').hidden, false);
    const buttons = [...byId('outputs').querySelectorAll('vscode-button')].map((b) => b.getAttribute('aria-label'));
    assert.deepStrictEqual(buttons, ['Download clean', 'Copy clean', 'Browse clean', 'Copy model']);
    byId('outputs').querySelector('vscode-button[aria-label="Browse clean"]')!.click();
    assert.deepStrictEqual(dom.posted.at(-1), { type: 'output', action: 'browse', key: 'clean' });
  });

  it('appends log chunks, replaces them with a full set, and shows a notice with its action', async () => {
    dom.send({ type: 'log', step: 'prepare', text: 'one\n' });
    dom.send({ type: 'log', step: 'prepare', text: 'two\n' });
    assert.strictEqual(byId('log').textContent, '== prepare ==\none\ntwo\n');
    dom.send({ type: 'logs', logs: [{ step: 'prepare', text: 'fresh\n' }] });
    assert.strictEqual(byId('log').textContent, '== prepare ==\nfresh\n');
    dom.send({ type: 'notice', notice: { message: 'Sign in to follow the run.', action: 'signIn' } });
    assert.strictEqual(byId('notice').textContent, 'Sign in to follow the run.');
    assert.strictEqual(byId('notice-action').textContent, 'Sign In');
    byId('notice-action').click();
    assert.deepStrictEqual(dom.posted.at(-1), { type: 'signIn' });
    dom.send({ type: 'notice', notice: { message: '' } });
    assert.strictEqual(byId('notice').hidden, true);
    assert.strictEqual(byId('notice-action').hidden, true);
  });

  it("shows the extension's l10n bundle: the toolbar, the log title and the output actions translated", async () => {
    await dom.close();
    const fr = { Rerun: 'Relancer', Copy: 'Copier', 'Logs (all steps)': 'Journaux </script> (toutes les étapes)' };
    dom = openWebview(script, undefined, fr);
    dom.send({ type: 'state', state: run });
    await dom.settle();
    assert.strictEqual(byId('rerun').textContent, 'Relancer');
    assert.strictEqual(byId('cancel').textContent, 'Cancel run', 'a string the bundle lacks stays English');
    assert.strictEqual(byId('outputs').querySelector('vscode-button[aria-label="Copier clean"]')?.textContent, 'Copier');
    assert.strictEqual(byId('log-title').textContent, 'Journaux </script> (toutes les étapes)');
  });

  it('drops messages the protocol does not allow', () => {
    dom.send({ type: 'log', step: 'prepare' });
    dom.send({ type: 'notice', notice: { message: 'x', action: 'reboot' } });
    dom.send({ type: 'unknown' });
    assert.strictEqual(byId('log').textContent, 'No log yet.');
    assert.strictEqual(byId('notice').hidden, true);
  });
});
