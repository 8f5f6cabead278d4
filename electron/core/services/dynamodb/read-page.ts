/**
 * One page of a Query or Scan: rows walked from a cursor, a batch at a time, until Limit items
 * were evaluated or 1 MB read. Two walkers: one evaluates every item (filters, projections,
 * index projections), the other — for reads that return whole stored items unchanged, or only
 * count them — never parses an item but the one its cursor or LastEvaluatedKey needs.
 */
import type { Item } from './attribute-value';
import { evaluate, type Condition } from './expressions';
import { parseItem } from './stored-item';

const PAGE_BYTES = 1024 * 1024;
const BATCH = 200;

/** A row as the cheap walker reads it: the stored item text and its size. */
export interface StoredRow {
  item: string;
  size: number;
}

export interface Row extends StoredRow {
  /** Table row key. */
  hash: number;
  pk: Uint8Array;
  sk: Uint8Array;
  /** Index row key (index reads only). */
  ihash?: number;
  ipk?: Uint8Array;
  isk?: Uint8Array;
}

interface Counts {
  count: number;
  scanned: number;
  bytes: number;
  last?: Item;
}

export interface Page extends Counts {
  stored: false;
  items: Item[];
}

/** A page of whole items as stored (their text, unparsed). */
export interface StoredPage extends Counts {
  stored: true;
  items: string[];
}

/** `fetch(after, n)`: the next n rows after the cursor row (undefined: from the start). */
export type Fetch<R> = (after: Row | undefined, n: number) => R[];

export function keyOnly(item: Item, schema: { name: string }[]): Item {
  const out: Item = {};
  for (const k of schema) out[k.name] = item[k.name]!;
  return out;
}

function wanted(limit: number | undefined, scanned: number): number {
  return limit === undefined ? BATCH : Math.min(BATCH, limit - scanned);
}

/** `view` turns a stored item into what the read sees (a global index's projection). */
export function walk(
  fetch: Fetch<Row>,
  start: Row | undefined,
  limit: number | undefined,
  view: (item: Item) => Item,
  filter: Condition | undefined,
  shape: (item: Item) => Item | undefined,
  keySchema: { name: string }[],
): Page {
  const page: Page = { stored: false, items: [], count: 0, scanned: 0, bytes: 0 };
  let cursor = start;
  for (;;) {
    const want = wanted(limit, page.scanned);
    const rows = fetch(cursor, want);
    for (const row of rows) {
      const item = view(parseItem(row.item));
      page.scanned++;
      page.bytes += row.size;
      cursor = row;
      if (!filter || evaluate(filter, item)) {
        page.count++;
        const shaped = shape(item);
        if (shaped) page.items.push(shaped);
      }
      if (page.bytes >= PAGE_BYTES || (limit !== undefined && page.scanned >= limit)) {
        // DynamoDB reports a LastEvaluatedKey whenever it stopped early, even at the very end.
        page.last = keyOnly(item, keySchema);
        return page;
      }
    }
    if (rows.length < want) return page;
  }
}

/**
 * The same walk for reads with no filter and no projection: every row counts, and its text is
 * kept as it is (`keep` false: counted only, Select COUNT). `cursorOf(item)` is the row key of
 * a stored item, for the next batch.
 */
export function walkStored(
  fetch: Fetch<StoredRow>,
  cursorOf: (item: Item) => Row,
  start: Row | undefined,
  limit: number | undefined,
  keep: boolean,
  keySchema: { name: string }[],
): StoredPage {
  const page: StoredPage = { stored: true, items: [], count: 0, scanned: 0, bytes: 0 };
  let cursor = start;
  for (;;) {
    const want = wanted(limit, page.scanned);
    const rows = fetch(cursor, want);
    for (const row of rows) {
      page.scanned++;
      page.bytes += row.size;
      if (keep) page.items.push(row.item);
      if (page.bytes >= PAGE_BYTES || (limit !== undefined && page.scanned >= limit)) {
        // As walk(): a LastEvaluatedKey whenever the page stopped early.
        page.last = keyOnly(parseItem(row.item), keySchema);
        page.count = page.scanned;
        return page;
      }
    }
    page.count = page.scanned;
    if (rows.length < want) return page;
    cursor = cursorOf(parseItem(rows[rows.length - 1]!.item));
  }
}
