import { describe, expect, it } from 'vitest';
import type { Item } from '../../../electron/core/services/dynamodb/attribute-value';
import { applyUpdate, expressionContext } from '../../../electron/core/services/dynamodb/expressions';

const values = {
  ':v': { S: 'v' },
  ':one': { N: '1' },
  ':half': { N: '0.5' },
  ':l': { L: [{ S: 'z' }] },
  ':ss': { SS: ['b', 'c'] },
  ':ns': { NS: ['2', '3'] },
  ':rm': { SS: ['a', 'b'] },
};

const base: Item = {
  id: { S: 'k' },
  n: { N: '10' },
  s: { S: 'text' },
  tags: { SS: ['a', 'b'] },
  nums: { NS: ['1', '2'] },
  arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'w' }] },
  doc: { M: { a: { N: '1' }, b: { L: [{ N: '0' }] } } },
};

function update(expr: string, item: Item | null = base) {
  const ctx = expressionContext({ values, names: { '#n': 'n' } });
  const plan = ctx.update(expr);
  return applyUpdate(item ?? undefined, plan);
}

describe('applyUpdate', () => {
  const cases: Array<[string, Item]> = [
    ['SET s = :v', { s: { S: 'v' } }],
    ['SET #n = #n + :one', { n: { N: '11' } }],
    ['SET n = n - :half', { n: { N: '9.5' } }],
    ['SET n = :one + :half', { n: { N: '1.5' } }],
    ['SET fresh = if_not_exists(fresh, :one)', { fresh: { N: '1' } }],
    ['SET n = if_not_exists(n, :one)', { n: { N: '10' } }],
    ['SET arr = list_append(arr, :l)', { arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'w' }, { S: 'z' }] } }],
    ['SET arr = list_append(:l, arr)', { arr: { L: [{ S: 'z' }, { S: 'x' }, { S: 'y' }, { S: 'w' }] } }],
    ['SET arr[1] = :v', { arr: { L: [{ S: 'x' }, { S: 'v' }, { S: 'w' }] } }],
    ['SET arr[10] = :v', { arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'w' }, { S: 'v' }] } }],
    ['SET doc.c = :v', { doc: { M: { a: { N: '1' }, b: { L: [{ N: '0' }] }, c: { S: 'v' } } } }],
    ['SET doc.b[0] = doc.a', { doc: { M: { a: { N: '1' }, b: { L: [{ N: '1' }] } } } }],
    // right-hand sides read the item as it was before the update
    ['SET a1 = n, n = :one', { a1: { N: '10' }, n: { N: '1' } }],
    ['REMOVE arr[0], arr[1]', { arr: { L: [{ S: 'w' }] } }],
    ['REMOVE arr[7]', {}],
    ['REMOVE s, absent', { s: undefined as never }],
    ['ADD n :one', { n: { N: '11' } }],
    ['ADD fresh :one', { fresh: { N: '1' } }],
    ['ADD tags :ss', { tags: { SS: ['a', 'b', 'c'] } }],
    ['ADD nums :ns', { nums: { NS: ['1', '2', '3'] } }],
    ['ADD fresh :ss', { fresh: { SS: ['b', 'c'] } }],
    ['DELETE tags :ss', { tags: { SS: ['a'] } }],
    ['DELETE tags :rm', { tags: undefined as never }],
    ['DELETE absent :ss', {}],
    [
      'SET s = :v REMOVE n ADD nums :ns',
      { s: { S: 'v' }, n: undefined as never, nums: { NS: ['1', '2', '3'] } },
    ],
  ];

  it.each(cases)('%s', (expr, changes) => {
    const expected: Item = { ...base };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete expected[k];
      else expected[k] = v;
    }
    expect(update(expr).item).toEqual(expected);
  });

  it('does not modify the input item', () => {
    const before = structuredClone(base);
    update('SET doc.a = :v REMOVE arr[0] ADD tags :ss');
    expect(base).toEqual(before);
  });

  it('tells which attributes and paths were written', () => {
    const result = update('SET doc.a = :v, s = :v REMOVE arr[0]');
    expect(result.attributes).toEqual(['doc', 's', 'arr']);
    expect(result.updatedPaths).toEqual([['doc', 'a'], ['s'], ['arr', 0]]);
  });

  it('creates the item when there is none', () => {
    expect(update('SET s = :v ADD n :one', null).item).toEqual({ s: { S: 'v' }, n: { N: '1' } });
  });

  const failures: Array<[string, string]> = [
    ['SET s = s + :one', 'An operand in the update expression has an incorrect data type'],
    ['SET s = list_append(s, :l)', 'An operand in the update expression has an incorrect data type'],
    ['ADD s :one', 'An operand in the update expression has an incorrect data type'],
    ['ADD tags :ns', 'An operand in the update expression has an incorrect data type'],
    ['DELETE nums :ss', 'An operand in the update expression has an incorrect data type'],
    ['SET absent.x = :v', 'The document path provided in the update expression is invalid for update'],
    ['SET s[0] = :v', 'The document path provided in the update expression is invalid for update'],
    ['SET arr.x = :v', 'The document path provided in the update expression is invalid for update'],
    ['REMOVE absent.x', 'The document path provided in the update expression is invalid for update'],
    ['SET s = absent', 'The provided expression refers to an attribute that does not exist in the item'],
    [
      'SET s = absent + :one',
      'The provided expression refers to an attribute that does not exist in the item',
    ],
  ];

  it.each(failures)('%s fails', (expr, text) => {
    expect(() => update(expr)).toThrow(text);
  });
});
