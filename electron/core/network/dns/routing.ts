/**
 * Routing policies: which of the record sets sharing a name and type answer a query, as Route 53
 * picks them. Simple: the one set. Weighted: a draw by weight (zero weights only when every
 * weight is zero). Latency: the set whose Region is nearest the asker's Region. Failover: the
 * PRIMARY while healthy, else the SECONDARY. Geolocation: the asker's subdivision, country, then
 * continent, then the default (`*`); no match is NODATA. Multivalue: up to eight healthy sets in
 * random order. Sets with an unhealthy health check (or an alias whose target is unhealthy, with
 * EvaluateTargetHealth) are passed over; when every candidate is unhealthy Route 53 answers as if
 * all were healthy (the failover primary, up to eight multivalue records).
 */
import { createHash } from 'node:crypto';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Cloud } from '../../cloud';
import type { DnsClient } from './types';
import { greatCircleKm } from '../geo';

export interface Choice {
  sets: ResourceRecordSet[];
  /** False when the answer is made of unhealthy sets only (all were unhealthy). */
  healthy: boolean;
}

export type HealthOf = (set: ResourceRecordSet) => Promise<boolean>;

/** Where the asker is, for latency and geolocation routing. */
export interface ClientPlace {
  region: string;
  country?: string;
  continent?: string;
  subdivision?: string;
}

const CONTINENT: Record<string, string> = {
  US: 'NA',
  CA: 'NA',
  MX: 'NA',
  BR: 'SA',
  AR: 'SA',
  CL: 'SA',
  CO: 'SA',
  PE: 'SA',
  ZA: 'AF',
  NG: 'AF',
  EG: 'AF',
  KE: 'AF',
  MA: 'AF',
  HK: 'AS',
  TW: 'AS',
  IN: 'AS',
  JP: 'AS',
  KR: 'AS',
  SG: 'AS',
  ID: 'AS',
  MY: 'AS',
  TH: 'AS',
  IL: 'AS',
  BH: 'AS',
  AE: 'AS',
  CN: 'AS',
  PH: 'AS',
  VN: 'AS',
  SA: 'AS',
  QA: 'AS',
  AU: 'OC',
  NZ: 'OC',
  DE: 'EU',
  CH: 'EU',
  IE: 'EU',
  GB: 'EU',
  FR: 'EU',
  IT: 'EU',
  ES: 'EU',
  SE: 'EU',
  NL: 'EU',
  PL: 'EU',
  AT: 'EU',
  BE: 'EU',
  DK: 'EU',
  FI: 'EU',
  NO: 'EU',
  PT: 'EU',
  UA: 'EU',
};

/** The US state (or Canadian province) a Region sits in, for subdivision records. */
const SUBDIVISION: Record<string, string> = {
  'us-east-1': 'VA',
  'us-east-2': 'OH',
  'us-west-1': 'CA',
  'us-west-2': 'OR',
  'ca-central-1': 'QC',
  'ca-west-1': 'AB',
};

export function continentOf(country: string | undefined): string | undefined {
  return country ? CONTINENT[country.toUpperCase()] : undefined;
}

/** The asker's place: its Region (the console's, or us-east-1), country and continent. */
export function placeOf(cloud: Cloud, client: DnsClient): ClientPlace {
  const region = client.region ?? 'us-east-1';
  const info = cloud.catalogue.region(region);
  const country = (client.kind === 'internet' ? client.country : undefined) ?? info?.country;
  const continent = (client.kind === 'internet' ? client.continent : undefined) ?? continentOf(country);
  const subdivision = country === info?.country ? SUBDIVISION[region] : undefined;
  return { region, country, continent, subdivision };
}

let draws = 0;

/** A number in [0, 1): seeded from the question in deterministic workspaces, random otherwise. */
export function draw(cloud: Cloud, key: string): number {
  if (!cloud.ids.deterministic) return Math.random();
  const h = createHash('sha256').update(`${key}|${cloud.clock.now()}|${draws++}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/** How far a Region is from the asker's (same Region 0; unknown Regions last). */
export function regionDistance(cloud: Cloud, from: string, to: string): number {
  if (from === to) return 0;
  const a = cloud.catalogue.region(from);
  const b = cloud.catalogue.region(to);
  return a && b ? greatCircleKm(a, b) : Number.MAX_SAFE_INTEGER;
}

type Policy = 'simple' | 'weighted' | 'latency' | 'failover' | 'geolocation' | 'multivalue';

export function policyOf(set: ResourceRecordSet): Policy {
  if (set.Weight !== undefined) return 'weighted';
  if (set.Region) return 'latency';
  if (set.Failover) return 'failover';
  if (set.GeoLocation) return 'geolocation';
  if (set.MultiValueAnswer !== undefined) return 'multivalue';
  return 'simple';
}

async function partition(sets: ResourceRecordSet[], healthOf: HealthOf) {
  const healthy: ResourceRecordSet[] = [];
  for (const s of sets) if (await healthOf(s)) healthy.push(s);
  return healthy;
}

function shuffle<T>(cloud: Cloud, key: string, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(draw(cloud, `${key}|${i}`) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Pick the answering sets among those of one name and type. */
export async function route(
  cloud: Cloud,
  sets: ResourceRecordSet[],
  client: DnsClient,
  healthOf: HealthOf,
  key: string,
): Promise<Choice> {
  if (sets.length === 0) return { sets: [], healthy: true };
  const policy = policyOf(sets[0]!);
  if (policy === 'simple') {
    const healthy = await partition(sets, healthOf);
    return { sets, healthy: healthy.length > 0 };
  }
  const place = placeOf(cloud, client);
  if (policy === 'weighted') {
    const healthy = await partition(sets, healthOf);
    const pool = healthy.length ? healthy : sets;
    const positive = pool.filter((s) => (s.Weight ?? 0) > 0);
    const from = positive.length ? positive : pool;
    const total = positive.length ? positive.reduce((n, s) => n + s.Weight!, 0) : from.length;
    let x = draw(cloud, key) * total;
    for (const s of from) {
      x -= positive.length ? s.Weight! : 1;
      if (x < 0) return { sets: [s], healthy: healthy.length > 0 };
    }
    return { sets: [from[from.length - 1]!], healthy: healthy.length > 0 };
  }
  if (policy === 'latency') {
    const healthy = await partition(sets, healthOf);
    const pool = healthy.length ? healthy : sets;
    const nearest = [...pool].sort(
      (a, b) =>
        regionDistance(cloud, place.region, a.Region!) - regionDistance(cloud, place.region, b.Region!),
    )[0]!;
    return { sets: [nearest], healthy: healthy.length > 0 };
  }
  if (policy === 'failover') {
    const primary = sets.find((s) => s.Failover === 'PRIMARY');
    const secondary = sets.find((s) => s.Failover === 'SECONDARY');
    if (primary && (await healthOf(primary))) return { sets: [primary], healthy: true };
    if (secondary && (await healthOf(secondary))) return { sets: [secondary], healthy: true };
    const fallback = primary ?? secondary;
    return { sets: fallback ? [fallback] : [], healthy: false };
  }
  if (policy === 'geolocation') {
    const matches = (s: ResourceRecordSet, level: number): boolean => {
      const g = s.GeoLocation ?? {};
      if (level === 0)
        return (
          !!g.SubdivisionCode && g.CountryCode === place.country && g.SubdivisionCode === place.subdivision
        );
      if (level === 1)
        return (
          !g.SubdivisionCode && !!g.CountryCode && g.CountryCode !== '*' && g.CountryCode === place.country
        );
      if (level === 2) return !!g.ContinentCode && g.ContinentCode === place.continent;
      return g.CountryCode === '*';
    };
    const ordered: ResourceRecordSet[] = [];
    for (let level = 0; level < 4; level++) ordered.push(...sets.filter((s) => matches(s, level)));
    if (!ordered.length) return { sets: [], healthy: true };
    for (const s of ordered) if (await healthOf(s)) return { sets: [s], healthy: true };
    return { sets: [ordered[0]!], healthy: false };
  }
  // multivalue
  const healthy = await partition(sets, healthOf);
  const pool = healthy.length ? healthy : sets;
  return { sets: shuffle(cloud, key, pool).slice(0, 8), healthy: healthy.length > 0 };
}
