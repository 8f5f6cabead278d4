/**
 * Record sets in the store: one row per (zone, name, type, set identifier) holding the
 * ResourceRecordSet exactly as the API shows it. Names are canonical (see names.ts); `sort_name`
 * orders rows as Route 53 lists them. Reads take the store or a transaction.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Tx } from '../../kernel/store';
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
  tx.run('DELETE FROM r53_records WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?', [
    zoneId,
    name,
    type,
    setIdentifier,
  ]);
}
