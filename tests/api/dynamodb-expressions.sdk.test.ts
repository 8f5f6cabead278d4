/**
 * DynamoDB expressions over the wire, through the AWS SDK for JavaScript v3 against
 * `cloudlab serve`: condition, filter, key condition, projection and update expressions in
 * the operations that take them, with their results, and the ValidationException messages
 * DynamoDB gives for the wrong ones (which the SDK parses from the answer). The parser's own
 * cases are unit tests (tests/unit/dynamodb/expressions*.test.ts); these are operation-level.
 */
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable, dynamoClient } from '../support/dynamodb';
import { failure } from '../support/failure';
import { serveLab } from '../support/serve';

const served = serveLab();
const client = () => dynamoClient(served().endpoint);

type Item = Record<string, AttributeValue>;
const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number | string): AttributeValue => ({ N: String(n) });
const L = (...l: AttributeValue[]): AttributeValue => ({ L: l });
const M = (m: Item): AttributeValue => ({ M: m });
const SS = (...ss: string[]): AttributeValue => ({ SS: ss });
const NS = (...ns: string[]): AttributeValue => ({ NS: ns });

const TABLE = 'Expr';

/** The item every case starts from, under its own partition key. */
const base = (pk: string): Item => ({
  pk: S(pk),
  sk: N(1),
  n: N(5),
  s: S('hello world'),
  ss: SS('x', 'y'),
  ns: NS('1', '2'),
  l: L(N(1), S('two'), M({ deep: N(3) })),
  m: M({ child: M({ v: N(1) }), tags: L(S('a')) }),
  b: { B: new Uint8Array([1, 2, 3]) },
  yes: { BOOL: true },
  nothing: { NULL: true },
  'a.b': S('dotted'),
  a: M({ b: S('nested') }),
});

let made = 0;
/** A fresh copy of the base item; returns its key. */
async function fresh(c: DynamoDBClient): Promise<{ pk: AttributeValue; sk: AttributeValue }> {
  const pk = `case-${++made}`;
  await c.send(new PutItemCommand({ TableName: TABLE, Item: base(pk) }));
  return { pk: S(pk), sk: N(1) };
}

async function update(
  c: DynamoDBClient,
  UpdateExpression: string,
  values?: Item,
  names?: Record<string, string>,
): Promise<Item> {
  const Key = await fresh(c);
  const r = await c.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key,
      UpdateExpression,
      ExpressionAttributeValues: values,
      ExpressionAttributeNames: names,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return r.Attributes!;
}

/** Whether a condition holds on the base item (a conditional no-op update). */
async function holds(
  c: DynamoDBClient,
  ConditionExpression: string,
  values?: Item,
  names?: Record<string, string>,
) {
  const Key = await fresh(c);
  return c
    .send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'SET checked = :__true',
        ConditionExpression,
        ExpressionAttributeValues: { ':__true': { BOOL: true }, ...values },
        ExpressionAttributeNames: names,
      }),
    )
    .then(
      () => true,
      (e: { name: string; message: string }) => {
        if (e.name === 'ConditionalCheckFailedException') return false;
        throw e;
      },
    );
}

/** The ValidationException message of a call that must fail with one. */
async function invalid(call: Promise<unknown>): Promise<string> {
  const f = await failure(call);
  expect(f).toMatchObject({ name: 'ValidationException', status: 400 });
  return f.message;
}

const updateCall = (
  c: DynamoDBClient,
  UpdateExpression: string,
  values?: Item,
  names?: Record<string, string>,
) =>
  c.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: S('case-1'), sk: N(1) },
      UpdateExpression,
      ExpressionAttributeValues: values,
      ExpressionAttributeNames: names,
    }),
  );

const scanCall = (
  c: DynamoDBClient,
  FilterExpression: string,
  values?: Item,
  names?: Record<string, string>,
) =>
  c.send(
    new ScanCommand({
      TableName: TABLE,
      FilterExpression,
      ExpressionAttributeValues: values,
      ExpressionAttributeNames: names,
    }),
  );

const conditionCall = (
  c: DynamoDBClient,
  ConditionExpression: string,
  values?: Item,
  names?: Record<string, string>,
) =>
  c.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: { pk: S('never-written'), sk: N(0) },
      ConditionExpression,
      ExpressionAttributeValues: values,
      ExpressionAttributeNames: names,
    }),
  );

beforeAll(async () => {
  await createTable(client(), {
    TableName: TABLE,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  });
});

describe('update expressions that work', () => {
  it('SET nested map members, with arithmetic on them', async () => {
    const r = await update(client(), 'SET m.child.v = m.child.v + :one, m.added = :x', {
      ':one': N(1),
      ':x': S('new'),
    });
    expect(r.m).toEqual(M({ child: M({ v: N(2) }), tags: L(S('a')), added: S('new') }));
  });

  it('SET list elements by index; an index past the end appends', async () => {
    const r = await update(client(), 'SET l[1] = :x, l[10] = :y', { ':x': S('TWO'), ':y': S('last') });
    expect(r.l).toEqual(L(N(1), S('TWO'), M({ deep: N(3) }), S('last')));
  });

  it('REMOVE list elements: the rest move up', async () => {
    const r = await update(client(), 'REMOVE l[0], l[2], m.child');
    expect(r.l).toEqual(L(S('two')));
    expect(r.m).toEqual(M({ tags: L(S('a')) }));
  });

  it('list_append at either end, and of two values', async () => {
    const front = await update(client(), 'SET l = list_append(:front, l)', { ':front': L(N(0)) });
    expect(front.l).toEqual(L(N(0), N(1), S('two'), M({ deep: N(3) })));
    const both = await update(client(), 'SET fresh = list_append(:a, :b)', {
      ':a': L(S('a')),
      ':b': L(S('b')),
    });
    expect(both.fresh).toEqual(L(S('a'), S('b')));
  });

  it('if_not_exists: a tally from nothing, and an existing value kept', async () => {
    const r = await update(
      client(),
      'SET cnt = if_not_exists(cnt, :zero) + :one, n = if_not_exists(n, :zero)',
      {
        ':zero': N(0),
        ':one': N(1),
      },
    );
    expect([r.cnt, r.n]).toEqual([N(1), N(5)]);
  });

  it('ADD to numbers (existing and new) and to sets; DELETE from sets', async () => {
    const r = await update(client(), 'ADD n :one, tally :one, ss :more DELETE ns :two', {
      ':one': N(1),
      ':more': SS('z', 'x'),
      ':two': NS('2'),
    });
    expect(r.n).toEqual(N(6));
    expect(r.tally).toEqual(N(1));
    expect([...r.ss!.SS!].sort()).toEqual(['x', 'y', 'z']);
    expect(r.ns).toEqual(NS('1'));
  });

  it('DELETE of every element removes the set attribute', async () => {
    const r = await update(client(), 'DELETE ss :all', { ':all': SS('x', 'y') });
    expect(r.ss).toBeUndefined();
  });

  it('subtraction to negatives, and numbers kept exact to 38 digits', async () => {
    const r = await update(client(), 'SET n = n - :ten, big = :big + :one', {
      ':ten': N(10),
      ':big': N('99999999999999999999999999999999999998'),
      ':one': N(1),
    });
    expect(r.n).toEqual(N(-5));
    expect(r.big).toEqual(N('99999999999999999999999999999999999999'));
  });

  it('UPDATED_OLD and UPDATED_NEW give only the updated parts of nested attributes', async () => {
    const c = client();
    const Key = await fresh(c);
    const old = await c.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'SET m.child.v = :v, l[1] = :v',
        ExpressionAttributeValues: { ':v': N(9) },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    expect(old.Attributes).toEqual({ m: M({ child: M({ v: N(1) }) }), l: L(S('two')) });
    const now = await c.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'SET m.child.v = m.child.v + :v',
        ExpressionAttributeValues: { ':v': N(1) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(now.Attributes).toEqual({ m: M({ child: M({ v: N(10) }) }) });
  });

  it('a name with a dot, given as #name, is one top-level attribute; a.b is a path', async () => {
    const r = await update(
      client(),
      'SET #ab = :x, a.b = :y',
      { ':x': S('top'), ':y': S('deep') },
      { '#ab': 'a.b' },
    );
    expect(r['a.b']).toEqual(S('top'));
    expect(r.a).toEqual(M({ b: S('deep') }));
  });
});

describe('condition and filter expressions that work', () => {
  const cases: [string, string, Item | undefined, boolean, Record<string, string>?][] = [
    [
      'comparison',
      'n > :four AND n <= :five AND n <> :six',
      { ':four': N(4), ':five': N(5), ':six': N(6) },
      true,
    ],
    ['BETWEEN', 'n BETWEEN :lo AND :hi', { ':lo': N(5), ':hi': N(10) }, true],
    ['IN', 'n IN (:a, :b, :c)', { ':a': N(1), ':b': N(5), ':c': N(9) }, true],
    ['IN, not there', 's IN (:a, :b)', { ':a': S('hello'), ':b': S('world') }, false],
    [
      'AND binds tighter than OR',
      'n = :no OR n = :five AND s = :s',
      { ':no': N(0), ':five': N(5), ':s': S('hello world') },
      true,
    ],
    [
      'parentheses',
      '(n = :no OR n = :five) AND s = :nope',
      { ':no': N(0), ':five': N(5), ':nope': S('x') },
      false,
    ],
    ['NOT', 'NOT (n = :no) AND NOT attribute_exists(absent)', { ':no': N(0) }, true],
    ['different types compare false, not an error', 'n < :str', { ':str': S('9') }, false],
    ['sets are equal whatever their order', 'ss = :yx', { ':yx': SS('y', 'x') }, true],
    [
      'lists and maps compare as wholes',
      'l[2] = :m AND m.tags = :tags',
      { ':m': M({ deep: N(3) }), ':tags': L(S('a')) },
      true,
    ],
    [
      'attribute_exists and attribute_not_exists on nested paths',
      'attribute_exists(m.child.v) AND attribute_not_exists(l[5]) AND attribute_exists(l[2].deep)',
      undefined,
      true,
    ],
    [
      'attribute_type',
      'attribute_type(ns, :NS) AND attribute_type(nothing, :NULL) AND attribute_type(yes, :BOOL) AND NOT attribute_type(n, :S)',
      { ':NS': S('NS'), ':NULL': S('NULL'), ':BOOL': S('BOOL'), ':S': S('S') },
      true,
    ],
    [
      'contains in a string, a set and a list',
      'contains(s, :world) AND contains(ss, :x) AND contains(l, :two) AND contains(b, :byte)',
      { ':world': S('world'), ':x': S('x'), ':two': S('two'), ':byte': { B: new Uint8Array([2]) } },
      true,
    ],
    ['contains on a number is false', 'contains(n, :five)', { ':five': N(5) }, false],
    [
      'begins_with on strings and binaries',
      'begins_with(s, :hell) AND begins_with(b, :one)',
      { ':hell': S('hell'), ':one': { B: new Uint8Array([1]) } },
      true,
    ],
    ['begins_with on a number attribute is false', 'begins_with(n, :five)', { ':five': S('5') }, false],
    [
      'size() of a string, binary, set, list and map',
      'size(s) = :eleven AND size(b) = :three AND size(ss) = :two AND size(l) = :three AND size(m) = :two',
      { ':eleven': N(11), ':three': N(3), ':two': N(2) },
      true,
    ],
    ['size() against an attribute', 'size(ss) < n', undefined, true],
    [
      'a name with a dot and a path through a map',
      '#ab = :dotted AND a.b = :nested',
      { ':dotted': S('dotted'), ':nested': S('nested') },
      true,
      { '#ab': 'a.b' },
    ],
    [
      'names standing for reserved words and path parts',
      '#m.#i.v = :one',
      { ':one': N(1) },
      true,
      { '#m': 'm', '#i': 'child' },
    ],
    [
      'numbers compare by value, not text',
      'n < :ten AND n = :five',
      { ':ten': N('10'), ':five': N('5.000') },
      true,
    ],
  ];
  for (const [name, expression, values, expected, names] of cases) {
    it(`${name}: ${expression}`, async () => {
      expect(await holds(client(), expression, values, names)).toBe(expected);
    });
  }

  it('attribute_not_exists on the key guards a first write only', async () => {
    const c = client();
    const put = () =>
      c.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: S('once'), sk: N(1) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put();
    expect(await failure(put())).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
    });
  });

  it('Scan filters count what they read, not what they return', async () => {
    const c = client();
    for (const i of [1, 2, 3])
      await c.send(new PutItemCommand({ TableName: TABLE, Item: { pk: S('scan'), sk: N(i + 10), v: N(i) } }));
    const r = await c.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'v >= :two',
        ProjectionExpression: 'v',
        ExpressionAttributeValues: { ':pk': S('scan'), ':two': N(2) },
      }),
    );
    expect(r).toMatchObject({ Count: 2, ScannedCount: 3, Items: [{ v: N(2) }, { v: N(3) }] });
  });
});

describe('key conditions and projections that work', () => {
  beforeAll(async () => {
    const c = client();
    for (const sk of [1, 2, 3, 10, 20])
      await c.send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: S('q'), sk: N(sk), data: S(`d${sk}`) } }),
      );
  });

  it('BETWEEN, < and >= on a number sort key, with names for the keys', async () => {
    const c = client();
    const q = (KeyConditionExpression: string, values: Item) =>
      c
        .send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression,
            ExpressionAttributeNames: { '#p': 'pk', '#s': 'sk' },
            ExpressionAttributeValues: { ':pk': S('q'), ...values },
          }),
        )
        .then((r) => r.Items!.map((i) => Number(i.sk!.N)));
    expect(await q('#p = :pk AND #s BETWEEN :a AND :b', { ':a': N(2), ':b': N(10) })).toEqual([2, 3, 10]);
    expect(await q('#s < :a AND #p = :pk', { ':a': N(3) })).toEqual([1, 2]);
    expect(await q('(#p = :pk) AND (#s >= :a)', { ':a': N(10) })).toEqual([10, 20]);
  });

  it('projects nested members and list elements, in list order, skipping absent paths', async () => {
    const c = client();
    const Key = await fresh(c);
    const r = await c.send(
      new GetItemCommand({
        TableName: TABLE,
        Key,
        ProjectionExpression: 'm.child.v, l[2].deep, l[0], nope, #ab, a.b',
        ExpressionAttributeNames: { '#ab': 'a.b' },
      }),
    );
    expect(r.Item).toEqual({
      m: M({ child: M({ v: N(1) }) }),
      l: L(N(1), M({ deep: N(3) })),
      'a.b': S('dotted'),
      a: M({ b: S('nested') }),
    });
  });
});

describe('invalid expressions: the messages DynamoDB gives', () => {
  const cases: [string, (c: DynamoDBClient) => Promise<unknown>, string][] = [
    [
      'a reserved word in an update',
      (c) => updateCall(c, 'SET name = :v', { ':v': S('x') }),
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name',
    ],
    [
      'a reserved word in a projection',
      (c) =>
        c.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { pk: S('x'), sk: N(1) },
            ProjectionExpression: 'pk, date',
          }),
        ),
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: date',
    ],
    [
      'a syntax error',
      (c) => scanCall(c, 'n = = :v', { ':v': N(1) }),
      'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"',
    ],
    [
      'an expression cut short',
      (c) => updateCall(c, 'SET n =', undefined),
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="',
    ],
    [
      'an operator DynamoDB does not have',
      (c) => updateCall(c, 'SET n = n * :v', { ':v': N(2) }),
      'Invalid UpdateExpression: Syntax error; token: "*", near: "n * :v"',
    ],
    [
      'an empty update expression',
      (c) => updateCall(c, ''),
      'Invalid UpdateExpression: The expression can not be empty;',
    ],
    [
      'a section twice',
      (c) => updateCall(c, 'SET a = :v SET b = :v', { ':v': N(1) }),
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ],
    [
      'an undefined value',
      (c) => conditionCall(c, 'n = :absent', { ':v': N(1) }),
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :absent',
    ],
    [
      'an undefined name',
      (c) => conditionCall(c, '#x = :v', { ':v': N(1) }),
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
    ],
    [
      'an unused name',
      (c) => scanCall(c, 'n = :v', { ':v': N(1) }, { '#unused': 'n' }),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}',
    ],
    [
      'an unused value',
      (c) => scanCall(c, 'n = :v', { ':v': N(1), ':w': N(2) }),
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}',
    ],
    [
      'a name not starting with #',
      (c) => scanCall(c, 'n = :v', { ':v': N(1) }, { x: 'n' }),
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "x"',
    ],
    [
      'empty ExpressionAttributeValues',
      (c) => scanCall(c, 'attribute_exists(n)', {}),
      'ExpressionAttributeValues must not be empty',
    ],
    [
      'names without any expression',
      (c) =>
        c.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { pk: S('x'), sk: N(1) },
            ExpressionAttributeNames: { '#n': 'n' },
          }),
        ),
      'ExpressionAttributeNames can only be specified when using expressions',
    ],
    [
      'an expression with a legacy parameter',
      (c) =>
        c.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: { pk: S('x'), sk: N(1) },
            ConditionExpression: 'attribute_exists(pk)',
            Expected: { pk: { Exists: false } },
          }),
        ),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    ],
    [
      '+ on a string value',
      (c) => updateCall(c, 'SET n = n + :s', { ':s': S('1') }),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
    ],
    [
      'list_append of a string value',
      (c) => updateCall(c, 'SET l = list_append(l, :s)', { ':s': S('x') }),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
    ],
    [
      'ADD of a list',
      (c) => updateCall(c, 'ADD l :v', { ':v': L(N(1)) }),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND',
    ],
    [
      'ADD of a string',
      (c) => updateCall(c, 'ADD n :v', { ':v': S('1') }),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND',
    ],
    [
      'DELETE of a number',
      (c) => updateCall(c, 'DELETE ns :v', { ':v': N(1) }),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND',
    ],
    [
      'an unknown function in an update',
      (c) => updateCall(c, 'SET x = concat(s, :v)', { ':v': S('x') }),
      'Invalid UpdateExpression: Invalid function name; function: concat',
    ],
    [
      'if_not_exists of a value',
      (c) => updateCall(c, 'SET n = if_not_exists(:v, n)', { ':v': N(1) }),
      'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'a function where a comparison is needed',
      (c) => conditionCall(c, 'begins_with(s, :v) = :v', { ':v': S('h') }),
      'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with',
    ],
    [
      'an unknown function',
      (c) => scanCall(c, 'starts_with(s, :v)', { ':v': S('h') }),
      'Invalid FilterExpression: Invalid function name; function: starts_with',
    ],
    [
      'attribute_exists of a value',
      (c) => conditionCall(c, 'attribute_exists(:v)', { ':v': S('x') }),
      'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
    ],
    [
      'attribute_type with a type that is not one',
      (c) => conditionCall(c, 'attribute_type(n, :t)', { ':t': S('STRING') }),
      'Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}',
    ],
    [
      'begins_with of a number value',
      (c) => conditionCall(c, 'begins_with(s, :v)', { ':v': N(1) }),
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    [
      'BETWEEN with its bounds the wrong way round',
      (c) => scanCall(c, 'n BETWEEN :hi AND :lo', { ':hi': N(5), ':lo': N(1) }),
      'Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
    ],
    [
      'BETWEEN with bounds of two types',
      (c) => scanCall(c, 'n BETWEEN :lo AND :hi', { ':lo': N(5), ':hi': S('v') }),
      'Invalid FilterExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:v}',
    ],
    [
      'the same path set and removed',
      (c) => updateCall(c, 'SET n = :v REMOVE n', { ':v': N(1) }),
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [n], path two: [n]',
    ],
    [
      'a path and its parent in one update',
      (c) => updateCall(c, 'SET m = :v, m.child = :v', { ':v': M({}) }),
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, child]',
    ],
    [
      'a path used as list and as map',
      (c) => updateCall(c, 'SET l[0] = :v, l.x = :v', { ':v': N(1) }),
      'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [0]], path two: [l, x]',
    ],
    [
      'overlapping projection paths',
      (c) =>
        c.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { pk: S('x'), sk: N(1) },
            ProjectionExpression: 'a, a.b',
          }),
        ),
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    ],
    [
      'a key attribute in the filter of a Query',
      (c) =>
        c.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'sk > :v AND n > :v',
            ExpressionAttributeValues: { ':pk': S('q'), ':v': N(1) },
          }),
        ),
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
    ],
    [
      'a key condition without the partition key',
      (c) =>
        c.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'sk = :v',
            ExpressionAttributeValues: { ':v': N(1) },
          }),
        ),
      'Query condition missed key schema element: pk',
    ],
    [
      'OR in a key condition',
      (c) =>
        c.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :a OR pk = :b',
            ExpressionAttributeValues: { ':a': S('a'), ':b': S('b') },
          }),
        ),
      'Invalid operator used in KeyConditionExpression: OR',
    ],
    [
      'begins_with on a number sort key',
      (c) =>
        c.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
            ExpressionAttributeValues: { ':pk': S('q'), ':v': N(1) },
          }),
        ),
      'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    [
      'a key condition value of the wrong type',
      (c) =>
        c.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND sk = :v',
            ExpressionAttributeValues: { ':pk': S('q'), ':v': S('1') },
          }),
        ),
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    ],
    [
      'a number of 39 significant digits',
      (c) => updateCall(c, 'SET n = :v', { ':v': N('1.23456789012345678901234567890123456789') }),
      'ExpressionAttributeValues contains invalid value: Attempting to store more than 38 significant digits in a Number for key :v',
    ],
    [
      'a number too large',
      (c) => updateCall(c, 'SET n = :v', { ':v': N('1E+126') }),
      'ExpressionAttributeValues contains invalid value: Number overflow. Attempting to store a number with magnitude larger than supported range for key :v',
    ],
    [
      'a number too small',
      (c) => updateCall(c, 'SET n = :v', { ':v': N('1E-131') }),
      'ExpressionAttributeValues contains invalid value: Number underflow. Attempting to store a number with magnitude smaller than supported range for key :v',
    ],
    [
      'a sum too large',
      (c) => updateCall(c, 'SET n = :v + :v', { ':v': N('9E+125') }),
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    ],
  ];
  for (const [name, call, message] of cases) {
    it(name, async () => {
      expect(await invalid(call(client()))).toBe(message);
    });
  }
});

describe('updates refused by the item they meet', () => {
  const cases: [string, string, Item | undefined, string][] = [
    [
      'arithmetic on a string attribute',
      'SET s = s + :one',
      { ':one': N(1) },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'ADD of numbers to a string set',
      'ADD ss :nums',
      { ':nums': NS('1') },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'list_append to a map',
      'SET m = list_append(m, :l)',
      { ':l': L(N(1)) },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'SET below a map member that does not exist',
      'SET m.absent.x = :v',
      { ':v': N(1) },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'SET of a list index in a string',
      'SET s[0] = :v',
      { ':v': N(1) },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'an attribute the item does not have, in arithmetic',
      'SET n = absent + :one',
      { ':one': N(1) },
      'The provided expression refers to an attribute that does not exist in the item',
    ],
  ];
  for (const [name, expression, values, message] of cases) {
    it(name, async () => {
      const c = client();
      const Key = await fresh(c);
      expect(
        await invalid(
          c.send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key,
              UpdateExpression: expression,
              ExpressionAttributeValues: values,
            }),
          ),
        ),
      ).toBe(message);
      // Nothing was changed.
      expect((await c.send(new GetItemCommand({ TableName: TABLE, Key }))).Item).toEqual(base(Key.pk.S!));
    });
  }
});
