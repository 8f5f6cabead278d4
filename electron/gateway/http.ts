/**
 * The gateway's view of an HTTP exchange, independent of node:http so codecs and tests can
 * build requests directly.
 */
import type { Readable } from 'node:stream';

export interface GatewayRequest {
  method: string;
  /** The path exactly as sent (percent-encoded), without the query string. */
  path: string;
  /** The path the router sees: for S3 virtual-host requests, `/bucket` + path. */
  routePath: string;
  /** The raw query string, without "?". */
  rawQuery: string;
  /** Decoded query parameters in order (a key may repeat). */
  query: Array<[string, string]>;
  /** Lower-case header names; repeated headers joined with ",". */
  headers: Record<string, string>;
  /** Alternating names and values as received (for SigV4 canonical headers). */
  rawHeaders: string[];
  body: Buffer;
  /**
   * For operations whose input payload streams (S3 PutObject): the decoded body, not read yet —
   * or, for a small plain upload, its bytes read whole (see body-stream.ts wholeRequestBody).
   * `body` is then empty.
   */
  bodyStream?: Readable | Buffer;
  /** Set for S3 virtual-host style requests. */
  bucketFromHost?: string;
  /** The client's address (policy conditions on aws:SourceIp). */
  remoteAddress?: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string | Readable;
}

export function queryValues(req: GatewayRequest, name: string): string[] {
  return req.query.filter(([k]) => k === name).map(([, v]) => v);
}

/** Decode a query string (or form body) into ordered pairs; "+" is a space, as in forms. */
export function parseQueryString(raw: string): Array<[string, string]> {
  if (!raw) return [];
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([decodeComponent(k), decodeComponent(v)]);
  }
  return pairs;
}

function decodeComponent(s: string): string {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus; // malformed escapes are kept as sent; validation reports them where it matters
  }
}
