/**
 * Reading and writing items with everything that follows a write in the same transaction:
 * secondary index entries, the table's and indexes' item counts and sizes, the Time to Live
 * index and the stream record. Every item write in the service goes through writeItem.
 */
import type { Store, Tx } from '../../kernel/store';
import type { Item } from './attribute-value';
import { equalValues } from './compare-values';
import { itemSize } from './item-size';
import { parseItem, serializeItem, storedKey, type StoredKey } from './stored-item';
import { appendStreamRecord, type StreamIdentity } from './stream-records';
import { keyNames, type IndexMeta, type TableMeta } from './table-meta';

type Reader = Pick<Store, 'get'> | Pick<Tx, 'get'>;

export interface StoredItem {
  item: Item;
  size: number;
}

/** An item's stored text (stored-item.ts) and size, unparsed. */
export function readStoredItem(
  db: Reader,
  tableId: number,
  key: StoredKey,
): { item: string; size: number } | undefined {
  return db.get<{ item: string; size: number }>(
    'SELECT item, size FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?',
    [tableId, key.hash, key.pk, key.sk],
  );
}

/**
 * The item at `key`, parsed on first use of `item`: a put that checks no condition and feeds
 * no index or stream needs only the old item's size.
 */
export function readItem(db: Reader, tableId: number, key: StoredKey): StoredItem | undefined {
  const row = readStoredItem(db, tableId, key);
  if (!row) return undefined;
  const text = row.item;
  let item: Item | undefined;
  return {
    get item() {
      return (item ??= parseItem(text));
    },
    size: row.size,
  };
}

/** The attributes an index keeps of an item (its keys, the table's keys, and its projection). */
export function indexProjection(meta: TableMeta, index: IndexMeta, item: Item): Item {
  if (index.projection.type === 'ALL') return item;
  const names = new Set([...keyNames(meta), ...keyNames(index), ...(index.projection.nonKey ?? [])]);
  const out: Item = {};
  for (const name of names) if (item[name] !== undefined) out[name] = item[name];
  return out;
}

/** An item is in an index only when it has every key attribute of the index. */
function inIndex(index: IndexMeta, item: Item): boolean {
  return item[index.hash.name] !== undefined && (!index.range || item[index.range.name] !== undefined);
}

function bump(tx: Tx, tableId: number, indexName: string, items: number, bytes: number): void {
  if (items === 0 && bytes === 0) return;
  tx.run(
    `INSERT INTO ddb_counts (table_id, index_name, items, bytes) VALUES (?, ?, ?, ?)
     ON CONFLICT (table_id, index_name) DO UPDATE SET items = items + excluded.items, bytes = bytes + excluded.bytes`,
    [tableId, indexName, items, bytes],
  );
}

export function addIndexEntry(tx: Tx, meta: TableMeta, index: IndexMeta, key: StoredKey, item: Item): void {
  if (!inIndex(index, item)) return;
  const ikey = storedKey(index, item);
  const size = itemSize(indexProjection(meta, index, item));
  tx.run(
    `INSERT OR REPLACE INTO ddb_index_items (table_id, index_name, hash, ipk, isk, base_hash, pk, sk, size)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [meta.id, index.name, ikey.hash, ikey.pk, ikey.sk, key.hash, key.pk, key.sk, size],
  );
  bump(tx, meta.id, index.name, 1, size);
}

function removeIndexEntry(tx: Tx, meta: TableMeta, index: IndexMeta, key: StoredKey, item: Item): void {
  if (!inIndex(index, item)) return;
  const ikey = storedKey(index, item);
  const row = tx.get<{ size: number }>(
    `SELECT size FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND hash = ? AND ipk = ? AND isk = ?
     AND pk = ? AND sk = ?`,
    [meta.id, index.name, ikey.hash, ikey.pk, ikey.sk, key.pk, key.sk],
  );
  if (!row) return;
  tx.run(
    `DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND hash = ? AND ipk = ? AND isk = ?
     AND pk = ? AND sk = ?`,
    [meta.id, index.name, ikey.hash, ikey.pk, ikey.sk, key.pk, key.sk],
  );
  bump(tx, meta.id, index.name, -1, -row.size);
}

/** Seconds since the epoch in the item's Time to Live attribute, when it holds a usable number. */
function expiryOf(meta: TableMeta, item: Item): number | undefined {
  if (!meta.ttl?.enabled) return undefined;
  const value = item[meta.ttl.attribute];
  if (!value || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : undefined;
}

export function setExpiry(tx: Tx, meta: TableMeta, key: StoredKey, item: Item | undefined): void {
  tx.run('DELETE FROM ddb_ttl WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?', [
    meta.id,
    key.hash,
    key.pk,
    key.sk,
  ]);
  const expires = item ? expiryOf(meta, item) : undefined;
  if (expires !== undefined)
    tx.run('INSERT OR REPLACE INTO ddb_ttl (table_id, expires, hash, pk, sk) VALUES (?, ?, ?, ?, ?)', [
      meta.id,
      expires,
      key.hash,
      key.pk,
      key.sk,
    ]);
}

export interface WriteOptions {
  now: number;
  /** itemSize(next), when the caller has it already. */
  size?: number;
  /** Who made the change, for stream records of Time to Live deletions. */
  identity?: StreamIdentity;
}

/**
 * Replace `old` (undefined: no item) with `next` (undefined: delete) at `key`. `oldSize` is the
 * stored size of old, when known.
 */
export function writeItem(
  tx: Tx,
  meta: TableMeta,
  key: StoredKey,
  old: StoredItem | undefined,
  next: Item | undefined,
  options: WriteOptions,
): void {
  const indexes = meta.indexes;
  if (next) {
    const size = options.size ?? itemSize(next);
    tx.run(
      'INSERT OR REPLACE INTO ddb_items (table_id, hash, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?)',
      [meta.id, key.hash, key.pk, key.sk, serializeItem(next), size],
    );
    bump(tx, meta.id, '', old ? 0 : 1, size - (old?.size ?? 0));
  } else if (old) {
    tx.run('DELETE FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?', [
      meta.id,
      key.hash,
      key.pk,
      key.sk,
    ]);
    bump(tx, meta.id, '', -1, -old.size);
  } else return;
  for (const index of indexes) {
    if (index.status === 'DELETING') continue;
    if (old) removeIndexEntry(tx, meta, index, key, old.item);
    if (next) addIndexEntry(tx, meta, index, key, next);
  }
  if (meta.ttl?.enabled) setExpiry(tx, meta, key, next);
  // A put or update that changes nothing writes no stream record (as AWS documents).
  if (meta.stream.enabled && !(old && next && sameItem(old.item, next)))
    appendStreamRecord(tx, meta, old?.item, next, options.now, options.identity);
}

function sameItem(a: Item, b: Item): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((n) => b[n] !== undefined && equalValues(a[n]!, b[n]!));
}

/** Everything stored for a table's items (DeleteTable). */
export function deleteAllItems(tx: Tx, tableId: number): void {
  for (const table of ['ddb_items', 'ddb_index_items', 'ddb_counts', 'ddb_ttl'])
    tx.run(`DELETE FROM ${table} WHERE table_id = ?`, [tableId]);
}

/** Entries of a new global index for every item already in the table (its backfill). */
export function backfillIndex(tx: Tx, meta: TableMeta, index: IndexMeta): number {
  let n = 0;
  for (const row of tx.all<{ hash: number; pk: Uint8Array; sk: Uint8Array; item: string }>(
    'SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ?',
    [meta.id],
  )) {
    addIndexEntry(tx, meta, index, { hash: row.hash, pk: row.pk, sk: row.sk }, parseItem(row.item));
    n++;
  }
  return n;
}

export function dropIndexEntries(tx: Tx, tableId: number, indexName: string): void {
  tx.run('DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ?', [tableId, indexName]);
  tx.run('DELETE FROM ddb_counts WHERE table_id = ? AND index_name = ?', [tableId, indexName]);
}

/** Rebuild the Time to Live index of a table (TTL just enabled, or disabled: emptied). */
export function rebuildExpiries(tx: Tx, meta: TableMeta): void {
  tx.run('DELETE FROM ddb_ttl WHERE table_id = ?', [meta.id]);
  if (!meta.ttl?.enabled) return;
  for (const row of tx.all<{ hash: number; pk: Uint8Array; sk: Uint8Array; item: string }>(
    'SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ?',
    [meta.id],
  ))
    setExpiry(tx, meta, { hash: row.hash, pk: row.pk, sk: row.sk }, parseItem(row.item));
}
