/**
 * AWS's own public endpoint names, as the one resolver answers them: S3 website endpoints
 * (`BUCKET.s3-website-REGION.amazonaws.com`) resolve to one of a few addresses of their Region's
 * website fleet (16.x.y.2–9), function URLs (`ID.lambda-url.REGION.on.aws`) to their Region's
 * function URL fleet (16.x.y.100–107). The addresses are derived from the Region's name, outside
 * the pools EC2 hands public addresses from, so every run and every workspace sees the same ones.
 * The OS's endpoint modules (what listens on those addresses) and the DNS server share these rules.
 */
import { createHash } from 'node:crypto';
import { parseWebsiteHost, websiteLabel } from '../../../contract/s3-website';
import type { Cloud } from '../../cloud';
import { parseFunctionUrlHost } from '../../services/lambda/function-urls';

/** Addresses per Region's fleet; a bucket's name (or a URL's ID) picks one. */
const FLEET = 8;
const WEBSITE_FIRST = 2;
const URL_FIRST = 100;

const fleets = new WeakMap<Cloud, Map<string, Map<string, string>>>();

/** Region → the first three octets of a fleet ("16.x.y"), unique across the catalogue. */
function fleetPrefixes(cloud: Cloud, kind: 's3-website' | 'lambda-url'): Map<string, string> {
  let byKind = fleets.get(cloud);
  if (!byKind) fleets.set(cloud, (byKind = new Map()));
  let map = byKind.get(kind);
  if (!map) {
    map = new Map();
    const used = new Set<number>();
    for (const region of cloud.catalogue.regions) {
      let n = createHash('sha256').update(`${kind}|${region.code}`).digest().readUInt16BE(0);
      while (used.has(n)) n = (n + 1) & 0xffff;
      used.add(n);
      map.set(region.code, `16.${n >>> 8}.${n & 255}`);
    }
    byKind.set(kind, map);
  }
  return map;
}

function pick(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % FLEET;
}

function regionAt(
  cloud: Cloud,
  kind: 's3-website' | 'lambda-url',
  first: number,
  ip: string,
): string | undefined {
  const dot = ip.lastIndexOf('.');
  const last = Number(ip.slice(dot + 1));
  if (!(last >= first && last < first + FLEET)) return undefined;
  const prefix = ip.slice(0, dot);
  for (const [region, p] of fleetPrefixes(cloud, kind)) if (p === prefix) return region;
  return undefined;
}

/** The address a website host name resolves to (deterministic per Region and bucket). */
export function websiteAddress(cloud: Cloud, region: string, bucket: string): string | undefined {
  const prefix = fleetPrefixes(cloud, 's3-website').get(region);
  return prefix ? `${prefix}.${WEBSITE_FIRST + pick(bucket)}` : undefined;
}

/** The Region whose website fleet has this address, if any. */
export function websiteRegionAt(cloud: Cloud, ip: string): string | undefined {
  return regionAt(cloud, 's3-website', WEBSITE_FIRST, ip);
}

/**
 * A website endpoint name spelled as AWS spells it for its Region (a dash in us-east-1 and the
 * older Regions, a dot in newer ones) → its bucket and Region; anything else is not one.
 */
export function websiteEndpointOf(cloud: Cloud, name: string): { bucket: string; region: string } | null {
  const site = parseWebsiteHost(name);
  if (!site || site.domain !== 'amazonaws.com' || !cloud.catalogue.region(site.region)) return null;
  const expected = websiteLabel(site.region).startsWith('s3-website-') ? 'dash' : 'dot';
  if (site.form !== expected) return null;
  return { bucket: site.bucket, region: site.region };
}

/** The address of a website endpoint name (null when the name is not one). */
export function websiteNameAddress(cloud: Cloud, name: string): string | null {
  const site = websiteEndpointOf(cloud, name);
  if (!site || !site.bucket) return null;
  return websiteAddress(cloud, site.region, site.bucket) ?? null;
}

/** The PTR name of a website fleet address. */
export function websiteReverse(cloud: Cloud, ip: string): string | null {
  const region = websiteRegionAt(cloud, ip);
  return region ? `${websiteLabel(region)}.amazonaws.com` : null;
}

/** The address a function URL's host name resolves to (deterministic per Region and URL ID). */
export function lambdaUrlAddress(cloud: Cloud, region: string, urlId: string): string | undefined {
  const prefix = fleetPrefixes(cloud, 'lambda-url').get(region);
  return prefix ? `${prefix}.${URL_FIRST + pick(urlId)}` : undefined;
}

/** The Region whose function URL fleet has this address, if any. */
export function lambdaUrlRegionAt(cloud: Cloud, ip: string): string | undefined {
  return regionAt(cloud, 'lambda-url', URL_FIRST, ip);
}

/** The address of any well-formed function URL name of a known Region (existing or not, like AWS's wildcard). */
export function lambdaUrlNameAddress(cloud: Cloud, name: string): string | null {
  const url = parseFunctionUrlHost(name);
  if (!url || /:\d+$/.test(name) || !cloud.catalogue.region(url.region)) return null;
  return lambdaUrlAddress(cloud, url.region, url.urlId) ?? null;
}

/** The PTR name of a function URL fleet address. */
export function lambdaUrlReverse(cloud: Cloud, ip: string): string | null {
  const region = lambdaUrlRegionAt(cloud, ip);
  return region ? `lambda-url.${region}.on.aws` : null;
}
