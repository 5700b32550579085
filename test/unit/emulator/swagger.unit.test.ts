/**
 * Validates the emulator's responses against the real Azure REST specs (test/fixtures/reference/azure-api/specs) with
 * ajv. Each swagger file is added under its own file URI, so relative cross-file $refs resolve as in
 * the spec repository. Azure answers null for unset optional fields (the recordings show it), so
 * typed properties also accept null, and a bare `type: object` means any value, as AutoRest reads it;
 * everything else is as the spec says.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { startTestEmulator, SYNAPSE_SCOPE, type TestEmulator } from '../../support/emulator';
import { armClient } from '../../support/armPipeline';
import { referencePath } from '../../support/reference';

const SUB = '11111111-aaaa-4bbb-8ccc-000000000001';
const RG = 'rg-datascience';
const specRoot = () => referencePath('azure-api/specs/specification');

const specFiles = {
  livy: 'synapse/data-plane/Microsoft.Synapse/preview/2019-11-01-preview/sparkJob.json',
  synapseWorkspace: 'synapse/resource-manager/Microsoft.Synapse/stable/2021-05-01/workspace.json',
  bigDataPool: 'synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/bigDataPool.json',
  aml2021: 'machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2021-04-01/machineLearningServices.json',
  aml2020:
    'machinelearningservices/resource-manager/Microsoft.MachineLearningServices/preview/2020-09-01-preview/machineLearningServices.json',
};

/** Swagger 2.0 -> JSON Schema as ajv reads it: nullable typed values and enums. */
function loosenForNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(loosenForNulls);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = loosenForNulls(value);
  // AutoRest reads a bare `type: object` (no properties) as "any value"; real responses rely on it.
  if (out.type === 'object' && !out.properties && !out.additionalProperties && !out.allOf) delete out.type;
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

function buildAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of [
    'int32',
    'int64',
    'float',
    'double',
    'byte',
    'binary',
    'password',
    'unixtime',
    'duration',
    'arm-id',
    'base64url',
    'decimal',
  ]) {
    ajv.addFormat(f, true);
  }
  for (const file of Object.values(specFiles)) referencePath(`azure-api/specs/specification/${file}`); // each named spec is there
  const files = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'examples') walk(full);
      else if (e.name.endsWith('.json')) files.add(full);
    }
  };
  walk(specRoot());
  for (const file of files) {
    const swagger = JSON.parse(fs.readFileSync(file, 'utf8'));
    ajv.addSchema(
      loosenForNulls({
        $id: pathToFileURL(file).href,
        definitions: swagger.definitions ?? {},
        parameters: swagger.parameters ?? {},
      }) as object,
    );
  }
  return ajv;
}

function validator(ajv: Ajv, spec: keyof typeof specFiles, definition: string): ValidateFunction {
  const id = `${pathToFileURL(path.join(specRoot(), specFiles[spec])).href}#/definitions/${definition}`;
  const validate = ajv.getSchema(id);
  assert.ok(validate, `no schema ${id}`);
  return validate;
}

function assertValid(validate: ValidateFunction, body: unknown, what: string): void {
  const ok = validate(body);
  assert.ok(
    ok,
    `${what} does not match the spec:\n${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}\n${JSON.stringify(body).slice(0, 600)}`,
  );
}

describe('emulator: responses validate against the Azure REST specs', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let ajv: Ajv;
  let arm: ReturnType<typeof armClient>;

  before(async () => {
    ajv = buildAjv();
    emu = await startTestEmulator({ livy: true, settings: { defaultColdStartMs: 100, pageSize: 50 } });
    arm = armClient(emu);
  });

  after(async () => {
    await emu?.stop();
  });

  it('Synapse workspaces and big data pools', async () => {
    const list = await arm(
      'GET',
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Synapse/workspaces?api-version=2021-05-01`,
    );
    assert.equal(list.status, 200);
    assertValid(validator(ajv, 'synapseWorkspace', 'WorkspaceInfoListResult'), list.body, 'workspace list');
    const ws = list.body.value[0];
    assertValid(validator(ajv, 'synapseWorkspace', 'Workspace'), ws, 'workspace');
    const pools = await arm('GET', `${ws.id}/bigDataPools?api-version=2021-06-01`);
    assertValid(validator(ajv, 'bigDataPool', 'BigDataPoolResourceInfoListResult'), pools.body, 'pool list');
    assert.ok(pools.body.value.length > 0);
  });

  it('Azure ML workspaces, SynapseSpark computes and linked services', async () => {
    const wss = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2021-04-01`);
    assert.equal(wss.status, 200);
    const aml = wss.body.value.find((w: { name: string }) => w.name === 'contoso-aml');
    assert.ok(aml, 'the seeded contoso-aml workspace is listed');
    assertValid(validator(ajv, 'aml2021', 'Workspace'), aml, 'AML workspace');
    const computes = await arm('GET', `${aml.id}/computes?api-version=2021-04-01`);
    assertValid(validator(ajv, 'aml2021', 'PaginatedComputeResourcesList'), computes.body, 'compute list');
    const synapse = computes.body.value.find((c: { properties: { computeType: string } }) => c.properties.computeType === 'SynapseSpark');
    assert.ok(synapse, 'an attached SynapseSpark compute is listed');
    assertValid(validator(ajv, 'aml2021', 'SynapseSpark'), synapse.properties, 'SynapseSpark compute properties');
    const links = await arm('GET', `${aml.id}/linkedServices?api-version=2020-09-01-preview`);
    assertValid(validator(ajv, 'aml2020', 'LinkedServiceList'), links.body, 'linked service list');
    assert.ok(links.body.value.length > 0);
  });

  it('Livy sessions, statements and batches', async () => {
    const token = (await emu.credential().getToken(SYNAPSE_SCOPE))!.token;
    const livy = async (method: string, sub: string, body?: unknown) => {
      const url = new URL(`${emu.url}/synapse/contoso-synapse/livyApi/versions/2019-11-01-preview/sparkPools/sparksmall/${sub}`);
      return new Promise<any>((resolve, reject) => {
        const req = https.request(
          url,
          { method, ca: emu.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () =>
              res.statusCode === 200
                ? resolve(text ? JSON.parse(text) : undefined)
                : reject(new Error(`${method} ${sub}: ${res.statusCode} ${text}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    };
    const session = await livy('POST', 'sessions?detailed=true', { name: 'spec', kind: 'pyspark' });
    assertValid(validator(ajv, 'livy', 'SparkSession'), session, 'created session');
    for (let i = 0; i < 200; i++) {
      if ((await livy('GET', `sessions/${session.id}`)).state === 'idle') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assertValid(validator(ajv, 'livy', 'SparkSession'), await livy('GET', `sessions/${session.id}?detailed=true`), 'detailed session');
    assertValid(validator(ajv, 'livy', 'SparkSessionCollection'), await livy('GET', 'sessions?detailed=true'), 'session list');
    const st = await livy('POST', `sessions/${session.id}/statements`, { code: '1 + 1', kind: 'pyspark' });
    assertValid(validator(ajv, 'livy', 'SparkStatement'), st, 'created statement');
    let done = st;
    for (let i = 0; i < 200 && done.state !== 'available'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      done = await livy('GET', `sessions/${session.id}/statements/${st.id}`);
    }
    assert.equal(done.state, 'available');
    assertValid(validator(ajv, 'livy', 'SparkStatement'), done, 'finished statement');
    assertValid(
      validator(ajv, 'livy', 'SparkStatementCollection'),
      await livy('GET', `sessions/${session.id}/statements`),
      'statement list',
    );
    const batch = await livy('POST', 'batches?detailed=true', { name: 'spec-batch', file: '/nonexistent/job.py' });
    assertValid(validator(ajv, 'livy', 'SparkBatchJob'), batch, 'created batch');
    assertValid(validator(ajv, 'livy', 'SparkBatchJobCollection'), await livy('GET', 'batches?detailed=true'), 'batch list');
    await livy('DELETE', `sessions/${session.id}`);
  });

  it('the validator rejects what the spec forbids (so a pass means something)', () => {
    const validate = validator(ajv, 'livy', 'SparkStatement');
    assert.equal(validate({ id: 'not-a-number', state: 'available' }), false);
    assert.equal(
      validator(ajv, 'aml2021', 'SynapseSpark')({ computeType: 'SynapseSpark', properties: { autoScaleProperties: { enabled: 'yes' } } }),
      false,
    );
  });
});
