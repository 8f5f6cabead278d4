/**
 * KeyConditionExpression: a condition restricted to "partition = :v [AND sort-condition]".
 * The texts are DynamoDB's; note they carry no "Invalid KeyConditionExpression:" prefix
 * except for problems found while parsing.
 */
import type { AttributeValue } from '../attribute-value';
import { typeOf } from '../attribute-value';
import type { Condition, KeyCondition, KeyOperator, Operand } from './ast';
import { validationError } from './errors';

export interface KeySchemaNames {
  partition: string;
  sort?: string;
  /** Attribute types of the key ('S' | 'N' | 'B'); when given, values are checked against them. */
  types?: Record<string, string>;
}

interface KeyTerm {
  op: KeyOperator;
  values: AttributeValue[];
}

const FLIPPED: Record<string, KeyOperator> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/** The legacy operator names DynamoDB's type messages use. */
const LEGACY: Record<KeyOperator, string> = {
  '=': 'EQ',
  '<': 'LT',
  '<=': 'LE',
  '>': 'GT',
  '>=': 'GE',
  BETWEEN: 'BETWEEN',
  begins_with: 'BEGINS_WITH',
};

function fail(message: string): never {
  throw validationError(message);
}

function operandsOf(cond: Condition): { op: KeyOperator | string; operands: Operand[] } {
  switch (cond.kind) {
    case 'compare':
      return { op: cond.op, operands: [cond.left, cond.right] };
    case 'between':
      return { op: 'BETWEEN', operands: [cond.operand, cond.low, cond.high] };
    case 'begins_with':
      return { op: 'begins_with', operands: [cond.operand, cond.prefix] };
    default:
      return { op: cond.kind, operands: [] };
  }
}

/** Splits the AND tree into one term per attribute, refusing what a key condition cannot use. */
function collect(cond: Condition, terms: Map<string, KeyTerm>): void {
  if (cond.kind === 'or' || cond.kind === 'not' || cond.kind === 'in') {
    fail(`Invalid operator used in KeyConditionExpression: ${cond.kind.toUpperCase()}`);
  }
  if (cond.kind === 'compare' && cond.op === '<>') {
    fail('Invalid operator used in KeyConditionExpression: <>');
  }
  if (
    cond.kind === 'attribute_exists' ||
    cond.kind === 'attribute_not_exists' ||
    cond.kind === 'attribute_type' ||
    cond.kind === 'contains'
  ) {
    fail(`Invalid operator used in KeyConditionExpression: ${cond.kind}`);
  }
  if (cond.kind === 'and') {
    collect(cond.left, terms);
    collect(cond.right, terms);
    return;
  }
  const { op, operands } = operandsOf(cond);
  if ((op === 'BETWEEN' || op === 'begins_with') && operands[0]?.kind !== 'path') {
    fail(
      `Invalid condition in KeyConditionExpression: ${op} operator must have the key attribute as its first operand`,
    );
  }
  let name: string | undefined;
  let position = 0;
  operands.forEach((operand, i) => {
    if (operand.kind === 'size') fail('KeyConditionExpressions cannot contain nested operations');
    if (operand.kind !== 'path') return;
    if (name !== undefined) {
      fail('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
    }
    if (operand.path.length > 1) fail('KeyConditionExpressions cannot have conditions on nested attributes');
    name = String(operand.path[0]);
    position = i;
  });
  if (name === undefined) fail('Invalid condition in KeyConditionExpression: No key attribute specified');
  if (terms.has(name)) fail('KeyConditionExpressions must only contain one condition per key');
  const values = operands
    .filter((_, i) => i !== position)
    .map((o) => (o.kind === 'value' ? o.value : fail('Query key condition not supported')));
  // ":v < sk" is "sk > :v".
  const keyOp = position === 0 ? (op as KeyOperator) : (FLIPPED[op] ?? (op as KeyOperator));
  terms.set(name, { op: keyOp, values });
}

const TYPES_FOR: Partial<Record<KeyOperator, string[]>> = {
  '=': ['S', 'N', 'B', 'SS', 'NS', 'BS'],
  begins_with: ['S', 'B'],
};

function checkValueTypes(term: KeyTerm): void {
  const allowed = TYPES_FOR[term.op] ?? ['S', 'N', 'B'];
  for (const value of term.values) {
    const type = typeOf(value);
    if (!allowed.includes(type)) {
      fail(
        `One or more parameter values were invalid: ComparisonOperator ${LEGACY[term.op]} is not valid for ${type} AttributeValue type`,
      );
    }
  }
}

export function toKeyCondition(cond: Condition, key: KeySchemaNames): KeyCondition {
  const terms = new Map<string, KeyTerm>();
  collect(cond, terms);
  terms.forEach(checkValueTypes);
  if (terms.size !== 1 && terms.size !== 2) fail('Conditions can be of length 1 or 2 only');
  const schema = key.sort === undefined ? [key.partition] : [key.partition, key.sort];
  for (const [i, attr] of schema.entries()) {
    const isPartition = i === 0;
    if (isPartition && schema.length === 1 && terms.size > 1) fail('Query key condition not supported');
    const term = terms.get(attr);
    if (!term) {
      if (isPartition || terms.size > 1) fail(`Query condition missed key schema element: ${attr}`);
      continue;
    }
    const type = key.types?.[attr];
    if (type && term.values.some((v) => typeOf(v) !== type)) {
      fail('One or more parameter values were invalid: Condition parameter type does not match schema type');
    }
    if (isPartition && term.op !== '=') fail('Query key condition not supported');
  }
  const partition = terms.get(key.partition);
  const partitionValue = partition?.values[0];
  if (!partitionValue) return fail(`Query condition missed key schema element: ${key.partition}`);
  const result: KeyCondition = { partition: { name: key.partition, value: partitionValue } };
  const sort = key.sort === undefined ? undefined : terms.get(key.sort);
  if (key.sort !== undefined && sort) result.sort = { name: key.sort, op: sort.op, values: sort.values };
  return result;
}
