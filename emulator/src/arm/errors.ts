/**
 * ARM error bodies: `{"error": {"code", "message", ...}}` as the RPC contract and the recordings show.
 * `x-ms-failure-cause: gateway` marks errors ARM itself (not the resource provider) produced, as in the
 * recorded ResourceNotFound / ParentResourceNotFound answers.
 */
import type { EmuResponse } from '../http';

export interface ArmErrorBody {
  error: { code: string; message: string; target?: string; details?: ArmErrorBody['error'][] };
}

export function armError(
  status: number,
  code: string,
  message: string,
  opts: { target?: string; gateway?: boolean; headers?: Record<string, string> } = {},
): EmuResponse {
  const body: ArmErrorBody = { error: { code, message } };
  if (opts.target) body.error.target = opts.target;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.gateway) headers['x-ms-failure-cause'] = 'gateway';
  return { status, headers, body };
}

/** Thrown by handlers to answer an ARM error without threading responses through every helper. */
export class ArmHttpError extends Error {
  constructor(readonly response: EmuResponse) {
    super(`ARM error ${response.status}`);
  }
}

export function fail(status: number, code: string, message: string, opts?: Parameters<typeof armError>[3]): never {
  throw new ArmHttpError(armError(status, code, message, opts));
}

/** The recorded gateway answer for a missing resource. */
export function resourceNotFound(typePath: string, resourceGroup: string): never {
  fail(
    404,
    'ResourceNotFound',
    `The Resource '${typePath}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    { gateway: true },
  );
}

/** The recorded gateway answer for a nested resource whose parent does not exist. */
export function parentNotFound(parentName: string): never {
  fail(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`,
    { gateway: true },
  );
}

export function badRequest(code: string, message: string, target?: string): never {
  fail(400, code, message, { target });
}
