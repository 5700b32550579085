/**
 * Which tenant jobs, code upload and pipeline submit ask for their ARM token (ArmAccess.credentialFor), the
 * same treatment the Spark pool catalog gives Livy tokens. The emulator serves one tenant, so (as in
 * catalogTenants.unit.test.ts) the subscriptions' tenants are relabelled by the test and a recording
 * credential source shows which tenant each token was requested for; it still hands out the emulator's
 * real tokens, so the ARM calls of the real AmlWorkspaceClient succeed end to end over HTTPS.
 */
import * as assert from 'node:assert/strict';
import { AmlWorkspaceClient } from '../../../src/core/jobs/amlWorkspaceClient';
import { ConnectionArmAccess } from '../../../src/core/resources/armAccess';
import { startTestEmulator, ARM_SCOPE, type TestEmulator } from '../../support/emulator';
import { claims, recordingServices, signedInStack, TENANT_A, TENANT_B, type Stack, type TokenRequest } from '../resources/harness';

describe('ArmAccess: an ARM credential per workspace tenant (jobs, upload, submit)', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  let s: Stack;
  before(async () => {
    emu = await startTestEmulator();
    s = await signedInStack(emu);
  });
  after(async () => emu?.stop());

  it("lists workspaces with their subscription's tenant and asks that tenant for real ARM tokens", async () => {
    const requests: TokenRequest[] = [];
    const arm = new ConnectionArmAccess(() => recordingServices(s, requests, true));
    assert.equal(arm.signedIn(), true);
    const workspaces = await arm.listAmlWorkspaces();
    const byName = new Map(workspaces.map((w) => [w.name, w]));
    assert.equal(byName.get('contoso-aml')?.tenantId, TENANT_A);
    assert.equal(byName.get('fabrikam-aml')?.tenantId, TENANT_B);

    requests.length = 0;
    // The real client over HTTPS: listing jobs and computes needs an accepted ARM token.
    const fabrikamComputes = await new AmlWorkspaceClient(arm, byName.get('fabrikam-aml')!).computeNames();
    assert.ok(Array.isArray(fabrikamComputes));
    await new AmlWorkspaceClient(arm, byName.get('contoso-aml')!).listJobs(5);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [TENANT_B, TENANT_A],
      'one token per workspace, each from its own tenant',
    );
    assert.ok(
      requests.every((r) => r.scopes.length === 1 && r.scopes[0] === ARM_SCOPE),
      'ARM scope only',
    );
  });

  it('resolves a remembered workspace that carries no tenant from the subscriptions; credential() stays the home tenant', async () => {
    const requests: TokenRequest[] = [];
    const arm = new ConnectionArmAccess(() => recordingServices(s, requests, true));
    const fabrikam = (await arm.listAmlWorkspaces()).find((w) => w.name === 'fabrikam-aml')!;
    const { tenantId: _dropped, ...remembered } = fabrikam;
    requests.length = 0;
    const token = await arm.credentialFor(remembered).getToken(ARM_SCOPE);
    assert.ok(token?.token, 'a real emulator token came back');
    await arm.credential().getToken(ARM_SCOPE);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [TENANT_B, undefined],
    );
  });

  it("asks the emulator's own tenant when the subscriptions name it, and its tokens carry it", async () => {
    const requests: TokenRequest[] = [];
    const arm = new ConnectionArmAccess(() => recordingServices(s, requests, false));
    const contoso = (await arm.listAmlWorkspaces()).find((w) => w.name === 'contoso-aml')!;
    assert.equal(contoso.tenantId, emu.tenantId);
    const token = await arm.credentialFor(contoso).getToken(ARM_SCOPE);
    assert.equal(claims(token!.token).tid, emu.tenantId);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [emu.tenantId],
    );
  });

  it('says when nobody is signed in, and then falls back to the tenant the ref carries', async () => {
    const out = await signedInStack(emu, { signIn: false });
    const requests: TokenRequest[] = [];
    const arm = new ConnectionArmAccess(() => recordingServices(out, requests, true));
    assert.equal(arm.signedIn(), false);
    assert.deepEqual(await arm.listAmlWorkspaces(), []);
    const ref = {
      id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
      name: 'w',
      subscriptionId: 'x',
      resourceGroup: 'rg',
      tenantId: TENANT_B,
    };
    await arm
      .credentialFor(ref)
      .getToken(ARM_SCOPE)
      .catch(() => undefined);
    assert.deepEqual(
      requests.map((r) => r.tenantId),
      [TENANT_B],
    );
  });
});
