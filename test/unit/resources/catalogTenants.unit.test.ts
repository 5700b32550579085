/**
 * Which tenant the Spark pool catalog asks for a pool's Livy token. The emulator serves one tenant (its
 * token endpoint refuses any other and its subscriptions all name it), so it cannot show a second tenant
 * honestly: the listing runs against the emulator, the subscriptions' tenants are relabelled by the test,
 * and a recording credential source shows which tenant each token was requested for (it still hands out the
 * emulator's real tokens, so the calls work end to end).
 */
import * as assert from 'node:assert/strict';
import { ArmSparkPoolCatalog, tenantOfPool } from '../../../src/core/resources/sparkPoolCatalog';
import type { AttachedSparkPool } from '../../../src/core/model/sparkTargets';
import { silentLogger } from '../../../src/core/util/logger';
import { startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';
import { claims, recordingServices, signedInStack, SUB1, SUB2, TENANT_A, TENANT_B, type Stack, type TokenRequest } from './harness';

const SUB2_POOL = `/subscriptions/${SUB2}/resourceGroups/rg-analytics/providers/Microsoft.Synapse/workspaces/fabrikam-synapse/bigDataPools/largepool`;

describe('Spark pool catalog: a Livy credential per pool tenant', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  let s: Stack;
  before(async () => {
    emu = await startTestEmulator();
    s = await signedInStack(emu);
    // A second attached pool, in the other subscription.
    const fabrikam = (await s.ml.workspaces((await s.account.allSubscriptions()).find((x) => x.subscriptionId === SUB2)!).all())[0];
    await s.ml.attach(fabrikam, { computeName: 'largepool', poolId: SUB2_POOL, identity: { type: 'None' } }, { pollIntervalMs: 20 });
  });
  after(async () => emu?.stop());

  it('hands out the emulator tenant for its pools, and real tokens with it', async () => {
    const requests: TokenRequest[] = [];
    const catalog = new ArmSparkPoolCatalog(() => recordingServices(s, requests, false), silentLogger);
    const pools = await catalog.listAttachedPools();
    assert.deepEqual(pools.map((p) => [p.computeName, p.tenantId]).sort(), [
      ['largepool', emu.tenantId],
      ['sparksmall', emu.tenantId],
    ]);
    const token = await catalog.credentialFor(pools[0]).getToken(SYNAPSE_SCOPE);
    assert.equal(claims(token!.token).tid, emu.tenantId);
    assert.equal(claims(token!.token).aud, 'https://dev.azuresynapse.net');
    assert.deepEqual(requests, [{ tenantId: emu.tenantId, scopes: [SYNAPSE_SCOPE] }]);
  });

  it("asks the tenant that owns each pool's subscription, and the home tenant for credential()", async () => {
    const requests: TokenRequest[] = [];
    const catalog = new ArmSparkPoolCatalog(() => recordingServices(s, requests, true), silentLogger);
    const pools = await catalog.listAttachedPools();
    const byName = new Map(pools.map((p) => [p.computeName, p]));
    assert.equal(byName.get('sparksmall')?.tenantId, TENANT_A);
    assert.equal(byName.get('largepool')?.tenantId, TENANT_B);

    for (const name of ['largepool', 'sparksmall', 'largepool']) {
      const token = await catalog.credentialFor(byName.get(name)!).getToken(SYNAPSE_SCOPE);
      assert.ok(token?.token, 'a real emulator token came back');
    }
    await catalog.credential().getToken(SYNAPSE_SCOPE);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [TENANT_B, TENANT_A, TENANT_B, undefined],
    );
    assert.ok(requests.every((r) => r.scopes.length === 1 && r.scopes[0] === SYNAPSE_SCOPE));
  });

  it('resolves a pool that carries no tenant (handed out earlier, or restored) from the subscriptions', async () => {
    const requests: TokenRequest[] = [];
    const catalog = new ArmSparkPoolCatalog(() => recordingServices(s, requests, true), silentLogger);
    const largepool = (await catalog.listAttachedPools()).find((p) => p.computeName === 'largepool')!;
    const { tenantId: _dropped, ...withoutTenant } = largepool;
    await catalog.credentialFor(withoutTenant).getToken(SYNAPSE_SCOPE);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [TENANT_B],
    );
  });

  it("chooses the Synapse workspace's subscription over the AML workspace's, then falls back", () => {
    const tenants = new Map([
      [SUB1.toLowerCase(), TENANT_A],
      [SUB2.toLowerCase(), TENANT_B],
    ]);
    const pool = (amlSub: string, synapseSub: string): Pick<AttachedSparkPool, 'amlWorkspace' | 'synapseWorkspace'> => ({
      amlWorkspace: {
        id: `/subscriptions/${amlSub}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/aml`,
        name: 'aml',
        subscriptionId: amlSub,
        resourceGroup: 'rg',
      },
      synapseWorkspace: {
        id: `/subscriptions/${synapseSub}/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/syn`,
        name: 'syn',
        devEndpoint: 'https://x',
      },
    });
    assert.equal(tenantOfPool(pool(SUB1, SUB2.toUpperCase()), tenants), TENANT_B, "the pool's own subscription, case-insensitively");
    assert.equal(
      tenantOfPool(pool(SUB2, 'ffffffff-0000-4000-8000-000000000000'), tenants),
      TENANT_B,
      "unknown Synapse subscription: the AML workspace's",
    );
    assert.equal(
      tenantOfPool(pool('ffffffff-0000-4000-8000-000000000000', 'eeeeeeee-0000-4000-8000-000000000000'), tenants),
      undefined,
      'nothing known: the home tenant',
    );
  });
});
