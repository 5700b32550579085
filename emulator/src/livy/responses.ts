import { randomUUID } from 'node:crypto';
import type { EmuRequest, EmuResponse } from '../http';

/**
 * Response helpers. No Livy error exchange is recorded, so errors use the Synapse data-plane shape
 * `{code, message}`; the SDK turns any of them into a RestError with the status.
 */
export function json(body: unknown, headers: Record<string, string> = {}): EmuResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-ms-activity-id': randomUUID(), ...headers },
    body,
  };
}

/** Delete and reset-timeout answer 200 with an empty body. */
export function empty(): EmuResponse {
  return { status: 200, headers: { 'x-ms-activity-id': randomUUID() } };
}

export function failure(status: number, code: string, message: string): EmuResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-ms-activity-id': randomUUID() },
    body: { code, message },
  };
}

export class LivyRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): LivyRequestError {
  return new LivyRequestError(400, 'BadRequest', message);
}

export function notFound(code: string, message: string): LivyRequestError {
  return new LivyRequestError(404, code, message);
}

/** The JSON object body, parsing rawBody when the server did not (e.g. a missing content type). */
export function jsonBody(req: EmuRequest): Record<string, unknown> {
  let body = req.body;
  if (body === undefined && req.rawBody && req.rawBody.length > 0) {
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
  }
  if (body === undefined || body === null) {
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function isDetailed(req: EmuRequest): boolean {
  return (req.query.get('detailed') ?? '').toLowerCase() === 'true';
}

/** Livy paging over an already ordered list: `from` and `size` (Livy's default size is 100). */
export function page<T>(items: T[], req: EmuRequest, defaultSize = 100): { from: number; items: T[] } {
  const from = nonNegativeInt(req.query.get('from'), 0, 'from');
  const size = nonNegativeInt(req.query.get('size'), defaultSize, 'size');
  return { from, items: items.slice(from, from + size) };
}

function nonNegativeInt(raw: string | null, fallback: number, name: string): number {
  if (raw === null || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw badRequest(`Query parameter '${name}' must be a non-negative integer.`);
  }
  return value;
}
