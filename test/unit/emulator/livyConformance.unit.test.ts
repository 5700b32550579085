/**
 * Replays every recorded real Livy exchange against the emulator, in order, and compares what a client can
 * rely on: status, the presence of x-ms-job-* headers, body keys, value types and enum values (ids,
 * timestamps, names and log text aside). Before each recorded GET the replay waits until the emulator's
 * job or statement reaches the recorded state, so each answer is compared in the same situation.
 */
import * as assert from 'node:assert/strict';
import { startLivyHarness, type LivyHarness } from '../../support/livyHarness';
import { livy, sessionBody, waitFor, type RawResponse } from '../../support/livyTestClient';
import { LIVY_RECORDINGS, loadRecording, type RecordedExchange } from '../../support/livyRecordings';

const ENUMS: Record<string, string[]> = {
  state: [
    'not_started',
    'starting',
    'idle',
    'busy',
    'running',
    'recovering',
    'shutting_down',
    'dead',
    'killed',
    'error',
    'success',
    'waiting',
    'available',
    'cancelling',
    'cancelled',
  ],
  currentState: [
    'not_started',
    'starting',
    'idle',
    'busy',
    'running',
    'recovering',
    'dead',
    'killed',
    'error',
    'success',
    'Queued',
    'Scheduled',
    'Ended',
    'Preparation',
    'ResourceAcquisition',
    'Submission',
    'Monitoring',
    'Cleanup',
  ],
  result: ['Uncertain', 'Succeeded', 'Failed', 'Cancelled'],
  jobType: ['SparkSession', 'SparkBatch'],
  msg: ['canceled'],
  sourceId: ['default'],
  artifactId: ['Livy'],
};
/** Values that legitimately go from null to set as a job moves on (moments, app details, log, output). */
const MAY_BE_NULL =
  /At$|^appId$|^appInfo$|^log$|^registeredSources$|^output$|^driverLogUrl$|^sparkUiUrl$|^isSessionTimedOut$|^isStreamingQueryExists$/;

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Every recorded key must be there with the same type (null allowed where MAY_BE_NULL) and a known enum value. */
function compareShape(recorded: unknown, actual: unknown, where: string, problems: string[]): void {
  const key = where
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  const [rt, at] = [typeOf(recorded), typeOf(actual)];
  if (rt !== at) {
    if (!((rt === 'null' || at === 'null') && MAY_BE_NULL.test(key))) {
      problems.push(`${where}: recorded ${rt}, emulator ${at}`);
    }
    return;
  }
  if (typeof actual === 'string' && ENUMS[key] && !ENUMS[key].includes(actual)) {
    problems.push(`${where}: '${actual}' is not a recorded ${key} value`);
  }
  if (rt === 'array') {
    const [rec, act] = [recorded as unknown[], actual as unknown[]];
    if (key !== 'log' && rec.length > 0) {
      act.forEach((item, i) => compareShape(rec[Math.min(i, rec.length - 1)], item, `${where}[${i}]`, problems));
    }
  } else if (rt === 'object' && key !== 'tags' && key !== 'conf') {
    const [rec, act] = [recorded as Record<string, unknown>, actual as Record<string, unknown>];
    for (const k of Object.keys(rec)) {
      if (!(k in act)) {
        problems.push(`${where}.${k}: missing`);
      } else {
        compareShape(rec[k], act[k], `${where}.${k}`, problems);
      }
    }
  }
}

function jobHeaderNames(headers: Iterable<[string, string]>): string[] {
  // x-ms-job-cluster only appears once a cluster is assigned, so it is left out of the comparison.
  return [...headers]
    .map(([k]) => k.toLowerCase())
    .filter((k) => k.startsWith('x-ms-job-') && k !== 'x-ms-job-cluster')
    .sort();
}

/** Replays one recording: maps recorded ids to the emulator's and waits for recorded states before GETs. */
async function replay(h: LivyHarness, exchanges: RecordedExchange[]): Promise<string[]> {
  const ids = new Map<string, number>();
  const problems: string[] = [];
  for (const [index, ex] of exchanges.entries()) {
    const subPath = ex.subPath.replace(
      /(sessions|batches|statements)\/(\d+)/g,
      (_m, kind: string, id: string) => `${kind}/${ids.get(`${kind}/${id}`) ?? id}`,
    );
    const recordedState = (ex.body as { state?: string } | undefined)?.state;
    let actual: RawResponse;
    if (ex.method === 'GET' && recordedState && /\/\d+$/.test(subPath)) {
      actual = await waitFor(
        () => livy(h, 'GET', subPath + ex.query),
        (r) => r.body?.state === recordedState,
      );
    } else {
      actual = await livy(h, ex.method, subPath + ex.query, ex.method === 'POST' ? requestBodyFor(ex) : undefined);
    }
    const label = `#${index} ${ex.method} ${ex.subPath}`;
    if (actual.status !== ex.status) {
      problems.push(`${label}: status ${actual.status}, recorded ${ex.status}`);
    }
    assert.deepEqual(jobHeaderNames(actual.headers.entries()), jobHeaderNames(Object.entries(ex.headers)), `${label}: x-ms-job-* headers`);
    if (ex.body === undefined) {
      if (actual.text !== '') problems.push(`${label}: recorded an empty body, emulator sent ${actual.text}`);
      continue;
    }
    compareShape(ex.body, actual.body, label, problems);
    const recordedId = (ex.body as { id?: number }).id;
    if (ex.method === 'POST' && typeof recordedId === 'number') {
      const kind = /statements$/.test(ex.subPath) ? 'statements' : ex.subPath.startsWith('batches') ? 'batches' : 'sessions';
      ids.set(`${kind}/${recordedId}`, actual.body.id);
    }
  }
  return problems;
}

/** Java records keep no request bodies: rebuild them from what the response echoes. */
function requestBodyFor(ex: RecordedExchange): unknown {
  if (ex.requestBody !== undefined || ex.subPath.endsWith('/cancel')) {
    return ex.requestBody;
  }
  const body = ex.body as { code?: string; livyInfo?: { jobCreationRequest?: unknown } };
  if (body.code !== undefined) {
    return { code: body.code, kind: 'pyspark' };
  }
  return body.livyInfo?.jobCreationRequest ?? sessionBody();
}

describe('Livy emulator: conformance with recorded Synapse traffic', function () {
  this.timeout(30_000);
  let h: LivyHarness;

  beforeEach(async () => {
    // Stages long enough for the recorded early states (not_started, waiting) to be observable.
    h = await startLivyHarness({
      coldStart: { queued: 300, preparation: 100, resourceAcquisition: 100, submission: 100, starting: 100 },
    });
  });
  afterEach(async () => {
    await h?.close();
  });

  it('the comparison itself catches a missing key, a wrong type and an unknown enum value', () => {
    const problems: string[] = [];
    compareShape(
      { id: 1, state: 'idle', livyInfo: { idleAt: null }, name: 'x' },
      { id: '1', state: 'sleeping', livyInfo: { idleAt: '2025-01-01T00:00:00.0000000+00:00' } },
      'body',
      problems,
    );
    assert.deepEqual(problems, [
      'body.id: recorded number, emulator string',
      "body.state: 'sleeping' is not a recorded state value",
      'body.name: missing',
    ]);
  });

  for (const [name, file] of Object.entries(LIVY_RECORDINGS)) {
    it(`replays ${name}`, async () => {
      const problems = await replay(h, loadRecording(file));
      assert.deepEqual(problems, []);
    });
  }
});
