/**
 * Evaluating conditions and filters against an item. Like DynamoDB, a comparison between
 * values of different types (or with a missing attribute) is simply false, never an error.
 */
import type { AttributeValue, Item } from '../attribute-value';
import { compareScalars, equalValues, valueSize } from '../compare-values';
import type { Condition, Operand } from './ast';
import { valueAt } from './paths';

export function evaluate(cond: Condition, item: Item | undefined): boolean {
  const subject = item ?? {};
  const get = (operand: Operand) => operandValue(operand, subject);
  switch (cond.kind) {
    case 'and':
      return evaluate(cond.left, item) && evaluate(cond.right, item);
    case 'or':
      return evaluate(cond.left, item) || evaluate(cond.right, item);
    case 'not':
      return !evaluate(cond.condition, item);
    case 'compare':
      return compare(cond.op, get(cond.left), get(cond.right));
    case 'between': {
      const value = get(cond.operand);
      const low = get(cond.low);
      const high = get(cond.high);
      if (!value || !low || !high) return false;
      const above = compareScalars(value, low);
      const below = compareScalars(value, high);
      return above !== undefined && below !== undefined && above >= 0 && below <= 0;
    }
    case 'in': {
      const value = get(cond.operand);
      return !!value && cond.list.some((o) => sameValue(value, get(o)));
    }
    case 'attribute_exists':
      return valueAt(subject, cond.path) !== undefined;
    case 'attribute_not_exists':
      return valueAt(subject, cond.path) === undefined;
    case 'attribute_type': {
      const value = get(cond.operand);
      const type = get(cond.type);
      return !!value && !!type && 'S' in type && Object.keys(value)[0] === type.S;
    }
    case 'begins_with':
      return beginsWith(get(cond.operand), get(cond.prefix));
    case 'contains':
      return contains(get(cond.operand), get(cond.needle));
  }
}

export function operandValue(operand: Operand, item: Item): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return valueAt(item, operand.path);
    case 'size': {
      const value = operandValue(operand.operand, item);
      const size = value ? valueSize(value) : undefined;
      return size === undefined ? undefined : { N: String(size) };
    }
  }
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return !!a && !!b && equalValues(a, b);
}

function compare(op: string, a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (op === '=') return sameValue(a, b);
  if (op === '<>') return !sameValue(a, b);
  if (!a || !b) return false;
  const order = compareScalars(a, b);
  if (order === undefined) return false;
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function bytesStartWith(whole: Uint8Array, prefix: Uint8Array): boolean {
  return Buffer.from(whole).subarray(0, prefix.byteLength).equals(Buffer.from(prefix));
}

function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (!value || !prefix) return false;
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
  if ('B' in value && 'B' in prefix) return bytesStartWith(value.B, prefix.B);
  return false;
}

/** Substring of a String or Binary, member of a set (of the matching type) or of a list. */
function contains(value: AttributeValue | undefined, needle: AttributeValue | undefined): boolean {
  if (!value || !needle) return false;
  if ('S' in value) return 'S' in needle && value.S.includes(needle.S);
  if ('B' in value) return 'B' in needle && Buffer.from(value.B).includes(Buffer.from(needle.B));
  if ('SS' in value) return 'S' in needle && value.SS.includes(needle.S);
  if ('NS' in value) return 'N' in needle && value.NS.some((n) => equalValues({ N: n }, needle));
  if ('BS' in value) return 'B' in needle && value.BS.some((b) => equalValues({ B: b }, needle));
  if ('L' in value) return value.L.some((member) => equalValues(member, needle));
  return false;
}
