/**
 * The resources area inside a real extension host, against the emulator the runner started (its settings
 * are in the opened workspace; SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA reach this host for the admin API).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import * as vscode from 'vscode';
import { activateWithHooks, type TestHooks } from './testHooks';
import type { TreeNode } from '../../src/resources/workspaceNodes';
import { ScriptedUi } from '../support/scriptedUi';

function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(path, process.env.SYNAPSE_EMULATOR_URL);
  const ca = fs.readFileSync(process.env.SYNAPSE_EMULATOR_CA!, 'utf8');
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

type Child = { node: TreeNode; item: vscode.TreeItem };
const label = (c: Child) => String(typeof c.item.label === 'string' ? c.item.label : c.item.label?.label);

describe('Sign-in and the Workspaces tree against the emulator', function () {
  this.timeout(60_000);
  let hooks: TestHooks;
  let ui: ScriptedUi;

  const children = (node?: TreeNode) => hooks.resources.children(node);
  async function child(parent: TreeNode | undefined, name: string | RegExp): Promise<Child> {
    const all = await children(parent);
    const found = all.find((c) => (typeof name === 'string' ? label(c) === name : name.test(label(c))));
    assert.ok(found, `no child ${name} under ${parent?.id ?? 'root'}: ${all.map(label).join(', ')}`);
    return found;
  }
  async function path(...names: Array<string | RegExp>): Promise<Child> {
    let current: Child | undefined;
    for (const n of names) current = await child(current?.node, n);
    return current!;
  }
  const contoso = /^Contoso Data Science/;
  const fabrikam = /^Fabrikam Analytics/;

  async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      assert.ok(
        Date.now() < deadline,
        `timed out waiting for ${what}; prompts so far: ${ui.titles.join(' | ')}; unexpected: ${ui.unexpected.join(' | ')}`,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async function () {
    if (!process.env.SYNAPSE_EMULATOR_URL || !process.env.SYNAPSE_EMULATOR_CA) {
      throw new Error('SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA are not set: run through scripts/run-integration.mjs');
    }
    hooks = await activateWithHooks();
    await admin('POST', '/_emulator/reset');
  });

  beforeEach(() => {
    ui = new ScriptedUi();
    hooks.resources.useUi(ui);
  });

  afterEach(async () => {
    hooks.resources.useUi(undefined);
    await admin('DELETE', '/_emulator/faults');
    assert.deepStrictEqual(ui.unexpected, [], 'unexpected prompts');
  });

  it('uses the emulator environment from the workspace settings and signs in to it', async () => {
    const config = vscode.workspace.getConfiguration('synapseSpark');
    assert.strictEqual(config.get('environment'), 'Custom');
    assert.strictEqual(config.get('auth.source'), 'emulator');
    await vscode.commands.executeCommand('synapseSpark.signIn');
    assert.match(hooks.resources.statusText(), /emulator .*·/);
    const roots = await children();
    assert.deepStrictEqual(roots.map(label).sort(), ['Contoso Data Science (emulated)', 'Fabrikam Analytics (emulated)']);
  });

  it('shows the seeded workspaces, linked Synapse workspace, pools marked attached or not, and computes', async () => {
    const wss = await children((await path(contoso)).node);
    assert.deepStrictEqual(wss.map(label).sort(), ['contoso-aml', 'contoso-aml-sandbox']);
    const pools = await children((await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse')).node);
    const byName = new Map(pools.map((p) => [label(p), p.item]));
    assert.strictEqual(byName.get('sparksmall')?.description, 'attached as sparksmall');
    assert.strictEqual(byName.get('sparksmall')?.contextValue, 'sparkPool.attached');
    assert.strictEqual(byName.get('sparkmedium')?.description, 'not attached');
    assert.strictEqual(byName.get('sparkmedium')?.contextValue, 'sparkPool');
    // A screen reader announces the words a row shows (label, description), not its tooltip.
    const folder = await path(contoso, 'contoso-aml', 'Attached Spark computes');
    assert.strictEqual(folder.item.accessibilityInformation?.label, 'Attached Spark computes');
    assert.strictEqual(byName.get('sparkmedium')?.accessibilityInformation?.label, 'sparkmedium, not attached');
    const compute = await path(contoso, 'contoso-aml', 'Attached Spark computes', 'sparksmall');
    assert.match(String(compute.item.accessibilityInformation?.label), /^sparksmall, contoso-synapse\/sparksmall · Succeeded$/);
    assert.match(String(compute.item.description), /contoso-synapse\/sparksmall · Succeeded/);
    assert.match(
      (compute.item.tooltip as vscode.MarkdownString).value,
      /Spark 3\.4[\s\S]*Autoscale: 3–10 nodes[\s\S]*Auto-pause: after 15 min/,
    );
    const pools2 = await hooks.sparkPools.listAttachedPools();
    assert.deepStrictEqual(
      pools2.map((p) => p.computeName),
      ['sparksmall'],
    );
    assert.strictEqual(pools2[0].synapseWorkspace.devEndpoint, `${process.env.SYNAPSE_EMULATOR_URL}/synapse/contoso-synapse`);
  });

  it('links a Synapse workspace to an Azure ML workspace and shows it', async () => {
    const sandbox = await path(contoso, 'contoso-aml-sandbox');
    assert.deepStrictEqual((await children((await child(sandbox.node, 'Linked Synapse workspaces')).node)).map(label), [
      'Link a Synapse workspace…',
    ]);
    ui.script({ pick: 'contoso-synapse-dev' }, { input: 'dev-link' });
    await vscode.commands.executeCommand('synapseSpark.linkSynapseWorkspace', sandbox.node);
    assert.strictEqual(ui.remaining, 0);
    const linked = await children((await child(sandbox.node, 'Linked Synapse workspaces')).node);
    assert.deepStrictEqual(linked.map(label), ['contoso-synapse-dev']);
    assert.strictEqual(linked[0].item.description, 'link dev-link');
  });

  it('attaches a pool through the long-running operation, then detaches it after confirmation', async () => {
    let changes = 0;
    const sub = hooks.sparkPools.onDidChange(() => changes++);
    const pool = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
    ui.script(
      { input: 'sparkmed' },
      { pick: /^System-assigned/ },
      { info: /^Attached sparkmedium to contoso-aml as sparkmed: /, choose: 'Reveal in Tree' },
    );
    await vscode.commands.executeCommand('synapseSpark.attachSparkPool', pool.node);
    assert.strictEqual(ui.remaining, 0, 'the wizard says it is done, and offers the new row');
    // "Reveal in Tree" selects the new compute's row.
    await eventually(
      async () => {
        const selected = hooks.resources.tree.view?.selection[0];
        return selected && label({ node: selected, item: hooks.resources.tree.getTreeItem(selected) }) === 'sparkmed'
          ? selected
          : undefined;
      },
      15_000,
      'the new compute to be selected in the Workspaces view',
    );
    assert.ok(ui.progressTitles.some((t) => /Attaching sparkmedium to contoso-aml as sparkmed/.test(t)));
    const after = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
    assert.strictEqual(after.item.description, 'attached as sparkmed');
    const compute = await path(contoso, 'contoso-aml', 'Attached Spark computes', 'sparkmed');
    assert.match(String(compute.item.description), /Succeeded/);
    assert.ok((await hooks.sparkPools.listAttachedPools()).some((p) => p.computeName === 'sparkmed' && p.poolName === 'sparkmedium'));
    assert.ok(changes >= 1, 'the Spark side heard about the attach');

    ui.script({ confirm: true });
    await vscode.commands.executeCommand('synapseSpark.detachSparkPool', compute.node);
    assert.strictEqual(ui.remaining, 0);
    const computes = await children((await path(contoso, 'contoso-aml', 'Attached Spark computes')).node);
    assert.deepStrictEqual(computes.map(label), ['sparksmall']);
    const pool2 = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
    assert.strictEqual(pool2.item.description, 'not attached');
    sub.dispose();
  });

  it('cancelling an attach says Azure ML goes on, the tree follows the compute to its end state, and detach undoes it', async () => {
    const slow = await admin('PATCH', '/_emulator/settings', { lroDurationMs: 2500 });
    assert.strictEqual(slow.status, 200);
    try {
      const pool = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
      ui.cancelProgress = /^Attaching sparkmedium/;
      ui.script({ input: 'halfway' }, { pick: /^System-assigned/ });
      await vscode.commands.executeCommand('synapseSpark.attachSparkPool', pool.node);
      assert.strictEqual(ui.remaining, 0);
      assert.deepStrictEqual(ui.errors, [], 'a cancel is no error');
      assert.strictEqual(ui.infos.length, 1, ui.infos.join(' | '));
      assert.match(
        ui.infos[0],
        /^Stopped waiting, but Azure ML goes on attaching sparkmedium to contoso-aml as halfway \(now Creating\); .*To undo, detach it\.$/,
      );
      const folder = await path(contoso, 'contoso-aml', 'Attached Spark computes');
      const creating = (await children(folder.node)).find((c) => label(c) === 'halfway');
      assert.match(String(creating?.item.description), /Creating$/);
      // No refresh from here on: the view reloads by itself while a compute is in a transitional state.
      const settled = await eventually(
        async () => {
          const c = (await children(folder.node)).find((x) => label(x) === 'halfway');
          return c && /Succeeded$/.test(String(c.item.description)) ? c : undefined;
        },
        20_000,
        'the tree to follow the attach to Succeeded',
      );
      assert.strictEqual(
        (await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium')).item.description,
        'attached as halfway',
      );
      // The message's Detach action hands the compute itself to the command (no workspace or compute picker).
      const compute = (settled.node as unknown as { compute: unknown }).compute;
      ui.script({ confirm: true });
      await vscode.commands.executeCommand('synapseSpark.detachSparkPool', compute);
      assert.strictEqual(ui.remaining, 0);
      assert.deepStrictEqual((await children(folder.node)).map(label), ['sparksmall']);
    } finally {
      ui.cancelProgress = undefined;
      await admin('PATCH', '/_emulator/settings', { lroDurationMs: 300 });
    }
  });

  it('refuses an invalid or taken compute name before calling Azure', async () => {
    const pool = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
    const before = ui.progressTitles.length;
    ui.script({ input: 'sparksmall' });
    await vscode.commands.executeCommand('synapseSpark.attachSparkPool', pool.node);
    assert.match(String(ui.validationMessages[0]), /already has a compute named 'sparksmall'/);
    assert.deepStrictEqual(ui.progressTitles.slice(before), [], 'no progress flashes when the names come at once');
    ui.unexpected.length = 0; // the refused input is what this test expects
  });

  it('goes back through the attach wizard with its Back buttons, keeping what was typed', async () => {
    const linked = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse');
    const [titles, values] = [ui.titles.length, ui.inputValues.length];
    ui.script(
      { pick: 'sparkmedium' },
      { input: 'typed-name' },
      { back: true },
      { back: true },
      { pick: 'sparkmedium' },
      { input: 'sparksmall' },
    );
    await vscode.commands.executeCommand('synapseSpark.attachSparkPool', linked.node);
    const pool = 'Attach a Spark pool of contoso-synapse to contoso-aml';
    const name = 'Attach sparkmedium to contoso-aml: compute name';
    assert.deepStrictEqual(ui.titles.slice(titles), [pool, name, 'Attach sparkmedium to contoso-aml: managed identity', name, pool, name]);
    assert.deepStrictEqual(
      ui.inputValues.slice(values + 1),
      ['typed-name', 'typed-name'],
      'after Back (at the identity, and at the name back to the same pool) the name box reopens with what was typed',
    );
    assert.match(String(ui.validationMessages.at(-1)), /already has a compute named 'sparksmall'/);
    assert.strictEqual(ui.remaining, 0);
    ui.unexpected.length = 0; // the refused name ends the wizard, as this test intends
  });

  it('shows progress while the compute names are still loading, then checks the name against them', async () => {
    const pool = await path(contoso, 'contoso-aml', 'Linked Synapse workspaces', 'contoso-synapse', 'sparkmedium');
    const before = ui.progressTitles.length;
    await admin('POST', '/_emulator/faults', {
      kind: 'latency',
      latencyMs: 1500,
      surface: 'arm',
      method: 'GET',
      path: '/workspaces/contoso-aml/computes$',
      count: 1,
    });
    try {
      ui.script({ input: 'sparksmall' });
      await vscode.commands.executeCommand('synapseSpark.attachSparkPool', pool.node);
    } finally {
      await admin('DELETE', '/_emulator/faults');
    }
    assert.deepStrictEqual(ui.progressTitles.slice(before), ['Reading the computes of contoso-aml…']);
    assert.match(String(ui.validationMessages.at(-1)), /already has a compute named 'sparksmall'/);
    ui.unexpected.length = 0; // the refused input is what this test expects
  });

  it('shows an error node when Azure answers 500, and recovers on retry', async () => {
    await admin('POST', '/_emulator/faults', {
      kind: 'status',
      status: 500,
      surface: 'arm',
      path: 'Microsoft.MachineLearningServices/workspaces$',
    });
    const sub = await path(contoso);
    hooks.resources.tree.refresh(sub.node);
    const failed = await children(sub.node);
    assert.strictEqual(failed.length, 1);
    assert.strictEqual(failed[0].item.contextValue, 'error');
    assert.match(label(failed[0]), /Could not list the Azure ML workspaces \(HTTP 500\)/);
    await admin('DELETE', '/_emulator/faults');
    await vscode.commands.executeCommand('synapseSpark.retryLoad', failed[0].node);
    assert.deepStrictEqual((await children(sub.node)).map(label).sort(), ['contoso-aml', 'contoso-aml-sandbox']);
  });

  it('waits out a 429 with Retry-After instead of failing', async () => {
    await admin('POST', '/_emulator/faults', {
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      surface: 'arm',
      path: 'Microsoft.MachineLearningServices/workspaces$',
      count: 1,
    });
    const sub = await path(contoso);
    hooks.resources.tree.refresh(sub.node);
    const started = Date.now();
    const wss = await children(sub.node);
    assert.deepStrictEqual(wss.map(label).sort(), ['contoso-aml', 'contoso-aml-sandbox']);
    assert.ok(Date.now() - started >= 900, `retried after the Retry-After second (${Date.now() - started} ms)`);
    const faults = await admin('GET', '/_emulator/faults');
    assert.deepStrictEqual(faults.body.value, [], 'the 429 was served');
  });

  it('explains a refused v1 link plainly and attaches a pool directly from the error', async () => {
    // fabrikam-aml is seeded with newLinkedServices "refuse": the emulator answers the link PUT with 400.
    const ws = await path(fabrikam, 'fabrikam-aml');
    ui.script(
      { pick: 'fabrikam-synapse' },
      { input: 'fabrikam-synapse' },
      {
        error:
          /^Azure ML refused to link fabrikam-synapse to fabrikam-aml: new Synapse links .* are no longer accepted for this workspace\./,
        choose: 'Attach a Pool Directly',
      },
      { pick: 'largepool' },
      { input: 'largepool' },
      { pick: /^System-assigned/ },
    );
    // The command fails (executeCommand rejects in the test host); the runner shows the error, whose action then runs the attach wizard.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('synapseSpark.linkSynapseWorkspace', ws.node)),
      /Azure ML refused to link fabrikam-synapse/,
    );
    const attached = await eventually(
      async () =>
        ui.remaining === 0 && ui.running === 0
          ? (await hooks.sparkPools.listAttachedPools()).find((p) => p.computeName === 'largepool')
          : undefined,
      30_000,
      'the attach started from the error action to finish',
    );
    assert.strictEqual(ui.remaining, 0);
    assert.strictEqual(ui.errors.length, 1);
    const [shown] = ui.errors;
    assert.match(
      shown.message,
      /You do not need a link to use the pools: attach a Spark pool of fabrikam-synapse directly as an Azure ML compute\./,
    );
    assert.doesNotMatch(shown.message, /HTTP 400|UserError/, 'the plain explanation, not the raw ARM error');
    assert.deepStrictEqual(shown.actions, ['Attach a Pool Directly', 'Learn More', 'Show Log']);
    // The wizard started at the pool of that Synapse workspace for that AML workspace: no workspace pickers.
    const wizard = ui.titles.slice(ui.titles.indexOf(shown.message) + 1);
    assert.deepStrictEqual(wizard, [
      'Attach a Spark pool of fabrikam-synapse to fabrikam-aml',
      'Attach largepool to fabrikam-aml: compute name',
      'Attach largepool to fabrikam-aml: managed identity',
    ]);
    assert.ok(ui.progressTitles.some((t) => /Attaching largepool to fabrikam-aml as largepool/.test(t)));
    assert.strictEqual(attached.amlWorkspace.name, 'fabrikam-aml');
    assert.strictEqual(attached.synapseWorkspace.name, 'fabrikam-synapse');
    // No link was half-created; the compute shows in the tree.
    assert.deepStrictEqual((await children((await path(fabrikam, 'fabrikam-aml', 'Linked Synapse workspaces')).node)).map(label), [
      'Link a Synapse workspace…',
    ]);
    const compute = await path(fabrikam, 'fabrikam-aml', 'Attached Spark computes', 'largepool');
    assert.match(String(compute.item.description), /fabrikam-synapse\/largepool · Succeeded/);

    ui.script({ confirm: true });
    await vscode.commands.executeCommand('synapseSpark.detachSparkPool', compute.node);
    assert.deepStrictEqual(
      (await hooks.sparkPools.listAttachedPools()).map((p) => p.computeName),
      ['sparksmall'],
    );
  });

  it('signs out: the tree empties (welcome content) and the catalog lists nothing', async () => {
    await vscode.commands.executeCommand('synapseSpark.signOut');
    assert.deepStrictEqual(await children(), []);
    assert.deepStrictEqual(await hooks.sparkPools.listAttachedPools(), []);
    assert.match(hooks.resources.statusText(), /Sign in/);
  });
});
