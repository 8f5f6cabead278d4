/**
 * S3 website endpoints on the instances' network: `BUCKET.s3-website-REGION.amazonaws.com`
 * resolves (from any machine) to one of a few addresses of its Region's website fleet, and an
 * HTTP request to such an address on port 80 is answered by the core's website host
 * (`services/s3/website.ts`) for the bucket the Host header names. Those addresses are on the
 * internet, so an instance reaches them only as it reaches the internet (`reachInternet`: a
 * public address, an internet gateway route, an egress rule); the workstation always does.
 *
 * The addresses are derived from the Region's name (16.x.y.2–9: outside the pools EC2 hands
 * public addresses from), so every run and every workspace sees the same ones.
 */
import { createHash } from 'node:crypto';
import { parseWebsiteHost, websiteLabel } from '../../../contract/s3-website';
import type { Cloud } from '../../cloud';
import { serveWebsite } from '../../services/s3/website';
import type { PortBinding, SimRequest, SimResponse } from '../types';
import type { DnsAnswer } from './resolver';

/** Addresses per Region's website fleet; a bucket's name picks one. */
const FLEET = 8;

const fleets = new WeakMap<Cloud, Map<string, string>>();

/** Region → the first three octets of its fleet ("16.x.y"), unique across the catalogue. */
function fleetPrefixes(cloud: Cloud): Map<string, string> {
  let map = fleets.get(cloud);
  if (!map) {
    map = new Map();
    const used = new Set<string>();
    for (const region of cloud.catalogue.regions) {
      const d = createHash('sha256').update(`s3-website|${region.code}`).digest();
      let n = d.readUInt16BE(0);
      while (used.has(String(n))) n = (n + 1) & 0xffff;
      used.add(String(n));
      map.set(region.code, `16.${n >>> 8}.${n & 255}`);
    }
    fleets.set(cloud, map);
  }
  return map;
}

/** The address a website host name resolves to (deterministic per Region and bucket). */
export function websiteAddress(cloud: Cloud, region: string, bucket: string): string | undefined {
  const prefix = fleetPrefixes(cloud).get(region);
  if (!prefix) return undefined;
  const pick = createHash('sha256').update(bucket).digest().readUInt32BE(0) % FLEET;
  return `${prefix}.${2 + pick}`;
}

/** The Region whose website fleet has this address, if any. */
export function websiteRegionAt(cloud: Cloud, ip: string): string | undefined {
  const dot = ip.lastIndexOf('.');
  const last = Number(ip.slice(dot + 1));
  if (!(last >= 2 && last < 2 + FLEET)) return undefined;
  const prefix = ip.slice(0, dot);
  for (const [region, p] of fleetPrefixes(cloud)) if (p === prefix) return region;
  return undefined;
}

/**
 * A DNS answer for a website endpoint name, spelled as AWS spells it for its Region (a dash in
 * us-east-1 and the older Regions, a dot in newer ones); anything else is not ours.
 */
export function websiteDnsAnswer(cloud: Cloud, name: string): DnsAnswer | null {
  const site = parseWebsiteHost(name);
  if (!site || site.domain !== 'amazonaws.com' || !cloud.catalogue.region(site.region)) return null;
  const expected = websiteLabel(site.region).startsWith('s3-website-') ? 'dash' : 'dot';
  if (site.form !== expected) return null;
  const address = websiteAddress(cloud, site.region, site.bucket);
  return address ? { name, address, ttl: 60, from: 'dns' } : null;
}

/** The PTR name of a website fleet address. */
export function websiteReverse(cloud: Cloud, ip: string): string | null {
  const region = websiteRegionAt(cloud, ip);
  return region ? `${websiteLabel(region)}.amazonaws.com` : null;
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
