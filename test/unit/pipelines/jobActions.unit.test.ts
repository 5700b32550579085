/** Rerun bodies keep what the user submitted and drop what the service set; output URIs parse as datastore paths. */
import * as assert from 'node:assert/strict';
import { parseDatastoreUri, rerunBody } from '../../../src/core/jobs/jobActions';

describe('job actions', () => {
  it('a rerun resubmits the definition, inputs and user properties, not the service-set fields', () => {
    const body = rerunBody({
      id: '/x/jobs/p1',
      name: 'p1',
      properties: {
        jobType: 'Pipeline',
        displayName: 'prep',
        experimentName: 'exp',
        status: 'Failed',
        services: { Studio: { endpoint: 'https://ml.example/runs/p1' } },
        properties: { 'azureml.DevPlatv2': 'true', runSource: 'MFE', owner: 'data-team' },
        inputs: { raw: { jobInputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/data' } },
        outputs: {
          model: { jobOutputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/azureml/0f6e/model/' },
          kept: { jobOutputType: 'uri_folder', uri: 'abfss://out@lake.dfs.core.windows.net/features' },
        },
        jobs: { a: { type: 'command', command: 'echo a' } },
        settings: { default_compute: null },
      },
    });
    const p = body.properties as Record<string, any>;
    assert.equal(p.status, undefined);
    assert.equal(p.services, undefined);
    assert.deepEqual(p.properties, { owner: 'data-team' });
    assert.equal(p.inputs.raw.uri, 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/data');
    assert.equal(p.outputs.model.uri, undefined, 'a default output path belongs to the old run');
    assert.equal(p.outputs.kept.uri, 'abfss://out@lake.dfs.core.windows.net/features');
    assert.deepEqual(p.jobs, { a: { type: 'command', command: 'echo a' } });
    assert.equal(p.displayName, 'prep');
  });

  it('parses azureml datastore URIs and nothing else', () => {
    assert.deepEqual(parseDatastoreUri('azureml://datastores/workspaceblobstore/paths/azureml/r1/out/'), {
      datastore: 'workspaceblobstore',
      path: 'azureml/r1/out/',
    });
    assert.equal(parseDatastoreUri('abfss://c@a.dfs.core.windows.net/x'), undefined);
    assert.equal(parseDatastoreUri('azureml:my_data:1'), undefined);
  });
});
