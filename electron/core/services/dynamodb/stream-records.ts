/**
 * What a table's stream records for each item change: the event, the keys and the images its
 * StreamViewType asks for, in one shard, numbered in order. Written in the transaction of the
 * change itself, so a record exists exactly when the change does.
 */
import { createHash } from 'node:crypto';
import type * as DDBS from '@aws-sdk/client-dynamodb-streams';
import type { Store, Tx } from '../../kernel/store';
import type { Item } from './attribute-value';
import { itemSize } from './item-size';
import { parseItem, serializeItem } from './stored-item';
import { keyNames, type TableMeta } from './table-meta';

/** Time to Live deletions are made by the service itself, and say so. */
export interface StreamIdentity {
  PrincipalId: string;
  Type: string;
}

export const TTL_IDENTITY: StreamIdentity = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' };

interface StoredRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: string;
  newImage?: string;
  oldImage?: string;
  size: number;
  viewType: string;
  identity?: StreamIdentity;
}

function keysOf(meta: TableMeta, item: Item): Item {
  const out: Item = {};
  for (const name of keyNames(meta)) out[name] = item[name]!;
  return out;
}

export function appendStreamRecord(
  tx: Tx,
  meta: TableMeta,
  old: Item | undefined,
  next: Item | undefined,
  now: number,
  identity?: StreamIdentity,
): void {
  const viewType = meta.stream.viewType!;
  const keys = keysOf(meta, (next ?? old)!);
  const record: StoredRecord = {
    eventName: !old ? 'INSERT' : next ? 'MODIFY' : 'REMOVE',
    keys: serializeItem(keys),
    size: itemSize(keys),
    viewType,
  };
  if (next && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) {
    record.newImage = serializeItem(next);
    record.size += itemSize(next);
  }
  if (old && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) {
    record.oldImage = serializeItem(old);
    record.size += itemSize(old);
  }
  if (identity) record.identity = identity;
  tx.run('INSERT INTO ddb_stream_records (stream_arn, at, record) VALUES (?, ?, ?)', [
    meta.stream.arn!,
    now,
    JSON.stringify(record),
  ]);
}

/** Sequence numbers are decimal strings that grow with every record (21 digits here). */
export function sequenceNumber(seq: number): string {
  return String(100_000_000_000_000_000_000n + BigInt(seq));
}

export function seqOf(sequenceNumber: string): number | undefined {
  if (!/^\d{21,40}$/.test(sequenceNumber)) return undefined;
  const n = BigInt(sequenceNumber) - 100_000_000_000_000_000_000n;
  return n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

type Reader = Pick<Store, 'all'> | Pick<Tx, 'all'>;

/** Records of a stream from sequence `after` (exclusive), at most `limit`, as GetRecords returns them. */
export function readStreamRecords(
  db: Reader,
  arn: string,
  region: string,
  after: number,
  limit: number,
): { records: DDBS._Record[]; lastSeq: number } {
  const rows = db.all<{ seq: number; at: number; record: string }>(
    'SELECT seq, at, record FROM ddb_stream_records WHERE stream_arn = ? AND seq > ? ORDER BY seq LIMIT ?',
    [arn, after, limit],
  );
  let lastSeq = after;
  const records = rows.map((row) => {
    lastSeq = row.seq;
    const r = JSON.parse(row.record) as StoredRecord;
    const dynamodb: DDBS.StreamRecord = {
      ApproximateCreationDateTime: new Date(Math.floor(row.at / 1000) * 1000),
      Keys: parseItem(r.keys) as DDBS.StreamRecord['Keys'],
      SequenceNumber: sequenceNumber(row.seq),
      SizeBytes: r.size,
      StreamViewType: r.viewType as DDBS.StreamViewType,
    };
    if (r.newImage) dynamodb.NewImage = parseItem(r.newImage) as DDBS.StreamRecord['NewImage'];
    if (r.oldImage) dynamodb.OldImage = parseItem(r.oldImage) as DDBS.StreamRecord['OldImage'];
    const out: DDBS._Record = {
      eventID: createHash('md5').update(`${arn}#${row.seq}`).digest('hex'),
      eventName: r.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb,
    };
    if (r.identity) out.userIdentity = { ...r.identity };
    return out;
  });
  return { records, lastSeq };
}
