/**
 * Item sizes as DynamoDB counts them (the 400 KB item limit, the 1 MB page of Query/Scan,
 * and consumed capacity). Attribute names and strings count their UTF-8 bytes; the other
 * rules follow the developer guide and what has been measured against AWS.
 */
import { AwsError } from '../../kernel/errors';
import type { AttributeValue, Item } from './attribute-value';
import { parseNumber } from './numbers';

export const MAX_ITEM_BYTES = 400 * 1024;

export const ITEM_TOO_LARGE_MESSAGE = 'Item size has exceeded the maximum allowed size';
/** UpdateItem words it differently when the updated item outgrows the limit. */
export const UPDATED_ITEM_TOO_LARGE_MESSAGE = 'Item size to update has exceeded the maximum allowed size';

export function itemTooLarge(update = false): AwsError {
  return new AwsError(
    'ValidationException',
    update ? UPDATED_ITEM_TOO_LARGE_MESSAGE : ITEM_TOO_LARGE_MESSAGE,
  );
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * DynamoDB stores numbers in base 100 (two decimal digits per byte, aligned on even powers
 * of ten), plus one byte of exponent and one more for a negative sign. So "1.5" takes three
 * bytes (01.50) while "15" takes two.
 */
export function numberSize(text: string): number {
  const d = parseNumber(text);
  if (d.sign === 0) return 1;
  const lastExp = d.exp - d.digits.length + 1;
  const pairs = Math.floor(d.exp / 2) - Math.floor(lastExp / 2) + 1;
  return 1 + pairs + (d.sign < 0 ? 1 : 0);
}

export function attributeValueSize(v: AttributeValue): number {
  if ('S' in v) return utf8Length(v.S);
  if ('N' in v) return numberSize(v.N);
  if ('B' in v) return v.B.byteLength;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return v.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if ('NS' in v) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if ('BS' in v) return v.BS.reduce((sum, b) => sum + b.byteLength, 0);
  // Lists and maps: 3 bytes of overhead, plus 1 byte per element besides its content.
  if ('L' in v) return v.L.reduce((sum, e) => sum + 1 + attributeValueSize(e), 3);
  return 3 + Object.keys(v.M).length + itemSize(v.M);
}

export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Length(name) + attributeValueSize(value);
  return size;
}

/**
 * Read capacity: one unit per 4 KB (rounded up) for a strongly consistent read, half that
 * for an eventually consistent one. A read of a missing item still costs the minimum.
 */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

/** Write capacity: one unit per 1 KB, rounded up, at least one. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}
