/**
 * "Starts with" as a key range. SQLite orders TEXT by its UTF-8 bytes (BINARY collation), which
 * is code point order, so the strings that start with a prefix are exactly [prefix, end) where
 * end is the prefix with its last code point raised by one. A range is what an index on the
 * column can read directly — `substr(column, 1, n) = prefix` reads every row after the prefix,
 * and counts n in code points where JavaScript's length counts UTF-16 units.
 */

/** The least string above every string that starts with `prefix`; undefined if there is none. */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogate code points are not characters: the next one after U+D7FF is U+E000.
      return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
    }
  }
  return undefined;
}

/** `column` starts with `prefix`: SQL (a range) and its parameters. */
export function startsWith(column: string, prefix: string): { sql: string; params: string[] } {
  const end = prefixEnd(prefix);
  return end === undefined
    ? { sql: `${column} >= ?`, params: [prefix] }
    : { sql: `${column} >= ? AND ${column} < ?`, params: [prefix, end] };
}
