/**
 * The one error type for a failed call to an Azure service (ARM, Azure ML, run history, Livy): the user-facing
 * message (what failed, the service's code and message, the next step) and what callers branch on: the
 * HTTP status, the service's error code, and the wait it asked for when that was too long to honour.
 */
import type { PipelineResponse } from '@azure/core-rest-pipeline';

export interface AzureRequestErrorOptions {
  cause?: unknown;
  /** The service's error code (`{error: {code}}` or `{code}`), when it gave one. */
  code?: string;
  /** The service's own message, without our wording around it. */
  serviceMessage?: string;
  /** Set when the service asked to wait longer (Retry-After) than this extension waits. */
  retryAfterMs?: number;
}

export class AzureRequestError extends Error {
  readonly code?: string;
  readonly serviceMessage?: string;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options: AzureRequestErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AzureRequestError';
    this.code = options.code;
    this.serviceMessage = options.serviceMessage;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof AzureRequestError && err.statusCode === 404;
}

/** The `{error: {code, message}}` of an ARM-style error answer; HTTP<status> and the body text when it has none. */
export function serviceErrorOf(res: PipelineResponse): { code: string; message: string } {
  let code = `HTTP${res.status}`;
  let message = res.bodyAsText ?? '';
  try {
    const err = JSON.parse(res.bodyAsText ?? '{}').error;
    code = err?.code ?? code;
    message = err?.message ?? message;
  } catch {
    // not JSON: the body text is the message
  }
  return { code, message };
}
