/**
 * Items as rows: the item as JSON (binary values as base64, marked so they come back as bytes)
 * and its key as order-preserving bytes (key-codec.ts).
 */
import type { AttributeValue, Item } from './attribute-value';
import { encodeKey, partitionHash } from './key-codec';
import type { KeySchema } from './table-meta';

export interface StoredKey {
  hash: number;
  pk: Uint8Array;
  sk: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** One item of one table, as a string: how batches and transactions spot two actions on it. */
export function itemId(tableId: number, key: StoredKey): string {
  return `${tableId}:${Buffer.from(key.pk).toString('hex')}:${Buffer.from(key.sk).toString('hex')}`;
}

/** The row key of an item (or of a key given alone) under a table's or an index's schema. */
export function storedKey(schema: KeySchema, item: Item): StoredKey {
  const pk = encodeKey(item[schema.hash.name]!);
  return {
    hash: partitionHash(pk),
    pk,
    sk: schema.range ? encodeKey(item[schema.range.name]!) : EMPTY,
  };
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function toJson(value: AttributeValue): unknown {
  if ('B' in value) return { B: b64(value.B) };
  if ('BS' in value) return { BS: value.BS.map(b64) };
  if ('M' in value) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value.M)) out[k] = toJson(v);
    return { M: out };
  }
  if ('L' in value) return { L: value.L.map(toJson) };
  return value;
}

/** Binary anywhere in the item is rare; items without it are stored as they are. */
function hasBinary(value: AttributeValue): boolean {
  if ('B' in value || 'BS' in value) return true;
  if ('M' in value) return Object.values(value.M).some(hasBinary);
  if ('L' in value) return value.L.some(hasBinary);
  return false;
}

export function serializeItem(item: Item): string {
  let binary = false;
  for (const k in item) if (hasBinary(item[k]!)) binary = true;
  if (!binary) return JSON.stringify(item);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = toJson(v);
  // The leading "!" says: base64 strings under B/BS are bytes.
  return `!${JSON.stringify(out)}`;
}

function revive(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === 'string') return { B: new Uint8Array(Buffer.from(value.B, 'base64')) };
  if (Array.isArray(value.BS))
    return { BS: (value.BS as string[]).map((s) => new Uint8Array(Buffer.from(s, 'base64'))) };
  if (value.M && typeof value.M === 'object') {
    const out: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value.M as Record<string, Record<string, unknown>>))
      out[k] = revive(v);
    return { M: out };
  }
  if (Array.isArray(value.L)) return { L: (value.L as Record<string, unknown>[]).map(revive) };
  return value as AttributeValue;
}

export function parseItem(text: string): Item {
  if (text[0] !== '!') return JSON.parse(text) as Item;
  const raw = JSON.parse(text.slice(1)) as Record<string, Record<string, unknown>>;
  const out: Item = {};
  for (const [k, v] of Object.entries(raw)) out[k] = revive(v);
  return out;
}
