/**
 * S3 website endpoints on the instances' network: `BUCKET.s3-website-REGION.amazonaws.com`
 * resolves (from any machine) to one of a few addresses of its Region's website fleet, and an
 * HTTP request to such an address on port 80 is answered by the core's website host
 * (`services/s3/website.ts`) for the bucket the Host header names. Those addresses are on the
 * internet, so an instance reaches them only as it reaches the internet (`reachInternet`: a
 * public address, an internet gateway route, an egress rule); the workstation always does.
 *
 * The addresses are derived from the Region's name (16.x.y.2–9: outside the pools EC2 hands
 * public addresses from), so every run and every workspace sees the same ones; the name and
 * address rules are the resolver's (`network/dns/aws-endpoints.ts`).
 */
import { parseWebsiteHost } from '../../../contract/s3-website';
import type { Cloud } from '../../cloud';
import { websiteNameAddress } from '../../network/dns/aws-endpoints';
import { serveWebsite } from '../../services/s3/website';
import type { PortBinding, SimRequest, SimResponse } from '../types';
import type { DnsAnswer } from './resolver';

export { websiteAddress, websiteRegionAt, websiteReverse } from '../../network/dns/aws-endpoints';

/** A DNS answer for a website endpoint name (the rules live in network/dns/aws-endpoints.ts). */
export function websiteDnsAnswer(cloud: Cloud, name: string): DnsAnswer | null {
  const address = websiteNameAddress(cloud, name);
  return address ? { name, address, ttl: 60, from: 'dns' } : null;
}

/** What listens on a website fleet address: port 80 answers with the bucket the Host names. */
export function websiteBinding(cloud: Cloud, region: string, ip: string): PortBinding {
  return {
    protocol: 'tcp',
    port: 80,
    address: ip,
    program: 's3-website',
    pid: 0,
    http: (request) => answer(cloud, region, request),
  };
}

async function answer(cloud: Cloud, region: string, request: SimRequest): Promise<SimResponse> {
  const host = request.headers['host'] ?? request.host;
  const site = parseWebsiteHost(host);
  // A Host that is not a website name is taken as the bucket's own name (a CNAME to the endpoint).
  const bucket = site ? site.bucket : host.replace(/:\d+$/, '').toLowerCase();
  const out = await serveWebsite(cloud, {
    bucket,
    method: request.method,
    path: request.path,
    headers: request.headers,
    region: site?.region ?? region,
    protocol: 'http',
    sourceIp: request.remoteIp,
  });
  let body: Uint8Array;
  if (out.body instanceof Uint8Array) body = out.body;
  else {
    const chunks: Uint8Array[] = [];
    for await (const chunk of out.body) chunks.push(chunk);
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return { status: out.status, headers: out.headers, body };
}
