/**
 * Order-preserving byte encodings of key values. Items are stored with their keys encoded
 * as BLOBs, and SQLite compares BLOBs with memcmp (a shorter string that is a prefix of a
 * longer one sorts first), so the encodings are built for that comparison to give
 * DynamoDB's order. Encodings are never decoded: the item itself is stored whole.
 */
import { hash } from 'node:crypto';
import type { AttributeValue } from './attribute-value';
import { MIN_EXPONENT, parseNumber } from './numbers';

// Numbers: a class byte keeps negatives < zero < positives, then the exponent, then digits.
const NEGATIVE = 0x01;
const ZERO = 0x02;
const POSITIVE = 0x03;
// Negative numbers end with a byte above every (inverted) digit, so that a longer digit
// string, which is a larger magnitude and hence a smaller number, sorts first.
const NEGATIVE_END = 0xff;

function encodeNumber(text: string): Uint8Array {
  const d = parseNumber(text);
  if (d.sign === 0) return Uint8Array.of(ZERO);
  // The exponent range -130..125 fits one byte exactly once shifted.
  const exponent = d.exp - MIN_EXPONENT;
  const out = new Uint8Array(d.digits.length + (d.sign > 0 ? 2 : 3));
  out[0] = d.sign > 0 ? POSITIVE : NEGATIVE;
  // Larger magnitudes are smaller negatives: invert exponent and digits for them.
  out[1] = d.sign > 0 ? exponent : 0xff - exponent;
  for (let i = 0; i < d.digits.length; i++) {
    const digit = d.digits.charCodeAt(i) - 48;
    out[i + 2] = 0x30 + (d.sign > 0 ? digit : 9 - digit);
  }
  if (d.sign < 0) out[out.length - 1] = NEGATIVE_END;
  return out;
}

/** The sortable encoding of an S, N or B key value. */
export function encodeKey(value: AttributeValue): Uint8Array {
  // DynamoDB orders strings by their UTF-8 bytes, which is what memcmp does on UTF-8.
  if ('S' in value) return new Uint8Array(Buffer.from(value.S, 'utf8'));
  if ('N' in value) return encodeNumber(value.N);
  if ('B' in value) return new Uint8Array(value.B);
  throw new Error(`Key values are S, N or B, got ${Object.keys(value).join(',')}`);
}

/**
 * The smallest byte string greater than every string starting with `prefix`, so that
 * begins_with(prefix) is the range [prefix, bound). Null when no such bound exists (the
 * prefix is empty or all 0xFF): the range is then open-ended.
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const bound = prefix.slice(0, end);
  bound[end - 1] = (bound[end - 1] ?? 0) + 1;
  return bound;
}

/**
 * A uint32 derived from the encoded partition key. Scan returns items in this hash order
 * (as DynamoDB's order looks random but is stable), and parallel scan segments are ranges
 * of it.
 */
export function partitionHash(encodedPartitionKey: Uint8Array): number {
  // The one-shot hash: no Hash object per call (every read and write of an item hashes its key).
  return hash('md5', encodedPartitionKey, 'buffer').readUInt32BE(0);
}

const HASH_SPACE = 2 ** 32;

/** The hash range [lo, hiExclusive) of one parallel scan segment; together they tile 0..2^32. */
export function segmentRange(segment: number, totalSegments: number): [lo: number, hiExclusive: number] {
  const lo = Math.floor((segment * HASH_SPACE) / totalSegments);
  const hi = Math.floor(((segment + 1) * HASH_SPACE) / totalSegments);
  return [lo, hi];
}
