/**
 * Record sets in the store: one row per (zone, name, type, set identifier) holding the
 * ResourceRecordSet exactly as the API shows it. Names are canonical (see names.ts); `sort_name`
 * orders rows as Route 53 lists them. Reads take the store or a transaction.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Store, Tx } from '../../kernel/store';
import { sortName } from './names';

export type Reader = Pick<Tx, 'get' | 'all'>;

export interface StoredRecordSet {
  zoneId: string;
  /** Canonical: lower case, trailing dot, `\052` for `*`. */
  name: string;
  type: string;
  /** '' for a simple record set. */
  setIdentifier: string;
  record: ResourceRecordSet;
}

interface RecordRow {
  zone_id: string;
  name: string;
  type: string;
  set_identifier: string;
  record: string;
}

const ORDER = 'ORDER BY sort_name, type, set_identifier';

function parse(row: RecordRow): StoredRecordSet {
  return {
    zoneId: row.zone_id,
    name: row.name,
    type: row.type,
    setIdentifier: row.set_identifier,
    record: JSON.parse(row.record) as ResourceRecordSet,
  };
}

/** Every record set at one name of a zone, any type, in list order. */
export function recordSetsAt(db: Reader, zoneId: string, name: string): StoredRecordSet[] {
  return db
    .all<RecordRow>(`SELECT * FROM r53_records WHERE zone_id = ? AND name = ? ${ORDER}`, [zoneId, name])
    .map(parse);
}

/**
 * The DNS server asks for the same few names thousands of times a second; each answer read from
 * sql.js cost most of a query's time. So the resolver reads a zone's record sets from an
 * in-memory index built from the store on first use and dropped whenever any record set is
 * written or a transaction rolls back (writes are synchronous, so no reader sees a half-written
 * zone). The API's own reads and writes still go to the store.
 */
let generation = 0;
interface ZoneIndex {
  byName: Map<string, StoredRecordSet[]>;
}
const indexes = new WeakMap<Store, { generation: number; zones: Map<string, ZoneIndex> }>();

function zoneIndex(store: Store, zoneId: string): ZoneIndex {
  let cache = indexes.get(store);
  if (!cache) store.onRollback(() => generation++);
  if (!cache || cache.generation !== generation) {
    cache = { generation, zones: new Map() };
    indexes.set(store, cache);
  }
  let index = cache.zones.get(zoneId);
  if (!index) {
    const byName = new Map<string, StoredRecordSet[]>();
    for (const set of zoneRecords(store, zoneId)) {
      const list = byName.get(set.name);
      if (list) list.push(set);
      else byName.set(set.name, [set]);
    }
    index = { byName };
    cache.zones.set(zoneId, index);
  }
  return index;
}

/** `recordSetsAt` from the in-memory index (the resolver's path). Callers must not change the sets. */
export function indexedSetsAt(store: Store, zoneId: string, name: string): StoredRecordSet[] {
  return (zoneIndex(store, zoneId).byName.get(name) ?? []).slice();
}

/** Does any record set sit strictly below this name (an empty non-terminal exists)? */
export function indexedHasDescendants(store: Store, zoneId: string, name: string): boolean {
  const suffix = `.${name}`;
  for (const n of zoneIndex(store, zoneId).byName.keys()) if (n.endsWith(suffix)) return true;
  return false;
}

/** A record set changed (or a zone's went): every index is stale. */
export function recordsChanged(): void {
  generation++;
}

/** Every record set of a zone, in list order. */
export function zoneRecords(db: Reader, zoneId: string): StoredRecordSet[] {
  return db.all<RecordRow>(`SELECT * FROM r53_records WHERE zone_id = ? ${ORDER}`, [zoneId]).map(parse);
}

/** How many record sets a zone holds (ResourceRecordSetCount). */
export function recordCount(db: Reader, zoneId: string): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM r53_records WHERE zone_id = ?', [zoneId])?.n ?? 0;
}

/** A page of a zone's record sets from a start position (inclusive), in list order. */
export function recordPage(
  db: Reader,
  zoneId: string,
  start: { name?: string; type?: string; setIdentifier?: string },
  limit: number,
): StoredRecordSet[] {
  const where = ['zone_id = ?'];
  const params: Array<string | number> = [zoneId];
  if (start.name !== undefined) {
    const s = sortName(start.name);
    if (start.type === undefined) {
      where.push('sort_name >= ?');
      params.push(s);
    } else if (start.setIdentifier === undefined) {
      where.push('(sort_name > ? OR (sort_name = ? AND type >= ?))');
      params.push(s, s, start.type);
    } else {
      where.push('(sort_name > ? OR (sort_name = ? AND (type > ? OR (type = ? AND set_identifier >= ?))))');
      params.push(s, s, start.type, start.type, start.setIdentifier);
    }
  }
  params.push(limit);
  return db
    .all<RecordRow>(`SELECT * FROM r53_records WHERE ${where.join(' AND ')} ${ORDER} LIMIT ?`, params)
    .map(parse);
}

export function putRecord(tx: Tx, zoneId: string, record: ResourceRecordSet): void {
  recordsChanged();
  tx.run(
    `INSERT INTO r53_records (zone_id, name, sort_name, type, set_identifier, record) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (zone_id, name, type, set_identifier) DO UPDATE SET record = excluded.record`,
    [
      zoneId,
      record.Name!,
      sortName(record.Name!),
      record.Type!,
      record.SetIdentifier ?? '',
      JSON.stringify(record),
    ],
  );
}

export function removeRecord(
  tx: Tx,
  zoneId: string,
  name: string,
  type: string,
  setIdentifier: string,
): void {
  recordsChanged();
  tx.run('DELETE FROM r53_records WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?', [
    zoneId,
    name,
    type,
    setIdentifier,
  ]);
}
