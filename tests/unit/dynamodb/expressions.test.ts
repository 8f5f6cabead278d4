import { describe, expect, it } from 'vitest';
import type { Item } from '../../../electron/core/services/dynamodb/attribute-value';
import { evaluate, expressionContext, project } from '../../../electron/core/services/dynamodb/expressions';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

const item: Item = {
  id: { S: 'user#1' },
  age: { N: '42' },
  title: { S: 'Ada Lovelace' },
  active: { BOOL: true },
  nothing: { NULL: true },
  tags: { SS: ['red', 'blue'] },
  scores: { NS: ['1', '2.5', '10'] },
  blobs: { BS: [bytes('ab'), bytes('cd')] },
  bin: { B: bytes('hello') },
  arr: { L: [{ S: 'x' }, { N: '7' }, { M: { deep: { S: 'y' } } }] },
  doc: { M: { nest: { M: { leaf: { N: '3' } } }, 'dotted.key': { S: 'dot' } } },
  status: { S: 'open' },
};

const values = {
  ':s': { S: 'Ada Lovelace' },
  ':ada': { S: 'Ada' },
  ':n42': { N: '42' },
  ':n42f': { N: '42.0' },
  ':n10': { N: '10' },
  ':n50': { N: '50' },
  ':n2': { N: '2' },
  ':n3': { N: '3' },
  ':n5': { N: '5' },
  ':n12': { N: '12' },
  ':n25': { N: '2.5' },
  ':true': { BOOL: true },
  ':red': { S: 'red' },
  ':x': { S: 'x' },
  ':y': { S: 'y' },
  ':seven': { N: '7' },
  ':he': { B: bytes('he') },
  ':ell': { B: bytes('ell') },
  ':ab': { B: bytes('ab') },
  ':tS': { S: 'S' },
  ':tN': { S: 'N' },
  ':tSS': { S: 'SS' },
  ':tL': { S: 'L' },
  ':tM': { S: 'M' },
  ':tNULL': { S: 'NULL' },
  ':tBOOL': { S: 'BOOL' },
  ':tags': { SS: ['blue', 'red'] },
  ':listm': { M: { deep: { S: 'y' } } },
  ':open': { S: 'open' },
  ':a': { S: 'a' },
  ':z': { S: 'z' },
};
const names = { '#st': 'status', '#dot': 'dotted.key', '#m': 'doc', '#missing': 'missing' };

function run(expr: string, on: Item | null = item): boolean {
  const ctx = expressionContext({ names, values });
  return evaluate(ctx.condition(expr, 'FilterExpression'), on ?? undefined);
}

describe('condition evaluation', () => {
  const cases: Array<[string, boolean]> = [
    ['age = :n42', true],
    ['age = :n42f', true], // numbers compare numerically
    ['age <> :n42', false],
    ['age <> :s', true], // different types are simply unequal
    ['age = :s', false], // mismatched types: false, not an error
    ['age < :n50', true],
    ['age <= :n42', true],
    ['age > :n50', false],
    ['age >= :n42', true],
    ['age < :s', false],
    ['title > :ada', true],
    ['title < :ada', false],
    ['absent = :n42', false],
    ['absent <> :n42', true],
    ['absent < :n42', false],
    ['age BETWEEN :n10 AND :n50', true],
    ['age BETWEEN :n2 AND :n10', false],
    ['age BETWEEN :n42 AND :n42', true],
    ['title BETWEEN :a AND :z', false], // 'A' sorts before 'a' in bytes
    ['absent BETWEEN :n2 AND :n10', false],
    ['age IN (:n2, :n42, :s)', true],
    ['age IN (:n2, :n3)', false],
    ['absent IN (:n2)', false],
    ['tags IN (:tags)', true], // sets are unordered
    ['attribute_exists(age)', true],
    ['attribute_exists(absent)', false],
    ['attribute_not_exists(absent)', true],
    ['attribute_not_exists(age)', false],
    ['attribute_exists(arr[2].deep)', true],
    ['attribute_exists(arr[3])', false],
    ['attribute_exists(arr.deep)', false], // a list is not a map
    ['attribute_exists(doc.nest.leaf)', true],
    ['attribute_exists(#m.#dot)', true],
    ['attribute_exists(doc.dotted.kk)', false],
    ['attribute_type(age, :tN)', true],
    ['attribute_type(age, :tS)', false],
    ['attribute_type(tags, :tSS)', true],
    ['attribute_type(arr, :tL)', true],
    ['attribute_type(doc, :tM)', true],
    ['attribute_type(nothing, :tNULL)', true],
    ['attribute_type(active, :tBOOL)', true],
    ['attribute_type(absent, :tS)', false],
    ['begins_with(title, :ada)', true],
    ['begins_with(title, :red)', false],
    ['begins_with(bin, :he)', true],
    ['begins_with(bin, :ell)', false],
    ['begins_with(age, :ada)', false],
    ['contains(title, :ada)', true],
    ['contains(bin, :ell)', true],
    ['contains(tags, :red)', true],
    ['contains(tags, :ada)', false],
    ['contains(scores, :n25)', true],
    ['contains(scores, :n3)', false],
    ['contains(blobs, :ab)', true],
    ['contains(arr, :x)', true],
    ['contains(arr, :seven)', true],
    ['contains(arr, :listm)', true],
    ['contains(arr, :y)', false],
    ['contains(age, :n42)', false],
    ['size(title) = :n12', true],
    ['size(tags) = :n2', true],
    ['size(scores) = :n3', true],
    ['size(arr) = :n3', true],
    ['size(doc) = :n2', true],
    ['size(bin) = :n5', true],
    ['size(age) = :n2', false], // size of a number is not applicable
    ['size(absent) = :n2', false],
    ['size(title) > size(tags)', true],
    ['doc.nest.leaf = :n3', true],
    ['arr[1] = :seven', true],
    ['arr[0] = :x AND arr[2].deep = :y', true],
    ['#st = :open', true],
    ['NOT age = :n42', false],
    ['NOT (age = :n42)', false],
    ['NOT attribute_exists(absent)', true],
    ['age = :n42 AND title = :ada', false],
    ['age = :n42 OR title = :ada', true],
    // AND binds tighter than OR: true OR (false AND false)
    ['age = :n42 OR age = :n2 AND age = :n3', true],
    // parentheses change it: (true OR false) AND false
    ['(age = :n42 OR age = :n2) AND age = :n3', false],
    // NOT binds tighter than AND
    ['NOT age = :n2 AND age = :n42', true],
    ['NOT (age = :n2 AND age = :n42)', true],
    ['(age) = :n42', true],
    ['age = :n42 and title = :s or absent = :n2', true],
    ['age=:n42', true],
    ['  age   =   :n42  ', true],
    ['size(arr[2]) = :n2', false],
  ];
  it.each(cases)('%s → %s', (expr, expected) => {
    expect(run(expr)).toBe(expected);
  });

  it('treats a missing item as having no attributes', () => {
    expect(run('attribute_not_exists(id)', null)).toBe(true);
    expect(run('attribute_exists(id)', null)).toBe(false);
  });

  it('accepts IN with 100 operands', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) many[`:v${i}`] = { N: String(i) };
    const ctx = expressionContext({ values: many });
    const cond = ctx.condition(`age IN (${Object.keys(many).join(', ')})`, 'ConditionExpression');
    expect(evaluate(cond, item)).toBe(true);
    ctx.assertAllUsed();
  });
});

describe('projection', () => {
  function proj(expr: string, on: Item = item, extra = {}): Item {
    const ctx = expressionContext(Object.keys(extra).length ? { names: extra } : {});
    const paths = ctx.projection(expr);
    return project(on, paths);
  }

  it('picks top-level attributes and skips absent ones', () => {
    expect(proj('age, absent, tags')).toEqual({ age: item.age, tags: item.tags });
  });

  it('keeps the shape of nested picks', () => {
    expect(proj('doc.nest.leaf')).toEqual({ doc: { M: { nest: { M: { leaf: { N: '3' } } } } } });
  });

  it('compacts picked arr elements in index order', () => {
    expect(proj('arr[2].deep, arr[0]')).toEqual({
      arr: { L: [{ S: 'x' }, { M: { deep: { S: 'y' } } }] },
    });
  });

  it('resolves names, including names with dots', () => {
    expect(proj('#m.#d', item, { '#m': 'doc', '#d': 'dotted.key' })).toEqual({
      doc: { M: { 'dotted.key': { S: 'dot' } } },
    });
  });

  it('returns nothing for a path through the wrong type', () => {
    expect(proj('arr.deep, doc[0]')).toEqual({});
  });
});
