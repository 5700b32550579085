import * as assert from 'node:assert/strict';
import { isV1LinkRefusal, toUserError } from '../../../src/core/arm/errors';
import { Pager } from '../../../src/core/arm/pager';
import { UserFacingError } from '../../../src/core/util/errors';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { poolId, RG, signedInStack, SUB1, SUB2, type Stack } from './harness';

describe('ARM wrappers against the emulator', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  let s: Stack;
  before(async () => {
    emu = await startTestEmulator(); // page size 2, LRO 200 ms
    s = await signedInStack(emu);
  });
  after(async () => emu?.stop());
  afterEach(() => emu.handle.faults.clear());

  const contoso = () => s.account.selectedSubscriptions().then((subs) => subs.find((x) => x.subscriptionId === SUB1)!);
  const amlWs = async (name = 'contoso-aml') => (await s.ml.workspaces(await contoso()).all()).find((w) => w.name === name)!;

  it('lists subscriptions and persists a selection', async () => {
    const all = await s.account.allSubscriptions();
    assert.deepEqual(all.map((x) => x.subscriptionId).sort(), [SUB1, SUB2]);
    await s.account.setSelection([SUB2]);
    assert.deepEqual(
      (await s.account.selectedSubscriptions()).map((x) => x.subscriptionId),
      [SUB2],
    );
    await s.account.setSelection(undefined);
    assert.equal((await s.account.selectedSubscriptions()).length, 2);
  });

  it('pages AML workspaces and knows the last page without an extra request', async () => {
    const sub = await contoso();
    const before = s.arm.requestCount;
    const pager = s.ml.workspaces(sub);
    const first = await pager.next();
    assert.equal(first.length, 2);
    assert.equal(pager.done, true, 'no nextLink: done at once, so the tree shows no "load more"');
    assert.equal(s.arm.requestCount - before, 1);
  });

  it('pages Spark pools (3 over 2 pages) and keeps their Spark settings', async () => {
    const ws = { id: poolId('x').replace(/\/bigDataPools\/x$/, ''), name: 'contoso-synapse', subscriptionId: SUB1, resourceGroup: RG };
    const pager = s.synapse.pools(ws);
    const page1 = await pager.next();
    assert.equal(page1.length, 2);
    assert.equal(pager.done, false, 'a next link: more to load');
    const rest = await pager.all();
    assert.equal(pager.done, true);
    assert.equal(rest.length, 1);
    const small = [...page1, ...rest].find((p) => p.name === 'sparksmall')!;
    assert.deepEqual(small.autoScale, { enabled: true, minNodeCount: 3, maxNodeCount: 10 });
    assert.equal(small.sparkVersion, '3.4');
  });

  it('resumes a page after a failure without losing or repeating items', async () => {
    let opened = 0;
    let failNext = true;
    const pages = [['a', 'b'], ['c', 'd'], ['e']];
    const pager = new Pager<string>(() => {
      opened++;
      return (async function* () {
        for (let i = 0; i < pages.length; i++) {
          if (i === 1 && failNext) {
            failNext = false;
            throw Object.assign(new Error('HTTP 500'), { statusCode: 500 });
          }
          yield pages[i];
        }
      })();
    });
    assert.deepEqual(await pager.next(), ['a', 'b']);
    await assert.rejects(pager.next(), /HTTP 500/);
    assert.deepEqual(await pager.next(), ['c', 'd'], 'the failed page again, not the first one');
    assert.deepEqual(await pager.next(), ['e']);
    assert.equal(pager.done, true);
    assert.equal(opened, 2, 'reopened once, skipping the page already shown');
  });

  it('lists linked Synapse workspaces (2020-09-01-preview) and reads the dev endpoint', async () => {
    const links = await s.ml.linkedSynapse(await amlWs()).all();
    assert.equal(links.length, 1);
    assert.equal(links[0].synapseWorkspaceName, 'contoso-synapse');
    const ws = await s.synapse.workspace({
      id: links[0].synapseWorkspaceId,
      subscriptionId: SUB1,
      resourceGroup: RG,
      name: 'contoso-synapse',
    });
    assert.equal(ws.devEndpoint, `${emu.url}/synapse/contoso-synapse`);
  });

  it('links and unlinks a Synapse workspace', async () => {
    const sandbox = await amlWs('contoso-aml-sandbox');
    const target = poolId('x', 'contoso-synapse-dev').replace(/\/bigDataPools\/x$/, '');
    const link = await s.ml.link(sandbox, target, 'dev-link');
    assert.equal(link.synapseWorkspaceName, 'contoso-synapse-dev');
    assert.ok(link.principalId, 'the link has a managed identity');
    assert.equal((await s.ml.linkedSynapse(sandbox).all()).length, 1);
    await s.ml.unlink(link);
    assert.equal((await s.ml.linkedSynapse(sandbox).all()).length, 0);
  });

  it('attaches a pool through the long-running operation with progress, then detaches it', async () => {
    const ws = await amlWs();
    const seen: string[] = [];
    const compute = await s.ml.attach(
      ws,
      { computeName: 'med', poolId: poolId('sparkmedium'), identity: { type: 'SystemAssigned' } },
      { pollIntervalMs: 20, onProgress: (p) => seen.push(p.status) },
    );
    assert.equal(compute.provisioningState, 'Succeeded');
    assert.equal(compute.poolName, 'sparkmedium');
    assert.equal(compute.identityType, 'SystemAssigned');
    assert.ok(seen.length >= 1, 'progress was reported');
    assert.ok((await s.ml.computeNames(ws)).includes('med'));
    await s.ml.detach(ws, 'med', { pollIntervalMs: 20 });
    assert.ok(!(await s.ml.computeNames(ws)).includes('med'));
  });

  it('stops following an attach when aborted, and the real state is still readable', async () => {
    const ws = await amlWs();
    await emu.handle.admin.settings({ lroDurationMs: 1500 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await assert.rejects(
        s.ml.attach(
          ws,
          { computeName: 'legacy', poolId: poolId('spark33legacy'), identity: { type: 'None' } },
          { signal: ac.signal, pollIntervalMs: 20 },
        ),
        (e: Error) => e.name === 'AbortError',
      );
      const now = await s.ml.getCompute(ws, 'legacy');
      assert.equal(now?.provisioningState, 'Creating', 'the tree can show the operation still running');
    } finally {
      await emu.handle.admin.settings({ lroDurationMs: 200 });
    }
    await new Promise((r) => setTimeout(r, 1600));
    await s.ml.detach(ws, 'legacy', { pollIntervalMs: 20 });
  });

  it('maps 403 to the missing permission on the resource, 409 to the conflict', async () => {
    const ws = await amlWs();
    emu.handle.faults.add({
      kind: 'status',
      status: 403,
      code: 'AuthorizationFailed',
      message: 'The client does not have authorization to perform action',
      surface: 'arm',
      path: '/computes/',
      method: 'PUT',
      count: 1,
    });
    const err = await s.ml.attach(ws, { computeName: 'x1', poolId: poolId('sparkmedium'), identity: { type: 'None' } }).catch((e) => e);
    assert.equal(err.statusCode, 403);
    const user = toUserError(err, {
      what: "attach 'sparkmedium'",
      permission: 'Microsoft.MachineLearningServices/workspaces/computes/write',
      on: ws.id,
      docs: 'https://docs',
    });
    assert.ok(user instanceof UserFacingError);
    assert.match(user.message, /Microsoft\.MachineLearningServices\/workspaces\/computes\/write/);
    assert.match(user.message, /contoso-aml/);
    assert.ok(user.actions.some((a) => a.command === 'synapseSpark.openLink' && a.args?.[0] === 'https://docs'));
    const conflict = await s.ml
      .attach(ws, { computeName: 'sparksmall', poolId: poolId('sparkmedium'), identity: { type: 'None' } })
      .catch((e) => e);
    assert.equal(conflict.statusCode, 409);
  });

  it('recognises the refusal of a new v1 link, and nothing else as one', async () => {
    const sandbox = await amlWs('contoso-aml-sandbox');
    emu.handle.faults.add({
      kind: 'status',
      status: 400,
      code: 'UserError',
      message: 'Linking a Synapse workspace to an Azure Machine Learning workspace is no longer supported (deprecated v1 integration).',
      surface: 'arm',
      path: '/linkedServices/',
      method: 'PUT',
      count: 1,
    });
    const refused = await s.ml.link(sandbox, poolId('x', 'contoso-synapse-dev').replace(/\/bigDataPools\/x$/, ''), 'l1').catch((e) => e);
    assert.equal(isV1LinkRefusal(refused), true);
    const other = await s.ml
      .link(sandbox, '/subscriptions/x/resourceGroups/y/providers/Microsoft.Synapse/workspaces/none', 'l2')
      .catch((e) => e);
    assert.equal(other.statusCode, 400);
    assert.equal(isV1LinkRefusal(other), false, 'a missing workspace is not a refused link');
  });
});
