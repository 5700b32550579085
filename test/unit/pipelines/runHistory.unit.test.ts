/**
 * The run history client over real HTTP to a small local server shaped like the service: discovery fetched
 * once per workspace, children paged by continuation token or by next link, log files followed by offset with
 * Range requests (404 as empty, 416 as nothing new, whole UTF-8 characters only).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPipelineFromOptions } from '@azure/core-rest-pipeline';
import { ensureTlsMaterial } from '../../../emulator/src/tls';
import { createTrustingHttpClient } from '../../../src/core/util/httpClient';
import { HttpStack } from '../../../src/core/http/httpStack';
import { silentLogger } from '../../../src/core/util/logger';
import { clearDiscoveryCache, completeUtf8Length, logFilesToFollow, RunHistoryClient } from '../../../src/core/jobs/runHistory';
import { AzureRequestError } from '../../../src/core/http/errors';
import { JobMonitor, snapshotOf } from '../../../src/core/jobs/jobMonitor';
import type { AmlWorkspaceClient } from '../../../src/core/jobs/amlWorkspaceClient';

const WSID = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1';

interface Served {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

describe('run history client (real HTTP)', () => {
  let server: https.Server;
  let base = '';
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rh-tls-'));
  const tls = ensureTlsMaterial(tlsDir);
  const requests: Served[] = [];
  let paging: 'token' | 'next' | 'both' = 'token';
  const logs = new Map<string, Buffer>();
  const children = Array.from({ length: 120 }, (_, i) => ({
    runId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: `step_${i}`,
    status: 'Completed',
  }));

  before(async () => {
    server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/discovery')
        return json(200, { api: `${base}/`, history: 'http://unused.invalid', studio: 'https://ml.example' });
      const runs = `/history/v1.0${WSID}/runs/`;
      if (url.pathname === `${runs}p1/children`) {
        const start = Number(url.searchParams.get('$continuationtoken') ?? 0);
        const end = Math.min(children.length, start + 50);
        const more = end < children.length;
        const next = new URL(url.toString().replace('http://x', base));
        next.searchParams.set('$continuationtoken', String(end));
        return json(200, {
          value: children.slice(start, end),
          ...(more && paging !== 'next' ? { continuationToken: String(end) } : {}),
          ...(more && paging !== 'token' ? { nextLink: next.toString() } : {}),
        });
      }
      if (url.pathname === `${runs}missing`) return json(404, { error: { code: 'UserError', message: 'Run missing was not found' } });
      if (url.pathname === `${runs}r1/details`) {
        return json(200, {
          runId: 'r1',
          status: 'Running',
          logFiles: {
            'user_logs/std_log.txt': `${base}/blob/r1/std_log.txt?sv=x&sig=y&sp=r`,
            'system_logs/x.log': `${base}/blob/r1/x.log`,
          },
        });
      }
      if (url.pathname.startsWith('/blob/')) {
        const body = logs.get(url.pathname);
        if (!body) return json(404, { error: 'BlobNotFound' });
        const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
        if (!range) {
          res.writeHead(200, { 'content-length': body.length });
          return res.end(body);
        }
        const from = Number(range[1]);
        if (from >= body.length) {
          res.writeHead(416);
          return res.end();
        }
        res.writeHead(206, { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
        return res.end(body.subarray(from));
      }
      json(404, { error: { code: 'NotFound', message: url.pathname } });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(tlsDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests.length = 0;
    clearDiscoveryCache();
  });

  let discoveryAsks = 0;
  function client(): RunHistoryClient {
    const httpClient = createTrustingHttpClient([tls.caPem]);
    const pipeline = createPipelineFromOptions({});
    const plain = new HttpStack({ httpClient, log: silentLogger }).plainPipeline({ label: 'RunHistory' });
    return new RunHistoryClient(
      {
        sendAuthenticated: (r) => {
          r.headers.set('authorization', 'Bearer arm-token');
          return pipeline.sendRequest(httpClient, r);
        },
        sendPlain: (r) => plain.sendRequest(httpClient, r),
      },
      {
        id: WSID,
        discoveryUrl: async () => {
          discoveryAsks++;
          return `${base}/discovery`;
        },
      },
    );
  }

  it('finds the api host through discovery once per workspace, without a token, and sends the ARM token to run history', async () => {
    discoveryAsks = 0;
    const a = client();
    const b = client();
    paging = 'token';
    await a.listChildren('p1');
    await b.listChildren('p1');
    assert.equal(requests.filter((r) => r.path === '/discovery').length, 1);
    assert.equal(discoveryAsks, 1);
    assert.equal(requests.find((r) => r.path === '/discovery')!.headers.authorization, undefined);
    const history = requests.filter((r) => r.path.startsWith('/history/'));
    assert.ok(history.every((r) => r.headers.authorization === 'Bearer arm-token' && r.query.get('api-version') === 'v1.0'));
  });

  it('follows continuation tokens to the last child', async () => {
    paging = 'token';
    const all = await client().listChildren('p1');
    assert.deepEqual(
      all.map((c) => c.displayName),
      children.map((c) => c.displayName),
    );
    const pages = requests.filter((r) => r.path.endsWith('/children'));
    assert.deepEqual(
      pages.map((r) => r.query.get('$continuationtoken')),
      [null, '50', '100'],
    );
  });

  it('follows next links to the last child, and stops at max', async () => {
    paging = 'next';
    assert.equal((await client().listChildren('p1')).length, 120);
    paging = 'both';
    const capped = await client().listChildren('p1', 60);
    assert.equal(capped.length, 60);
    assert.equal(new Set(capped.map((c) => c.runId)).size, 60);
  });

  it('reports run history errors with their code and status', async () => {
    await assert.rejects(
      client().getRun('missing'),
      (err: unknown) => err instanceof AzureRequestError && err.statusCode === 404 && /UserError/.test(err.message),
    );
  });

  it('reads a growing log from the last offset with Range requests, as whole characters', async () => {
    const key = '/blob/r1/std_log.txt';
    logs.delete(key);
    const rh = client();
    const monitor = new JobMonitor({ runHistory: rh } as unknown as AmlWorkspaceClient, 'r1');
    const snapshot = { name: 'r1', status: 'Running', terminal: false, steps: [], outputs: {} };
    assert.deepEqual(await monitor.readLogs(snapshot), [], 'a log that does not exist yet reads as empty');
    const text = 'first line\nzweite Zeile: grüße ✓\n';
    const bytes = Buffer.from(text, 'utf8');
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // in the middle of a 3-byte character
    logs.set(key, bytes.subarray(0, cut));
    const one = await monitor.readLogs(snapshot);
    assert.equal(one.map((c) => c.text).join(''), text.slice(0, text.indexOf('✓')));
    assert.deepEqual(await monitor.readLogs(snapshot), [], 'nothing new: no text');
    logs.set(key, bytes);
    const two = await monitor.readLogs(snapshot);
    assert.equal(two.map((c) => c.text).join(''), '✓\n');
    const ranges = requests.filter((r) => r.path === key).map((r) => r.headers.range ?? 'none');
    assert.deepEqual(ranges, ['none', 'none', `bytes=${cut - 1}-`, `bytes=${cut - 1}-`]);
    assert.ok(
      requests.filter((r) => r.path.startsWith('/blob/')).every((r) => r.headers.authorization === undefined),
      'SAS reads carry no token',
    );
    assert.ok(!requests.some((r) => r.path === '/blob/r1/x.log'), 'system logs are not followed when user logs exist');
  });

  it('chooses log files as the CLI does', () => {
    assert.deepEqual(logFilesToFollow({ 'user_logs/std_log.txt': 'a', 'system_logs/lifecycler/lifecycler.log': 'b' }), [
      'user_logs/std_log.txt',
    ]);
    assert.deepEqual(logFilesToFollow({ 'user_logs/std_log_process_0.txt': 'a', 'user_logs/std_log_process_1.txt': 'b' }), [
      'user_logs/std_log_process_0.txt',
    ]);
    assert.deepEqual(logFilesToFollow({ 'logs/azureml/executionlogs.txt': 'a', 'logs/azureml/stderrlogs.txt': 'b' }), [
      'logs/azureml/executionlogs.txt',
    ]);
    assert.deepEqual(logFilesToFollow({ 'azureml-logs/70_driver_log.txt': 'a' }), ['azureml-logs/70_driver_log.txt']);
    assert.deepEqual(logFilesToFollow(null), []);
    assert.equal(completeUtf8Length(Buffer.from('a✓')), 4);
    assert.equal(completeUtf8Length(Buffer.from('a✓').subarray(0, 3)), 1);
  });

  it('matches steps to nodes by display name and reports their outputs where Azure ML puts them', () => {
    const job = {
      id: `${WSID}/jobs/p1`,
      name: 'p1',
      properties: {
        jobType: 'Pipeline',
        status: 'Running',
        jobs: {
          prep: { outputs: { out: { jobOutputType: 'uri_folder' } } },
          train: { outputs: { model: { uri: 'abfss://c@a.dfs.core.windows.net/m' } } },
        },
        outputs: { final: { uri: 'azureml://datastores/workspaceblobstore/paths/azureml/x/final/' } },
      },
    };
    const snap = snapshotOf(job, [
      { runId: 'g-2', displayName: 'train', status: 'Completed' },
      { runId: 'g-1', displayName: 'prep', status: 'Failed', error: { error: { code: 'UserError', message: 'boom' } } },
    ]);
    assert.deepEqual(snap.steps, [
      { step: 'train', runId: 'g-2', status: 'Completed' },
      { step: 'prep', runId: 'g-1', status: 'Failed', error: 'boom' },
    ]);
    assert.deepEqual(snap.outputs, {
      final: 'azureml://datastores/workspaceblobstore/paths/azureml/x/final/',
      'train.model': 'abfss://c@a.dfs.core.windows.net/m',
    });
    const done = snapshotOf(job, [{ runId: 'g-1', displayName: 'prep', status: 'Completed' }]);
    assert.equal(done.outputs['prep.out'], 'azureml://datastores/workspaceblobstore/paths/azureml/g-1/out/');
  });
});
