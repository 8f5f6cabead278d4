/**
 * Equality, ordering and size() of validated attribute values, as condition, filter and
 * key-condition expressions need them.
 */
import type { AttributeValue } from './attribute-value';
import { compareNumbers, normalizeNumber } from './numbers';

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function bytes(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return bytes(a).equals(bytes(b));
}

/** Sets have no duplicates, so equal size plus inclusion one way means equality. */
function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((m) => members.has(m));
}

/**
 * Deep equality as DynamoDB's `=` sees it: same type, numbers compared numerically
 * ("1.0" = "1"), sets unordered, lists ordered, maps by key.
 */
export function equalValues(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a) return 'S' in b && a.S === b.S;
  if ('N' in a) return 'N' in b && compareNumbers(a.N, b.N) === 0;
  if ('B' in a) return 'B' in b && bytesEqual(a.B, b.B);
  if ('BOOL' in a) return 'BOOL' in b && a.BOOL === b.BOOL;
  if ('NULL' in a) return 'NULL' in b;
  if ('SS' in a) return 'SS' in b && sameSet(a.SS, b.SS);
  if ('NS' in a) return 'NS' in b && sameSet(a.NS.map(normalizeNumber), b.NS.map(normalizeNumber));
  if ('BS' in a) {
    const hex = (s: Uint8Array[]) => s.map((m) => bytes(m).toString('hex'));
    return 'BS' in b && sameSet(hex(a.BS), hex(b.BS));
  }
  if ('L' in a) {
    return (
      'L' in b &&
      a.L.length === b.L.length &&
      a.L.every((v, i) => {
        const other = b.L[i];
        return other !== undefined && equalValues(v, other);
      })
    );
  }
  if (!('M' in b)) return false;
  const keys = Object.keys(a.M);
  if (keys.length !== Object.keys(b.M).length) return false;
  return keys.every((k) => {
    const left = a.M[k];
    const right = b.M[k];
    return left !== undefined && right !== undefined && equalValues(left, right);
  });
}

/**
 * Order of two scalars of the same type: strings by their UTF-8 bytes (not UTF-16 code
 * units, which order some characters differently), numbers numerically, binary by unsigned
 * bytes. Undefined when the types differ or are not ordered (<, >, BETWEEN are then false).
 */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return Math.sign(Buffer.compare(utf8(a.S), utf8(b.S)));
  if ('N' in a && 'N' in b) return Math.sign(compareNumbers(a.N, b.N));
  if ('B' in a && 'B' in b) return Math.sign(Buffer.compare(bytes(a.B), bytes(b.B)));
  return undefined;
}

/**
 * The expression function size(): a String's length, a Binary's byte count, the number of
 * members of a set, list or map. Undefined for Number, Boolean and Null, where AWS treats
 * the function as not applicable.
 */
export function valueSize(v: AttributeValue): number | undefined {
  // DynamoDB is a Java service: a string's length counts UTF-16 code units, like JS.
  if ('S' in v) return v.S.length;
  if ('B' in v) return v.B.byteLength;
  if ('SS' in v) return v.SS.length;
  if ('NS' in v) return v.NS.length;
  if ('BS' in v) return v.BS.length;
  if ('L' in v) return v.L.length;
  if ('M' in v) return Object.keys(v.M).length;
  return undefined;
}
