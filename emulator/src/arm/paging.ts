/**
 * ARM list paging: `{"value": [...], "nextLink": "<absolute url>"}`. The next link repeats the request's
 * query (api-version, filters) with an opaque `$skipToken`, so SDK pagers can follow it unchanged.
 */
import type { EmuRequest } from '../http';
import { badRequest } from './errors';

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export function paginate<T>(req: EmuRequest, items: T[], pageSize: number): Page<T> {
  const size = Math.max(1, pageSize);
  const offset = decodeSkipToken(req.query.get('$skipToken') ?? req.query.get('$skiptoken'));
  const value = items.slice(offset, offset + size);
  const page: Page<T> = { value };
  if (offset + size < items.length) {
    const q = new URLSearchParams(req.query);
    q.delete('$skiptoken');
    q.delete('$skipToken');
    // `$skipToken` stays literal (not %24skipToken), as in ARM's own next links.
    const rest = q.toString();
    page.nextLink = `${req.baseUrl ?? ''}${encodePath(req.path)}?${rest ? `${rest}&` : ''}$skipToken=${encodeSkipToken(offset + size)}`;
  }
  return page;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through to the error below
  }
  badRequest('InvalidSkipToken', `The provided skip token '${token}' is not valid.`);
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
