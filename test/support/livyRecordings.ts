/**
 * Loads the recorded real Livy exchanges in test/fixtures/reference/azure-api/recordings (Azure CLI YAML, Java
 * session-records, JS/.NET test-proxy JSON) into one shape for replay against the emulator.
 */
import * as fs from 'node:fs';
import { referencePath } from './reference';
import { parse as parseYaml } from 'yaml';

export interface RecordedExchange {
  method: string;
  /** What follows /sparkPools/{pool}/, e.g. "sessions/4/statements" (empty segments dropped). */
  subPath: string;
  query: string;
  requestBody: unknown;
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: unknown;
}

const SYNAPSE_TESTS = 'azure-cli/src/azure-cli/azure/cli/command_modules/synapse/tests/latest/recordings';
const JAVA_RECORDS = 'azure-sdk-for-java/sdk/synapse/azure-analytics-synapse-spark/src/test/resources/session-records';
const JS_RECORDS = 'azure-sdk-for-js/sdk/synapse/synapse-spark/recordings/node/synapse_managed_private_endpoints';
const NET_RECORDS = 'azure-sdk-for-net/sdk/synapse/Azure.Analytics.Synapse.Spark/tests/SessionRecords';

/** The recordings of Livy traffic the replay uses, by a short name. */
export const LIVY_RECORDINGS: Record<string, string> = {
  'cli-session-and-statements': `${SYNAPSE_TESTS}/test_spark_session_and_statements.yaml`,
  'java-crud-session': `${JAVA_RECORDS}/SparkSessionClientTest.crudSparkSession.json`,
  'java-crud-statement': `${JAVA_RECORDS}/SparkSessionAsyncClientTest.crudSparkStatement.json`,
  'java-crud-batch': `${JAVA_RECORDS}/SparkBatchAsyncClientTest.crudSparkBatchJob.json`,
  'js-create-session': `${JS_RECORDS}/recording_should_create_session.json`,
  'js-list-sessions': `${JS_RECORDS}/recording_should_list_sessions.json`,
  'net-list-sessions': `${NET_RECORDS}/SparkSessionClientLiveTests/TestGetSparkSession.json`,
  'net-batch-starts': `${NET_RECORDS}/SparkBatchClientLiveTests/TestSparkBatchJobCompletesWhenJobStarts.EXCERPT_first3entries.json`,
};

export function loadRecording(relative: string): RecordedExchange[] {
  const text = fs.readFileSync(referencePath(`azure-api/recordings/${relative}`), 'utf8');
  if (relative.endsWith('.yaml')) {
    return fromCliYaml(parseYaml(text));
  }
  const json = JSON.parse(text);
  return json.networkCallRecords ? fromJava(json.networkCallRecords) : fromTestProxy(json.Entries);
}

function split(uri: string): { subPath: string; query: string } | undefined {
  const url = new URL(uri);
  const match = /\/sparkPools\/[^/]+\/(.*)$/.exec(url.pathname);
  if (!match) {
    return undefined; // e.g. token requests
  }
  return { subPath: match[1].split('/').filter(Boolean).join('/'), query: url.search };
}

function lowerHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? String(v[0]) : String(v)]));
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string') {
    return raw ?? undefined;
  }
  return raw === '' ? undefined : JSON.parse(raw);
}

function fromCliYaml(doc: any): RecordedExchange[] {
  return doc.interactions.flatMap((i: any) => {
    const where = split(i.request.uri);
    return where
      ? [
          {
            method: i.request.method,
            ...where,
            requestBody: parseBody(i.request.body),
            status: i.response.status.code,
            headers: lowerHeaders(i.response.headers),
            body: parseBody(i.response.body.string),
          },
        ]
      : [];
  });
}

function fromJava(records: any[]): RecordedExchange[] {
  return records.flatMap((r) => {
    const where = split(r.Uri);
    const { Body, StatusCode, ...headers } = r.Response;
    return where
      ? [
          {
            method: r.Method,
            ...where,
            requestBody: undefined,
            status: Number(StatusCode),
            headers: lowerHeaders(headers),
            body: parseBody(Body),
          },
        ]
      : [];
  });
}

function fromTestProxy(entries: any[]): RecordedExchange[] {
  return entries.flatMap((e) => {
    const where = split(e.RequestUri);
    return where
      ? [
          {
            method: e.RequestMethod,
            ...where,
            requestBody: parseBody(e.RequestBody),
            status: e.StatusCode,
            headers: lowerHeaders(e.ResponseHeaders),
            body: parseBody(e.ResponseBody),
          },
        ]
      : [];
  });
}
