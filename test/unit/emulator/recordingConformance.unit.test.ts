/**
 * Replays the ARM exchanges recorded against real Azure (test/fixtures/reference/azure-api/recordings) on the emulator,
 * with recorded names mapped onto seeded ones, and compares status, the headers that matter, and the
 * shape of bodies (keys and value types; ids, names and timestamps aside).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';
import { referencePath } from '../../support/reference';

const recording = (relative: string): string => referencePath(`azure-api/recordings/${relative}`);
const SUB1 = '11111111-aaaa-4bbb-8ccc-000000000001';

interface Exchange {
  method: string;
  uri: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function cliExchanges(file: string): Exchange[] {
  const doc = parse(fs.readFileSync(file, 'utf8')) as {
    interactions: {
      request: { method: string; uri: string };
      response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
    }[];
  };
  return doc.interactions.map((i) => ({
    method: i.request.method,
    uri: i.request.uri,
    status: i.response.status.code,
    headers: Object.fromEntries(Object.entries(i.response.headers).map(([k, v]) => [k.toLowerCase(), v[0]])),
    body: i.response.body.string ? JSON.parse(i.response.body.string) : undefined,
  }));
}

/** Recorded value types at each key path, e.g. `properties.autoScale.enabled: boolean`. */
function shape(v: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      const key = prefix ? `${prefix}.${k}` : k;
      out.set(key, x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
      if (x && typeof x === 'object' && !Array.isArray(x)) for (const [kk, t] of shape(x, key)) out.set(kk, t);
    }
  }
  return out;
}

function assertSameShape(recorded: unknown, actual: unknown, what: string, ignore: RegExp = /^$/): void {
  const want = shape(recorded);
  const got = shape(actual);
  for (const [key, type] of want) {
    if (ignore.test(key)) continue;
    assert.ok(got.has(key), `${what}: missing ${key}`);
    assert.equal(got.get(key), type, `${what}: ${key} should be ${type}`);
  }
}

describe('emulator conformance with recorded ARM traffic', function () {
  this.timeout(20_000);
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ settings: { pageSize: 50 } })));
  after(async () => emu?.stop());

  const poolRecording = cliExchanges(
    recording('azure-cli/src/azure-cli/azure/cli/command_modules/synapse/tests/latest/recordings/test_spark_pool.yaml'),
  );
  const toSeeded = (uri: string) =>
    new URL(uri).pathname
      .replace('00000000-0000-0000-0000-000000000000', SUB1)
      .replace('synapse-cli000001', 'rg-datascience')
      .replace('clitest000004', 'contoso-synapse')
      .replace('testpool000003', 'sparksmall') + new URL(uri).search;

  it('GET workspace / pool / pool list match the recorded Synapse bodies', async () => {
    const arm = armClient(emu);
    const gets = poolRecording.filter(
      (e) => e.method === 'GET' && e.status === 200 && /\/(workspaces\/[^/]+|bigDataPools(\/[^/]+)?)$/.test(new URL(e.uri).pathname),
    );
    assert.ok(gets.length >= 4, 'the recording has workspace and pool GETs');
    for (const e of gets) {
      const res = await arm('GET', toSeeded(e.uri));
      assert.equal(res.status, e.status, e.uri);
      // Recorded pool tags come from an update the emulator does not replay; the rest must match.
      assertSameShape(e.body, res.body, `GET ${new URL(e.uri).pathname}`, /^tags/);
      if (Array.isArray((e.body as { value?: unknown[] }).value)) {
        assertSameShape((e.body as { value: unknown[] }).value[0], res.body.value[0], 'list item', /^tags/);
      }
    }
  });

  it('a missing pool answers the recorded 404 (code, gateway failure cause, message form)', async () => {
    const recorded = poolRecording.find((e) => e.status === 404)!;
    const res = await armClient(emu)('GET', toSeeded(recorded.uri).replace('sparksmall', 'deletedpool'));
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-ms-failure-cause'], recorded.headers['x-ms-failure-cause']);
    const rec = recorded.body as { error: { code: string; message: string } };
    assert.equal(res.body.error.code, rec.error.code);
    assert.equal(res.body.error.message.replace(/'[^']*'/g, "''"), rec.error.message.replace(/'[^']*'/g, "''").replace(/\s+/g, ' '));
  });

  it('check-name answers as recorded (available false with reason, and true)', async () => {
    const recorded = poolRecording.find((e) => e.method === 'POST' && /checkNameAvailability/.test(e.uri))!;
    const res = await armClient(emu)('POST', toSeeded(recorded.uri), { name: 'contoso-synapse', type: 'Microsoft.Synapse/workspaces' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), Object.keys(recorded.body as object).sort());
    assert.equal(res.body.reason, 'AlreadyExists');
  });

  it('PUT job under a missing workspace answers the recorded ParentResourceNotFound', async () => {
    const rec = JSON.parse(
      fs.readFileSync(
        recording(
          'azure-sdk-for-js/sdk/machinelearning/arm-machinelearning/recordings/node/machinelearning_test/recording_job_create_test.json',
        ),
        'utf8',
      ),
    ).Entries[0];
    const uri = new URL(rec.RequestUri);
    const res = await armClient(emu)(
      'PUT',
      uri.pathname.replace('azure_subscription_id', SUB1).replace('myjstest', 'rg-datascience') + uri.search,
      rec.RequestBody,
    );
    assert.equal(res.status, rec.StatusCode);
    assert.equal(res.body.error.code, rec.ResponseBody.error.code);
    assert.equal(res.body.error.message, rec.ResponseBody.error.message);
    assert.equal(res.headers['x-ms-failure-cause'], rec.ResponseHeaders['x-ms-failure-cause']);
  });

  it('a recorded PipelineJob PUT with spark steps answers 201 with the recorded body shape', async () => {
    const rec = JSON.parse(
      fs.readFileSync(
        recording(
          'azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/recordings/dsl/e2etests/test_dsl_pipeline.pyTestDSLPipelinetest_spark_components.EXCERPT_last4entries.json',
        ),
        'utf8',
      ),
    ).Entries;
    const put = rec[0];
    const ws = `/subscriptions/${SUB1}/resourceGroups/rg-datascience/providers/Microsoft.MachineLearningServices/workspaces/contoso-aml`;
    const res = await armClient(emu)('PUT', `${ws}/jobs/recorded_spark_pipeline?api-version=2022-10-01-preview`, put.RequestBody);
    assert.equal(res.status, put.StatusCode);
    assert.ok(res.headers['location']);
    assertSameShape(put.ResponseBody, res.body, 'PipelineJob', /^(properties\.status|systemData\.)/);
    assert.ok(['NotStarted', 'Preparing', 'Queued', 'Running'].includes(res.body.properties.status));
    // Stop the local run (its entry files do not exist here) and check the recorded cancel statuses.
    const cancel = await armClient(emu)('POST', `${ws}/jobs/recorded_spark_pipeline/cancel?api-version=2022-10-01-preview`);
    assert.equal(cancel.status, rec[1].StatusCode);
    assert.equal(cancel.text, rec[1].ResponseBody);
  });
});
