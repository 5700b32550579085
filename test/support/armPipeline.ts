/** Sends raw ARM requests through core-rest-pipeline with bearer auth, retries and the emulator CA. */
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { ARM_SCOPE, startTestEmulator, type TestEmulator } from './emulator';

export interface ArmResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

export function armClient(emu: TestEmulator, opts: { auth?: boolean; maxRetries?: number } = {}) {
  const pipeline = createPipelineFromOptions({
    retryOptions: { maxRetries: opts.maxRetries ?? 0, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
  if (opts.auth !== false) pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: emu.credential(), scopes: ARM_SCOPE }));
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ArmResponse> => {
    const url = path.startsWith('https://') ? path : `${emu.url}${path}`;
    const request = createPipelineRequest({
      url,
      method: method as 'GET',
      headers: createHttpHeaders({ ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const res: PipelineResponse = await pipeline.sendRequest(emu.httpClient, request);
    const text = res.bodyAsText ?? '';
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers.toJSON(), body: parsed, text };
  };
}

/** An emulator started before the enclosing `describe`'s tests and stopped after them, with raw ARM access to it. */
export function armEmulatorFixture(): { emu: () => TestEmulator; arm: ReturnType<typeof armClient> } {
  let emu: TestEmulator | undefined;
  let client: ReturnType<typeof armClient> | undefined;
  before(async () => {
    emu = await startTestEmulator();
    client = armClient(emu);
  });
  after(async () => emu?.stop());
  return { emu: () => emu!, arm: (...args) => client!(...args) };
}
