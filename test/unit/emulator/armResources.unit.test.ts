import * as assert from 'node:assert/strict';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient, type ArmResponse } from '../../support/armPipeline';
import { runHistoryClient } from '../../support/runHistory';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const WS = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces`;
const SYN = (n: string) => `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/${n}`;

describe('emulator ARM resources (linked services, paging, codes, jobs, errors)', function () {
  this.timeout(30_000);
  let emu: TestEmulator;
  let arm: ReturnType<typeof armClient>;
  before(async () => {
    emu = await startTestEmulator();
    arm = armClient(emu);
  });
  after(async () => emu?.stop());

  it('creates, reads, lists and deletes a Synapse linked service (2020-09-01-preview)', async () => {
    const url = `${WS}/contoso-aml-sandbox/linkedServices/devlink?api-version=2020-09-01-preview`;
    const put = await arm('PUT', url, {
      name: 'devlink',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: { linkedServiceResourceId: SYN('contoso-synapse-dev'), linkType: 'Synapse' },
    });
    assert.equal(put.status, 200);
    assert.match(put.body.identity.principalId, /^[0-9a-f-]{36}$/);
    assert.equal(put.body.properties.linkType, 'Synapse');
    assert.equal(put.body.type, 'Microsoft.MachineLearningServices/workspaces/linkedServices');
    const get = await arm('GET', url);
    assert.equal(get.body.identity.principalId, put.body.identity.principalId);
    const list = await arm('GET', `${WS}/contoso-aml-sandbox/linkedServices?api-version=2020-09-01-preview`);
    assert.deepEqual(
      list.body.value.map((l: { name: string }) => l.name),
      ['devlink'],
    );
    assert.equal((await arm('DELETE', url)).status, 200);
    assert.equal((await arm('GET', url)).status, 404);
  });

  it('rejects a linked service to a workspace that does not exist', async () => {
    const res = await arm('PUT', `${WS}/contoso-aml/linkedServices/x?api-version=2020-09-01-preview`, {
      properties: { linkedServiceResourceId: SYN('ghost') },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BadArgument');
  });

  it('refuses new Synapse links on a workspace seeded with newLinkedServices "refuse", and follows the admin switch', async () => {
    const SUB2 = '22222222-bbbb-4ccc-8ddd-000000000002';
    const fabrikam = `/subscriptions/${SUB2}/resourceGroups/rg-analytics/providers/Microsoft.MachineLearningServices/workspaces/fabrikam-aml`;
    const target = `/subscriptions/${SUB2}/resourceGroups/rg-analytics/providers/Microsoft.Synapse/workspaces/fabrikam-synapse`;
    const url = `${fabrikam}/linkedServices/fablink?api-version=2020-09-01-preview`;
    const body = {
      name: 'fablink',
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      properties: { linkedServiceResourceId: target, linkType: 'Synapse' },
    };
    const refused = await arm('PUT', url, body);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'UserError');
    assert.match(
      refused.body.error.message,
      /Linked services of type 'Synapse' are deprecated and no longer supported for the workspace 'fabrikam-aml'/,
    );
    assert.match(refused.body.error.message, /Attach Synapse Spark pools to the workspace directly/);
    assert.equal(
      (await arm('GET', `${fabrikam}/linkedServices?api-version=2020-09-01-preview`)).body.value.length,
      0,
      'nothing half-created',
    );

    const admin = armClient(emu, { auth: false });
    const switchPath = `/_emulator/amlWorkspaces/${SUB2}/rg-analytics/fabrikam-aml`;
    assert.equal((await admin('GET', switchPath)).body.newLinkedServices, 'refuse');
    assert.equal((await admin('PATCH', switchPath, { newLinkedServices: 'maybe' })).status, 400);
    assert.equal((await admin('PATCH', switchPath, { newLinkedServices: 'accept' })).body.newLinkedServices, 'accept');
    const accepted = await arm('PUT', url, body);
    assert.equal(accepted.status, 200);
    await admin('PATCH', switchPath, { newLinkedServices: 'refuse' });
    assert.equal((await arm('PUT', url, body)).status, 200, 'an existing link can still be updated');
    const other = await arm('PUT', url.replace('fablink', 'fablink2'), { ...body, name: 'fablink2' });
    assert.equal(other.status, 400, 'but no new one is created');
    assert.equal((await arm('DELETE', url)).status, 200);
    // The sandbox workspace (no switch) still links.
    assert.equal((await admin('GET', `/_emulator/amlWorkspaces/${SUB1}/${RG}/contoso-aml-sandbox`)).body.newLinkedServices, 'accept');
    assert.equal((await admin('GET', `/_emulator/amlWorkspaces/${SUB1}/${RG}/ghost`)).status, 404);
  });

  it('pages lists with an absolute nextLink that keeps api-version', async () => {
    const first = await arm(
      'GET',
      `/subscriptions/${SUB1}/providers/Microsoft.Synapse/workspaces/contoso-synapse/bigDataPools?api-version=2021-06-01`.replace(
        '/providers/Microsoft.Synapse/workspaces/contoso-synapse',
        `/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces/contoso-synapse`,
      ),
    );
    assert.equal(first.body.value.length, 2);
    assert.match(first.body.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/.+api-version=2021-06-01.*\$skipToken=/);
    const second = await arm('GET', first.body.nextLink);
    assert.equal(second.body.value.length, 1);
    assert.equal(second.body.nextLink, undefined);
    const names = [...first.body.value, ...second.body.value].map((p: { name: string }) => p.name);
    assert.equal(new Set(names).size, 3);
    assert.equal((await arm('GET', `${first.body.nextLink.split('$skipToken=')[0]}$skipToken=garbage`)).status, 400);
  });

  it('answers ARM-shaped errors for unknown routes, malformed JSON, missing api-version and missing parents', async () => {
    const unknown = await arm('GET', `/subscriptions/${SUB1}/providers/Microsoft.Foo/bars?api-version=1`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'InvalidResourceType');
    const bad = await arm('PUT', `${WS}/contoso-aml/jobs/j1?api-version=2022-10-01`, '{"properties": ', {
      'content-type': 'application/json',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InvalidRequestContent');
    const noVersion = await arm('GET', `/subscriptions/${SUB1}`);
    assert.equal(noVersion.body.error.code, 'MissingApiVersionParameter');
    const orphan = await arm('PUT', `${WS}/nowhere/jobs/j1?api-version=2022-10-01`, { properties: { jobType: 'Command' } });
    assert.equal(orphan.status, 404);
    assert.equal(orphan.body.error.code, 'ParentResourceNotFound');
    assert.equal(orphan.headers['x-ms-failure-cause'], 'gateway');
    const sub = await arm('GET', '/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2020-01-01');
    assert.equal(sub.body.error.code, 'SubscriptionNotFound');
  });

  it('rejects a Synapse-audience token on ARM with 401 InvalidAuthenticationTokenAudience', async () => {
    const token = await emu.credential().getToken('https://dev.azuresynapse.net/.default');
    const raw = armClient(emu, { auth: false });
    const res: ArmResponse = await raw('GET', `/subscriptions?api-version=2020-01-01`, undefined, {
      authorization: `Bearer ${token!.token}`,
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'InvalidAuthenticationTokenAudience');
    assert.match(res.headers['www-authenticate'], /^Bearer /);
  });

  it('registers code versions and keeps them immutable', async () => {
    const url = `${WS}/contoso-aml/codes/wordcount/versions/1?api-version=2022-10-01`;
    const put = await arm('PUT', url, { properties: { codeUri: 'https://127.0.0.1:1/devstoreaccount1/c/LocalUpload/abc/src' } });
    assert.equal(put.status, 201);
    assert.equal(put.body.properties.provisioningState, 'Succeeded');
    assert.equal((await arm('PUT', url, { properties: { codeUri: put.body.properties.codeUri } })).status, 200);
    assert.equal((await arm('PUT', url, { properties: { codeUri: 'https://other' } })).status, 409);
    assert.equal((await arm('GET', url)).body.properties.codeUri, put.body.properties.codeUri);
  });

  it('submits a pipeline job, shows its steps as child jobs, and cancels it through the SDK poller', async () => {
    const url = `${WS}/contoso-aml/jobs/pipe1?api-version=2022-10-01`;
    const body = {
      properties: {
        jobType: 'Pipeline',
        displayName: 'sleepy',
        experimentName: 'tests',
        jobs: {
          first: { type: 'command', command: 'sleep 30', outputs: { out: { type: 'uri_folder' } } },
          second: {
            type: 'command',
            command: 'echo ${{inputs.x}}',
            inputs: { x: { job_input_type: 'literal', value: '${{parent.jobs.first.outputs.out}}' } },
          },
        },
      },
    };
    const put = await arm('PUT', url, body);
    assert.equal(put.status, 201);
    assert.equal(put.headers['location'], `${emu.url}${url}`);
    assert.equal(put.body.properties.status, 'NotStarted');
    assert.equal(put.body.properties.properties['azureml.runsource'], 'azureml.PipelineRun');
    await waitFor(async () => (await arm('GET', url)).body.properties.status === 'Running');
    const history = runHistoryClient(emu, `${WS}/contoso-aml`);
    const { runs: children } = await history.children('pipe1');
    assert.deepEqual(children.map((j: { displayName: string }) => j.displayName).sort(), ['first', 'second']);
    const topLevel = await arm('GET', `${WS}/contoso-aml/jobs?api-version=2022-10-01&parentJobName=pipe1`);
    const childIds = new Set(children.map((c: { runId: string }) => c.runId));
    assert.ok(
      topLevel.body.value.every((j: { name: string }) => !childIds.has(j.name)),
      'children are never in the ARM list, whatever the query',
    );

    const ml = new AzureMachineLearningWorkspaces(emu.credential(), SUB1, {
      endpoint: emu.url,
      httpClient: emu.httpClient,
      credentialScopes: ['https://management.azure.com/.default'],
    });
    await ml.jobs.beginCancelAndWait(RG, 'contoso-aml', 'pipe1', { updateIntervalInMs: 20 });
    const after = await arm('GET', url);
    assert.equal(after.body.properties.status, 'Canceled');
    await waitFor(async () => {
      const { runs: kids } = await history.children('pipe1');
      return kids.every((k: { status: string }) => k.status === 'Canceled');
    });
  });

  it('answers the recorded cancel shape: 202, body null, Location polling 202 {} then 200', async () => {
    emu.handle.admin.settings({ lroDurationMs: 600 });
    try {
      const url = `${WS}/contoso-aml/jobs/pipe2?api-version=2022-10-01`;
      await arm('PUT', url, { properties: { jobType: 'Command', command: 'sleep 20' } });
      const cancel = await arm('POST', url.replace('?', '/cancel?'));
      assert.equal(cancel.status, 202);
      assert.equal(cancel.text, 'null');
      assert.equal(cancel.headers['x-ms-async-operation-timeout'], 'PT1H');
      assert.match(cancel.headers['location'], /\/mfeOperationResults\/jc:[0-9a-f-]+:pipe2\?api-version=2022-10-01$/);
      const poll = await arm('GET', cancel.headers['location']);
      assert.equal(poll.status, 202);
      assert.deepEqual(poll.body, {});
      await new Promise((r) => setTimeout(r, 700));
      const done = await arm('GET', cancel.headers['location']);
      assert.equal(done.status, 200);
      assert.equal(done.text, '');
    } finally {
      emu.handle.admin.settings({ lroDurationMs: 200 });
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
