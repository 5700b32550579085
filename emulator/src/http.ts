/**
 * The emulator's internal request/response contract. The HTTPS server parses each request into an
 * EmuRequest and hands it to the surface (ARM, Livy, identity, admin) whose route matches; a surface
 * answers with an EmuResponse. Surfaces never touch Node's http objects, so they stay testable alone.
 */
export interface EmuRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body when the content type is JSON, else undefined. */
  body: unknown;
  rawBody: Buffer;
  /** Audience ('aud') of the bearer token that was verified for this request, if any. */
  tokenAudience?: string;
  /**
   * Scheme + host (+ port) the client used, e.g. `https://127.0.0.1:10443`. Absolute URLs the emulator hands
   * out (nextLink, Location, Azure-AsyncOperation) are built from it so they keep the client's host spelling.
   * Optional so surfaces stay testable with hand-built requests.
   */
  baseUrl?: string;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a Buffer or a string; undefined means an empty body. */
  body?: unknown;
}

export type Handler = (req: EmuRequest, params: Record<string, string>) => EmuResponse | Promise<EmuResponse>;
