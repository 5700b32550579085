import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { API_VERSIONS } from '../../../emulator/src/arm/apiVersions';
import { LINKED_SERVICES_API } from '../../../src/core/arm/machineLearning';
import { RESOURCES_API_VERSION } from '../../../src/core/arm/subscriptions';
import { JOBS_API_VERSION } from '../../../src/core/jobs/amlWorkspaceClient';
import { armEmulatorFixture } from '../../support/armPipeline';

const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const ML = 'Microsoft.MachineLearningServices';
const SYNAPSE = 'Microsoft.Synapse';
const AML_WS = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/${ML}/workspaces/contoso-aml`;
const SYN_WS = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/${SYNAPSE}/workspaces/contoso-synapse`;
// Compiled, this runs from out/test/unit/emulator/.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

const known = (provider: string, type: string): readonly string[] => API_VERSIONS[provider][type] ?? [];

describe('emulator ARM api-version validation', function () {
  this.timeout(60_000);
  const { arm } = armEmulatorFixture();

  it('has the checked-in table the generator computes from the specs, SDK clients and recordings now', () => {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'gen-arm-api-versions.mjs'), '--print'], {
      encoding: 'utf8',
    });
    assert.deepEqual(API_VERSIONS, JSON.parse(out), 'emulator/src/arm/apiVersions.ts is stale: run node scripts/gen-arm-api-versions.mjs');
  });

  it('knows every version the extension and its SDK clients send, for the types they send it to', () => {
    const sdk = new AzureMachineLearningWorkspaces({ getToken: async () => null }, SUB1).apiVersion;
    const sent: [string, string, string][] = [
      ['Microsoft.Resources', 'subscriptions', RESOURCES_API_VERSION],
      ['Microsoft.Resources', 'tenants', RESOURCES_API_VERSION],
      [ML, 'workspaces/linkedServices', LINKED_SERVICES_API],
      ...['workspaces', 'workspaces/computes', 'workspaces/datastores'].map((t): [string, string, string] => [ML, t, sdk]),
      ...['workspaces', 'workspaces/jobs', 'workspaces/codes/versions', 'workspaces/components', 'workspaces/components/versions'].map(
        (t): [string, string, string] => [ML, t, JOBS_API_VERSION],
      ),
    ];
    for (const [provider, type, version] of sent) assert.ok(known(provider, type).includes(version), `${provider}/${type} at ${version}`);
  });

  it("answers a version the provider does not serve for the type with ARM's 400 NoRegisteredProviderFound", async () => {
    const res = await arm('GET', `${SYN_WS}/bigDataPools?api-version=2020-01-01`);
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-ms-failure-cause'], 'gateway');
    assert.deepEqual(res.body, {
      error: {
        code: 'NoRegisteredProviderFound',
        message:
          `No registered resource provider found for location 'westeurope' and API version '2020-01-01' for type 'workspaces/bigDataPools'. ` +
          `The supported api-versions are '${known(SYNAPSE, 'workspaces/bigDataPools').join(', ')}'. The supported locations are 'eastus, westeurope'.`,
      },
    });
    // Versions the provider serves for other types only: Azure ML jobs did not exist at 2021-04-01, links are gone since.
    const jobs = await arm('GET', `${AML_WS}/jobs?api-version=2021-04-01`);
    assert.equal(jobs.status, 400);
    assert.match(
      jobs.body.error.message,
      /API version '2021-04-01' for type 'workspaces\/jobs'\. The supported api-versions are '2022-05-01, /,
    );
    const links = await arm('PUT', `${AML_WS}/linkedServices/l1?api-version=${JOBS_API_VERSION}`, { properties: {} });
    assert.equal(links.status, 400);
    assert.equal(links.body.error.code, 'NoRegisteredProviderFound');
    assert.equal((await arm('GET', `${AML_WS}/linkedServices?api-version=${LINKED_SERVICES_API}`)).status, 200, 'nothing was created');
  });

  it('serves every known version of a type, in any letter case', async () => {
    for (const v of known(SYNAPSE, 'workspaces/bigDataPools')) {
      assert.equal((await arm('GET', `${SYN_WS}/bigDataPools?api-version=${v}`)).status, 200, v);
    }
    for (const v of known(ML, 'workspaces/jobs')) assert.equal((await arm('GET', `${AML_WS}/jobs?api-version=${v}`)).status, 200, v);
    assert.equal((await arm('GET', `${SYN_WS}/bigDataPools/sparksmall?api-version=2021-06-01-PREVIEW`)).status, 200);
    const action = await arm('POST', `${AML_WS}/datastores/workspaceblobstore/listSecrets?api-version=2021-04-01`);
    assert.equal(action.body.error.code, 'NoRegisteredProviderFound', "an action is checked against its resource's type");
    assert.match(action.body.error.message, /for type 'workspaces\/datastores'/);
  });

  it("answers ARM's own routes with 400 InvalidApiVersionParameter and keeps unknown types a 404 InvalidResourceType", async () => {
    const subs = await arm('GET', '/subscriptions?api-version=2023-04-01');
    assert.equal(subs.status, 400);
    assert.equal(subs.body.error.code, 'InvalidApiVersionParameter');
    assert.match(
      subs.body.error.message,
      /^The api-version '2023-04-01' is invalid\. The supported versions are '2024-11-01, 2024-07-01, .*, 2022-12-01, .*'\.$/,
    );
    assert.equal(
      (await arm('GET', `/subscriptions/${SUB1}/resourceGroups/${RG}?api-version=2099-01-01`)).body.error.code,
      'InvalidApiVersionParameter',
    );
    assert.equal((await arm('GET', `/subscriptions?api-version=${RESOURCES_API_VERSION}`)).status, 200);
    assert.equal((await arm('GET', `/tenants?api-version=${RESOURCES_API_VERSION}`)).status, 200);
    const unknownType = await arm('GET', `${SYN_WS}/nonsense?api-version=2021-06-01`);
    assert.equal(unknownType.status, 404);
    assert.equal(unknownType.body.error.code, 'InvalidResourceType');
    assert.match(
      unknownType.body.error.message,
      /'workspaces\/nonsense' could not be found in the namespace 'Microsoft\.Synapse' for api version '2021-06-01'/,
    );
  });

  it('polls the operation URLs it hands out at the version of the call that started them', async () => {
    const compute = `${AML_WS}/computes/versioned?api-version=${JOBS_API_VERSION}`;
    const put = await arm('PUT', compute, {
      properties: { computeType: 'SynapseSpark', resourceId: `${SYN_WS}/bigDataPools/sparkmedium` },
    });
    assert.equal(put.status, 201);
    const status = put.headers['azure-asyncoperation'];
    assert.match(status, new RegExp(`/computeOperationsStatus/[0-9a-f-]+\\?api-version=${JOBS_API_VERSION}$`));
    assert.equal((await arm('GET', status)).status, 200);
    const stale = await arm('GET', status.replace(/api-version=.*$/, 'api-version=2020-01-01'));
    assert.equal(stale.status, 400);
    assert.match(
      stale.body.error.message,
      /location 'westeurope' and API version '2020-01-01' for type 'locations\/computeOperationsStatus'/,
    );

    const job = `${AML_WS}/jobs/versioned1?api-version=${JOBS_API_VERSION}`;
    assert.equal(
      (await arm('PUT', job, { properties: { jobType: 'Command', command: 'sleep 5', computeId: `${AML_WS}/computes/sparksmall` } }))
        .status,
      201,
    );
    const cancel = await arm('POST', `${AML_WS}/jobs/versioned1/cancel?api-version=${JOBS_API_VERSION}`);
    assert.equal(cancel.status, 202);
    assert.match(
      cancel.headers['location'],
      new RegExp(`/mfeOperationResults/jc:[0-9a-f-]+:versioned1\\?api-version=${JOBS_API_VERSION}$`),
    );
    assert.ok([200, 202].includes((await arm('GET', cancel.headers['location'])).status));
  });
});
