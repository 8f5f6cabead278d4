/**
 * DynamoDB's legacy (pre-expression) parameters: Expected, QueryFilter / ScanFilter,
 * KeyConditions, AttributesToGet and AttributeUpdates, with ConditionalOperator. Each is
 * validated with AWS's messages and translated into the shapes the expression language
 * produces, so operations evaluate both kinds of request the same way (evaluate, project,
 * applyUpdate). Legacy names are plain top-level attribute names: "a.b" is one attribute.
 *
 * Request-level mixing rules (legacy next to expression parameters) are
 * checkExpressionParameters' business and come first; the operation's collected member
 * constraints may include checkLegacyMembers.
 */
import { typeOf, type AttributeValue, type Item } from '../attribute-value';
import { compareScalars } from '../compare-values';
import { Constraints } from '../constraints';
import { validateAttributeValue } from '../validate-values';
import type {
  Comparator,
  Condition,
  KeyCondition,
  KeyOperator,
  Operand,
  ProjectionPath,
  UpdatePlan,
} from './ast';
import { validationError } from './errors';
import type { KeySchemaNames } from './key-condition';
import { applyUpdate, type UpdateResult } from './update';

export type LegacyComparisonOperator =
  | 'EQ'
  | 'NE'
  | 'LE'
  | 'LT'
  | 'GE'
  | 'GT'
  | 'NOT_NULL'
  | 'NULL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'BEGINS_WITH'
  | 'IN'
  | 'BETWEEN';

/** One entry of Expected. Values are raw wire values, validated here. */
export interface ExpectedAttributeValue {
  Value?: unknown;
  Exists?: boolean | null;
  ComparisonOperator?: string | null;
  AttributeValueList?: unknown[] | null;
}

/** One entry of QueryFilter, ScanFilter or KeyConditions. */
export interface LegacyCondition {
  ComparisonOperator?: string | null;
  AttributeValueList?: unknown[] | null;
}

/** One entry of AttributeUpdates. */
export interface LegacyAttributeUpdate {
  Action?: string | null;
  Value?: unknown;
}

/** The ComparisonOperator enum in the order AWS lists it in constraint messages. */
export const COMPARISON_OPERATORS: readonly LegacyComparisonOperator[] = [
  'IN',
  'NULL',
  'BETWEEN',
  'LT',
  'NOT_CONTAINS',
  'EQ',
  'GT',
  'NOT_NULL',
  'NE',
  'LE',
  'BEGINS_WITH',
  'GE',
  'CONTAINS',
];
export const CONDITIONAL_OPERATORS: readonly string[] = ['OR', 'AND'];
export const ATTRIBUTE_ACTIONS: readonly string[] = ['ADD', 'PUT', 'DELETE'];

const INVALID = 'One or more parameter values were invalid: ';

/** How many values each operator takes: an exact count, or [min] for IN. */
const ARGUMENTS: Record<LegacyComparisonOperator, number | [number]> = {
  NULL: 0,
  NOT_NULL: 0,
  EQ: 1,
  NE: 1,
  LE: 1,
  LT: 1,
  GE: 1,
  GT: 1,
  CONTAINS: 1,
  NOT_CONTAINS: 1,
  BEGINS_WITH: 1,
  IN: [1],
  BETWEEN: 2,
};

/** The value types QueryFilter / ScanFilter / KeyConditions accept per operator. */
const FILTER_TYPES: Partial<Record<LegacyComparisonOperator, string[]>> = {
  EQ: ['S', 'N', 'B', 'SS', 'NS', 'BS'],
  NE: ['S', 'N', 'B', 'SS', 'NS', 'BS'],
  LE: ['S', 'N', 'B'],
  LT: ['S', 'N', 'B'],
  GE: ['S', 'N', 'B'],
  GT: ['S', 'N', 'B'],
  CONTAINS: ['S', 'N', 'B'],
  NOT_CONTAINS: ['S', 'N', 'B'],
  BEGINS_WITH: ['S', 'B'],
  IN: ['S', 'N', 'B'],
  BETWEEN: ['S', 'N', 'B'],
};

const COMPARATORS: Partial<Record<LegacyComparisonOperator, Comparator>> = {
  EQ: '=',
  NE: '<>',
  LE: '<=',
  LT: '<',
  GE: '>=',
  GT: '>',
};

const SORT_OPERATORS: Partial<Record<LegacyComparisonOperator, KeyOperator>> = {
  EQ: '=',
  LE: '<=',
  LT: '<',
  GE: '>=',
  GT: '>',
  BEGINS_WITH: 'begins_with',
  BETWEEN: 'BETWEEN',
};

const NOT_INDEXABLE = new Set(['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']);
const SET_TYPES = new Set(['SS', 'NS', 'BS']);
const ADD_TYPES = new Set(['N', 'SS', 'NS', 'BS', 'L']);

function fail(message: string): never {
  throw validationError(message);
}

function present<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

type LegacyMember = 'Expected' | 'QueryFilter' | 'ScanFilter' | 'KeyConditions' | 'AttributeUpdates';

/**
 * The model constraints on legacy members, for an operation's collected Constraints:
 * ComparisonOperator (required except in Expected) and Action enums, e.g.
 * "Value 'XX' at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: …".
 */
export function checkLegacyMembers(
  c: Constraints,
  member: LegacyMember,
  entries: Record<string, LegacyCondition | ExpectedAttributeValue | LegacyAttributeUpdate> | undefined,
): void {
  if (!entries) return;
  for (const [name, entry] of Object.entries(entries)) {
    const path = `${lowerFirst(member)}.${name}.member`;
    if (member === 'AttributeUpdates') {
      const action = (entry as LegacyAttributeUpdate).Action ?? undefined;
      c.oneOf(`${path}.action`, action, ATTRIBUTE_ACTIONS);
      continue;
    }
    const op = (entry as LegacyCondition).ComparisonOperator ?? undefined;
    if (member !== 'Expected') c.notNull(`${path}.comparisonOperator`, op);
    c.oneOf(`${path}.comparisonOperator`, op, COMPARISON_OPERATORS);
  }
}

function checkMembers(
  member: LegacyMember,
  entries: Record<string, LegacyCondition | ExpectedAttributeValue | LegacyAttributeUpdate>,
  operator?: string | null,
): void {
  const c = new Constraints();
  if (member !== 'KeyConditions' && member !== 'AttributeUpdates') {
    c.oneOf('conditionalOperator', operator ?? undefined, CONDITIONAL_OPERATORS);
  }
  checkLegacyMembers(c, member, entries);
  c.check();
}

function checkConditionalOperator(
  entries: Record<string, unknown> | undefined,
  operator?: string | null,
): void {
  if (!present(operator)) return;
  if (!entries) fail('ConditionalOperator cannot be used without Filter or Expected');
  if (Object.keys(entries).length < 2) {
    fail('ConditionalOperator can only be used when Filter or Expected has two or more elements');
  }
}

function sameTypes(values: AttributeValue[]): void {
  const first = values[0];
  if (first && values.some((v) => typeOf(v) !== typeOf(first))) {
    fail(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  }
}

function checkBounds(op: string, values: AttributeValue[]): void {
  const [low, high] = values;
  if (op !== 'BETWEEN' || !low || !high) return;
  const order = compareScalars(low, high);
  if (order !== undefined && order > 0) {
    fail('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  }
}

function argumentsFit(op: LegacyComparisonOperator, count: number): boolean {
  const expected = ARGUMENTS[op];
  return typeof expected === 'number' ? count === expected : count >= expected[0];
}

function badArguments(op: string): never {
  return fail(`${INVALID}Invalid number of argument(s) for the ${op} ComparisonOperator`);
}

/** QueryFilter / ScanFilter / KeyConditions entries, checked as DynamoDB checks them. */
function filterValues(entry: LegacyCondition): { op: LegacyComparisonOperator; values: AttributeValue[] } {
  const op = entry.ComparisonOperator as LegacyComparisonOperator;
  const values = (entry.AttributeValueList ?? []).map(validateAttributeValue);
  if (!argumentsFit(op, values.length)) badArguments(op);
  sameTypes(values);
  const allowed = FILTER_TYPES[op];
  for (const value of values) {
    const type = typeOf(value);
    if (allowed && !allowed.includes(type)) {
      fail(`${INVALID}ComparisonOperator ${op} is not valid for ${type} AttributeValue type`);
    }
  }
  checkBounds(op, values);
  return { op, values };
}

function term(name: string, op: LegacyComparisonOperator, values: AttributeValue[]): Condition {
  const path = [name];
  const subject: Operand = { kind: 'path', path };
  const operand = (value: AttributeValue | undefined): Operand => ({
    kind: 'value',
    value: value ?? badArguments(op),
  });
  const comparator = COMPARATORS[op];
  if (comparator) return { kind: 'compare', op: comparator, left: subject, right: operand(values[0]) };
  switch (op) {
    case 'NULL':
      return { kind: 'attribute_not_exists', path };
    case 'NOT_NULL':
      return { kind: 'attribute_exists', path };
    case 'CONTAINS':
      return { kind: 'contains', operand: subject, needle: operand(values[0]) };
    case 'NOT_CONTAINS':
      return { kind: 'not', condition: { kind: 'contains', operand: subject, needle: operand(values[0]) } };
    case 'BEGINS_WITH':
      return { kind: 'begins_with', operand: subject, prefix: operand(values[0]) };
    case 'IN':
      return { kind: 'in', operand: subject, list: values.map(operand) };
    default:
      return { kind: 'between', operand: subject, low: operand(values[0]), high: operand(values[1]) };
  }
}

function combine(terms: Condition[], operator?: string | null): Condition | undefined {
  const kind = operator === 'OR' ? 'or' : 'and';
  return terms.reduce<Condition | undefined>(
    (left, right) => (left ? { kind, left, right } : right),
    undefined,
  );
}

function expectedTerm(name: string, entry: ExpectedAttributeValue): Condition {
  const hasList = present(entry.AttributeValueList);
  const hasValue = present(entry.Value);
  const hasExists = present(entry.Exists);
  if (hasList && hasValue) {
    fail(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
  }
  if (present(entry.ComparisonOperator)) {
    const op = entry.ComparisonOperator as LegacyComparisonOperator;
    if (hasExists)
      fail(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
    if (op !== 'NULL' && op !== 'NOT_NULL' && !hasList && !hasValue) {
      fail(
        `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${op} for Attribute: ${name}`,
      );
    }
    const raw = hasList ? (entry.AttributeValueList ?? []) : hasValue ? [entry.Value] : [];
    if (!argumentsFit(op, raw.length)) badArguments(op);
    const values = raw.map(validateAttributeValue);
    sameTypes(values);
    checkBounds(op, values);
    return term(name, op, values);
  }
  if (hasList) {
    fail(`${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
  }
  const exists = entry.Exists ?? true;
  if (exists && !hasValue) {
    fail(
      `${INVALID}Value must be provided when Exists is ${hasExists ? 'true' : 'null'} for Attribute: ${name}`,
    );
  }
  if (!exists && hasValue) fail(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
  if (!exists) return { kind: 'attribute_not_exists', path: [name] };
  return term(name, 'EQ', [validateAttributeValue(entry.Value)]);
}

/**
 * Expected (+ ConditionalOperator) of PutItem / UpdateItem / DeleteItem as a Condition for
 * evaluate(). Undefined when there is nothing to check (no or an empty Expected).
 * Value alone (or with Exists true) means EQ, Exists false means the attribute is absent.
 */
export function legacyCondition(
  expected: Record<string, ExpectedAttributeValue> | undefined,
  operator?: string | null,
): Condition | undefined {
  checkMembers('Expected', expected ?? {}, operator);
  checkConditionalOperator(expected, operator);
  if (!expected) return undefined;
  const terms = Object.entries(expected).map(([name, entry]) => expectedTerm(name, entry));
  return combine(terms, operator);
}

/**
 * QueryFilter / ScanFilter (+ ConditionalOperator) as a Condition for evaluate(). `member`
 * only names the parameter in constraint messages. Undefined when there is no filter.
 */
export function legacyFilter(
  filter: Record<string, LegacyCondition> | undefined,
  operator?: string | null,
  member: 'QueryFilter' | 'ScanFilter' = 'QueryFilter',
): Condition | undefined {
  checkMembers(member, filter ?? {}, operator);
  checkConditionalOperator(filter, operator);
  if (!filter) return undefined;
  const terms = Object.entries(filter).map(([name, entry]) => {
    const { op, values } = filterValues(entry);
    return term(name, op, values);
  });
  return combine(terms, operator);
}

/**
 * Query's KeyConditions against the table's or index's key schema: EQ on the partition key,
 * and EQ, LE, LT, GE, GT, BEGINS_WITH or BETWEEN on the sort key. With `key.types` the
 * values are also checked against the key attributes' types.
 */
export function legacyKeyConditions(
  keyConditions: Record<string, LegacyCondition>,
  key: KeySchemaNames,
): KeyCondition {
  checkMembers('KeyConditions', keyConditions);
  const terms = new Map<string, { op: LegacyComparisonOperator; values: AttributeValue[] }>();
  for (const [name, entry] of Object.entries(keyConditions)) terms.set(name, filterValues(entry));
  if (terms.size !== 1 && terms.size !== 2) fail('Conditions can be of length 1 or 2 only');
  const schema = key.sort === undefined ? [key.partition] : [key.partition, key.sort];
  for (const [i, attr] of schema.entries()) {
    const isPartition = i === 0;
    if (isPartition && schema.length === 1 && terms.size > 1) fail('Query key condition not supported');
    const found = terms.get(attr);
    if (!found) {
      if (isPartition || terms.size > 1) fail(`Query condition missed key schema element: ${attr}`);
      continue;
    }
    if (NOT_INDEXABLE.has(found.op)) fail('Attempted conditional constraint is not an indexable operation');
    const type = key.types?.[attr];
    if (type && found.values.some((v) => typeOf(v) !== type)) {
      fail(`${INVALID}Condition parameter type does not match schema type`);
    }
    if (isPartition && found.op !== 'EQ') fail('Query key condition not supported');
  }
  const partition = terms.get(key.partition)?.values[0];
  if (!partition) return fail(`Query condition missed key schema element: ${key.partition}`);
  const result: KeyCondition = { partition: { name: key.partition, value: partition } };
  const sort = key.sort === undefined ? undefined : terms.get(key.sort);
  if (key.sort !== undefined && sort) {
    const op = SORT_OPERATORS[sort.op] ?? fail('Query key condition not supported');
    result.sort = { name: key.sort, op, values: sort.values };
  }
  return result;
}

/** AttributesToGet as projection paths for project(): one top-level name each. */
export function legacyProjection(attributesToGet: string[]): ProjectionPath[] {
  const seen = new Set<string>();
  for (const name of attributesToGet) {
    if (seen.has(name)) fail(`${INVALID}Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return attributesToGet.map((name) => [name]);
}

/**
 * AttributeUpdates as an UpdatePlan: PUT (the default) sets, ADD adds to a number or a set
 * (creating the attribute when missing) and appends to a list, DELETE without a Value removes
 * the attribute and with a set removes those members. Apply it with applyLegacyUpdate, which
 * reports type mismatches with the legacy message.
 */
export function legacyUpdate(attributeUpdates: Record<string, LegacyAttributeUpdate>): UpdatePlan {
  checkMembers('AttributeUpdates', attributeUpdates);
  const plan: UpdatePlan = { actions: [], paths: [], attributes: [] };
  for (const [name, update] of Object.entries(attributeUpdates)) {
    const path = [name];
    const value = present(update.Value) ? validateAttributeValue(update.Value) : undefined;
    const action = update.Action ?? 'PUT';
    if (!value) {
      if (action !== 'DELETE') {
        fail(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
      }
      plan.actions.push({ action: 'REMOVE', path });
    } else if (action === 'DELETE') {
      const type = typeOf(value);
      if (!SET_TYPES.has(type))
        fail(`${INVALID}DELETE action with value is not supported for the type ${type}`);
      plan.actions.push({ action: 'DELETE', path, value });
    } else if (action === 'ADD') {
      const type = typeOf(value);
      if (!ADD_TYPES.has(type)) fail(`${INVALID}ADD action is not supported for the type ${type}`);
      if (type === 'L') {
        // Appending: list_append(if_not_exists(a, []), value).
        plan.actions.push({
          action: 'SET',
          path,
          value: {
            kind: 'list_append',
            left: { kind: 'if_not_exists', path, fallback: { kind: 'value', value: { L: [] } } },
            right: { kind: 'value', value },
          },
        });
      } else {
        plan.actions.push({ action: 'ADD', path, value });
      }
    } else {
      plan.actions.push({ action: 'SET', path, value: { kind: 'value', value } });
    }
    plan.paths.push(path);
    plan.attributes.push(name);
  }
  return plan;
}

/** The type a legacy ADD / DELETE requires of an existing attribute, if any. */
function requiredType(action: UpdatePlan['actions'][number]): string | undefined {
  if (action.action === 'ADD' || action.action === 'DELETE') return typeOf(action.value);
  if (action.action === 'SET' && action.value.kind === 'list_append') return 'L';
  return undefined;
}

/**
 * applyUpdate for a legacyUpdate plan: an ADD or DELETE meeting an existing attribute of
 * another type fails with "Type mismatch for attribute to update", as the legacy API does.
 */
export function applyLegacyUpdate(item: Item | undefined, plan: UpdatePlan): UpdateResult {
  for (const action of plan.actions) {
    const name = action.path[0];
    const existing = typeof name === 'string' && item && Object.hasOwn(item, name) ? item[name] : undefined;
    const type = requiredType(action);
    if (existing && type && typeOf(existing) !== type) fail('Type mismatch for attribute to update');
  }
  return applyUpdate(item, plan);
}
