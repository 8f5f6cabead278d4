/**
 * ChangeResourceRecordSets and ListResourceRecordSets. A batch is checked field by field first
 * (InvalidInput stops it at the first problem), then applied change by change to a working copy
 * of the zone, collecting every problem Route 53 would report (InvalidChangeBatch lists them
 * together); only a batch without problems is written, in one transaction, as Route 53 makes all
 * or none of a batch's changes.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { websiteLabel } from '../../../contract/s3-website';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { recordChange } from './changes';
import { invalidChangeBatch, invalidInput, noSuchHealthCheck } from './errors';
import { findZone, requireZone, type ZoneRow } from './hosted-zones';
import { S3_WEBSITE_ZONES } from '../../../contract/s3-website';
import { canonicalName, fatal, inZone } from './names';
import { canonicalRecordSet, checkFields, policyOf, valueProblems } from './record-validation';
import { putRecord, recordPage, removeRecord, zoneRecords } from './records-store';

/** CloudFront distributions' hosted zone, the same in every Region. */
export const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

const MAX_CHANGES = 1000;

type Working = Map<string, R53.ResourceRecordSet>;

const keyOf = (name: string, type: string, setIdentifier = '') =>
  `${name}\u0000${type}\u0000${setIdentifier}`;

function describeSet(rs: R53.ResourceRecordSet): string {
  return `[name='${rs.Name}', type='${rs.Type}'${rs.SetIdentifier !== undefined ? `, set-identifier='${rs.SetIdentifier}'` : ''}]`;
}

/** The Region an S3 website alias target names, when it is one (`[bucket.]s3-website…amazonaws.com.`). */
export function s3WebsiteRegion(dnsName: string): string | undefined {
  for (const region of Object.keys(S3_WEBSITE_ZONES)) {
    const endpoint = `${websiteLabel(region)}.amazonaws.com.`;
    if (dnsName === endpoint || dnsName.endsWith(`.${endpoint}`)) return region;
  }
  return undefined;
}

function aliasProblems(
  tx: Tx,
  ctx: OperationContext,
  zone: ZoneRow,
  working: Working,
  rs: R53.ResourceRecordSet,
): string[] {
  const target = rs.AliasTarget!;
  const targetZone = target.HostedZoneId!;
  const dns = target.DNSName!;
  const prefix = `Tried to create an alias that targets ${dns}, type ${rs.Type} in zone ${targetZone}`;
  const notWithin = `${prefix}, but the alias target name does not lie within the target zone`;
  const notFound = `${prefix}, but that target was not found`;
  if (targetZone === zone.id) {
    if (!inZone(dns, zone.name)) return [notWithin];
    const found = [...working.values()].some((r) => r.Name === dns && r.Type === rs.Type);
    return found ? [] : [notFound];
  }
  const own = findZone(tx, ctx.principal.accountId, targetZone);
  if (own) {
    if (!inZone(dns, own.name)) return [notWithin];
    return zoneRecords(tx, own.id).some((r) => r.name === dns && r.type === rs.Type) ? [] : [notFound];
  }
  const region = s3WebsiteRegion(dns);
  if (region !== undefined && S3_WEBSITE_ZONES[region] === targetZone) return [];
  if (targetZone === CLOUDFRONT_ZONE && dns.endsWith('.cloudfront.net.')) return [];
  return [notWithin, notFound];
}

function sameSet(a: R53.ResourceRecordSet, b: R53.ResourceRecordSet): boolean {
  const norm = (rs: R53.ResourceRecordSet) =>
    JSON.stringify({
      ...rs,
      ResourceRecords: rs.ResourceRecords?.map((r) => r.Value).sort(),
    });
  return norm(a) === norm(b);
}

/** Problems of adding `rs` next to what is at its name (CNAME exclusivity, routing policies). */
function conflictProblems(zone: ZoneRow, working: Working, rs: R53.ResourceRecordSet): string[] {
  const name = rs.Name!;
  const type = rs.Type!;
  const self = keyOf(name, type, rs.SetIdentifier);
  const others = [...working.entries()].filter(([k, r]) => k !== self && r.Name === name).map(([, r]) => r);
  if (type === 'CNAME' && name === zone.name)
    return [`RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone.name}`];
  // Route 53 words the two directions differently (texts seen in AWS answers).
  if (type === 'CNAME' && others.some((r) => r.Type !== 'CNAME'))
    return [
      `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
    ];
  if (type !== 'CNAME' && others.some((r) => r.Type === 'CNAME'))
    return [
      `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`,
    ];
  const sameType = others.filter((r) => r.Type === type);
  if (sameType.length === 0) return [];
  const policy = policyOf(rs);
  if (policy === 'simple')
    return [
      `RRSet with DNS name ${name}, type ${type} cannot be created as other RRSets exist with the same name and type.`,
    ];
  if (sameType.some((r) => policyOf(r) !== policy))
    return [
      `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${rs.SetIdentifier} cannot be created as a non-${policy} set exists with the same name and type.`,
    ];
  if (policy === 'failover' && sameType.some((r) => r.Failover === rs.Failover))
    return [
      `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${rs.SetIdentifier} cannot be created because a failover ${rs.Failover} RRSet already exists with the same name and type.`,
    ];
  if (policy === 'latency' && sameType.some((r) => r.Region === rs.Region))
    return [
      `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${rs.SetIdentifier} cannot be created because a latency RRSet for region ${rs.Region} already exists with the same name and type.`,
    ];
  if (
    policy === 'geolocation' &&
    sameType.some((r) => JSON.stringify(r.GeoLocation) === JSON.stringify(rs.GeoLocation))
  )
    return [
      `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${rs.SetIdentifier} cannot be created because a geolocation RRSet with the same location already exists with the same name and type.`,
    ];
  return [];
}

/** The names a record sends a resolver on to inside its own zone: a CNAME's value, an alias's target. */
function nextNames(zone: ZoneRow, rs: R53.ResourceRecordSet): string[] {
  if (rs.AliasTarget) return rs.AliasTarget.HostedZoneId === zone.id ? [rs.AliasTarget.DNSName!] : [];
  if (rs.Type !== 'CNAME') return [];
  return (rs.ResourceRecords ?? [])
    .map((r) => {
      const v = r.Value ?? '';
      return (v.endsWith('.') ? v : `${v}.`).toLowerCase();
    })
    .filter((n) => inZone(n, zone.name));
}

/** Does following CNAMEs and in-zone aliases from this record come back to its own name? */
function loopsBack(zone: ZoneRow, working: Working, rs: R53.ResourceRecordSet): boolean {
  const start = rs.Name!;
  const seen = new Set<string>();
  const pending = nextNames(zone, rs);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name === start) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const r of working.values()) if (r.Name === name) pending.push(...nextNames(zone, r));
  }
  return false;
}

export async function changeResourceRecordSets(
  ctx: OperationContext,
  input: R53.ChangeResourceRecordSetsRequest,
): Promise<R53.ChangeResourceRecordSetsResponse> {
  const changes = input.ChangeBatch?.Changes ?? [];
  if (changes.length === 0)
    throw invalidInput(
      "1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  if (changes.length > MAX_CHANGES)
    throw invalidChangeBatch([`Number of records limit of ${MAX_CHANGES} exceeded.`]);
  const regions = ctx.cloud.catalogue.regions.map((r) => r.code);
  changes.forEach((c, i) => checkFields(c, i + 1, regions));

  const result = await ctx.cloud.store.write((tx) => {
    const zone = requireZone(tx, ctx, input.HostedZoneId);
    const before: Working = new Map(
      zoneRecords(tx, zone.id).map((r) => [keyOf(r.name, r.type, r.setIdentifier), r.record]),
    );
    const working: Working = new Map(before);
    const problems: string[] = [];
    for (const change of changes) {
      const given = change.ResourceRecordSet!;
      const parsed = canonicalName(given.Name!);
      if ('problem' in parsed) {
        problems.push(fatal(parsed.problem, given.Name!));
        continue;
      }
      const name = parsed.name;
      if (!inZone(name, zone.name)) {
        problems.push(`RRSet with DNS name ${name} is not permitted in zone ${zone.name}`);
        continue;
      }
      const rs = canonicalRecordSet(given, name);
      const key = keyOf(name, rs.Type!, rs.SetIdentifier);
      const current = working.get(key);
      if (change.Action === 'DELETE') {
        if (!current)
          problems.push(`Tried to delete resource record set ${describeSet(rs)} but it was not found`);
        else if (!sameSet(current, rs))
          problems.push(
            `Tried to delete resource record set ${describeSet(rs)} but the values provided do not match the current values`,
          );
        else working.delete(key);
        continue;
      }
      if (change.Action === 'CREATE' && current) {
        problems.push(`Tried to create resource record set ${describeSet(rs)} but it already exists`);
        continue;
      }
      if (rs.Type === 'SOA' && name !== zone.name) {
        problems.push(
          `RRSet of type SOA with DNS name ${name} is not permitted because SOA records are only permitted at the zone apex of ${zone.name}`,
        );
        continue;
      }
      const found = [...valueProblems(rs), ...conflictProblems(zone, working, rs)];
      if (rs.AliasTarget) found.push(...aliasProblems(tx, ctx, zone, working, rs));
      if (rs.HealthCheckId !== undefined) {
        const exists = tx.get(
          'SELECT 1 FROM r53_health_checks WHERE id = ? AND account_id = ? AND version > 0',
          [rs.HealthCheckId, ctx.principal.accountId],
        );
        if (!exists) throw noSuchHealthCheck(rs.HealthCheckId);
      }
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      working.set(key, rs);
    }
    if (problems.length === 0)
      for (const [key, rs] of working)
        if (before.get(key) !== rs && loopsBack(zone, working, rs))
          problems.push(
            `RRSet of type ${rs.Type} with DNS name ${rs.Name} is not permitted as it creates a CNAME or alias loop in the zone.`,
          );
    if (problems.length === 0) {
      const apex = [...working.values()].filter((r) => r.Name === zone.name);
      if (apex.filter((r) => r.Type === 'SOA').length !== 1)
        problems.push('A HostedZone must contain exactly one SOA record.');
      if (!apex.some((r) => r.Type === 'NS'))
        problems.push('A HostedZone must contain at least one NS record for the zone itself.');
    }
    if (problems.length > 0) throw invalidChangeBatch(problems);
    for (const [key, rs] of before)
      if (!working.has(key)) removeRecord(tx, zone.id, rs.Name!, rs.Type!, rs.SetIdentifier ?? '');
    for (const [key, rs] of working) if (before.get(key) !== rs) putRecord(tx, zone.id, rs);
    return { zoneId: zone.id, ChangeInfo: recordChange(tx, ctx, input.ChangeBatch?.Comment) };
  });
  ctx.cloud.events.publish({
    topic: 'route53.records.changed',
    account: ctx.principal.accountId,
    at: ctx.cloud.clock.now(),
    data: { zoneId: result.zoneId },
  });
  return { ChangeInfo: result.ChangeInfo };
}

export function listResourceRecordSets(
  ctx: OperationContext,
  input: R53.ListResourceRecordSetsRequest,
): R53.ListResourceRecordSetsResponse {
  const db = ctx.cloud.store;
  const zone = requireZone(db, ctx, input.HostedZoneId);
  if (input.StartRecordType !== undefined && input.StartRecordName === undefined)
    throw invalidInput('The input is not valid: StartRecordType requires StartRecordName.');
  if (input.StartRecordIdentifier !== undefined && input.StartRecordType === undefined)
    throw invalidInput('The input is not valid: StartRecordIdentifier requires StartRecordType.');
  let limit = 300;
  if (input.MaxItems !== undefined && String(input.MaxItems) !== '') {
    const n = Number(input.MaxItems);
    if (!Number.isInteger(n) || n < 1)
      throw invalidInput(
        `1 validation error detected: Value '${String(input.MaxItems)}' at 'maxItems' failed to satisfy constraint`,
      );
    limit = Math.min(n, 300);
  }
  let startName: string | undefined;
  if (input.StartRecordName !== undefined) {
    const parsed = canonicalName(input.StartRecordName);
    if ('problem' in parsed) throw invalidInput(fatal(parsed.problem, input.StartRecordName));
    startName = parsed.name;
  }
  const rows = recordPage(
    db,
    zone.id,
    { name: startName, type: input.StartRecordType, setIdentifier: input.StartRecordIdentifier },
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const next = rows[limit];
  return {
    ResourceRecordSets: page.map((r) => r.record),
    IsTruncated: next !== undefined,
    ...(next
      ? {
          NextRecordName: next.name,
          NextRecordType: next.type as R53.RRType,
          ...(next.setIdentifier !== '' ? { NextRecordIdentifier: next.setIdentifier } : {}),
        }
      : {}),
    MaxItems: limit,
  };
}
