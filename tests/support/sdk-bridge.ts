/**
 * Runs real AWS SDK v3 clients against the gateway's codecs without a socket: a request
 * handler captures the request the SDK serialised, turns it into a GatewayRequest, and answers
 * with whatever the codec produced. The SDK's own parsers then read the answer.
 */
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { Readable } from 'node:stream';
import { parseQueryString, type GatewayRequest, type WireResponse } from '../../electron/gateway/http';

export function toGatewayRequest(request: HttpRequest): GatewayRequest {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      pairs.push(v === null || v === undefined ? encode(key) : `${encode(key)}=${encode(v)}`);
    }
  }
  const rawQuery = pairs.join('&');
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [k, v] of Object.entries(request.headers)) {
    headers[k.toLowerCase()] = v;
    rawHeaders.push(k, v);
  }
  if (!headers.host) {
    headers.host = request.hostname;
    rawHeaders.push('host', request.hostname);
  }
  const raw = request.body as string | Uint8Array | undefined | null;
  const body =
    raw === undefined || raw === null
      ? Buffer.alloc(0)
      : typeof raw === 'string'
        ? Buffer.from(raw)
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    method: request.method,
    path: request.path,
    routePath: request.path,
    rawQuery,
    query: parseQueryString(rawQuery),
    headers,
    rawHeaders,
    body,
  };
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function toHttpResponse(response: WireResponse): HttpResponse {
  const body = response.body;
  const stream =
    body instanceof Readable
      ? body
      : Readable.from(body === undefined ? [] : [typeof body === 'string' ? Buffer.from(body) : body]);
  return new HttpResponse({ statusCode: response.status, headers: response.headers, body: stream });
}

/** A request handler for an SDK client: `serve` turns each request into a wire response. */
export function bridge(serve: (req: GatewayRequest) => WireResponse | Promise<WireResponse>) {
  return {
    handle: async (request: HttpRequest) => ({
      response: toHttpResponse(await serve(toGatewayRequest(request))),
    }),
  };
}

export const sdkCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
