import * as assert from 'node:assert/strict';
import { SynapseManagementClient } from '@azure/arm-synapse';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const AML = 'contoso-aml';
const poolId = (pool: string, ws = 'contoso-synapse') =>
  `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/${ws}/bigDataPools/${pool}`;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('emulator ARM through the official SDK clients', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  let synapse: SynapseManagementClient;
  let ml: AzureMachineLearningWorkspaces;
  before(async () => {
    emu = await startTestEmulator();
    const options = { endpoint: emu.url, httpClient: emu.httpClient, credentialScopes: ['https://management.azure.com/.default'] };
    synapse = new SynapseManagementClient(emu.credential(), SUB1, options);
    ml = new AzureMachineLearningWorkspaces(emu.credential(), SUB1, options);
  });
  after(async () => emu?.stop());

  it('lists Synapse workspaces across pages with a dev endpoint pointing at the emulator', async () => {
    const all = await collect(synapse.workspaces.list());
    assert.deepEqual(all.map((w) => w.name).sort(), ['contoso-synapse', 'contoso-synapse-dev']);
    const ws = all.find((w) => w.name === 'contoso-synapse')!;
    assert.equal(ws.connectivityEndpoints?.dev, `${emu.url}/synapse/contoso-synapse`);
    assert.equal(ws.provisioningState, 'Succeeded');
    const byRg = await collect(synapse.workspaces.listByResourceGroup(RG));
    assert.equal(byRg.length, 2);
  });

  it('lists and gets big data pools with their Spark settings', async () => {
    const pools = await collect(synapse.bigDataPools.listByWorkspace(RG, 'contoso-synapse'));
    assert.equal(pools.length, 3, 'three pools over two pages (page size 2)');
    const small = await synapse.bigDataPools.get(RG, 'contoso-synapse', 'sparksmall');
    assert.equal(small.sparkVersion, '3.4');
    assert.equal(small.nodeSize, 'Small');
    assert.equal(small.autoScale?.enabled, true);
    assert.equal(small.autoPause?.delayInMinutes, 15);
  });

  it('answers a missing pool with the recorded ResourceNotFound shape', async () => {
    await assert.rejects(
      synapse.bigDataPools.get(RG, 'contoso-synapse', 'nope'),
      (e: { statusCode?: number; code?: string; message?: string }) => {
        assert.equal(e.statusCode, 404);
        assert.equal(e.code, 'ResourceNotFound');
        assert.match(String(e.message), /bigDataPools\/nope' under resource group 'rg-datascience' was not found/);
        return true;
      },
    );
  });

  it('lists AML workspaces and computes', async () => {
    const wss = await collect(ml.workspaces.listBySubscription());
    assert.deepEqual(wss.map((w) => w.name).sort(), ['contoso-aml', 'contoso-aml-sandbox']);
    const computes = await collect(ml.computeOperations.list(RG, AML));
    assert.equal(computes.length, 1);
    assert.equal(computes[0].properties?.computeType, 'SynapseSpark');
    assert.equal(computes[0].properties?.resourceId, poolId('sparksmall'));
  });

  it('attaches a SynapseSpark pool through the LRO poller, then detaches it', async () => {
    const created = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      AML,
      'sparkmed',
      {
        properties: { computeType: 'SynapseSpark', resourceId: poolId('sparkmedium') },
      },
      { updateIntervalInMs: 20 },
    );
    assert.equal(created.properties?.provisioningState, 'Succeeded');
    const got = await ml.computeOperations.get(RG, AML, 'sparkmed');
    assert.equal(got.properties?.computeType, 'SynapseSpark');
    assert.equal((got.properties as { properties?: { poolName?: string } }).properties?.poolName, 'sparkmedium');

    await ml.computeOperations.beginDeleteAndWait(RG, AML, 'sparkmed', 'Detach', { updateIntervalInMs: 20 });
    await assert.rejects(ml.computeOperations.get(RG, AML, 'sparkmed'), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('rejects attach with a bad resource id, a missing pool, or a taken name', async () => {
    const attach = (name: string, resourceId: string) =>
      ml.computeOperations.beginCreateOrUpdateAndWait(RG, AML, name, { properties: { computeType: 'SynapseSpark', resourceId } });
    await assert.rejects(
      attach('badid', '/not/a/pool'),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === 'BadArgument',
    );
    await assert.rejects(
      attach('nopool', poolId('ghost')),
      (e: { statusCode?: number; message?: string }) => e.statusCode === 400 && /ghost/.test(String(e.message)),
    );
    await assert.rejects(
      attach('sparksmall', poolId('sparkmedium')),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 409 && e.code === 'Conflict',
    );
  });

  it('shows a compute as Creating until its attach operation completes (raw LRO headers)', async () => {
    const arm = armClient(emu);
    const url = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${AML}/computes/legacy33?api-version=2022-10-01`;
    emu.handle.admin.settings({ lroDurationMs: 1500 });
    try {
      const put = await arm('PUT', url, { properties: { computeType: 'SynapseSpark', resourceId: poolId('spark33legacy') } });
      assert.equal(put.status, 201);
      assert.equal(put.body.properties.provisioningState, 'Creating');
      assert.match(put.headers['azure-asyncoperation'], /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/computeOperationsStatus\//);
      assert.equal(put.headers['retry-after'], '0');
      const status = await arm('GET', put.headers['azure-asyncoperation']);
      assert.equal(status.status, 200);
      assert.equal(status.body.status, 'InProgress');
      assert.equal((await arm('GET', url)).body.properties.provisioningState, 'Creating');
      await new Promise((r) => setTimeout(r, 1600));
      assert.equal((await arm('GET', put.headers['azure-asyncoperation'])).body.status, 'Succeeded');
      assert.equal((await arm('GET', url)).body.properties.provisioningState, 'Succeeded');

      const del = await arm('DELETE', `${url}&underlyingResourceAction=Detach`);
      assert.equal(del.status, 202);
      assert.ok(del.headers['location'] && del.headers['azure-asyncoperation']);
      const poll = await arm('GET', del.headers['location']);
      assert.equal(poll.status, 202);
      assert.equal(poll.text, '');
      await new Promise((r) => setTimeout(r, 1600));
      assert.equal((await arm('GET', del.headers['location'])).status, 204);
      assert.equal((await arm('GET', url)).status, 404);
    } finally {
      emu.handle.admin.settings({ lroDurationMs: 200 });
    }
  });
});
