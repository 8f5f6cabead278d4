/**
 * Hosted zones: CreateHostedZone (public, or private to VPCs; CallerReference idempotency; four
 * name servers; the apex SOA and NS record sets), GetHostedZone, ListHostedZones,
 * ListHostedZonesByName, GetHostedZoneCount, UpdateHostedZoneComment, DeleteHostedZone, and
 * VPC associations. `zonesForName` is what the resolver asks: which zones could answer a name for
 * a client on the internet or inside a VPC.
 */
import { createHash } from 'node:crypto';
import type * as R53 from '@aws-sdk/client-route-53';
import { Store, type Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { recordChange } from './changes';
import {
  conflictingDomainExists,
  hostedZoneAlreadyExists,
  hostedZoneNotEmpty,
  invalidDomainName,
  invalidPaginationToken,
  invalidInput,
  invalidVpcId,
  lastVpcAssociation,
  noSuchHostedZone,
  publicZoneVpcAssociation,
  vpcAssociationNotFound,
} from './errors';
import { bareZoneId, canonicalName, fatal, inZone, sortName } from './names';
import { putRecord, recordCount, recordsChanged, zoneRecords, type Reader } from './records-store';

export interface ZoneRow {
  id: string;
  account_id: string;
  /** Canonical name with the trailing dot. */
  name: string;
  caller_reference: string;
  comment: string | null;
  /** 1 for a private zone. */
  private: number;
  created: number;
  /** JSON array of the four name servers (no trailing dots). */
  delegation: string;
}

export type ZoneClient = { kind: 'vpc'; region: string; vpcId: string } | { kind: 'internet' };

/** The name servers of every private zone, as Route 53 shows them in its NS record. */
export const PRIVATE_ZONE_NAME_SERVERS = [
  'ns-1536.awsdns-00.co.uk',
  'ns-0.awsdns-00.com',
  'ns-1024.awsdns-00.org',
  'ns-512.awsdns-00.net',
];

export const SOA_TTL = 900;
export const NS_TTL = 172800;
const SOA_TAIL = 'awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';

/**
 * Four name servers for a public zone, one per top-level domain, as Route 53 numbers them:
 * `ns-0…511.awsdns-NN.com`, `ns-512…1023.awsdns-NN.net`, `ns-1024…1535.awsdns-NN.org`,
 * `ns-1536…2047.awsdns-NN.co.uk` — drawn from the zone ID, so the same zone always has the same set.
 */
export function delegationFor(zoneId: string): string[] {
  const h = createHash('sha256').update(`route53-delegation\0${zoneId}`).digest();
  const tlds = ['com', 'net', 'org', 'co.uk'];
  return tlds.map((tld, i) => {
    const n = i * 512 + (h.readUInt16BE(i * 4) % 512);
    const stripe = String(h[i * 4 + 2]! % 64).padStart(2, '0');
    return `ns-${n}.awsdns-${stripe}.${tld}`;
  });
}

export function findZone(db: Reader, account: string, id: string): ZoneRow | undefined {
  return db.get<ZoneRow>('SELECT * FROM r53_zones WHERE id = ? AND account_id = ?', [
    bareZoneId(id),
    account,
  ]);
}

export function requireZone(db: Reader, ctx: OperationContext, id: string | undefined): ZoneRow {
  const bare = bareZoneId(id ?? '');
  const zone = findZone(db, ctx.principal.accountId, bare);
  if (!zone) throw noSuchHostedZone(bare);
  return zone;
}

export function zoneVpcs(db: Reader, zoneId: string): R53.VPC[] {
  return db
    .all<{ vpc_region: string; vpc_id: string }>(
      'SELECT vpc_region, vpc_id FROM r53_zone_vpcs WHERE zone_id = ? ORDER BY rowid',
      [zoneId],
    )
    .map((r) => ({ VPCRegion: r.vpc_region as R53.VPCRegion, VPCId: r.vpc_id }));
}

/** The API's HostedZone element for a row. */
export function hostedZoneOf(db: Reader, zone: ZoneRow): R53.HostedZone {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.caller_reference,
    Config: {
      ...(zone.comment !== null ? { Comment: zone.comment } : {}),
      PrivateZone: zone.private === 1,
    },
    ResourceRecordSetCount: recordCount(db, zone.id),
  };
}

/**
 * The zones that could answer `name` for a client, most specific first. Internet clients see
 * public zones only. Inside a VPC, the private zones associated with it come first (Route 53
 * Resolver answers from a matching private zone and does not fall back to public ones), then the
 * public zones. `account` null means any account.
 */
export function zonesForName(
  db: Reader,
  account: string | null,
  name: string,
  client: ZoneClient,
): ZoneRow[] {
  const catalogue = zoneCatalogue(db);
  const rows = account ? catalogue.rows.filter((z) => z.account_id === account) : catalogue.rows;
  const canonical = canonicalName(name);
  const target = 'name' in canonical ? canonical.name : name.toLowerCase();
  const matching = rows.filter((z) => inZone(target, z.name));
  const longestFirst = (a: ZoneRow, b: ZoneRow) => b.name.length - a.name.length;
  const publicZones = matching.filter((z) => z.private === 0).sort(longestFirst);
  if (client.kind === 'internet') return publicZones;
  const associated = catalogue.vpcs.get(`${client.region}|${client.vpcId}`) ?? new Set<string>();
  const privateZones = matching.filter((z) => z.private === 1 && associated.has(z.id)).sort(longestFirst);
  return [...privateZones, ...publicZones];
}

/**
 * Every zone and VPC association, as the resolver needs them for each question. Read from the
 * store once and kept until a zone or an association is written (or a transaction rolls back):
 * the DNS server asks thousands of times a second. Transactions read the store directly.
 */
interface ZoneCatalogue {
  rows: ZoneRow[];
  /** `region|vpcId` → the zones associated with that VPC. */
  vpcs: Map<string, Set<string>>;
}
let zonesGeneration = 0;
const catalogues = new WeakMap<Store, { generation: number; catalogue: ZoneCatalogue }>();

/** A zone or a VPC association was written: the resolver's catalogue is stale. */
function zonesChanged(): void {
  zonesGeneration++;
}

function readCatalogue(db: Reader): ZoneCatalogue {
  const rows = db.all<ZoneRow>('SELECT * FROM r53_zones ORDER BY rowid');
  const vpcs = new Map<string, Set<string>>();
  for (const v of db.all<{ zone_id: string; vpc_region: string; vpc_id: string }>(
    'SELECT zone_id, vpc_region, vpc_id FROM r53_zone_vpcs',
  )) {
    const key = `${v.vpc_region}|${v.vpc_id}`;
    const set = vpcs.get(key) ?? new Set<string>();
    set.add(v.zone_id);
    vpcs.set(key, set);
  }
  return { rows, vpcs };
}

function zoneCatalogue(db: Reader): ZoneCatalogue {
  if (!(db instanceof Store)) return readCatalogue(db);
  let cached = catalogues.get(db);
  if (!cached) db.onRollback(zonesChanged);
  if (!cached || cached.generation !== zonesGeneration) {
    cached = { generation: zonesGeneration, catalogue: readCatalogue(db) };
    catalogues.set(db, cached);
  }
  return cached.catalogue;
}

function vpcExists(db: Reader, account: string, vpc: R53.VPC): boolean {
  return (
    db.get(`SELECT 1 FROM ec2_resources WHERE id = ? AND kind = 'vpc' AND account = ? AND region = ?`, [
      vpc.VPCId ?? '',
      account,
      vpc.VPCRegion ?? '',
    ]) !== undefined
  );
}

function checkVpc(db: Reader, ctx: OperationContext, vpc: R53.VPC | undefined): R53.VPC {
  if (!vpc?.VPCId || !vpc.VPCRegion) throw invalidVpcId();
  if (!vpcExists(db, ctx.principal.accountId, vpc)) throw invalidVpcId();
  return { VPCRegion: vpc.VPCRegion, VPCId: vpc.VPCId };
}

/** A private zone of the same name already associated with the VPC. */
function checkNoConflict(db: Reader, name: string, vpc: R53.VPC, except?: string): void {
  const clash = db.get<{ id: string }>(
    `SELECT z.id FROM r53_zones z JOIN r53_zone_vpcs v ON v.zone_id = z.id
     WHERE z.name = ? AND z.private = 1 AND v.vpc_region = ? AND v.vpc_id = ? AND z.id != ?`,
    [name, vpc.VPCRegion!, vpc.VPCId!, except ?? ''],
  );
  if (clash) throw conflictingDomainExists(vpc.VPCId!, name);
}

function publishChanged(ctx: OperationContext, zoneId: string): void {
  ctx.cloud.events.publish({
    topic: 'route53.records.changed',
    account: ctx.principal.accountId,
    at: ctx.cloud.clock.now(),
    data: { zoneId },
  });
}

export async function createHostedZone(
  ctx: OperationContext,
  input: R53.CreateHostedZoneRequest,
): Promise<R53.CreateHostedZoneResponse> {
  const account = ctx.principal.accountId;
  if (!input.Name)
    throw invalidInput(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  if (!input.CallerReference)
    throw invalidInput(
      "1 validation error detected: Value null at 'callerReference' failed to satisfy constraint: Member must not be null",
    );
  if (input.CallerReference.length > 128)
    throw invalidInput(
      `1 validation error detected: Value '${input.CallerReference}' at 'callerReference' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  const canonical = canonicalName(input.Name);
  if ('problem' in canonical) throw invalidDomainName(fatal(canonical.problem, input.Name));
  const name = canonical.name;
  if (name === '.') throw invalidDomainName(`${input.Name} is reserved by AWS!`);
  const isPrivate = input.VPC !== undefined || input.HostedZoneConfig?.PrivateZone === true;
  const comment = input.HostedZoneConfig?.Comment;
  if (comment !== undefined && comment.length > 256)
    throw invalidInput(
      "1 validation error detected: Value at 'hostedZoneConfig.comment' failed to satisfy constraint: Member must have length less than or equal to 256",
    );

  const result = await ctx.cloud.store.write((tx) => {
    if (
      tx.get('SELECT 1 FROM r53_zones WHERE account_id = ? AND caller_reference = ?', [
        account,
        input.CallerReference!,
      ])
    )
      throw hostedZoneAlreadyExists();
    const vpc = isPrivate ? checkVpc(tx, ctx, input.VPC) : undefined;
    if (vpc) checkNoConflict(tx, name, vpc);
    const id = `Z${ctx.cloud.ids.upper(tx, 'r53-zone', 20)}`;
    const servers = isPrivate ? PRIVATE_ZONE_NAME_SERVERS : delegationFor(id);
    zonesChanged();
    tx.run(
      `INSERT INTO r53_zones (id, account_id, name, caller_reference, comment, private, created, delegation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        account,
        name,
        input.CallerReference!,
        comment ?? null,
        isPrivate ? 1 : 0,
        ctx.cloud.clock.now(),
        JSON.stringify(servers),
      ],
    );
    if (vpc)
      tx.run('INSERT INTO r53_zone_vpcs (zone_id, vpc_region, vpc_id) VALUES (?, ?, ?)', [
        id,
        vpc.VPCRegion!,
        vpc.VPCId!,
      ]);
    putRecord(tx, id, {
      Name: name,
      Type: 'NS',
      TTL: NS_TTL,
      ResourceRecords: servers.map((s) => ({ Value: `${s}.` })),
    });
    putRecord(tx, id, {
      Name: name,
      Type: 'SOA',
      TTL: SOA_TTL,
      ResourceRecords: [{ Value: `${isPrivate ? PRIVATE_ZONE_NAME_SERVERS[0] : servers[0]}. ${SOA_TAIL}` }],
    });
    const change = recordChange(tx, ctx);
    const zone = tx.get<ZoneRow>('SELECT * FROM r53_zones WHERE id = ?', [id])!;
    return {
      HostedZone: hostedZoneOf(tx, zone),
      ChangeInfo: change,
      DelegationSet: { NameServers: servers },
      ...(vpc ? { VPC: vpc } : {}),
      Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${id}`,
    } satisfies R53.CreateHostedZoneResponse;
  });
  publishChanged(ctx, bareZoneId(result.HostedZone.Id!));
  if (isPrivate) {
    // A private zone's answer has no delegation set: its name servers are not reachable.
    const { DelegationSet: _omit, ...rest } = result;
    return rest as R53.CreateHostedZoneResponse;
  }
  return result;
}

export function getHostedZone(
  ctx: OperationContext,
  input: R53.GetHostedZoneRequest,
): R53.GetHostedZoneResponse {
  const db = ctx.cloud.store;
  const zone = requireZone(db, ctx, input.Id);
  if (zone.private === 1) return { HostedZone: hostedZoneOf(db, zone), VPCs: zoneVpcs(db, zone.id) };
  return {
    HostedZone: hostedZoneOf(db, zone),
    DelegationSet: { NameServers: JSON.parse(zone.delegation) as string[] },
  };
}

function maxItems(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw invalidInput(
      `1 validation error detected: Value '${String(value)}' at 'maxItems' failed to satisfy constraint`,
    );
  return n;
}

export function listHostedZones(
  ctx: OperationContext,
  input: R53.ListHostedZonesRequest,
): R53.ListHostedZonesResponse {
  const db = ctx.cloud.store;
  const limit = Math.min(maxItems(input.MaxItems, 100), 100);
  let zones = db.all<ZoneRow & { seq: number }>(
    'SELECT rowid AS seq, * FROM r53_zones WHERE account_id = ? ORDER BY rowid',
    [ctx.principal.accountId],
  );
  if (input.HostedZoneType === 'PrivateHostedZone') zones = zones.filter((z) => z.private === 1);
  if (input.Marker) {
    const at = zones.findIndex((z) => z.id === bareZoneId(input.Marker!));
    if (at < 0) throw invalidInput(`Invalid value for Marker: ${input.Marker}`);
    zones = zones.slice(at);
  }
  const page = zones.slice(0, limit);
  const next = zones[limit];
  return {
    HostedZones: page.map((z) => hostedZoneOf(db, z)),
    Marker: input.Marker ?? '',
    IsTruncated: next !== undefined,
    ...(next ? { NextMarker: next.id } : {}),
    MaxItems: limit,
  };
}

export function listHostedZonesByName(
  ctx: OperationContext,
  input: R53.ListHostedZonesByNameRequest,
): R53.ListHostedZonesByNameResponse {
  const db = ctx.cloud.store;
  const limit = Math.min(maxItems(input.MaxItems, 100), 100);
  if (input.HostedZoneId && !input.DNSName)
    throw invalidInput('The input is not valid: you must specify DNSName when you specify HostedZoneId.');
  const zones = db
    .all<ZoneRow>('SELECT * FROM r53_zones WHERE account_id = ?', [ctx.principal.accountId])
    .map((z) => ({ zone: z, key: sortName(z.name) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.zone.id < b.zone.id ? -1 : 1));
  let start = 0;
  let dnsName: string | undefined;
  if (input.DNSName) {
    const canonical = canonicalName(input.DNSName);
    if ('problem' in canonical) throw invalidDomainName(fatal(canonical.problem, input.DNSName));
    dnsName = canonical.name;
    const key = sortName(dnsName);
    const id = input.HostedZoneId ? bareZoneId(input.HostedZoneId) : undefined;
    start = zones.findIndex((z) => z.key > key || (z.key === key && (id === undefined || z.zone.id >= id)));
    if (start < 0) start = zones.length;
  }
  const page = zones.slice(start, start + limit);
  const next = zones[start + limit];
  return {
    HostedZones: page.map((z) => hostedZoneOf(db, z.zone)),
    ...(input.DNSName ? { DNSName: input.DNSName } : {}),
    ...(input.HostedZoneId ? { HostedZoneId: input.HostedZoneId } : {}),
    IsTruncated: next !== undefined,
    ...(next ? { NextDNSName: next.zone.name, NextHostedZoneId: next.zone.id } : {}),
    MaxItems: limit,
  };
}

/**
 * The private zones associated with a VPC, in the order they were associated. Route 53 lists
 * the caller's zones here (zones of other accounts authorised for the VPC are not simulated).
 */
export function listHostedZonesByVPC(
  ctx: OperationContext,
  input: R53.ListHostedZonesByVPCRequest,
): R53.ListHostedZonesByVPCResponse {
  const db = ctx.cloud.store;
  if (!input.VPCId || !input.VPCRegion)
    throw invalidInput('The input is not valid: you must specify VPCId and VPCRegion.');
  const limit = Math.min(maxItems(input.MaxItems, 100), 100);
  let zones = db.all<ZoneRow>(
    `SELECT z.* FROM r53_zones z JOIN r53_zone_vpcs v ON v.zone_id = z.id
     WHERE z.account_id = ? AND v.vpc_region = ? AND v.vpc_id = ? ORDER BY v.rowid`,
    [ctx.principal.accountId, input.VPCRegion, input.VPCId],
  );
  if (input.NextToken) {
    const at = zones.findIndex((z) => z.id === input.NextToken);
    if (at < 0) throw invalidPaginationToken();
    zones = zones.slice(at);
  }
  const next = zones[limit];
  return {
    HostedZoneSummaries: zones.slice(0, limit).map((z) => ({
      HostedZoneId: z.id,
      Name: z.name,
      Owner: { OwningAccount: z.account_id },
    })),
    MaxItems: limit,
    ...(next ? { NextToken: next.id } : {}),
  };
}

export function getHostedZoneCount(ctx: OperationContext): R53.GetHostedZoneCountResponse {
  const n = ctx.cloud.store.get<{ n: number }>('SELECT count(*) AS n FROM r53_zones WHERE account_id = ?', [
    ctx.principal.accountId,
  ])!.n;
  return { HostedZoneCount: n };
}

export async function updateHostedZoneComment(
  ctx: OperationContext,
  input: R53.UpdateHostedZoneCommentRequest,
): Promise<R53.UpdateHostedZoneCommentResponse> {
  if (input.Comment !== undefined && input.Comment.length > 256)
    throw invalidInput(
      "1 validation error detected: Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  return ctx.cloud.store.write((tx) => {
    const zone = requireZone(tx, ctx, input.Id);
    zonesChanged();
    tx.run('UPDATE r53_zones SET comment = ? WHERE id = ?', [input.Comment ?? null, zone.id]);
    return { HostedZone: hostedZoneOf(tx, { ...zone, comment: input.Comment ?? null }) };
  });
}

/** Whether a record set is one Route 53 made with the zone (the apex SOA and NS). */
function isRequired(zone: ZoneRow, name: string, type: string): boolean {
  return name === zone.name && (type === 'SOA' || type === 'NS');
}

export async function deleteHostedZone(
  ctx: OperationContext,
  input: R53.DeleteHostedZoneRequest,
): Promise<R53.DeleteHostedZoneResponse> {
  const result = await ctx.cloud.store.write((tx) => {
    const zone = requireZone(tx, ctx, input.Id);
    if (zoneRecords(tx, zone.id).some((r) => !isRequired(zone, r.name, r.type))) throw hostedZoneNotEmpty();
    recordsChanged();
    tx.run('DELETE FROM r53_records WHERE zone_id = ?', [zone.id]);
    zonesChanged();
    tx.run('DELETE FROM r53_zone_vpcs WHERE zone_id = ?', [zone.id]);
    tx.run(`DELETE FROM r53_tags WHERE resource_type = 'hostedzone' AND resource_id = ?`, [zone.id]);
    zonesChanged();
    tx.run('DELETE FROM r53_zones WHERE id = ?', [zone.id]);
    return { zoneId: zone.id, ChangeInfo: recordChange(tx, ctx) };
  });
  publishChanged(ctx, result.zoneId);
  return { ChangeInfo: result.ChangeInfo };
}

export async function associateVPCWithHostedZone(
  ctx: OperationContext,
  input: R53.AssociateVPCWithHostedZoneRequest,
): Promise<R53.AssociateVPCWithHostedZoneResponse> {
  const result = await ctx.cloud.store.write((tx) => {
    const zone = requireZone(tx, ctx, input.HostedZoneId);
    if (zone.private !== 1) throw publicZoneVpcAssociation(zone.id, input.VPC?.VPCId ?? '');
    const vpc = checkVpc(tx, ctx, input.VPC);
    if (zoneVpcs(tx, zone.id).some((v) => v.VPCId === vpc.VPCId && v.VPCRegion === vpc.VPCRegion))
      throw conflictingDomainExists(vpc.VPCId!, zone.name);
    checkNoConflict(tx, zone.name, vpc, zone.id);
    zonesChanged();
    tx.run('INSERT INTO r53_zone_vpcs (zone_id, vpc_region, vpc_id) VALUES (?, ?, ?)', [
      zone.id,
      vpc.VPCRegion!,
      vpc.VPCId!,
    ]);
    return { zoneId: zone.id, ChangeInfo: recordChange(tx, ctx, input.Comment) };
  });
  publishChanged(ctx, result.zoneId);
  return { ChangeInfo: result.ChangeInfo };
}

export async function disassociateVPCFromHostedZone(
  ctx: OperationContext,
  input: R53.DisassociateVPCFromHostedZoneRequest,
): Promise<R53.DisassociateVPCFromHostedZoneResponse> {
  const result = await ctx.cloud.store.write((tx: Tx) => {
    const zone = requireZone(tx, ctx, input.HostedZoneId);
    const vpcId = input.VPC?.VPCId ?? '';
    if (zone.private !== 1) throw vpcAssociationNotFound(zone.id, vpcId);
    const vpcs = zoneVpcs(tx, zone.id);
    const match = vpcs.find(
      (v) => v.VPCId === vpcId && (!input.VPC?.VPCRegion || v.VPCRegion === input.VPC.VPCRegion),
    );
    if (!match) throw vpcAssociationNotFound(zone.id, vpcId);
    if (vpcs.length === 1) throw lastVpcAssociation();
    zonesChanged();
    tx.run('DELETE FROM r53_zone_vpcs WHERE zone_id = ? AND vpc_region = ? AND vpc_id = ?', [
      zone.id,
      match.VPCRegion!,
      match.VPCId!,
    ]);
    return { zoneId: zone.id, ChangeInfo: recordChange(tx, ctx, input.Comment) };
  });
  publishChanged(ctx, result.zoneId);
  return { ChangeInfo: result.ChangeInfo };
}
