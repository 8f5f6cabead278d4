/**
 * Which hosted zone answers a name for an asker. A VPC's resolver looks in the private zones
 * associated with that VPC first: the most specific one whose name covers the question answers
 * alone (a name missing there is NXDOMAIN, never looked up in a public zone). Otherwise, and for
 * the internet, the public zones answer: the most specific zone name wins; among public zones of
 * the same name (the internet would see only the one the registrar delegates to) the asker's own
 * account's comes first, then the oldest.
 */
import type { Cloud } from '../../cloud';
import { zonesForName, type ZoneRow } from '../../services/route53/hosted-zones';
import {
  indexedHasDescendants,
  indexedSetsAt,
  type StoredRecordSet,
} from '../../services/route53/records-store';
import type { DnsClient } from './types';

export interface Zone {
  id: string;
  account: string;
  /** Canonical, trailing dot. */
  name: string;
  private: boolean;
  /** The zone's name servers, as its delegation set lists them. */
  nameServers: string[];
}

function nameServersOf(delegation: string): string[] {
  try {
    const d = JSON.parse(delegation) as unknown;
    if (Array.isArray(d)) return d.map(String);
    if (d && typeof d === 'object') {
      const list =
        (d as { NameServers?: unknown; nameServers?: unknown }).NameServers ??
        (d as { nameServers?: unknown }).nameServers;
      if (Array.isArray(list)) return list.map(String);
    }
  } catch {
    // not JSON: no name servers known
  }
  return [];
}

function toZone(row: ZoneRow): Zone {
  return {
    id: row.id,
    account: row.account_id,
    name: row.name,
    private: row.private !== 0,
    nameServers: nameServersOf(row.delegation),
  };
}

/** A hosted zone by ID (bare, without `/hostedzone/`). */
export function zoneById(cloud: Cloud, id: string): Zone | undefined {
  const row = cloud.store.get<ZoneRow>('SELECT * FROM r53_zones WHERE id = ?', [id]);
  return row ? toZone(row) : undefined;
}

/** The zone that answers `name` for this asker, or undefined when none covers it. */
export function zoneFor(cloud: Cloud, name: string, client: DnsClient): Zone | undefined {
  const rows = zonesForName(
    cloud.store,
    null,
    name,
    client.kind === 'vpc'
      ? { kind: 'vpc', region: client.region, vpcId: client.vpcId }
      : { kind: 'internet' },
  );
  const first = rows[0];
  if (!first) return undefined;
  // Public zones of one name: the asker's own account's first (the oldest otherwise).
  const own = client.kind === 'vpc' && first.private === 0 ? client.account : null;
  const mine = own
    ? rows.find((z) => z.private === 0 && z.name === first.name && z.account_id === own)
    : undefined;
  return toZone(mine ?? first);
}

/** Every record set at a name of a zone (from the in-memory index; do not change them). */
export function setsAt(cloud: Cloud, zoneId: string, name: string): StoredRecordSet[] {
  return indexedSetsAt(cloud.store, zoneId, name);
}

/** Record sets at several names of a zone at once. */
export function setsAtNames(cloud: Cloud, zoneId: string, names: string[]): StoredRecordSet[] {
  return names.flatMap((n) => indexedSetsAt(cloud.store, zoneId, n));
}

/** Does any record set sit below this name (an empty non-terminal exists)? */
export function hasDescendants(cloud: Cloud, zoneId: string, name: string): boolean {
  return indexedHasDescendants(cloud.store, zoneId, name);
}
