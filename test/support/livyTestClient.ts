/**
 * Clients for Livy tests: the official @azure/synapse-spark SparkClient pointed at the plain-HTTP harness,
 * and a tiny fetch wrapper for what the SDK hides (status, headers, raw bodies).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { PipelineRequest, SendRequest } from '@azure/core-rest-pipeline';
import { SparkClient } from '@azure/synapse-spark';
import type { LivyHarness } from './livyHarness';
import { POOL } from './livyHarness';

const staticCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/**
 * The SDK's bearer policy refuses plain http; the harness is plain http, so the test swaps that policy for
 * one that sets the same header. With the emulator's HTTPS server the SDK can be used unchanged.
 */
export function sdkClient(harness: LivyHarness): SparkClient {
  const client = new SparkClient(staticCredential, harness.endpoint, POOL);
  client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  client.pipeline.addPolicy({
    name: 'testBearer',
    sendRequest: (request: PipelineRequest, next: SendRequest) => {
      request.headers.set('Authorization', 'Bearer test-token');
      request.allowInsecureConnection = true;
      return next(request);
    },
  });
  return client;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any; // test code inspects arbitrary JSON
}

/** method + path under the pool's Livy URL, e.g. livy(h, 'POST', 'sessions?detailed=true', {...}). */
export async function livy(harness: LivyHarness, method: string, subPath: string, body?: unknown): Promise<RawResponse> {
  const response = await fetch(`${harness.livyUrl}/${subPath}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

/** Polls `read` every few ms until `done` holds; returns the last value or throws with it on timeout. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sessionBody = (name = 'test-session') => ({
  name,
  driverMemory: '28g',
  driverCores: 4,
  executorMemory: '28g',
  executorCores: 4,
  numExecutors: 2,
});

/** Creates a session and waits until it is idle; returns its id. */
export async function idleSession(harness: LivyHarness, extra: Record<string, unknown> = {}): Promise<number> {
  const created = await livy(harness, 'POST', 'sessions', { ...sessionBody(), ...extra });
  const id = created.body.id as number;
  await waitFor(
    () => livy(harness, 'GET', `sessions/${id}`),
    (r) => r.body.state === 'idle' || r.body.state === 'dead',
  );
  return id;
}

/** Runs one statement to completion and returns its final body. */
export async function runStatement(harness: LivyHarness, sessionId: number, code: string, kind = 'pyspark') {
  const created = await livy(harness, 'POST', `sessions/${sessionId}/statements`, { code, kind });
  return (
    await waitFor(
      () => livy(harness, 'GET', `sessions/${sessionId}/statements/${created.body.id}`),
      (r) => ['available', 'error', 'cancelled'].includes(r.body.state),
    )
  ).body;
}
