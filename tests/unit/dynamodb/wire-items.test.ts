/**
 * Reads that answer with stored item texts spliced into the json codec's output
 * (wire-items.ts, read-page.ts): the answer must be byte for byte the one the codec writes for
 * the same output as plain values, and the pages (Limit, the 1 MB cut, batches, order,
 * segments, indexes) the same as the path that parses every item. That path is forced with a
 * filter that keeps everything.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { PRE_ENCODED as SERVICE_KEY } from '../../../electron/core/services/dynamodb/wire-items';
import { Gateway } from '../../../electron/gateway/gateway';
import type { GatewayRequest } from '../../../electron/gateway/http';
import type { ProtocolCodec } from '../../../electron/gateway/protocols/codec';
import { PRE_ENCODED, preEncodedOf } from '../../../electron/gateway/protocols/pre-encoded';
import { bridge, sdkCredentials } from '../../support/sdk-bridge';
import { RESOURCES } from '../../support/temp';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

let cloud: Cloud;
let codec: ProtocolCodec;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
  codec = new Gateway({ cloud, resourcesDir: RESOURCES }).codec(cloud.services.get('dynamodb')!);
  await createTable('tab', [], []);
  await createTable(
    'idx',
    [
      { AttributeName: 'g', AttributeType: 'S' },
      { AttributeName: 'r', AttributeType: 'N' },
    ],
    [
      index('all', 'ALL'),
      index('keys', 'KEYS_ONLY'),
      { ...index('inc', 'INCLUDE'), Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['s'] } },
    ],
    [
      {
        IndexName: 'local',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'r', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  );
  for (let i = 0; i < 450; i++) await put('tab', richItem('p', i));
  for (let i = 0; i < 30; i++) await put('tab', richItem(`other-${i}`, i));
  // 2.5 MB in one partition: pages end at the 1 MB cut.
  for (let i = 0; i < 25; i++) await put('tab', { ...richItem('big', i), pad: { S: 'x'.repeat(100_000) } });
  for (let i = 0; i < 60; i++)
    await put('idx', { ...richItem('q', i), g: { S: `g${i % 3}` }, r: { N: String(i % 7) } });
});
afterAll(() => cloud.close());

function index(name: string, type: string) {
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: 'g', KeyType: 'HASH' },
      { AttributeName: 'r', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: type },
  };
}

const call = (operation: string, input: Input) =>
  cloud.invoke({
    service: 'dynamodb',
    operation,
    input,
    region: 'us-east-1',
    principal: cloud.accounts.consolePrincipal(),
    source: 'aws',
  }) as Promise<Output>;

async function createTable(name: string, attributes: Input[], indexes: Input[], local: Input[] = []) {
  await call('CreateTable', {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      ...attributes,
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(local.length ? { LocalSecondaryIndexes: local } : {}),
  });
  for (let i = 0; i < 100; i++) {
    const { Table } = (await call('DescribeTable', { TableName: name })) as {
      Table: { TableStatus: string; GlobalSecondaryIndexes?: { IndexStatus: string }[] };
    };
    if (
      Table.TableStatus === 'ACTIVE' &&
      (Table.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')
    )
      return;
    cloud.setClock({ advanceMs: 60_000 });
  }
  throw new Error(`${name} never became ACTIVE`);
}

const bytes = (...b: number[]) => new Uint8Array(b);

/** Every attribute type, binary at every depth, names and strings that JSON must escape. */
function richItem(pk: string, i: number): Input {
  return {
    pk: { S: pk },
    sk: { N: String(i) },
    s: { S: `line "${i}"\n\t\\ é 😀 \u2028 </script>` },
    n: { N: i % 2 ? `-${i}.5` : '12345678901234567890123456789012345678' },
    b: { B: bytes(0, 255, i % 256, 62, 63) },
    t: { BOOL: i % 2 === 0 },
    z: { NULL: true },
    ss: { SS: ['a', `b${i}`, 'c'] },
    ns: { NS: ['1', '0.5', `${i + 2}`] },
    bs: { BS: [bytes(1), bytes(2, 3), bytes(i % 256, 0)] },
    m: {
      M: {
        deep: { M: { bin: { B: bytes(9, 8, 7) }, l: { L: [{ N: '1' }, { BS: [bytes(4)] }] } } },
        '1': { S: 'x' },
      },
    },
    l: { L: [{ S: '' }, { M: {} }, { L: [] }, { NULL: true }, { B: bytes() }] },
    '10': { S: 'a name that is an array index' },
    'ü name': { S: 'ü' },
  };
}

async function put(TableName: string, Item: Input) {
  await call('PutItem', { TableName, Item });
}

/** What the codec writes for the output itself, and for a plain copy (no stored texts). */
function encode(operation: string, output: Output) {
  const op = codec.model.operation(operation)!;
  const req = {} as GatewayRequest;
  const spliced = codec.encode(req, op, output, 'req-1');
  // A spread copies enumerable members only: the plain values, without the stored texts.
  const plain = codec.encode(req, op, { ...output }, 'req-1');
  return { spliced, plain, text: String(spliced.body) };
}

/** An output answered from stored texts, checked against the codec's own encoding of it. */
async function spliced(operation: string, input: Input): Promise<Output> {
  const output = await call(operation, input);
  // Select COUNT answers no items: nothing to splice.
  if (input.Select !== 'COUNT')
    expect(preEncodedOf(output), `${operation} took the stored-text path`).toBeDefined();
  const { spliced: a, plain: b, text } = encode(operation, output);
  expect(text).toBe(String(b.body));
  expect(a.headers['x-amz-crc32']).toBe(String(crc32(text)));
  expect(a.headers).toEqual(b.headers);
  expect(JSON.parse(text)).toEqual(JSON.parse(String(b.body)));
  return output;
}

/** The same read by the path that parses every item (a filter that keeps all). */
async function parsed(operation: string, input: Input): Promise<Output> {
  const output = await call(operation, {
    ...input,
    FilterExpression: 'attribute_not_exists(#nothing)',
    ExpressionAttributeNames: { ...(input.ExpressionAttributeNames as Input), '#nothing': 'nothing' },
  });
  expect(preEncodedOf(output)).toBeUndefined();
  return output;
}

/** Every page of a read both ways: the same items, counts, keys and capacity, page by page. */
async function samePages(operation: string, input: Input): Promise<Output[]> {
  const pages: Output[] = [];
  let start: unknown;
  do {
    const page = { ...input, ...(start ? { ExclusiveStartKey: start } : {}) };
    const fast = await spliced(operation, page);
    const slow = await parsed(operation, page);
    expect({ ...fast }).toEqual({ ...slow });
    pages.push(fast);
    start = fast.LastEvaluatedKey;
  } while (start);
  return pages;
}

const items = (pages: Output[]) => pages.flatMap((p) => p.Items as Input[]);
const sks = (pages: Output[]) => items(pages).map((i) => Number((i.sk as { N: string }).N));
const partition = (pk: string, more: Input = {}) => ({
  TableName: 'tab',
  KeyConditionExpression: 'pk = :p',
  ExpressionAttributeValues: { ':p': { S: pk } },
  ...more,
});

describe('answers spliced from stored item texts', () => {
  it('names one key for the codec and the service', () => {
    expect(SERVICE_KEY).toBe(PRE_ENCODED);
  });

  it('Query of a whole partition: every attribute type, as the codec writes it', async () => {
    const [page] = await samePages('Query', partition('p'));
    expect(page!.Count).toBe(450);
    expect(page!.ScannedCount).toBe(450);
    expect(page!.LastEvaluatedKey).toBeUndefined();
    expect(sks([page!])).toEqual([...Array(450).keys()]);
    // Binary comes back as bytes, nested too.
    const first = (page!.Items as Input[])[0]!;
    expect(first).toEqual(richItem('p', 0));
  });

  it('pages by Limit, across read batches, forward and in reverse', async () => {
    for (const Limit of [7, 199, 200, 201, 449, 450, 451]) {
      const forward = await samePages('Query', partition('p', { Limit }));
      expect(sks(forward)).toEqual([...Array(450).keys()]);
      const reverse = await samePages('Query', partition('p', { Limit, ScanIndexForward: false }));
      expect(sks(reverse)).toEqual([...Array(450).keys()].reverse());
    }
  });

  it('honours sort key conditions', async () => {
    const pages = await samePages(
      'Query',
      partition('p', {
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': { S: 'p' }, ':a': { N: '100' }, ':b': { N: '300' } },
        Limit: 60,
        ScanIndexForward: false,
      }),
    );
    expect(sks(pages)).toEqual([...Array(201).keys()].map((i) => 300 - i));
  });

  it('ends a page at 1 MB of items', async () => {
    const pages = await samePages('Query', partition('big'));
    // A page ends with the item that reaches 1 MB: 11 items of 100 KB.
    expect(pages.map((p) => p.Count)).toEqual([11, 11, 3]);
    expect(sks(pages)).toEqual([...Array(25).keys()]);
    const scan = await samePages('Scan', { TableName: 'tab', ReturnConsumedCapacity: 'TOTAL' });
    expect(items(scan)).toHaveLength(505);
    expect(scan.length).toBeGreaterThan(2);
  });

  it('Scan in segments, with Limit, and with consumed capacity', async () => {
    const all: Input[] = [];
    for (let Segment = 0; Segment < 4; Segment++)
      all.push(
        ...items(
          await samePages('Scan', {
            TableName: 'tab',
            Segment,
            TotalSegments: 4,
            Limit: 90,
            ReturnConsumedCapacity: 'INDEXES',
          }),
        ),
      );
    expect(all).toHaveLength(505);
    const keys = new Set(all.map((i) => `${(i.pk as { S: string }).S}/${(i.sk as { N: string }).N}`));
    expect(keys.size).toBe(505);
  });

  it('Select COUNT and explicit ALL_ATTRIBUTES', async () => {
    const [count] = await samePages('Query', partition('p', { Select: 'COUNT' }));
    expect(count).toMatchObject({ Count: 450, ScannedCount: 450 });
    expect(count!.Items).toBeUndefined();
    await samePages('Query', partition('p', { Select: 'ALL_ATTRIBUTES', Limit: 100 }));
    await samePages('Scan', { TableName: 'tab', Select: 'COUNT', Limit: 300 });
  });

  it('global indexes: ALL projections spliced, others projected', async () => {
    const byIndex = (IndexName: string, more: Input = {}) => ({
      TableName: 'idx',
      IndexName,
      KeyConditionExpression: 'g = :g',
      ExpressionAttributeValues: { ':g': { S: 'g1' } },
      ...more,
    });
    const pages = await samePages('Query', byIndex('all', { Limit: 6, ScanIndexForward: false }));
    expect(items(pages)).toHaveLength(20);
    await samePages('Scan', { TableName: 'idx', IndexName: 'all', Limit: 25 });
    await samePages('Query', byIndex('keys', { Select: 'COUNT', Limit: 6 }));
    await samePages('Scan', { TableName: 'idx', IndexName: 'inc', Select: 'COUNT', Limit: 25 });
    // A projection that is not ALL is evaluated, never spliced.
    for (const name of ['keys', 'inc']) {
      const out = await call('Query', byIndex(name));
      expect(preEncodedOf(out)).toBeUndefined();
      expect(Object.keys((out.Items as Input[])[0]!).sort()).toEqual(
        name === 'keys' ? ['g', 'pk', 'r', 'sk'] : ['g', 'pk', 'r', 's', 'sk'],
      );
    }
  });

  it('local indexes: whole items spliced for ALL_ATTRIBUTES, the projection evaluated', async () => {
    const byLocal = (more: Input) => ({
      TableName: 'idx',
      IndexName: 'local',
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'q' } },
      ...more,
    });
    const pages = await samePages('Query', byLocal({ Select: 'ALL_ATTRIBUTES', Limit: 7 }));
    expect(items(pages)).toHaveLength(60);
    await samePages('Scan', { TableName: 'idx', IndexName: 'local', Select: 'ALL_ATTRIBUTES', Limit: 13 });
    const projected = await call('Query', byLocal({ Limit: 2 }));
    expect(preEncodedOf(projected)).toBeUndefined();
    expect(Object.keys((projected.Items as Input[])[0]!).sort()).toEqual(['pk', 'r', 'sk']);
  });

  it('projections and filters still parse', async () => {
    const out = await call('Query', partition('p', { ProjectionExpression: 's', Limit: 2 }));
    expect(preEncodedOf(out)).toBeUndefined();
    expect(out.Items).toEqual([{ s: richItem('p', 0).s }, { s: richItem('p', 1).s }]);
  });

  it('GetItem of a whole item; with a projection it is evaluated', async () => {
    const Key = { pk: { S: 'p' }, sk: { N: '3' } };
    const out = await spliced('GetItem', { TableName: 'tab', Key, ReturnConsumedCapacity: 'TOTAL' });
    expect(out.Item).toEqual(richItem('p', 3));
    const projected = await call('GetItem', { TableName: 'tab', Key, ProjectionExpression: 'b' });
    expect(preEncodedOf(projected)).toBeUndefined();
    expect(projected.Item).toEqual({ b: richItem('p', 3).b });
    const missing = await call('GetItem', { TableName: 'tab', Key: { ...Key, sk: { N: '-1' } } });
    expect(missing).toEqual({});
  });

  it('answers with more UTF-8 bytes than characters', async () => {
    // Two and four bytes a character: the answer outgrows a buffer sized for ASCII.
    const Item = { pk: { S: 'wide' }, sk: { N: '1' }, s: { S: 'ü'.repeat(60_000) + '😀'.repeat(20_000) } };
    await put('idx', Item);
    const out = await spliced('GetItem', { TableName: 'idx', Key: { pk: Item.pk, sk: Item.sk } });
    expect(out.Item).toEqual(Item);
    const [page] = await samePages('Query', { ...partition('wide'), TableName: 'idx' });
    expect(page!.Items).toEqual([Item]);
  });

  it('an output whose member is replaced encodes the new value', async () => {
    const out = await call('Query', partition('p', { Limit: 2 }));
    out.Items = [{ pk: { S: 'replaced' } }];
    const body = JSON.parse(encode('Query', out).text) as Output;
    expect(body.Items).toEqual([{ pk: { S: 'replaced' } }]);
    expect(body.Count).toBe(2);
  });

  it('the AWS SDK reads a spliced answer', async () => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: sdkCredentials,
      maxAttempts: 1,
      requestHandler: bridge(async (req) => {
        const op = codec.findOperation(req)!;
        const output = await call(op.name, codec.decode(req, op));
        expect(preEncodedOf(output)).toBeDefined();
        return codec.encode(req, op, output, 'req-1');
      }),
    });
    const out = await client.send(new QueryCommand({ ...partition('p', { Limit: 3 }) } as never));
    expect(out.Items).toEqual([0, 1, 2].map((i) => richItem('p', i)));
    expect(out.LastEvaluatedKey).toEqual({ pk: { S: 'p' }, sk: { N: '2' } });
  });
});
