import { describe, expect, it } from 'vitest';
import type { Item } from '../../../electron/core/services/dynamodb/attribute-value';
import { Constraints } from '../../../electron/core/services/dynamodb/constraints';
import {
  applyLegacyUpdate,
  applyUpdate,
  checkExpressionParameters,
  checkLegacyMembers,
  evaluate,
  legacyCondition,
  legacyFilter,
  legacyKeyConditions,
  legacyProjection,
  legacyUpdate,
  project,
  type ExpectedAttributeValue,
  type LegacyCondition,
} from '../../../electron/core/services/dynamodb/expressions';

const INVALID = 'One or more parameter values were invalid: ';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe('ValidationException');
    return (e as Error).message;
  }
  throw new Error('expected a ValidationException');
}

const item: Item = {
  pk: { S: 'p' },
  s: { S: 'hello' },
  n: { N: '5' },
  b: { B: new Uint8Array([1, 2, 3]) },
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2'] },
  l: { L: [{ S: 'x' }, { N: '1' }] },
  bool: { BOOL: true },
};

function filter(name: string, ComparisonOperator: string, AttributeValueList?: unknown[]) {
  return legacyFilter({
    [name]: { ComparisonOperator, ...(AttributeValueList ? { AttributeValueList } : {}) },
  });
}

function matches(name: string, op: string, list?: unknown[]): boolean {
  const cond = filter(name, op, list);
  if (!cond) throw new Error('no condition');
  return evaluate(cond, item);
}

describe('legacyFilter: translation', () => {
  it('translates each operator into the expression shapes', () => {
    const v = { S: 'v' };
    const path = { kind: 'path', path: ['a'] };
    const value = { kind: 'value', value: v };
    expect(filter('a', 'EQ', [v])).toEqual({ kind: 'compare', op: '=', left: path, right: value });
    expect(filter('a', 'NE', [v])).toEqual({ kind: 'compare', op: '<>', left: path, right: value });
    expect(filter('a', 'LE', [v])).toMatchObject({ kind: 'compare', op: '<=' });
    expect(filter('a', 'LT', [v])).toMatchObject({ kind: 'compare', op: '<' });
    expect(filter('a', 'GE', [v])).toMatchObject({ kind: 'compare', op: '>=' });
    expect(filter('a', 'GT', [v])).toMatchObject({ kind: 'compare', op: '>' });
    expect(filter('a', 'NULL')).toEqual({ kind: 'attribute_not_exists', path: ['a'] });
    expect(filter('a', 'NOT_NULL')).toEqual({ kind: 'attribute_exists', path: ['a'] });
    expect(filter('a', 'CONTAINS', [v])).toEqual({ kind: 'contains', operand: path, needle: value });
    expect(filter('a', 'NOT_CONTAINS', [v])).toEqual({
      kind: 'not',
      condition: { kind: 'contains', operand: path, needle: value },
    });
    expect(filter('a', 'BEGINS_WITH', [v])).toEqual({ kind: 'begins_with', operand: path, prefix: value });
    expect(filter('a', 'IN', [v, { S: 'w' }])).toEqual({
      kind: 'in',
      operand: path,
      list: [value, { kind: 'value', value: { S: 'w' } }],
    });
    expect(filter('a', 'BETWEEN', [{ S: 'a' }, { S: 'b' }])).toEqual({
      kind: 'between',
      operand: path,
      low: { kind: 'value', value: { S: 'a' } },
      high: { kind: 'value', value: { S: 'b' } },
    });
  });

  it('treats names literally (no document paths)', () => {
    expect(filter('a.b[0]', 'NULL')).toEqual({ kind: 'attribute_not_exists', path: ['a.b[0]'] });
  });

  it('combines entries with AND by default and with OR on request', () => {
    const f: Record<string, LegacyCondition> = {
      n: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '5' }] },
      s: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'nope' }] },
    };
    const and = legacyFilter(f);
    const or = legacyFilter(f, 'OR');
    expect(and).toMatchObject({ kind: 'and' });
    expect(or).toMatchObject({ kind: 'or' });
    expect(evaluate(and!, item)).toBe(false);
    expect(evaluate(or!, item)).toBe(true);
    expect(evaluate(legacyFilter(f, 'AND')!, item)).toBe(false);
  });

  it('returns undefined without a filter', () => {
    expect(legacyFilter(undefined)).toBeUndefined();
  });
});

describe('legacyFilter: evaluation', () => {
  const cases: Array<[string, string, unknown[] | undefined, boolean]> = [
    ['n', 'EQ', [{ N: '5.0' }], true],
    ['n', 'EQ', [{ S: '5' }], false],
    ['ss', 'EQ', [{ SS: ['b', 'a'] }], true],
    ['n', 'NE', [{ N: '4' }], true],
    ['missing', 'NE', [{ N: '4' }], true],
    ['n', 'NE', [{ N: '5' }], false],
    ['n', 'LT', [{ N: '6' }], true],
    ['n', 'LE', [{ N: '5' }], true],
    ['n', 'GT', [{ N: '5' }], false],
    ['n', 'GE', [{ N: '5' }], true],
    ['s', 'GT', [{ S: 'a' }], true],
    ['s', 'LT', [{ N: '1' }], false],
    ['missing', 'LT', [{ N: '1' }], false],
    ['missing', 'NULL', undefined, true],
    ['s', 'NULL', undefined, false],
    ['s', 'NOT_NULL', undefined, true],
    ['missing', 'NOT_NULL', undefined, false],
    ['s', 'CONTAINS', [{ S: 'ell' }], true],
    ['ss', 'CONTAINS', [{ S: 'a' }], true],
    ['ns', 'CONTAINS', [{ N: '2' }], true],
    ['l', 'CONTAINS', [{ S: 'x' }], true],
    ['b', 'CONTAINS', [{ B: new Uint8Array([2, 3]) }], true],
    ['n', 'CONTAINS', [{ N: '5' }], false],
    ['s', 'NOT_CONTAINS', [{ S: 'xyz' }], true],
    ['ss', 'NOT_CONTAINS', [{ S: 'a' }], false],
    ['missing', 'NOT_CONTAINS', [{ S: 'a' }], true],
    ['s', 'BEGINS_WITH', [{ S: 'he' }], true],
    ['s', 'BEGINS_WITH', [{ S: 'lo' }], false],
    ['b', 'BEGINS_WITH', [{ B: new Uint8Array([1, 2]) }], true],
    ['n', 'IN', [{ N: '1' }, { N: '5' }], true],
    ['n', 'IN', [{ N: '1' }, { N: '2' }], false],
    ['missing', 'IN', [{ N: '1' }], false],
    ['n', 'BETWEEN', [{ N: '1' }, { N: '5' }], true],
    ['n', 'BETWEEN', [{ N: '6' }, { N: '9' }], false],
    ['s', 'BETWEEN', [{ S: 'a' }, { S: 'z' }], true],
  ];
  it.each(cases)('%s %s %j → %s', (name, op, list, expected) => {
    expect(matches(name, op, list)).toBe(expected);
  });
});

describe('legacyFilter: invalid', () => {
  const count = (op: string) => `${INVALID}Invalid number of argument(s) for the ${op} ComparisonOperator`;
  const type = (op: string, t: string) =>
    `${INVALID}ComparisonOperator ${op} is not valid for ${t} AttributeValue type`;
  const cases: Array<[string, unknown[] | undefined, string]> = [
    ['EQ', undefined, count('EQ')],
    ['EQ', [{ S: 'a' }, { S: 'b' }], count('EQ')],
    ['NE', [], count('NE')],
    ['LT', [{ N: '1' }, { N: '2' }], count('LT')],
    ['NULL', [{ S: 'a' }], count('NULL')],
    ['NOT_NULL', [{ S: 'a' }], count('NOT_NULL')],
    ['CONTAINS', [], count('CONTAINS')],
    ['BEGINS_WITH', [{ S: 'a' }, { S: 'b' }], count('BEGINS_WITH')],
    ['IN', [], count('IN')],
    ['BETWEEN', [{ N: '1' }], count('BETWEEN')],
    ['BETWEEN', [{ N: '1' }, { N: '2' }, { N: '3' }], count('BETWEEN')],
    [
      'IN',
      [{ S: 'a' }, { N: '1' }],
      `${INVALID}AttributeValues inside AttributeValueList must be of same type`,
    ],
    [
      'BETWEEN',
      [{ S: 'a' }, { N: '1' }],
      `${INVALID}AttributeValues inside AttributeValueList must be of same type`,
    ],
    ['BEGINS_WITH', [{ N: '1' }], type('BEGINS_WITH', 'N')],
    ['BEGINS_WITH', [{ SS: ['a'] }], type('BEGINS_WITH', 'SS')],
    ['CONTAINS', [{ SS: ['a'] }], type('CONTAINS', 'SS')],
    ['NOT_CONTAINS', [{ BOOL: true }], type('NOT_CONTAINS', 'BOOL')],
    ['LT', [{ SS: ['a'] }], type('LT', 'SS')],
    ['GE', [{ L: [] }], type('GE', 'L')],
    ['EQ', [{ BOOL: true }], type('EQ', 'BOOL')],
    ['NE', [{ M: {} }], type('NE', 'M')],
    ['IN', [{ NS: ['1'] }], type('IN', 'NS')],
    ['BETWEEN', [{ NULL: true }, { NULL: true }], type('BETWEEN', 'NULL')],
    [
      'BETWEEN',
      [{ N: '5' }, { N: '1' }],
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
    ['EQ', [{}], 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
  ];
  it.each(cases)('%s %j', (op, list, expected) => {
    expect(message(() => filter('a', op, list))).toBe(expected);
  });

  it('refuses unknown or missing operators with a constraint message', () => {
    expect(message(() => filter('a', 'LIKE', [{ S: 'a' }]))).toBe(
      "1 validation error detected: Value 'LIKE' at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
    );
    expect(message(() => legacyFilter({ a: {} }, undefined, 'ScanFilter'))).toBe(
      "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
    );
    expect(message(() => legacyFilter({ a: { ComparisonOperator: 'NULL' } }, 'XOR'))).toBe(
      "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]",
    );
  });

  it('needs two or more entries for a ConditionalOperator', () => {
    expect(message(() => legacyFilter({ a: { ComparisonOperator: 'NULL' } }, 'AND'))).toBe(
      'ConditionalOperator can only be used when Filter or Expected has two or more elements',
    );
    expect(message(() => legacyFilter(undefined, 'OR'))).toBe(
      'ConditionalOperator cannot be used without Filter or Expected',
    );
  });
});

describe('legacyCondition (Expected)', () => {
  function check(expected: Record<string, ExpectedAttributeValue>, subject: Item | undefined, op?: string) {
    const cond = legacyCondition(expected, op);
    if (!cond) throw new Error('no condition');
    return evaluate(cond, subject);
  }

  it('Value alone, or with Exists true, means equality', () => {
    expect(legacyCondition({ n: { Value: { N: '5' } } })).toEqual({
      kind: 'compare',
      op: '=',
      left: { kind: 'path', path: ['n'] },
      right: { kind: 'value', value: { N: '5' } },
    });
    expect(check({ n: { Value: { N: '5' } } }, item)).toBe(true);
    expect(check({ n: { Value: { N: '5' }, Exists: true } }, item)).toBe(true);
    expect(check({ n: { Value: { N: '6' } } }, item)).toBe(false);
    expect(check({ n: { Value: { N: '5' } } }, undefined)).toBe(false);
  });

  it('Exists false means the attribute is absent', () => {
    expect(legacyCondition({ n: { Exists: false } })).toEqual({ kind: 'attribute_not_exists', path: ['n'] });
    expect(check({ n: { Exists: false } }, item)).toBe(false);
    expect(check({ n: { Exists: false } }, undefined)).toBe(true);
  });

  it('ComparisonOperator with AttributeValueList or Value', () => {
    expect(check({ n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '4' }] } }, item)).toBe(true);
    expect(check({ n: { ComparisonOperator: 'LT', Value: { N: '4' } } }, item)).toBe(false);
    expect(check({ x: { ComparisonOperator: 'NULL' } }, item)).toBe(true);
    expect(check({ n: { ComparisonOperator: 'NOT_NULL' } }, item)).toBe(true);
    expect(check({ s: { ComparisonOperator: 'BEGINS_WITH', Value: { S: 'hel' } } }, item)).toBe(true);
    expect(check({ ss: { ComparisonOperator: 'CONTAINS', Value: { S: 'b' } } }, item)).toBe(true);
    expect(
      check({ n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '3' }, { N: '5' }] } }, item),
    ).toBe(true);
    expect(
      check({ n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '4' }] } }, item),
    ).toBe(false);
    // Expected takes any value type for EQ, e.g. lists.
    expect(check({ l: { ComparisonOperator: 'EQ', Value: { L: [{ S: 'x' }, { N: '1' }] } } }, item)).toBe(
      true,
    );
  });

  it('combines with ConditionalOperator', () => {
    const expected = { n: { Value: { N: '5' } }, s: { Exists: false } };
    expect(check(expected, item)).toBe(false);
    expect(check(expected, item, 'OR')).toBe(true);
  });

  it('is undefined without entries', () => {
    expect(legacyCondition(undefined)).toBeUndefined();
    expect(legacyCondition({})).toBeUndefined();
  });

  const invalid: Array<[string, Record<string, ExpectedAttributeValue>, string]> = [
    [
      'Value with AttributeValueList',
      { a: { Value: { S: 'x' }, AttributeValueList: [{ S: 'x' }], ComparisonOperator: 'EQ' } },
      `${INVALID}Value and AttributeValueList cannot be used together for Attribute: a`,
    ],
    [
      'Exists with ComparisonOperator',
      { a: { Exists: true, ComparisonOperator: 'NOT_NULL' } },
      `${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: a`,
    ],
    [
      'ComparisonOperator without values',
      { a: { ComparisonOperator: 'EQ' } },
      `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`,
    ],
    [
      'wrong count',
      { a: { ComparisonOperator: 'BETWEEN', Value: { N: '1' } } },
      `${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`,
    ],
    [
      'NULL with a value',
      { a: { ComparisonOperator: 'NULL', Value: { N: '1' } } },
      `${INVALID}Invalid number of argument(s) for the NULL ComparisonOperator`,
    ],
    [
      'mixed types',
      { a: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { S: '1' }] } },
      `${INVALID}AttributeValues inside AttributeValueList must be of same type`,
    ],
    [
      'reversed range',
      { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'z' }, { S: 'a' }] } },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
    [
      'AttributeValueList alone',
      { a: { AttributeValueList: [{ S: 'x' }] } },
      `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`,
    ],
    ['nothing', { a: {} }, `${INVALID}Value must be provided when Exists is null for Attribute: a`],
    [
      'Exists true alone',
      { a: { Exists: true } },
      `${INVALID}Value must be provided when Exists is true for Attribute: a`,
    ],
    [
      'Exists false with Value',
      { a: { Exists: false, Value: { S: 'x' } } },
      `${INVALID}Value cannot be used when Exists is false for Attribute: a`,
    ],
    [
      'invalid value',
      { a: { Value: { N: 'abc' } } },
      'The parameter cannot be converted to a numeric value: abc',
    ],
    [
      'unknown operator',
      { a: { ComparisonOperator: 'SOME', Value: { S: 'x' } } },
      "1 validation error detected: Value 'SOME' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
    ],
  ];
  it.each(invalid)('%s', (_, expected, text) => {
    expect(message(() => legacyCondition(expected))).toBe(text);
  });

  it('needs two or more entries for a ConditionalOperator', () => {
    expect(message(() => legacyCondition({ a: { Exists: false } }, 'OR'))).toBe(
      'ConditionalOperator can only be used when Filter or Expected has two or more elements',
    );
    expect(message(() => legacyCondition(undefined, 'AND'))).toBe(
      'ConditionalOperator cannot be used without Filter or Expected',
    );
  });
});

describe('legacyKeyConditions', () => {
  const composite = { partition: 'pk', sort: 'sk' };
  const eq = (v: unknown): LegacyCondition => ({ ComparisonOperator: 'EQ', AttributeValueList: [v] });

  it('accepts a partition equality alone', () => {
    expect(legacyKeyConditions({ pk: eq({ S: 'p' }) }, composite)).toEqual({
      partition: { name: 'pk', value: { S: 'p' } },
    });
    expect(legacyKeyConditions({ pk: eq({ S: 'p' }) }, { partition: 'pk' })).toEqual({
      partition: { name: 'pk', value: { S: 'p' } },
    });
  });

  const sorts: Array<[string, unknown[], string]> = [
    ['EQ', [{ S: 's' }], '='],
    ['LE', [{ S: 's' }], '<='],
    ['LT', [{ S: 's' }], '<'],
    ['GE', [{ S: 's' }], '>='],
    ['GT', [{ S: 's' }], '>'],
    ['BEGINS_WITH', [{ S: 's' }], 'begins_with'],
    ['BETWEEN', [{ S: 'a' }, { S: 'b' }], 'BETWEEN'],
  ];
  it.each(sorts)('sort %s', (op, values, keyOp) => {
    expect(
      legacyKeyConditions(
        { pk: eq({ S: 'p' }), sk: { ComparisonOperator: op, AttributeValueList: values } },
        composite,
      ),
    ).toEqual({ partition: { name: 'pk', value: { S: 'p' } }, sort: { name: 'sk', op: keyOp, values } });
  });

  const invalid: Array<[string, Record<string, LegacyCondition>, string, object?]> = [
    ['no conditions', {}, 'Conditions can be of length 1 or 2 only'],
    [
      'three conditions',
      { pk: eq({ S: 'p' }), sk: eq({ S: 's' }), x: eq({ S: 'x' }) },
      'Conditions can be of length 1 or 2 only',
    ],
    ['missing partition', { sk: eq({ S: 's' }) }, 'Query condition missed key schema element: pk'],
    [
      'non-key second condition',
      { pk: eq({ S: 'p' }), x: eq({ S: 'x' }) },
      'Query condition missed key schema element: sk',
    ],
    [
      'two conditions on a hash-only key',
      { pk: eq({ S: 'p' }), sk: eq({ S: 's' }) },
      'Query key condition not supported',
      { partition: 'pk' },
    ],
    [
      'non-EQ on the partition',
      { pk: { ComparisonOperator: 'GT', AttributeValueList: [{ S: 'p' }] } },
      'Query key condition not supported',
    ],
    [
      'BEGINS_WITH on the partition',
      { pk: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'p' }] } },
      'Query key condition not supported',
    ],
    [
      'NE on the sort key',
      { pk: eq({ S: 'p' }), sk: { ComparisonOperator: 'NE', AttributeValueList: [{ S: 's' }] } },
      'Attempted conditional constraint is not an indexable operation',
    ],
    [
      'NULL on the partition',
      { pk: { ComparisonOperator: 'NULL' } },
      'Attempted conditional constraint is not an indexable operation',
    ],
    [
      'IN on the sort key',
      { pk: eq({ S: 'p' }), sk: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 's' }] } },
      'Attempted conditional constraint is not an indexable operation',
    ],
    [
      'schema type mismatch',
      { pk: eq({ N: '1' }) },
      `${INVALID}Condition parameter type does not match schema type`,
      { partition: 'pk', sort: 'sk', types: { pk: 'S', sk: 'S' } },
    ],
    [
      'argument count',
      { pk: { ComparisonOperator: 'EQ', AttributeValueList: [] } },
      `${INVALID}Invalid number of argument(s) for the EQ ComparisonOperator`,
    ],
    [
      'value type',
      { pk: eq({ S: 'p' }), sk: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ N: '1' }] } },
      `${INVALID}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`,
    ],
    [
      'reversed range',
      {
        pk: eq({ S: 'p' }),
        sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '2' }, { N: '1' }] },
      },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
    [
      'missing operator',
      { pk: { AttributeValueList: [{ S: 'p' }] } },
      "1 validation error detected: Value null at 'keyConditions.pk.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
    ],
  ];
  it.each(invalid)('%s', (_, conditions, text, schema) => {
    expect(message(() => legacyKeyConditions(conditions, (schema as typeof composite) ?? composite))).toBe(
      text,
    );
  });
});

describe('legacyProjection', () => {
  it('projects top-level names', () => {
    const paths = legacyProjection(['s', 'n', 'a.b']);
    expect(paths).toEqual([['s'], ['n'], ['a.b']]);
    expect(project({ ...item, 'a.b': { S: 'dotted' } }, paths)).toEqual({
      s: { S: 'hello' },
      n: { N: '5' },
      'a.b': { S: 'dotted' },
    });
  });

  it('refuses duplicates', () => {
    expect(message(() => legacyProjection(['a', 'b', 'a']))).toBe(
      `${INVALID}Duplicate value in attribute name: a`,
    );
  });
});

describe('legacyUpdate', () => {
  const base: Item = {
    id: { S: '1' },
    n: { N: '5' },
    ss: { SS: ['a', 'b'] },
    ns: { NS: ['1', '2'] },
    l: { L: [{ S: 'x' }] },
    s: { S: 'str' },
  };
  const run = (updates: Parameters<typeof legacyUpdate>[0], subject: Item = base) =>
    applyLegacyUpdate(subject, legacyUpdate(updates)).item;
  const runOnMissing = (updates: Parameters<typeof legacyUpdate>[0]) =>
    applyLegacyUpdate(undefined, legacyUpdate(updates)).item;

  it('builds a plan with paths and attributes', () => {
    const plan = legacyUpdate({
      a: { Value: { S: 'x' } },
      b: { Action: 'ADD', Value: { N: '1' } },
      c: { Action: 'DELETE' },
      d: { Action: 'DELETE', Value: { SS: ['q'] } },
    });
    expect(plan.actions).toEqual([
      { action: 'SET', path: ['a'], value: { kind: 'value', value: { S: 'x' } } },
      { action: 'ADD', path: ['b'], value: { N: '1' } },
      { action: 'REMOVE', path: ['c'] },
      { action: 'DELETE', path: ['d'], value: { SS: ['q'] } },
    ]);
    expect(plan.paths).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(plan.attributes).toEqual(['a', 'b', 'c', 'd']);
  });

  it('PUT (default and explicit) replaces or creates', () => {
    expect(run({ s: { Value: { N: '1' } }, t: { Action: 'PUT', Value: { S: 'new' } } })).toMatchObject({
      s: { N: '1' },
      t: { S: 'new' },
    });
  });

  it('ADD adds numbers, creating missing ones', () => {
    const out = run({ n: { Action: 'ADD', Value: { N: '-2.5' } }, m: { Action: 'ADD', Value: { N: '3' } } });
    expect(out.n).toEqual({ N: '2.5' });
    expect(out.m).toEqual({ N: '3' });
  });

  it('ADD merges sets, creating missing ones', () => {
    const out = run({
      ss: { Action: 'ADD', Value: { SS: ['b', 'c'] } },
      nn: { Action: 'ADD', Value: { NS: ['7'] } },
    });
    expect(out.ss).toEqual({ SS: ['a', 'b', 'c'] });
    expect(out.nn).toEqual({ NS: ['7'] });
  });

  it('ADD appends to lists, creating missing ones', () => {
    const out = run({
      l: { Action: 'ADD', Value: { L: [{ N: '2' }] } },
      k: { Action: 'ADD', Value: { L: [{ S: 'k' }] } },
    });
    expect(out.l).toEqual({ L: [{ S: 'x' }, { N: '2' }] });
    expect(out.k).toEqual({ L: [{ S: 'k' }] });
  });

  it('DELETE without a value removes the attribute, with a set removes members', () => {
    const out = run({
      s: { Action: 'DELETE' },
      ss: { Action: 'DELETE', Value: { SS: ['a', 'zz'] } },
      ns: { Action: 'DELETE', Value: { NS: ['1', '2'] } },
      gone: { Action: 'DELETE', Value: { SS: ['a'] } },
    });
    expect(out).toEqual({ id: { S: '1' }, n: { N: '5' }, ss: { SS: ['b'] }, l: { L: [{ S: 'x' }] } });
  });

  it('works on a missing item', () => {
    expect(runOnMissing({ n: { Action: 'ADD', Value: { N: '1' } }, x: { Action: 'DELETE' } })).toEqual({
      n: { N: '1' },
    });
  });

  it('reports type mismatches with the legacy message', () => {
    const mismatch = 'Type mismatch for attribute to update';
    expect(message(() => run({ s: { Action: 'ADD', Value: { N: '1' } } }))).toBe(mismatch);
    expect(message(() => run({ n: { Action: 'ADD', Value: { SS: ['a'] } } }))).toBe(mismatch);
    expect(message(() => run({ ss: { Action: 'ADD', Value: { NS: ['1'] } } }))).toBe(mismatch);
    expect(message(() => run({ n: { Action: 'ADD', Value: { L: [] } } }))).toBe(mismatch);
    expect(message(() => run({ n: { Action: 'DELETE', Value: { NS: ['5'] } } }))).toBe(mismatch);
    // The plain expression path reports its own text.
    expect(message(() => applyUpdate(base, legacyUpdate({ s: { Action: 'ADD', Value: { N: '1' } } })))).toBe(
      'An operand in the update expression has an incorrect data type',
    );
  });

  const invalid: Array<[string, Parameters<typeof legacyUpdate>[0], string]> = [
    [
      'PUT without value',
      { a: {} },
      `${INVALID}Only DELETE action is allowed when no attribute value is specified`,
    ],
    [
      'ADD without value',
      { a: { Action: 'ADD' } },
      `${INVALID}Only DELETE action is allowed when no attribute value is specified`,
    ],
    [
      'ADD a string',
      { a: { Action: 'ADD', Value: { S: 'x' } } },
      `${INVALID}ADD action is not supported for the type S`,
    ],
    [
      'ADD a map',
      { a: { Action: 'ADD', Value: { M: {} } } },
      `${INVALID}ADD action is not supported for the type M`,
    ],
    [
      'ADD a boolean',
      { a: { Action: 'ADD', Value: { BOOL: false } } },
      `${INVALID}ADD action is not supported for the type BOOL`,
    ],
    [
      'DELETE a number',
      { a: { Action: 'DELETE', Value: { N: '1' } } },
      `${INVALID}DELETE action with value is not supported for the type N`,
    ],
    [
      'DELETE a list',
      { a: { Action: 'DELETE', Value: { L: [] } } },
      `${INVALID}DELETE action with value is not supported for the type L`,
    ],
    ['invalid value', { a: { Value: { SS: [] } } }, `${INVALID}An string set  may not be empty`],
    [
      'unknown action',
      { a: { Action: 'APPEND', Value: { S: 'x' } } },
      "1 validation error detected: Value 'APPEND' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
    ],
  ];
  it.each(invalid)('%s', (_, updates, text) => {
    expect(message(() => legacyUpdate(updates))).toBe(text);
  });
});

describe('checkLegacyMembers', () => {
  it('adds to an operation’s collected constraints', () => {
    const c = new Constraints();
    checkLegacyMembers(c, 'ScanFilter', { a: { ComparisonOperator: 'X' }, b: {} });
    checkLegacyMembers(c, 'Expected', { e: {} });
    expect(message(() => c.check())).toBe(
      "2 validation errors detected: Value 'X' at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]; Value null at 'scanFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('checkExpressionParameters covers the legacy mixing rules', () => {
  const query = {
    expression: ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
    legacy: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  };
  it('refuses mixing and lists both sides in order', () => {
    expect(
      message(() =>
        checkExpressionParameters(
          {
            QueryFilter: {},
            ConditionalOperator: 'AND',
            FilterExpression: 'a = :a',
            KeyConditionExpression: 'x',
          },
          query.expression,
          query.legacy,
        ),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, ConditionalOperator} Expression parameters: {FilterExpression, KeyConditionExpression}',
    );
    expect(
      message(() =>
        checkExpressionParameters(
          { Expected: {}, ConditionExpression: 'x' },
          ['UpdateExpression', 'ConditionExpression'],
          ['AttributeUpdates', 'Expected'],
        ),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    );
  });

  it('lets KeyConditions accompany a FilterExpression', () => {
    expect(() =>
      checkExpressionParameters(
        { KeyConditions: {}, FilterExpression: 'a = :a' },
        query.expression,
        query.legacy,
      ),
    ).not.toThrow();
    expect(
      message(() =>
        checkExpressionParameters(
          { KeyConditions: {}, KeyConditionExpression: 'a = :a' },
          query.expression,
          query.legacy,
        ),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}',
    );
  });

  it('refuses expression attribute maps with only legacy parameters', () => {
    expect(
      message(() =>
        checkExpressionParameters(
          { QueryFilter: {}, ExpressionAttributeNames: {} },
          query.expression,
          query.legacy,
        ),
      ),
    ).toBe('ExpressionAttributeNames can only be specified when using expressions');
    expect(
      message(() =>
        checkExpressionParameters(
          { AttributeUpdates: {}, ExpressionAttributeValues: {} },
          ['UpdateExpression', 'ConditionExpression'],
          ['AttributeUpdates', 'Expected'],
        ),
      ),
    ).toBe(
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    );
  });
});
