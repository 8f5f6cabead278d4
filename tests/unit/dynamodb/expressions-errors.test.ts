import { describe, expect, it } from 'vitest';
import {
  checkExpressionParameters,
  expressionContext,
} from '../../../electron/core/services/dynamodb/expressions';

const names = { '#a': 'a', '#b': 'b', '#st': 'status' };
const values = {
  ':v': { S: 'v' },
  ':w': { S: 'w' },
  ':n': { N: '5' },
  ':one': { N: '1' },
  ':b': { B: new Uint8Array([1, 2]) },
  ':t': { S: 'S' },
  ':bad': { S: 'STRING' },
  ':l': { L: [{ S: 'x' }] },
  ':m': { M: {} },
  ':ss': { SS: ['x'] },
  ':ns': { NS: ['1'] },
  ':bool': { BOOL: true },
  ':null': { NULL: true },
};

type Kind = 'C' | 'F' | 'P' | 'U';

function message(kind: Kind, expr: string): string {
  const ctx = expressionContext({ names, values });
  try {
    if (kind === 'C') ctx.condition(expr, 'ConditionExpression');
    else if (kind === 'F') ctx.condition(expr, 'FilterExpression');
    else if (kind === 'P') ctx.projection(expr);
    else ctx.update(expr);
  } catch (e) {
    const err = e as { code: string; message: string };
    expect(err.code).toBe('ValidationException');
    return err.message;
  }
  return 'no error';
}

const C = 'Invalid ConditionExpression: ';
const F = 'Invalid FilterExpression: ';
const P = 'Invalid ProjectionExpression: ';
const U = 'Invalid UpdateExpression: ';
const syntax = (token: string, near: string) => `Syntax error; token: "${token}", near: "${near}"`;
const wrongOperand = (fn: string, type: string) =>
  `Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${type}`;
const misused = (fn: string) =>
  `The function is not allowed to be used this way in an expression; function: ${fn}`;

const cases: Array<[Kind, string, string]> = [
  // empty and syntax
  ['C', '', C + 'The expression can not be empty;'],
  ['F', '   ', F + 'The expression can not be empty;'],
  ['P', '', P + 'The expression can not be empty;'],
  ['U', '', U + 'The expression can not be empty;'],
  ['C', 'a =', C + syntax('<EOF>', '=')],
  ['C', 'a-b', C + syntax('-', 'a-b')],
  ['C', 'a', C + syntax('<EOF>', 'a')],
  ['C', 'a = :v AND', C + syntax('<EOF>', 'AND')],
  ['C', 'a = :v b', C + syntax('b', ':v b')],
  ['C', 'a == :v', C + syntax('=', '== :v')],
  ['C', 'a != :v', C + syntax('!', 'a !=')],
  ['C', '()', C + syntax(')', '()')],
  ['C', 'a = :v)', C + syntax(')', ':v)')],
  ['C', '(a = :v', C + syntax('<EOF>', ':v')],
  ['C', 'a AND b = :v', C + syntax('AND', 'a AND b')],
  ['C', 'a BETWEEN :v', C + syntax('<EOF>', ':v')],
  ['C', 'a BETWEEN :v OR :w', C + syntax('OR', ':v OR :w')],
  ['C', 'a IN :v', C + syntax(':v', 'IN :v')],
  ['C', 'a IN ()', C + syntax(')', '()')],
  ['C', 'attribute_exists()', C + syntax(')', '()')],
  ['C', 'a[x] = :v', C + syntax('x', '[x]')],
  ['C', 'a.[0] = :v', C + syntax('[', '.[0')],
  ['C', 'a = 5', C + syntax('5', '= 5')],
  ['C', "a = 'v'", C + syntax("'", "= 'v")],
  ['C', 'a = :', C + syntax(':', '= :')],
  ['C', 'NOT NOT a = :v', C + syntax('NOT', 'NOT NOT a')],
  ['C', 'and = :v', C + syntax('and', 'and =')],
  ['F', 'tenantAgent:abc', F + syntax(':abc', 'tenantAgent:abc')],
  ['P', '!!!', P + syntax('!', '!!')],
  ['P', 'a b', P + syntax('b', 'a b')],
  ['P', 'a,', P + syntax('<EOF>', ',')],
  ['P', 'a[-1]', P + syntax('-', '[-1')],
  ['P', 'a.1', P + syntax('1', '.1')],
  ['P', ':v', P + syntax(':v', ':v')],
  ['U', 'INVALID SYNTAX HERE', U + syntax('INVALID', 'INVALID SYNTAX')],
  ['U', 'SET', U + syntax('<EOF>', 'SET')],
  ['U', 'SET a = b +', U + syntax('<EOF>', '+')],
  ['U', 'SET a = b / :n', U + syntax('/', 'b / :n')],
  ['U', 'SET a = :v, REMOVE b', U + syntax('REMOVE', ', REMOVE b')],
  ['U', 'SET hits = hits : incr', U + syntax(':', 'hits : incr')],
  ['U', 'REMOVE a = :v', U + syntax('=', 'a = :v')],
  ['U', 'ADD a', U + syntax('<EOF>', 'a')],
  ['U', 'ADD a b', U + syntax('b', 'a b')],
  ['U', 'DELETE a :ss, b', U + syntax('<EOF>', 'b')],
  ['U', 'SET a = b + c + d', U + syntax('+', 'c + d')],
  // redundant parentheses
  ['C', '((a = :v))', C + 'The expression has redundant parentheses;'],
  ['C', '((a)) = :v', C + 'The expression has redundant parentheses;'],
  ['C', 'NOT ((a = :v))', C + 'The expression has redundant parentheses;'],
  // reserved words
  ['C', 'status = :v', C + 'Attribute name is a reserved keyword; reserved keyword: status'],
  ['C', 'a.Size = :v', C + 'Attribute name is a reserved keyword; reserved keyword: Size'],
  ['P', 'a, year', P + 'Attribute name is a reserved keyword; reserved keyword: year'],
  ['U', 'SET name = :v', U + 'Attribute name is a reserved keyword; reserved keyword: name'],
  // placeholders
  [
    'C',
    '#x = :v',
    C + 'An expression attribute name used in the document path is not defined; attribute name: #x',
  ],
  ['C', 'a = :x', C + 'An expression attribute value used in expression is not defined; attribute value: :x'],
  [
    'P',
    'a.#nope',
    P + 'An expression attribute name used in the document path is not defined; attribute name: #nope',
  ],
  [
    'U',
    'SET #x = :x',
    U + 'An expression attribute name used in the document path is not defined; attribute name: #x',
  ],
  [
    'U',
    'SET a = :x',
    U + 'An expression attribute value used in expression is not defined; attribute value: :x',
  ],
  // functions
  ['C', 'foo(a)', C + 'Invalid function name; function: foo'],
  ['C', 'SIZE(a) = :n', C + 'Invalid function name; function: SIZE'],
  ['C', 'size(a)', C + misused('size')],
  ['C', 'size(a) AND a = :v', C + misused('size')],
  ['C', 'attribute_exists(a) = :v', C + misused('attribute_exists')],
  ['C', 'a IN (begins_with(a, :v))', C + misused('begins_with')],
  ['C', 'size(contains(a, :v)) = :n', C + misused('contains')],
  [
    'C',
    'attribute_exists(a, b)',
    C +
      'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
  ],
  [
    'C',
    'begins_with(a)',
    C +
      'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1',
  ],
  [
    'C',
    'attribute_exists(:v)',
    C + 'Operator or function requires a document path; operator or function: attribute_exists',
  ],
  [
    'C',
    'attribute_not_exists(size(a))',
    C + 'Operator or function requires a document path; operator or function: attribute_not_exists',
  ],
  ['C', 'begins_with(a, :n)', C + wrongOperand('begins_with', 'N')],
  ['C', 'begins_with(a, size(b))', C + wrongOperand('begins_with', 'N')],
  ['C', 'begins_with(:l, a)', C + wrongOperand('begins_with', 'L')],
  ['C', 'attribute_type(a, :n)', C + wrongOperand('attribute_type', 'N')],
  ['C', 'attribute_type(a, b)', C + wrongOperand('attribute_type', '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}')],
  [
    'C',
    'attribute_type(a, :bad)',
    C + 'Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}',
  ],
  ['C', 'size(:n) = :n', C + wrongOperand('size', 'N')],
  ['C', 'size(:bool) = :n', C + wrongOperand('size', 'BOOL')],
  ['C', 'size(size(a)) = :n', C + wrongOperand('size', 'N')],
  // distinct operands
  [
    'C',
    'a = a',
    C +
      'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
  ],
  [
    'C',
    '#a.b[1] <> a.#b[1]',
    C +
      'The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a, b, [1]]',
  ],
  [
    'C',
    'contains(a, a)',
    C +
      'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]',
  ],
  // BETWEEN bounds
  [
    'C',
    'a BETWEEN :n AND :v',
    C +
      'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:v}',
  ],
  [
    'C',
    'a BETWEEN :n AND :one',
    C +
      'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
  ],
  [
    'C',
    'a BETWEEN :w AND :v',
    C +
      'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:w}, upper bound operand: AttributeValue: {S:v}',
  ],
  // priorities: syntax first, then parentheses, functions, reserved words, the rest
  ['C', '((status = :x))', C + 'The expression has redundant parentheses;'],
  ['C', 'status = :x AND foo(a)', C + 'Invalid function name; function: foo'],
  ['C', '#x = :v AND status = :v', C + 'Attribute name is a reserved keyword; reserved keyword: status'],
  ['C', 'status = :x AND (a = :v', C + syntax('<EOF>', ':v')],
  // projection paths
  [
    'P',
    'a, a.b',
    P +
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
  ],
  [
    'P',
    'a.b, a',
    P +
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]',
  ],
  [
    'P',
    '#a, a',
    P +
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
  ],
  [
    'P',
    'a[0], a.b',
    P +
      'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]',
  ],
  // update semantics
  ['U', 'SET a = :v SET b = :w', U + 'The "SET" section can only be used once in an update expression;'],
  ['U', 'REMOVE a REMOVE b', U + 'The "REMOVE" section can only be used once in an update expression;'],
  [
    'U',
    'SET a = :v REMOVE a',
    U +
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
  ],
  [
    'U',
    'SET a = :v, a.b = :w',
    U +
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
  ],
  [
    'U',
    'SET a[0] = :v REMOVE a.b',
    U +
      'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]',
  ],
  ['U', 'SET a = foo(b)', U + 'Invalid function name; function: foo'],
  ['U', 'SET a = size(b)', U + 'Invalid function name; function: size'],
  [
    'U',
    'SET a = if_not_exists(b)',
    U +
      'Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1',
  ],
  [
    'U',
    'SET a = if_not_exists(:v, b)',
    U + 'Operator or function requires a document path; operator or function: if_not_exists',
  ],
  ['U', 'SET a = list_append(a, :v)', U + wrongOperand('list_append', 'S')],
  ['U', 'SET a = a + :v', U + wrongOperand('+', 'S')],
  ['U', 'SET a = :l - a', U + wrongOperand('-', 'L')],
  [
    'U',
    'ADD a :v',
    U +
      'Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND',
  ],
  [
    'U',
    'ADD a :l',
    U +
      'Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND',
  ],
  [
    'U',
    'DELETE a :n',
    U +
      'Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND',
  ],
  [
    'U',
    'DELETE a :m',
    U +
      'Incorrect operand type for operator or function; operator: DELETE, operand type: MAP, typeSet: ALLOWED_FOR_DELETE_OPERAND',
  ],
  ['U', 'SET status = foo(a)', U + 'Attribute name is a reserved keyword; reserved keyword: status'],
];

describe('invalid expressions', () => {
  it.each(cases)('%s: %s', (kind, expr, expected) => {
    expect(message(kind, expr)).toBe(expected);
  });

  it('limits IN to 100 operands', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 101; i++) many[`:v${i}`] = { N: String(i) };
    const ctx = expressionContext({ values: many });
    expect(() => ctx.condition(`a IN (${Object.keys(many).join(', ')})`, 'ConditionExpression')).toThrow(
      'Invalid ConditionExpression: Too many operands for the operator or function; operator or function: IN, number of operands: 101',
    );
  });

  it('limits expressions to 4 KB, with the size only for conditions and filters', () => {
    const ctx = expressionContext({ values: { ':v': { S: 'v' } } });
    const long = 'a'.repeat(4097);
    expect(() => ctx.condition(`${long} = :v`, 'FilterExpression')).toThrow(
      'Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4102',
    );
    expect(() => ctx.projection(long)).toThrow(
      /^Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;$/,
    );
    expect(ctx.projection('a'.repeat(4096))).toEqual([['a'.repeat(4096)]]);
  });
});

describe('expression attribute maps', () => {
  const fails = (f: () => void, text: string) => expect(f).toThrow(text);

  it('refuses empty maps and malformed keys', () => {
    fails(() => expressionContext({ names: {} }), 'ExpressionAttributeNames must not be empty');
    fails(() => expressionContext({ values: {} }), 'ExpressionAttributeValues must not be empty');
    fails(
      () => expressionContext({ names: { a: 'b' } }),
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
    );
    fails(
      () => expressionContext({ values: { ':a-b': { S: 'x' } } }),
      'ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b"',
    );
  });

  it('wraps invalid values with their key', () => {
    fails(
      () => expressionContext({ values: { ':a': {} } }),
      'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :a',
    );
    fails(
      () => expressionContext({ values: { ':a': { NULL: false } } }),
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Null attribute value types must have the value of true for key :a',
    );
  });

  it('reports unused names before unused values, across expressions', () => {
    const ctx = expressionContext({
      names: { '#a': 'a', '#b': 'b', '#c': 'c' },
      values: { ':x': { S: 'x' }, ':y': { S: 'y' }, ':z': { S: 'z' } },
    });
    ctx.condition('#a = :x', 'ConditionExpression');
    ctx.projection('#c');
    expect(() => ctx.assertAllUsed()).toThrow(
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}',
    );
    ctx.update('SET #b = :y');
    expect(() => ctx.assertAllUsed()).toThrow(
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:z}',
    );
    ctx.update('SET a = :z');
    expect(() => ctx.assertAllUsed()).not.toThrow();
  });
});

describe('checkExpressionParameters', () => {
  const query = {
    expression: ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
    legacy: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  };
  const check = (request: Record<string, unknown>) =>
    checkExpressionParameters(request, query.expression, query.legacy);

  it('refuses mixing both kinds', () => {
    expect(() => check({ FilterExpression: 'a = :v', AttributesToGet: ['a'], KeyConditions: {} })).toThrow(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {FilterExpression}',
    );
    expect(() => check({ KeyConditionExpression: 'a = :v', KeyConditions: {} })).toThrow(
      'Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}',
    );
  });

  it('allows KeyConditions with a FilterExpression', () => {
    expect(() => check({ FilterExpression: 'a = :v', KeyConditions: {} })).not.toThrow();
  });

  it('refuses attribute maps without expressions', () => {
    expect(() => check({ ExpressionAttributeNames: { '#a': 'a' } })).toThrow(
      'ExpressionAttributeNames can only be specified when using expressions',
    );
    expect(() => check({ ProjectionExpression: 'a', ExpressionAttributeValues: {} })).toThrow(
      'ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null',
    );
  });
});
