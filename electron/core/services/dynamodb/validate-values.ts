/**
 * Validation of attribute values as clients send them (after the json codec: B and BS
 * members are Uint8Array, everything else plain JSON), with DynamoDB's own messages and in
 * the order DynamoDB checks. The result is a normalized copy: numbers in canonical text.
 */
import { AwsError } from '../../kernel/errors';
import type { AttributeValue, Item, KeyType } from './attribute-value';
import { normalizeNumber } from './numbers';

export interface KeySchemaElement {
  name: string;
  type: KeyType;
}

const INVALID = 'One or more parameter values were invalid: ';
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

// Wrong JSON types never reach validation on AWS: its deserializer rejects them first.
function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

function jsonKind(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'TRUE_VALUE' : 'FALSE_VALUE';
  if (typeof v === 'number') return Number.isInteger(v) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE';
  return 'STRING_VALUE';
}

function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) throw serialization('Unrecognized collection type class java.lang.String');
  if (typeof v === 'object') throw serialization('Start of structure or map found where not expected');
  throw serialization(`${jsonKind(v)} cannot be converted to String`);
}

function asBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  // AWS's deserializer is lenient with booleans written as strings.
  if (typeof v === 'string') {
    const upper = v.toUpperCase();
    if (['TRUE', '1', 'YES'].includes(upper)) return true;
    if (['FALSE', '0', 'NO'].includes(upper)) return false;
    throw serialization('Unexpected token received from parser');
  }
  if (Array.isArray(v)) throw serialization('Unrecognized collection type class java.lang.Boolean');
  if (typeof v === 'object') throw serialization('Start of structure or map found where not expected');
  throw serialization(`${jsonKind(v)} cannot be converted to Boolean`);
}

function asBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) throw serialization('Unrecognized collection type class java.nio.ByteBuffer');
  if (typeof v === 'object') throw serialization('Start of structure or map found where not expected');
  throw serialization('only base-64-encoded strings are convertible to bytes');
}

function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') throw serialization('Start of structure or map found where not expected');
  throw serialization('Unexpected field type');
}

function asMap(v: unknown): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    return v as Record<string, unknown>;
  }
  if (Array.isArray(v)) {
    throw serialization(
      'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
    );
  }
  throw serialization('Unexpected field type');
}

function asValueStruct(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) {
    throw serialization('Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue');
  }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) {
    throw serialization('Unexpected value type in payload');
  }
  return v as Record<string, unknown>;
}

const DATA_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

function hasDuplicate(values: string[]): boolean {
  return new Set(values).size !== values.length;
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Validates and normalizes one member (type descriptor plus its raw content). */
function validateMember(type: string, raw: unknown): AttributeValue {
  switch (type) {
    case 'S':
      return { S: asString(raw) };
    case 'N':
      return { N: normalizeNumber(asString(raw)) };
    case 'B':
      return { B: asBytes(raw) };
    case 'BOOL':
      return { BOOL: asBoolean(raw) };
    case 'NULL':
      if (!asBoolean(raw))
        throw validation(`${INVALID}Null attribute value types must have the value of true`);
      return { NULL: true };
    case 'SS': {
      const set = asList(raw).map(asString);
      if (set.length === 0) throw validation(`${INVALID}An string set  may not be empty`);
      if (hasDuplicate(set))
        throw validation(`${INVALID}Input collection [${set.join(', ')}] contains duplicates.`);
      return { SS: set };
    }
    case 'NS': {
      const list = asList(raw).map(asString);
      if (list.length === 0) throw validation(`${INVALID}An number set  may not be empty`);
      // Duplicates are judged after normalization: "1" and "1.0" are the same number.
      const set = list.map(normalizeNumber);
      if (hasDuplicate(set)) throw validation('Input collection contains duplicates');
      return { NS: set };
    }
    case 'BS': {
      const set = asList(raw).map(asBytes);
      if (set.length === 0) throw validation(`${INVALID}Binary sets should not be empty`);
      const encoded = set.map(base64);
      if (hasDuplicate(encoded)) {
        // Sic: AWS prints no space before "of".
        throw validation(`${INVALID}Input collection [${encoded.join(', ')}]of type BS contains duplicates.`);
      }
      return { BS: set };
    }
    case 'L':
      return { L: asList(raw).map(validateAttributeValue) };
    default: {
      const map = asMap(raw);
      const M: Record<string, AttributeValue> = {};
      for (const [name, value] of Object.entries(map)) M[name] = validateAttributeValue(value);
      return { M };
    }
  }
}

/**
 * One attribute value. Members that are null count as absent (the deserializer drops them),
 * unknown members are ignored. Each present member is checked before the
 * "more than one datatype" rule, as AWS does.
 */
export function validateAttributeValue(raw: unknown): AttributeValue {
  const struct = asValueStruct(raw);
  const types = Object.keys(struct).filter((k) => DATA_TYPES.has(k) && struct[k] != null);
  if (types.length === 0) {
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  const values = types.map((t) => validateMember(t, struct[t]));
  if (values.length > 1) {
    throw validation(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  }
  return values[0] as AttributeValue;
}

export function validateItem(raw: unknown): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(asMap(raw))) {
    if (value == null) continue;
    item[name] = validateAttributeValue(value);
  }
  return item;
}

function keyBytes(value: AttributeValue): number {
  if ('S' in value) return Buffer.byteLength(value.S, 'utf8');
  if ('B' in value) return value.B.byteLength;
  return 0; // numbers are bounded by their own limits
}

function isEmptyKeyValue(value: AttributeValue): boolean {
  return ('S' in value && value.S === '') || ('B' in value && value.B.byteLength === 0);
}

function checkKeySize(value: AttributeValue, partition: boolean): void {
  const size = keyBytes(value);
  // Sic: "of2048" without a space is AWS's wording.
  if (partition && size > MAX_PARTITION_KEY_BYTES) {
    throw validation(`${INVALID}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
  }
  if (!partition && size > MAX_SORT_KEY_BYTES) {
    throw validation(`${INVALID}Aggregated size of all range keys has exceeded the size limit of 1024 bytes`);
  }
}

/**
 * The Key parameter of GetItem, DeleteItem, UpdateItem (and batch/transaction variants):
 * exactly the key attributes, of the declared types, non-empty and within size limits.
 */
export function validateKey(raw: Record<string, unknown>, keySchema: KeySchemaElement[]): Item {
  const key = validateItem(raw);
  const mismatch = () => validation('The provided key element does not match the schema');
  if (Object.keys(key).length !== keySchema.length) throw mismatch();
  keySchema.forEach(({ name, type }, i) => {
    const value = key[name];
    if (value === undefined || !(type in value)) throw mismatch();
    if (isEmptyKeyValue(value)) {
      throw validation(
        `${INVALID}The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
      );
    }
    checkKeySize(value, i === 0);
  });
  return key;
}

/** The key attributes of a whole item (PutItem and the Put of batch/transaction writes). */
export function validateItemKeys(item: Item, keySchema: KeySchemaElement[]): void {
  keySchema.forEach(({ name, type }, i) => {
    const value = item[name];
    if (value === undefined) throw validation(`${INVALID}Missing the key ${name} in the item`);
    if (!(type in value)) {
      throw validation(
        `${INVALID}Type mismatch for key ${name} expected: ${type} actual: ${Object.keys(value)[0] ?? ''}`,
      );
    }
    if (isEmptyKeyValue(value)) {
      // Sic: PutItem says "are not valid." where the Key checks say "were invalid:".
      throw validation(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
      );
    }
    checkKeySize(value, i === 0);
  });
}
