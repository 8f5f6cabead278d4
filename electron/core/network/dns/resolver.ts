/**
 * The one DNS resolver. Every asker — an instance's `dig` and `getaddrinfo`, the workstation,
 * the console's preview and TestDNSAnswer, the DNS server — asks here and gets the answer a real
 * server gives:
 *
 * - EC2's own names (private names in their Region's VPCs, public names everywhere with split
 *   horizon, `instance-data` for instances), S3 website endpoints and function URLs, and the
 *   reverse (PTR) names of the addresses AWS hands out (reverse.ts);
 * - otherwise the hosted zone that may answer the asker (zones.ts): exact names, then wildcards
 *   (RFC 4592: the closest encloser's `*`, never over a name that exists with other types),
 *   CNAMEs followed through every zone the asker can see with the chain in the answer, alias
 *   records answered with their target's records and TTL, NODATA and NXDOMAIN with the zone's
 *   SOA in the authority section, delegations to subdomains as referrals (NS in authority);
 * - routing policies and health checks among the sets of one name and type (routing.ts).
 *
 * A name no zone covers is REFUSED from the internet (the DNS server is authoritative only) and
 * NXDOMAIN from a VPC (its resolver asked the internet, where nothing else exists).
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Cloud } from '../../cloud';
import { isHealthy } from '../../services/route53/health-status';
import type { StoredRecordSet } from '../../services/route53/records-store';
import { lambdaUrlNameAddress, websiteEndpointOf, websiteNameAddress, websiteAddress } from './aws-endpoints';
import { ec2NameAnswer, inEc2Domain } from './ec2-names';
import { fqdn, inZone, parentOf, qualify, suffixes } from './names';
import { addressOfArpa, awsReverseName } from './reverse';
import { route } from './routing';
import type { DnsClient, DnsCode, DnsQuestion, DnsRecord, DnsResult, RRType } from './types';
import { hasDescendants, setsAt, setsAtNames, zoneById, zoneFor, type Zone } from './zones';

/** Longest CNAME (and alias) chain followed before giving up, as resolvers cap it. */
const MAX_CHAIN = 8;
/** TTL of EC2's and AWS endpoints' own answers. */
const AWS_TTL = 60;

export interface ResolveOptions {
  /** Answer from this hosted zone only, as its name servers would (TestDNSAnswer). */
  zoneId?: string;
}

/** One step of a resolution: the answer for one name, and where a CNAME leads. */
interface Step {
  code: DnsCode;
  authoritative: boolean;
  answers: DnsRecord[];
  authority: DnsRecord[];
  /** The CNAME target to follow (the CNAME itself is in `answers`). */
  next?: string;
  /** False when only unhealthy records could answer (alias EvaluateTargetHealth). */
  healthy: boolean;
}

interface Ctx {
  cloud: Cloud;
  client: DnsClient;
  zone?: Zone;
  depth: number;
}

/** Ask the one resolver: the answer a real server would give this asker. */
export async function resolveDns(cloud: Cloud, question: DnsQuestion, client: DnsClient): Promise<DnsResult> {
  return resolveWith(cloud, question, client, {});
}

/** `resolveDns`, optionally as one zone's name servers answer (TestDNSAnswer). */
export async function resolveWith(
  cloud: Cloud,
  question: DnsQuestion,
  client: DnsClient,
  options: ResolveOptions,
): Promise<DnsResult> {
  const name = fqdn(question.name);
  const zone = options.zoneId ? zoneById(cloud, options.zoneId) : undefined;
  if (options.zoneId && (!zone || !inZone(name, zone.name)))
    return { code: 'REFUSED', authoritative: false, answers: [], authority: [] };
  const step = await chase({ cloud, client, ...(zone ? { zone } : {}), depth: 0 }, name, question.type);
  return {
    code: step.code,
    authoritative: step.authoritative,
    answers: step.answers,
    authority: step.authority,
  };
}

/** Answer a name, following CNAMEs. */
async function chase(ctx: Ctx, name: string, type: RRType | 'ANY'): Promise<Step> {
  const answers: DnsRecord[] = [];
  const seen = new Set<string>([name]);
  let current = name;
  let first: Step | undefined;
  for (let hop = 0; ; hop++) {
    const step = await answerName(ctx, current, type);
    first ??= step;
    answers.push(...step.answers);
    const authoritative = first.authoritative;
    if (!step.next) {
      // A chain that leaves every zone ends with the CNAME from an authoritative server.
      if (hop > 0 && step.code === 'REFUSED')
        return { code: 'NOERROR', authoritative, answers, authority: [], healthy: step.healthy };
      return { ...step, authoritative, answers };
    }
    if (seen.has(step.next) || hop >= MAX_CHAIN) {
      // A loop or an over-long chain: an authoritative server stops; a recursive one fails.
      const code: DnsCode = ctx.client.kind === 'vpc' ? 'SERVFAIL' : 'NOERROR';
      return {
        code,
        authoritative,
        answers: code === 'SERVFAIL' ? [] : answers,
        authority: [],
        healthy: true,
      };
    }
    seen.add(step.next);
    current = step.next;
  }
}

/** The answer for one name, without following a CNAME (its target is returned in `next`). */
async function answerName(ctx: Ctx, name: string, type: RRType | 'ANY'): Promise<Step> {
  const { cloud, client } = ctx;
  if (ctx.zone && !inZone(name, ctx.zone.name)) {
    // A CNAME or alias out of the zone a TestDNSAnswer is made for: the rest of the lab answers.
    const { zone: _zone, ...rest } = ctx;
    return answerName(rest, name, type);
  }
  if (!ctx.zone) {
    const aws = awsAnswer(cloud, name, type, client);
    if (aws) return aws;
  }
  const zone = ctx.zone ?? zoneFor(cloud, name, client);
  if (!zone) {
    return client.kind === 'vpc'
      ? { code: 'NXDOMAIN', authoritative: false, answers: [], authority: [], healthy: true }
      : { code: 'REFUSED', authoritative: false, answers: [], authority: [], healthy: true };
  }
  return answerInZone(ctx, zone, name, type);
}

function noError(answers: DnsRecord[], authoritative = true): Step {
  return { code: 'NOERROR', authoritative, answers, authority: [], healthy: true };
}

/** EC2's names and AWS's endpoint names; null when the name is not AWS's. */
function awsAnswer(cloud: Cloud, name: string, type: RRType | 'ANY', client: DnsClient): Step | null {
  const a = (address: string): Step =>
    noError(type === 'A' || type === 'ANY' ? [{ name, type: 'A', ttl: AWS_TTL, value: address }] : []);
  const ec2 = ec2NameAnswer(cloud, name, client);
  if (ec2) {
    if (ec2.kind === 'nxdomain')
      return { code: 'NXDOMAIN', authoritative: true, answers: [], authority: [], healthy: true };
    return a(ec2.address);
  }
  const arpa = addressOfArpa(name);
  const ptr = arpa ? awsReverseName(cloud, arpa, client) : null;
  if (ptr)
    return noError(
      type === 'PTR' || type === 'ANY' ? [{ name, type: 'PTR', ttl: AWS_TTL, value: `${ptr}.` }] : [],
    );
  const bare = name.slice(0, -1);
  const website = websiteNameAddress(cloud, bare);
  if (website) return a(website);
  const url = lambdaUrlNameAddress(cloud, bare);
  if (url) return a(url);
  return null;
}

function record(name: string, set: ResourceRecordSet, value: string): DnsRecord {
  const type = set.Type as RRType;
  return { name, type, ttl: set.TTL ?? 300, value: dataOf(type, value) };
}

/** Record data as a server sends it: domain names in it fully qualified. */
function dataOf(type: RRType, value: string): string {
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return qualify(value);
    case 'MX': {
      const [pref, host] = value.trim().split(/\s+/);
      return host ? `${pref} ${qualify(host)}` : value;
    }
    case 'SRV': {
      const parts = value.trim().split(/\s+/);
      if (parts.length === 4) parts[3] = qualify(parts[3]!);
      return parts.join(' ');
    }
    default:
      return value;
  }
}

/** The zone's SOA for the authority section, with the negative-caching TTL (min of TTL and minimum). */
function soaOf(cloud: Cloud, zone: Zone): DnsRecord[] {
  const soa = setsAt(cloud, zone.id, zone.name).find((s) => s.type === 'SOA');
  const value = soa?.record.ResourceRecords?.[0]?.Value;
  if (!soa || !value) return [];
  const minimum = Number(value.trim().split(/\s+/)[6]);
  const ttl = Math.min(soa.record.TTL ?? 900, Number.isFinite(minimum) ? minimum : Infinity);
  return [{ name: zone.name, type: 'SOA', ttl, value: dataOfSoa(value) }];
}

function dataOfSoa(value: string): string {
  const parts = value.trim().split(/\s+/);
  if (parts.length >= 2) {
    parts[0] = qualify(parts[0]!);
    parts[1] = qualify(parts[1]!);
  }
  return parts.join(' ');
}

async function answerInZone(ctx: Ctx, zone: Zone, name: string, type: RRType | 'ANY'): Promise<Step> {
  const { cloud } = ctx;
  const nodata = (): Step => ({
    code: 'NOERROR',
    authoritative: true,
    answers: [],
    authority: soaOf(cloud, zone),
    healthy: true,
  });
  // Names between the apex (exclusive) and the question (inclusive), nearest the apex first.
  const below = suffixes(name)
    .filter((n) => n !== zone.name && inZone(n, zone.name))
    .reverse();
  const found = setsAtNames(cloud, zone.id, below);
  for (const n of below) {
    const ns = found.filter((s) => s.name === n && s.type === 'NS');
    if (ns.length && !(n === name && type === 'DS')) {
      // A delegation: the answer is elsewhere (a referral, not authoritative).
      const authority = ns.flatMap((s) =>
        (s.record.ResourceRecords ?? []).map((r) => record(n, s.record, r.Value!)),
      );
      if (ctx.client.kind === 'vpc')
        // The VPC resolver follows the referral to name servers no zone here stands behind.
        return { code: 'SERVFAIL', authoritative: false, answers: [], authority: [], healthy: true };
      return { code: 'NOERROR', authoritative: false, answers: [], authority, healthy: true };
    }
  }
  const exact = name === zone.name ? setsAt(cloud, zone.id, name) : found.filter((s) => s.name === name);
  if (exact.length) return answerSets(ctx, zone, name, type, exact, nodata);
  if (hasDescendants(cloud, zone.id, name)) return nodata();
  // Wildcards: the source of synthesis is `*` under the closest encloser.
  let encloser = parentOf(name);
  while (encloser !== zone.name && inZone(encloser, zone.name)) {
    const exists = found.some((s) => s.name === encloser) || hasDescendants(cloud, zone.id, encloser);
    if (exists) break;
    encloser = parentOf(encloser);
  }
  const wildcard = setsAt(cloud, zone.id, `\\052.${encloser}`);
  if (wildcard.length) return answerSets(ctx, zone, name, type, wildcard, nodata);
  return { code: 'NXDOMAIN', authoritative: true, answers: [], authority: soaOf(cloud, zone), healthy: true };
}

/** Answer from the record sets at a name (or its wildcard): the type, else a CNAME, else NODATA. */
async function answerSets(
  ctx: Ctx,
  zone: Zone,
  name: string,
  type: RRType | 'ANY',
  sets: StoredRecordSet[],
  nodata: () => Step,
): Promise<Step> {
  const byType = new Map<string, ResourceRecordSet[]>();
  for (const s of sets) byType.set(s.type, [...(byType.get(s.type) ?? []), s.record]);
  const types = type === 'ANY' ? [...byType.keys()] : byType.has(type) ? [type] : [];
  if (types.length) {
    const answers: DnsRecord[] = [];
    let healthy = true;
    for (const t of types) {
      const out = await answerType(ctx, zone, name, t as RRType, byType.get(t)!);
      answers.push(...out.records);
      healthy &&= out.healthy;
    }
    if (!answers.length) return { ...nodata(), healthy };
    return { ...noError(answers), healthy };
  }
  const cnames = byType.get('CNAME');
  if (cnames && type !== 'CNAME') {
    const out = await answerType(ctx, zone, name, 'CNAME', cnames);
    const cname = out.records[0];
    if (!cname) return nodata();
    return { ...noError([cname]), healthy: out.healthy, next: fqdn(cname.value) };
  }
  return nodata();
}

/** The records one name and type answer with, after routing and alias resolution. */
async function answerType(
  ctx: Ctx,
  zone: Zone,
  name: string,
  type: RRType,
  sets: ResourceRecordSet[],
): Promise<{ records: DnsRecord[]; healthy: boolean }> {
  const aliases = new Map<ResourceRecordSet, { records: DnsRecord[]; healthy: boolean }>();
  const expand = async (set: ResourceRecordSet) => {
    if (!set.AliasTarget) {
      const records = (set.ResourceRecords ?? []).map((r) => record(name, set, r.Value!));
      return { records, healthy: true };
    }
    let out = aliases.get(set);
    if (!out) {
      out = await aliasRecords(ctx, zone, name, type, set);
      aliases.set(set, out);
    }
    return out;
  };
  const healthOf = async (set: ResourceRecordSet) => {
    if (set.HealthCheckId && !isHealthy(ctx.cloud, set.HealthCheckId)) return false;
    if (set.AliasTarget?.EvaluateTargetHealth) {
      const out = await expand(set);
      return out.healthy && out.records.length > 0;
    }
    return true;
  };
  const choice = await route(ctx.cloud, sets, ctx.client, healthOf, `${name}|${type}|${ctx.client.ip}`);
  const records: DnsRecord[] = [];
  for (const set of choice.sets) records.push(...(await expand(set)).records);
  return { records, healthy: choice.healthy };
}

/** An alias answers with its target's records (and their TTL), under the alias's own name. */
async function aliasRecords(
  ctx: Ctx,
  zone: Zone,
  name: string,
  type: RRType,
  set: ResourceRecordSet,
): Promise<{ records: DnsRecord[]; healthy: boolean }> {
  const target = fqdn(set.AliasTarget!.DNSName ?? '');
  // An S3 website endpoint: the bucket is the record's own name.
  const site = websiteEndpointOf(ctx.cloud, target.slice(0, -1));
  if (site && !site.bucket) {
    const address = type === 'A' ? websiteAddress(ctx.cloud, site.region, name.slice(0, -1)) : undefined;
    return { records: address ? [{ name, type: 'A', ttl: AWS_TTL, value: address }] : [], healthy: true };
  }
  if (ctx.depth >= MAX_CHAIN) return { records: [], healthy: false };
  // Another record (in this zone or another the asker sees), an EC2 name or an AWS endpoint.
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  if (!inZone(target, zone.name) || inEc2Domain(target)) delete inner.zone;
  else inner.zone = zone;
  const step = await chase(inner, target, type);
  return {
    records: step.answers.filter((r) => r.type === type).map((r) => ({ ...r, name })),
    healthy: step.healthy,
  };
}
