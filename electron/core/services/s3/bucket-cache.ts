/**
 * Bucket rows and bucket configuration kept between requests. Every object request reads its
 * bucket (findBucket) and most read a configuration or two (versioning, notifications): a SQL
 * statement of some 20 µs each in sql.js, for rows that change a few times in a bucket's life.
 *
 * Only reads through the Store (outside a transaction; transactions are synchronous, so such a
 * read sees committed rows) are served from here; reads through a Tx always ask the database.
 * What is kept is the row as stored (a bucket row, a configuration's JSON text) and callers get a
 * fresh copy, so none can change another's. Everything that writes s3_buckets or
 * s3_bucket_config calls forgetBuckets() (buckets.ts, bucket-config.ts), and so does every
 * rolled-back transaction, which may have let a read see rows that never were.
 */
import { Store, type Tx } from '../../kernel/store';

type Reader = Pick<Store, 'get'> | Pick<Tx, 'get'>;

/** Entries per store before the cache starts over (names of buckets that do not exist count). */
const MAX_ENTRIES = 10_000;

interface Cache {
  generation: number;
  entries: Map<string, unknown>;
}

const caches = new WeakMap<Store, Cache>();
let generation = 0;

/** A bucket or its configuration changed (or a transaction rolled back): read them again. */
export function forgetBuckets(): void {
  generation++;
}

function cacheOf(store: Store): Cache {
  let cache = caches.get(store);
  if (!cache) {
    cache = { generation, entries: new Map() };
    caches.set(store, cache);
    store.onRollback(forgetBuckets);
  }
  if (cache.generation !== generation || cache.entries.size > MAX_ENTRIES) {
    cache.generation = generation;
    cache.entries.clear();
  }
  return cache;
}

/**
 * `read(db)`'s answer, from the cache when `db` is the Store. `key` names what is read;
 * `copy` makes the caller's own copy of a kept value.
 */
export function cachedRead<T>(db: Reader, key: string, read: (db: Reader) => T, copy: (value: T) => T): T {
  if (!(db instanceof Store)) return read(db);
  const { entries } = cacheOf(db);
  if (entries.has(key)) return copy(entries.get(key) as T);
  const value = read(db);
  entries.set(key, value);
  return copy(value);
}
