/**
 * A table's definition as Cloud Lab keeps it (the `meta` JSON of ddb_tables), and how it reads
 * as AWS's TableDescription. Status changes happen on the simulated clock: a transitional status
 * carries the instant it ends, and every reader sees the status that holds now.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { KeyType } from './attribute-value';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday: number;
}

export type IndexStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';

export interface IndexMeta {
  name: string;
  kind: 'local' | 'global';
  hash: KeyAttribute;
  range?: KeyAttribute;
  projection: { type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; nonKey?: string[] };
  throughput?: Throughput;
  status: IndexStatus;
  /** Simulated ms when a CREATING/UPDATING/DELETING status ends. */
  statusUntil?: number;
}

export type TableStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';

export interface StreamMeta {
  enabled: boolean;
  viewType?: DDB.StreamViewType;
  label?: string;
  arn?: string;
}

export interface TtlMeta {
  attribute: string;
  enabled: boolean;
}

export interface TableMeta {
  id: number;
  accountId: string;
  region: string;
  name: string;
  arn: string;
  tableId: string;
  createdAt: number;
  hash: KeyAttribute;
  range?: KeyAttribute;
  attributeDefinitions: KeyAttribute[];
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** When the billing mode last changed (BillingModeSummary). */
  billingModeChangedAt?: number;
  throughput: Throughput;
  indexes: IndexMeta[];
  stream: StreamMeta;
  ttl?: TtlMeta;
  tags: { Key: string; Value: string }[];
  tableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  deletionProtection: boolean;
  status: TableStatus;
  statusUntil?: number;
}

/** The key attributes of the table or of one of its indexes. */
export interface KeySchema {
  hash: KeyAttribute;
  range?: KeyAttribute;
}

/** How long a status lasts on the simulated clock: short, but long enough to be seen. */
export const CREATE_MS = 1_000;
export const UPDATE_MS = 1_000;
/** A new global index backfills for this long, plus a little per existing item. */
export const BACKFILL_MS = 2_000;

/** The status that holds at `now` (a transition whose time has passed has happened). */
export function tableStatus(meta: TableMeta, now: number): TableStatus {
  if (meta.status !== 'ACTIVE' && meta.statusUntil !== undefined && now >= meta.statusUntil) return 'ACTIVE';
  return meta.status;
}

export function indexStatus(index: IndexMeta, now: number): IndexStatus {
  if (index.status !== 'ACTIVE' && index.statusUntil !== undefined && now >= index.statusUntil)
    return 'ACTIVE';
  return index.status;
}

/** An index that has finished deleting is gone. */
export function liveIndexes(meta: TableMeta, now: number): IndexMeta[] {
  return meta.indexes.filter(
    (i) => !(i.status === 'DELETING' && i.statusUntil !== undefined && now >= i.statusUntil),
  );
}

export function keyNames(schema: KeySchema): string[] {
  return schema.range ? [schema.hash.name, schema.range.name] : [schema.hash.name];
}

export function keySchemaElements(schema: KeySchema): DDB.KeySchemaElement[] {
  const out: DDB.KeySchemaElement[] = [{ AttributeName: schema.hash.name, KeyType: 'HASH' }];
  if (schema.range) out.push({ AttributeName: schema.range.name, KeyType: 'RANGE' });
  return out;
}
