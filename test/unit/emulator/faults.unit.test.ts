import * as assert from 'node:assert/strict';
import { SynapseManagementClient } from '@azure/arm-synapse';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const POOLS = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/contoso-synapse/bigDataPools?api-version=2021-06-01`;

describe('emulator fault injection', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(async () => emu?.stop());
  afterEach(() => emu.handle.faults.clear());

  it('429 with Retry-After is retried by the SDK throttling policy', async () => {
    emu.handle.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, surface: 'arm', path: '/bigDataPools$', count: 1 });
    const raw = await armClient(emu)('GET', POOLS);
    assert.equal(raw.status, 429, 'the fault fires once without retries');
    assert.equal(raw.headers['retry-after'], '1');
    assert.equal(raw.body.error.code, 'SubscriptionRequestsThrottled');

    emu.handle.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, surface: 'arm', path: '/bigDataPools$', count: 1 });
    const client = new SynapseManagementClient(emu.credential(), SUB1, {
      endpoint: emu.url,
      httpClient: emu.httpClient,
      credentialScopes: ['https://management.azure.com/.default'],
    });
    const started = Date.now();
    const pools = [];
    for await (const p of client.bigDataPools.listByWorkspace(RG, 'contoso-synapse')) pools.push(p);
    assert.equal(pools.length, 3);
    assert.ok(Date.now() - started >= 900, 'the SDK waited for Retry-After');
    assert.equal(emu.handle.faults.list().length, 0, 'the one-shot fault was used up');
  });

  it('500 answers an ARM error body', async () => {
    emu.handle.faults.add({ kind: 'status', status: 500, method: 'GET', path: 'bigDataPools', count: 1 });
    const res = await armClient(emu)('GET', POOLS);
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, 'InternalServerError');
    assert.equal((await armClient(emu)('GET', POOLS)).status, 200);
  });

  it('an expired token is rejected with 401 ExpiredAuthenticationToken', async () => {
    emu.handle.faults.add({ kind: 'expiredTokens', count: 1 });
    const token = await emu.credential().getToken('https://management.azure.com/.default');
    const res = await armClient(emu, { auth: false })('GET', POOLS, undefined, { authorization: `Bearer ${token!.token}` });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'ExpiredAuthenticationToken');
  });

  it('added latency delays the answer', async () => {
    emu.handle.faults.add({ kind: 'latency', latencyMs: 400, count: 1 });
    const t = Date.now();
    assert.equal((await armClient(emu)('GET', POOLS)).status, 200);
    assert.ok(Date.now() - t >= 380);
  });

  it('a dropped connection surfaces as a network error, and the server keeps serving', async () => {
    emu.handle.faults.add({ kind: 'drop', surface: 'arm', count: 1 });
    await assert.rejects(armClient(emu)('GET', POOLS), /socket hang up|ECONNRESET|closed/i);
    assert.equal((await armClient(emu)('GET', POOLS)).status, 200);
  });

  it('the admin API adds and lists faults over HTTPS', async () => {
    const admin = armClient(emu, { auth: false });
    const added = await admin('POST', '/_emulator/faults', { kind: 'status', status: 503, surface: 'livy', count: 2 });
    assert.equal(added.status, 201);
    assert.equal((await admin('GET', '/_emulator/faults')).body.value.length, 1);
    assert.equal((await admin('POST', '/_emulator/faults', { kind: 'status', status: 200 })).status, 400);
    assert.equal((await admin('DELETE', `/_emulator/faults/${added.body.id}`)).status, 204);
    assert.equal((await admin('GET', '/_emulator/health')).body.status, 'ok');
  });
});
