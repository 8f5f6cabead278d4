/**
 * Lambda function URLs on the instances' network: `<url-id>.lambda-url.<region>.on.aws`
 * resolves (from any machine) to one of a few addresses of its Region's function URL fleet,
 * and an HTTPS request to such an address on port 443 is answered by the core's URL handler
 * (`services/lambda/url-invoke.ts`) for the URL the Host names. Function URLs are HTTPS only:
 * port 80 (and any other port) gets no answer, as on AWS. The addresses are on the internet,
 * so an instance reaches them as it reaches the internet (`reachInternet`); the workstation
 * always does.
 *
 * The addresses are derived from the Region's name: 16.x.y.100–107, so they never meet the
 * S3 website fleets (16.x.y.2–9) nor EC2's public pools, and every run sees the same ones.
 */
import { createHash } from 'node:crypto';
import type { Cloud } from '../../cloud';
import { parseFunctionUrlHost } from '../../services/lambda/function-urls';
import { serveFunctionUrl } from '../../services/lambda/url-invoke';
import type { PortBinding, SimRequest, SimResponse } from '../types';
import type { DnsAnswer } from './resolver';

const FLEET = 8;
const FIRST = 100;
export const LAMBDA_URL_PORT = 443;

const fleets = new WeakMap<Cloud, Map<string, string>>();

/** Region → the first three octets of its fleet ("16.x.y"), unique across the catalogue. */
function fleetPrefixes(cloud: Cloud): Map<string, string> {
  let map = fleets.get(cloud);
  if (!map) {
    map = new Map();
    const used = new Set<number>();
    for (const region of cloud.catalogue.regions) {
      let n = createHash('sha256').update(`lambda-url|${region.code}`).digest().readUInt16BE(0);
      while (used.has(n)) n = (n + 1) & 0xffff;
      used.add(n);
      map.set(region.code, `16.${n >>> 8}.${n & 255}`);
    }
    fleets.set(cloud, map);
  }
  return map;
}

/** The address a function URL's host name resolves to (deterministic per Region and URL ID). */
export function lambdaUrlAddress(cloud: Cloud, region: string, urlId: string): string | undefined {
  const prefix = fleetPrefixes(cloud).get(region);
  if (!prefix) return undefined;
  const pick = createHash('sha256').update(urlId).digest().readUInt32BE(0) % FLEET;
  return `${prefix}.${FIRST + pick}`;
}

/** The Region whose function URL fleet has this address, if any. */
export function lambdaUrlRegionAt(cloud: Cloud, ip: string): string | undefined {
  const dot = ip.lastIndexOf('.');
  const last = Number(ip.slice(dot + 1));
  if (!(last >= FIRST && last < FIRST + FLEET)) return undefined;
  const prefix = ip.slice(0, dot);
  for (const [region, p] of fleetPrefixes(cloud)) if (p === prefix) return region;
  return undefined;
}

/** A DNS answer for any well-formed function URL name of a known Region (existing or not, like AWS's wildcard). */
export function lambdaUrlDnsAnswer(cloud: Cloud, name: string): DnsAnswer | null {
  const url = parseFunctionUrlHost(name);
  if (!url || /:\d+$/.test(name) || !cloud.catalogue.region(url.region)) return null;
  const address = lambdaUrlAddress(cloud, url.region, url.urlId);
  return address ? { name, address, ttl: 60, from: 'dns' } : null;
}

/** The PTR name of a fleet address. */
export function lambdaUrlReverse(cloud: Cloud, ip: string): string | null {
  const region = lambdaUrlRegionAt(cloud, ip);
  return region ? `lambda-url.${region}.on.aws` : null;
}

/** What listens on a fleet address: port 443 answers for the URL the Host names. */
export function lambdaUrlBinding(cloud: Cloud, ip: string): PortBinding {
  return {
    protocol: 'tcp',
    port: LAMBDA_URL_PORT,
    address: ip,
    program: 'lambda-url',
    pid: 0,
    http: (request) => answer(cloud, request),
  };
}

async function answer(cloud: Cloud, request: SimRequest): Promise<SimResponse> {
  const host = request.headers['host'] ?? request.host;
  const out = await serveFunctionUrl(cloud, host, {
    method: request.method,
    path: request.path,
    headers: request.headers,
    body: request.body,
    sourceIp: request.remoteIp,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: out.status, headers, body: out.body };
}
