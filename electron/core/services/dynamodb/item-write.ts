/**
 * One item write — Put, Update, Delete or a transaction's ConditionCheck — checked and applied
 * inside a store transaction: read the current item, evaluate the condition against it, compute
 * the new item, write it with everything that follows (item-store.ts). PutItem, UpdateItem,
 * DeleteItem, BatchWriteItem and TransactWriteItems all run writes through here.
 */
import type { Tx } from '../../kernel/store';
import type { Item } from './attribute-value';
import { spent, type Spent } from './capacity';
import { conditionalCheckFailed, validation } from './errors';
import { evaluate, type Condition } from './expressions';
import { indexProjection, readItem, writeItem, type StoredItem } from './item-store';
import { itemSize, itemTooLarge, MAX_ITEM_BYTES, writeUnits } from './item-size';
import type { StoredKey } from './stored-item';
import type { TableMeta } from './table-meta';

export type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

export interface PlannedWrite {
  kind: WriteKind;
  meta: TableMeta;
  key: StoredKey;
  condition?: Condition;
  /**
   * The new item given the current one (undefined deletes); absent for ConditionCheck. The
   * current item comes parsed on request: a put or a delete never asks.
   */
  apply?: (current: () => Item | undefined) => Item | undefined;
  /** ReturnValuesOnConditionCheckFailure ALL_OLD: the failure carries the item. */
  returnOldOnFailure?: boolean;
}

export interface WriteResult {
  old: StoredItem | undefined;
  next: Item | undefined;
  capacity: Spent;
}

/** Units a write costs: the larger of the item before and after, and each index it touches. */
function writeCapacity(
  meta: TableMeta,
  old: StoredItem | undefined,
  next: Item | undefined,
  nextSize: number,
): Spent {
  const used = spent(false);
  used.table = writeUnits(Math.max(old?.size ?? 0, nextSize));
  for (const index of meta.indexes) {
    if (index.status === 'DELETING') continue;
    const before = old && old.item[index.hash.name] && (!index.range || old.item[index.range.name]);
    const after = next && next[index.hash.name] && (!index.range || next[index.range.name]);
    if (!before && !after) continue;
    const size = Math.max(
      before ? itemSize(indexProjection(meta, index, old.item)) : 0,
      after ? itemSize(indexProjection(meta, index, next)) : 0,
    );
    // Moving an item within an index is a delete and a put there.
    const units = writeUnits(size) * (before && after ? 2 : 1);
    used.indexes.set(index.name, { kind: index.kind, units });
  }
  return used;
}

/** Evaluate the condition against the current item (throws ConditionalCheckFailed). */
export function checkCondition(w: PlannedWrite, old: StoredItem | undefined): void {
  if (w.condition && !evaluate(w.condition, old?.item))
    throw conditionalCheckFailed(w.returnOldOnFailure && old ? old.item : undefined);
}

export function runWrite(tx: Tx, w: PlannedWrite, now: number): WriteResult {
  const old = readItem(tx, w.meta.id, w.key);
  checkCondition(w, old);
  if (!w.apply) return { old, next: old?.item, capacity: writeCapacity(w.meta, old, undefined, 0) };
  const next = w.apply(() => old?.item);
  const size = next ? itemSize(next) : 0;
  if (size > MAX_ITEM_BYTES) throw itemTooLarge(w.kind === 'Update');
  writeItem(tx, w.meta, w.key, old, next, { now, size });
  return { old, next, capacity: writeCapacity(w.meta, old, next, size) };
}

export function returnValuesOf(
  value: string | undefined,
  allowed: readonly string[],
  message = 'ReturnValues can only be ALL_OLD or NONE',
): string {
  const v = value ?? 'NONE';
  if (!['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'].includes(v))
    throw validation(
      `1 validation error detected: Value '${v}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]`,
    );
  if (!allowed.includes(v)) throw validation(message);
  return v;
}
