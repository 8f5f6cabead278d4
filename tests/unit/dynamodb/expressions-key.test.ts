import { describe, expect, it } from 'vitest';
import { expressionContext } from '../../../electron/core/services/dynamodb/expressions';

const values = {
  ':p': { S: 'p' },
  ':s': { S: 's' },
  ':t': { S: 't' },
  ':n': { N: '1' },
  ':m': { N: '9' },
  ':l': { L: [] },
};
const composite = { partition: 'pk', sort: 'sk' };

function key(
  expr: string,
  schema: { partition: string; sort?: string; types?: Record<string, string> } = composite,
) {
  return expressionContext({ values, names: { '#pk': 'pk' } }).keyCondition(expr, schema);
}

describe('key conditions', () => {
  it('accepts a partition equality alone', () => {
    expect(key('pk = :p')).toEqual({ partition: { name: 'pk', value: { S: 'p' } } });
    expect(key('#pk = :p', { partition: 'pk' })).toEqual({ partition: { name: 'pk', value: { S: 'p' } } });
  });

  const sorts: Array<[string, string, unknown[]]> = [
    ['pk = :p AND sk = :s', '=', [{ S: 's' }]],
    ['pk = :p AND sk < :s', '<', [{ S: 's' }]],
    ['pk = :p AND :s < sk', '>', [{ S: 's' }]],
    ['sk >= :s AND pk = :p', '>=', [{ S: 's' }]],
    ['pk = :p AND sk BETWEEN :s AND :t', 'BETWEEN', [{ S: 's' }, { S: 't' }]],
    ['pk = :p AND begins_with(sk, :s)', 'begins_with', [{ S: 's' }]],
    ['(pk = :p) AND (sk <= :s)', '<=', [{ S: 's' }]],
  ];
  it.each(sorts)('%s', (expr, op, vals) => {
    expect(key(expr)).toEqual({
      partition: { name: 'pk', value: { S: 'p' } },
      sort: { name: 'sk', op, values: vals },
    });
  });

  const failures: Array<[string, string, object?]> = [
    ['pk = :p OR sk = :s', 'Invalid operator used in KeyConditionExpression: OR'],
    ['NOT pk = :p', 'Invalid operator used in KeyConditionExpression: NOT'],
    ['pk IN (:p)', 'Invalid operator used in KeyConditionExpression: IN'],
    ['pk <> :p', 'Invalid operator used in KeyConditionExpression: <>'],
    ['pk = :p AND attribute_exists(sk)', 'Invalid operator used in KeyConditionExpression: attribute_exists'],
    ['pk = :p AND contains(sk, :s)', 'Invalid operator used in KeyConditionExpression: contains'],
    ['pk = :p AND size(sk) = :n', 'KeyConditionExpressions cannot contain nested operations'],
    [
      'pk = :p AND begins_with(:s, sk)',
      'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand',
    ],
    [
      'pk = :p AND :n BETWEEN sk AND :m',
      'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand',
    ],
    [
      'pk = sk',
      'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
    ],
    ['pk.a = :p', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    [':p = :s', 'Invalid condition in KeyConditionExpression: No key attribute specified'],
    ['pk = :p AND pk = :s', 'KeyConditionExpressions must only contain one condition per key'],
    [
      'pk = :p AND begins_with(sk, :n)',
      'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    [
      'pk = :p AND sk < :l',
      'One or more parameter values were invalid: ComparisonOperator LT is not valid for L AttributeValue type',
    ],
    [
      'pk = :l',
      'One or more parameter values were invalid: ComparisonOperator EQ is not valid for L AttributeValue type',
    ],
    ['pk = :p AND sk = :s AND x = :t', 'Conditions can be of length 1 or 2 only'],
    ['sk = :s', 'Query condition missed key schema element: pk'],
    ['pk = :p AND x = :s', 'Query condition missed key schema element: sk'],
    ['pk = :p AND x = :s', 'Query key condition not supported', { partition: 'pk' }],
    ['pk < :p', 'Query key condition not supported'],
    ['begins_with(pk, :p)', 'Query key condition not supported'],
    [
      'pk = :n',
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
      { partition: 'pk', types: { pk: 'S' } },
    ],
    ['pk = ', 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "="'],
    ['', 'Invalid KeyConditionExpression: The expression can not be empty;'],
  ];
  it.each(failures)('%s fails', (expr, text, schema) => {
    expect(() => key(expr, (schema as typeof composite | undefined) ?? composite)).toThrow(text);
  });
});
