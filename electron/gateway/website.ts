/**
 * The gateway's adapter for S3 website endpoints: a request whose Host is
 * `BUCKET.s3-website-REGION.amazonaws.com`, `BUCKET.s3-website.REGION.amazonaws.com` or the local
 * forms `BUCKET.s3-website-REGION.localhost[:port]` goes to the website host in the core
 * (`serveWebsite`), not to the REST API: no signature, no codec, HTML errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { parseWebsiteHost, type WebsiteHost } from '../contract/s3-website';
import type { Cloud } from '../core/cloud';
import { serveWebsite } from '../core/services/s3/website';

/** The website endpoint a Host header names, if it is one in a Region the catalogue knows. */
export function websiteHostOf(cloud: Cloud, host: string | undefined): WebsiteHost | null {
  const site = parseWebsiteHost(host);
  return site && cloud.catalogue.region(site.region) ? site : null;
}

export async function handleWebsite(
  cloud: Cloud,
  site: WebsiteHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  req.resume(); // a website request has no use for a body
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  let path = req.url ?? '/';
  if (!path.startsWith('/')) path = /^[a-z]+:\/\/[^/?#]*(.*)$/i.exec(path)?.[1] || '/';
  const out = await serveWebsite(cloud, {
    bucket: site.bucket,
    method: req.method ?? 'GET',
    path,
    headers,
    region: site.region,
    protocol: 'http',
    sourceIp: req.socket.remoteAddress,
  });
  res.statusCode = out.status;
  for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
  if (out.body instanceof Uint8Array) {
    res.end(out.body);
    return;
  }
  const stream = Readable.from(out.body);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
