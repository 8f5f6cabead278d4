import { describe, expect, it } from 'vitest';
import { prefixEnd, startsWith } from '../../../electron/core/kernel/sql-prefix';
import { Store } from '../../../electron/core/kernel/store';

const MAX = String.fromCodePoint(0x10ffff);
const KEYS = [
  '',
  'a',
  'a/',
  'a/b',
  'a0',
  'ab',
  'b',
  'photos/😀/1.jpg',
  'photos/😀x',
  'photos/😁',
  'photos/\uD7FF',
  'photos/\uD7FFz',
  'photos/\uE000',
  'photos/é',
  `photos/${MAX}`,
  `photos/${MAX}${MAX}tail`,
  'photos0',
  'z',
  `${MAX}`,
  `${MAX}x`,
];
const PREFIXES = [
  '',
  'a',
  'a/',
  'photos/',
  'photos/😀',
  'photos/\uD7FF',
  `photos/${MAX}`,
  'é',
  MAX,
  `${MAX}x`,
];

describe('startsWith as a key range', () => {
  it('names the least string above a prefix, in code point order', () => {
    expect(prefixEnd('')).toBeUndefined();
    expect(prefixEnd('abc')).toBe('abd');
    expect(prefixEnd('a😀')).toBe('a😁');
    expect(prefixEnd('a\uD7FF')).toBe('a\uE000');
    expect(prefixEnd(`a${MAX}${MAX}`)).toBe('b');
    expect(prefixEnd(MAX)).toBeUndefined();
  });

  it('selects in SQLite exactly the keys that start with the prefix, astral characters included', async () => {
    const store = await Store.open({ dir: null });
    await store.write((tx) => {
      tx.run('CREATE TABLE keys (k TEXT PRIMARY KEY)');
      for (const k of KEYS) tx.run('INSERT INTO keys (k) VALUES (?)', [k]);
    });
    for (const prefix of PREFIXES) {
      const under = startsWith('k', prefix);
      const got = store.all<{ k: string }>(`SELECT k FROM keys WHERE ${under.sql} ORDER BY k`, under.params);
      const want = KEYS.filter((k) => k.startsWith(prefix)).sort((a, b) =>
        Buffer.compare(Buffer.from(a), Buffer.from(b)),
      );
      expect(
        got.map((r) => r.k),
        `prefix ${JSON.stringify(prefix)}`,
      ).toEqual(want);
    }
    // The range is what the primary key's index reads, not a scan of every row.
    const under = startsWith('k', 'photos/');
    const plan = store.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT k FROM keys WHERE ${under.sql}`,
      under.params,
    );
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH keys USING .*INDEX .*\(k>\? AND k<\?\)/);
    await store.close();
  });
});
