/**
 * Amazon DynamoDB through the AWS SDK for JavaScript v3 against `cloudlab serve`: tables and
 * their lifecycle on the simulated clock, items with conditions and return values, batches,
 * transactions, Query and Scan (indexes, paging, parallel segments), tags, limits, and the
 * DocumentClient of @aws-sdk/lib-dynamodb.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TagResourceCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UntagResourceCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand as DocQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable, dynamoClient, waitActive } from '../support/dynamodb';
import { failure } from '../support/failure';
import { serve, serveLab } from '../support/serve';

const served = serveLab();
const client = () => dynamoClient(served().endpoint);

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number | string): AttributeValue => ({ N: String(n) });

beforeAll(async () => {
  await createTable(client(), {
    TableName: 'Music',
    AttributeDefinitions: [
      { AttributeName: 'Artist', AttributeType: 'S' },
      { AttributeName: 'Song', AttributeType: 'S' },
      { AttributeName: 'Year', AttributeType: 'N' },
      { AttributeName: 'Album', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'Artist', KeyType: 'HASH' },
      { AttributeName: 'Song', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'ByYear',
        KeySchema: [
          { AttributeName: 'Year', KeyType: 'HASH' },
          { AttributeName: 'Song', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'ByAlbum',
        KeySchema: [
          { AttributeName: 'Artist', KeyType: 'HASH' },
          { AttributeName: 'Album', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['Plays'] },
      },
    ],
  });
});

describe('tables', () => {
  it('is CREATING at first, ACTIVE a moment later on the simulated clock, and refuses items meanwhile', async () => {
    const c = client();
    const created = await c.send(
      new CreateTableCommand({
        TableName: 'Short-lived',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        Tags: [{ Key: 'team', Value: 'lab' }],
      }),
    );
    expect(created.TableDescription).toMatchObject({
      TableName: 'Short-lived',
      TableStatus: 'CREATING',
      ItemCount: 0,
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Short-lived',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5, NumberOfDecreasesToday: 0 },
    });
    expect(
      await failure(c.send(new PutItemCommand({ TableName: 'Short-lived', Item: { id: S('x') } }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
      status: 400,
    });
    expect(
      await failure(
        c.send(
          new CreateTableCommand({
            ...created.TableDescription!,
            TableName: 'Short-lived',
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          } as never),
        ),
      ),
    ).toMatchObject({ name: 'ResourceInUseException', message: 'Table already exists: Short-lived' });
    expect(await failure(c.send(new DeleteTableCommand({ TableName: 'Short-lived' })))).toMatchObject({
      name: 'ResourceInUseException',
      message: 'Attempt to change a resource which is still in use: Table is being created: Short-lived',
    });
    await waitActive(c, 'Short-lived');
    const updated = await c.send(
      new UpdateTableCommand({
        TableName: 'Short-lived',
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 },
      }),
    );
    expect(updated.TableDescription?.TableStatus).toBe('UPDATING');
    expect(updated.TableDescription?.ProvisionedThroughput?.ReadCapacityUnits).toBe(10);
    expect(updated.TableDescription?.ProvisionedThroughput?.LastIncreaseDateTime).toBeInstanceOf(Date);
    await waitActive(c, 'Short-lived');
    const deleted = await c.send(new DeleteTableCommand({ TableName: 'Short-lived' }));
    expect(deleted.TableDescription?.TableStatus).toBe('DELETING');
    expect(await failure(c.send(new DescribeTableCommand({ TableName: 'Short-lived' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: Short-lived not found',
    });
  });

  it('checks definitions as DynamoDB does', async () => {
    const c = client();
    const base = {
      TableName: 'Bad',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    };
    const cases: [object, string][] = [
      [{ TableName: 'ab' }, 'TableName must be at least 3 characters long and at most 255 characters long'],
      [
        { TableName: 'bad name!' },
        "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      ],
      [
        { BillingMode: undefined },
        'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
      ],
      [
        { KeySchema: [{ AttributeName: 'other', KeyType: 'HASH' }] },
        'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [other], AttributeDefinitions: [id]',
      ],
      [
        {
          AttributeDefinitions: [
            ...base.AttributeDefinitions,
            { AttributeName: 'extra', AttributeType: 'N' },
          ],
        },
        'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
      ],
      [
        {
          LocalSecondaryIndexes: [
            {
              IndexName: 'lsi',
              KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        },
        'One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
      ],
    ];
    for (const [change, message] of cases) {
      expect(await failure(c.send(new CreateTableCommand({ ...base, ...change } as never)))).toEqual(
        expect.objectContaining({ name: 'ValidationException', message, status: 400 }),
      );
    }
  });

  it('lists tables in pages, describes limits, and tags tables', async () => {
    const c = client();
    for (const name of ['page-a', 'page-b', 'page-c'])
      await createTable(c, {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
    const first = await c.send(new ListTablesCommand({ Limit: 2 }));
    expect(first.TableNames).toEqual(['Music', 'page-a']);
    expect(first.LastEvaluatedTableName).toBe('page-a');
    const next = await c.send(new ListTablesCommand({ ExclusiveStartTableName: 'page-a' }));
    expect(next.TableNames).toEqual(['page-b', 'page-c']);
    expect(next.LastEvaluatedTableName).toBeUndefined();
    expect(await c.send(new DescribeLimitsCommand({}))).toMatchObject({ TableMaxReadCapacityUnits: 40000 });
    const arn = 'arn:aws:dynamodb:us-east-1:123456789012:table/page-a';
    await c.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'env', Value: 'lab' },
          { Key: 'owner', Value: 'me' },
        ],
      }),
    );
    await c.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['owner'] }));
    expect((await c.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: 'env', Value: 'lab' },
    ]);
  });

  it('adds a global index to a table with items: backfilled, CREATING, then queryable', async () => {
    const c = client();
    await createTable(c, {
      TableName: 'Grow',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    for (let i = 0; i < 10; i++)
      await c.send(
        new PutItemCommand({ TableName: 'Grow', Item: { id: S(`i${i}`), color: S(i % 2 ? 'red' : 'blue') } }),
      );
    const updated = await c.send(
      new UpdateTableCommand({
        TableName: 'Grow',
        AttributeDefinitions: [{ AttributeName: 'color', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'ByColor',
              KeySchema: [{ AttributeName: 'color', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    expect(updated.TableDescription?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexStatus: 'CREATING',
      Backfilling: true,
    });
    expect(
      await failure(
        c.send(
          new QueryCommand({
            TableName: 'Grow',
            IndexName: 'ByColor',
            KeyConditionExpression: 'color = :c',
            ExpressionAttributeValues: { ':c': S('red') },
          }),
        ),
      ),
    ).toMatchObject({ message: 'Cannot read from backfilling global secondary index: ByColor' });
    await waitActive(c, 'Grow');
    const red = await c.send(
      new QueryCommand({
        TableName: 'Grow',
        IndexName: 'ByColor',
        KeyConditionExpression: 'color = :c',
        ExpressionAttributeValues: { ':c': S('red') },
      }),
    );
    expect(red.Count).toBe(5);
    const described = await c.send(new DescribeTableCommand({ TableName: 'Grow' }));
    expect(described.Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'ByColor',
      ItemCount: 10,
    });
    expect(described.Table?.AttributeDefinitions).toHaveLength(2);
  });
});

describe('items', () => {
  it('puts, gets, updates and deletes with conditions and return values', async () => {
    const c = client();
    const key = { Artist: S('No One You Know'), Song: S('Call Me Today') };
    await c.send(
      new PutItemCommand({
        TableName: 'Music',
        Item: { ...key, Album: S('Somewhat Famous'), Year: N(2015), Plays: N(0) },
      }),
    );
    const old = await c.send(
      new PutItemCommand({
        TableName: 'Music',
        Item: { ...key, Album: S('Somewhat Famous'), Year: N('2015.0'), Plays: N(0) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(old.Attributes?.Year).toEqual(N(2015));
    expect(
      (await c.send(new GetItemCommand({ TableName: 'Music', Key: key, ConsistentRead: true }))).Item,
    ).toEqual({
      ...key,
      Album: S('Somewhat Famous'),
      Year: N(2015),
      Plays: N(0),
    });
    const projected = await c.send(
      new GetItemCommand({
        TableName: 'Music',
        Key: key,
        ProjectionExpression: '#y, Album',
        ExpressionAttributeNames: { '#y': 'Year' },
      }),
    );
    expect(projected.Item).toEqual({ Year: N(2015), Album: S('Somewhat Famous') });
    const updated = await c.send(
      new UpdateItemCommand({
        TableName: 'Music',
        Key: key,
        UpdateExpression:
          'SET Plays = Plays + :one, Tags = list_append(if_not_exists(Tags, :none), :t) ADD Fans :who',
        ConditionExpression: 'Plays < :max',
        ExpressionAttributeValues: {
          ':one': N(1),
          ':none': { L: [] },
          ':t': { L: [S('pop')] },
          ':who': { SS: ['ann'] },
          ':max': N(10),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ Plays: N(1), Tags: { L: [S('pop')] }, Fans: { SS: ['ann'] } });
    expect(
      await failure(
        c.send(
          new UpdateItemCommand({
            TableName: 'Music',
            Key: key,
            UpdateExpression: 'SET Plays = :v',
            ConditionExpression: 'Plays > :v',
            ExpressionAttributeValues: { ':v': N(100) },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      status: 400,
    });
    expect(
      await failure(
        c.send(
          new UpdateItemCommand({
            TableName: 'Music',
            Key: key,
            UpdateExpression: 'SET Song = :v',
            ExpressionAttributeValues: { ':v': S('x') },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message:
        'One or more parameter values were invalid: Cannot update attribute Song. This attribute is part of the key',
    });
    const gone = await c.send(
      new DeleteItemCommand({
        TableName: 'Music',
        Key: key,
        ConditionExpression: 'attribute_exists(Plays)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(gone.Attributes?.Plays).toEqual(N(1));
    expect((await c.send(new GetItemCommand({ TableName: 'Music', Key: key }))).Item).toBeUndefined();
  });

  it('gives the failed item back with ReturnValuesOnConditionCheckFailure', async () => {
    const c = client();
    const key = { Artist: S('Dup'), Song: S('One') };
    await c.send(new PutItemCommand({ TableName: 'Music', Item: { ...key, Plays: N(3) } }));
    const e = await c
      .send(
        new PutItemCommand({
          TableName: 'Music',
          Item: key,
          ConditionExpression: 'attribute_not_exists(Artist)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((err: { name: string; Item?: unknown }) => err);
    expect(e).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { ...key, Plays: N(3) } });
  });

  it('rejects bad keys and values with AWS messages', async () => {
    const c = client();
    // Rank is one of DynamoDB's reserved words: used bare, it is refused.
    expect(
      (
        await failure(
          c.send(
            new ScanCommand({
              TableName: 'Music',
              FilterExpression: 'Rank > :z',
              ExpressionAttributeValues: { ':z': N(0) },
            }),
          ),
        )
      ).message,
    ).toBe('Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Rank');
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => c.send(new GetItemCommand({ TableName: 'Music', Key: { Artist: S('x') } })),
        'The provided key element does not match the schema',
      ],
      [
        () => c.send(new PutItemCommand({ TableName: 'Music', Item: { Artist: S('x') } })),
        'One or more parameter values were invalid: Missing the key Song in the item',
      ],
      [
        () => c.send(new PutItemCommand({ TableName: 'Music', Item: { Artist: S('x'), Song: N(1) } })),
        'One or more parameter values were invalid: Type mismatch for key Song expected: S actual: N',
      ],
      [
        () =>
          c.send(
            new PutItemCommand({ TableName: 'Music', Item: { Artist: S('x'), Song: S('y'), n: N('abc') } }),
          ),
        'The parameter cannot be converted to a numeric value: abc',
      ],
      [
        () =>
          c.send(
            new PutItemCommand({
              TableName: 'Music',
              Item: { Artist: S('x'), Song: S('y'), big: S('x'.repeat(400 * 1024)) },
            }),
          ),
        'Item size has exceeded the maximum allowed size',
      ],
      [
        () => c.send(new PutItemCommand({ TableName: 'Nope', Item: { id: S('x') } })),
        'Requested resource not found',
      ],
    ];
    for (const [call, message] of cases) expect((await failure(call())).message).toBe(message);
  });

  it('batches: writes of up to 25, reads of up to 100, duplicates refused', async () => {
    const c = client();
    const items = Array.from({ length: 25 }, (_, i) => ({
      Artist: S('Batch'),
      Song: S(`s${String(i).padStart(2, '0')}`),
      Data: { B: new Uint8Array([i, 255]) },
    }));
    const written = await c.send(
      new BatchWriteItemCommand({ RequestItems: { Music: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    expect(written.UnprocessedItems).toEqual({});
    const read = await c.send(
      new BatchGetItemCommand({
        RequestItems: { Music: { Keys: items.slice(0, 10).map(({ Artist, Song }) => ({ Artist, Song })) } },
      }),
    );
    expect(read.Responses?.Music).toHaveLength(10);
    expect(read.Responses?.Music?.find((i) => i.Song?.S === 's03')?.Data).toEqual({
      B: new Uint8Array([3, 255]),
    });
    expect(
      await failure(
        c.send(
          new BatchWriteItemCommand({
            RequestItems: { Music: [...items, items[0]!].map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    expect(
      await failure(
        c.send(
          new BatchGetItemCommand({
            RequestItems: {
              Music: { Keys: [items[0]!, items[0]!].map(({ Artist, Song }) => ({ Artist, Song })) },
            },
          }),
        ),
      ),
    ).toMatchObject({
      message: 'One or more parameter values were invalid: Provided list of item keys contains duplicates',
    });
  });

  it('transactions are all or nothing, with reasons and idempotency tokens', async () => {
    const c = client();
    await c.send(
      new PutItemCommand({
        TableName: 'Music',
        Item: { Artist: S('Tx'), Song: S('balance'), Amount: N(10) },
      }),
    );
    const transfer = (token: string, amount: number) =>
      new TransactWriteItemsCommand({
        ClientRequestToken: token,
        TransactItems: [
          {
            Update: {
              TableName: 'Music',
              Key: { Artist: S('Tx'), Song: S('balance') },
              UpdateExpression: 'SET Amount = Amount - :a',
              ConditionExpression: 'Amount >= :a',
              ExpressionAttributeValues: { ':a': N(amount) },
            },
          },
          {
            Put: {
              TableName: 'Music',
              Item: { Artist: S('Tx'), Song: S(`receipt-${token}`), Amount: N(amount) },
            },
          },
        ],
      });
    await c.send(transfer('t1', 7));
    await c.send(transfer('t1', 7)); // the same call again: not applied twice
    const balance = await c.send(
      new GetItemCommand({ TableName: 'Music', Key: { Artist: S('Tx'), Song: S('balance') } }),
    );
    expect(balance.Item?.Amount).toEqual(N(3));
    expect(await failure(c.send(transfer('t1', 1)))).toMatchObject({
      name: 'IdempotentParameterMismatchException',
    });
    const e = await c
      .send(transfer('t2', 7))
      .catch((err: { name: string; message: string; CancellationReasons?: unknown }) => err);
    expect(e).toMatchObject({
      name: 'TransactionCanceledException',
      message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
      CancellationReasons: [
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
      ],
    });
    expect(
      (
        await c.send(
          new GetItemCommand({ TableName: 'Music', Key: { Artist: S('Tx'), Song: S('receipt-t2') } }),
        )
      ).Item,
    ).toBeUndefined();
    const got = await c.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: 'Music', Key: { Artist: S('Tx'), Song: S('balance') } } },
          { Get: { TableName: 'Music', Key: { Artist: S('Tx'), Song: S('missing') } } },
        ],
      }),
    );
    expect(got.Responses).toEqual([{ Item: { Artist: S('Tx'), Song: S('balance'), Amount: N(3) } }, {}]);
    expect(
      await failure(
        c.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: 'Music', Item: { Artist: S('Tx'), Song: S('x') } } },
              { Delete: { TableName: 'Music', Key: { Artist: S('Tx'), Song: S('x') } } },
            ],
          }),
        ),
      ),
    ).toMatchObject({ message: 'Transaction request cannot include multiple operations on one item' });
  });
});

describe('Query and Scan', () => {
  beforeAll(async () => {
    const c = client();
    const writes = Array.from({ length: 120 }, (_, i) => ({
      PutRequest: {
        Item: {
          Artist: S('Q'),
          Song: S(`track-${String(i).padStart(3, '0')}`),
          Year: N(1990 + (i % 4)),
          ...(i % 3 === 0 ? { Album: S(`album-${i % 5}`), Plays: N(i) } : {}),
          Rank: N(-i / 2),
        },
      },
    }));
    for (let i = 0; i < writes.length; i += 25)
      await c.send(new BatchWriteItemCommand({ RequestItems: { Music: writes.slice(i, i + 25) } }));
  });

  it('queries a partition in sort key order, both ways, in pages', async () => {
    const c = client();
    const q = {
      TableName: 'Music',
      KeyConditionExpression: 'Artist = :a AND Song BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':a': S('Q'), ':lo': S('track-010'), ':hi': S('track-019') },
    };
    const all = await c.send(new QueryCommand(q));
    expect(all.Items?.map((i) => i.Song?.S)).toEqual(
      Array.from({ length: 10 }, (_, i) => `track-0${10 + i}`),
    );
    const back = await c.send(new QueryCommand({ ...q, ScanIndexForward: false, Limit: 4 }));
    expect(back.Items?.map((i) => i.Song?.S)).toEqual(['track-019', 'track-018', 'track-017', 'track-016']);
    expect(back.LastEvaluatedKey).toEqual({ Artist: S('Q'), Song: S('track-016') });
    const rest = await c.send(
      new QueryCommand({ ...q, ScanIndexForward: false, ExclusiveStartKey: back.LastEvaluatedKey }),
    );
    expect(rest.Items?.[0]?.Song?.S).toBe('track-015');
    expect(rest.Count).toBe(6);
    const filtered = await c.send(
      new QueryCommand({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a AND begins_with(Song, :p)',
        FilterExpression: 'attribute_exists(Plays) AND Plays >= :min',
        ProjectionExpression: 'Song, Plays',
        ExpressionAttributeValues: { ':a': S('Q'), ':p': S('track-1'), ':min': N(105) },
      }),
    );
    expect(filtered.ScannedCount).toBe(20);
    expect(filtered.Items).toEqual([
      { Song: S('track-105'), Plays: N(105) },
      { Song: S('track-108'), Plays: N(108) },
      { Song: S('track-111'), Plays: N(111) },
      { Song: S('track-114'), Plays: N(114) },
      { Song: S('track-117'), Plays: N(117) },
    ]);
    const count = await c.send(
      new QueryCommand({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a',
        ExpressionAttributeValues: { ':a': S('Q') },
        Select: 'COUNT',
      }),
    );
    expect(count).toMatchObject({ Count: 120, ScannedCount: 120 });
    expect(count.Items).toBeUndefined();
  });

  it('orders numbers numerically (negative and fractional) in a filter and sort', async () => {
    const c = client();
    const r = await c.send(
      new QueryCommand({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a',
        FilterExpression: '#rank BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#rank': 'Rank' },
        ExpressionAttributeValues: { ':a': S('Q'), ':lo': N('-1.5'), ':hi': N(0) },
      }),
    );
    expect(r.Items?.map((i) => i.Rank?.N)).toEqual(['0', '-0.5', '-1', '-1.5']);
  });

  it('queries a global index (KEYS_ONLY projection) and a local index (INCLUDE)', async () => {
    const c = client();
    const byYear = await c.send(
      new QueryCommand({
        TableName: 'Music',
        IndexName: 'ByYear',
        KeyConditionExpression: '#y = :y AND Song < :s',
        ExpressionAttributeNames: { '#y': 'Year' },
        ExpressionAttributeValues: { ':y': N(1991), ':s': S('track-010') },
      }),
    );
    expect(byYear.Items).toEqual([
      { Artist: S('Q'), Song: S('track-001'), Year: N(1991) },
      { Artist: S('Q'), Song: S('track-005'), Year: N(1991) },
      { Artist: S('Q'), Song: S('track-009'), Year: N(1991) },
    ]);
    expect(
      await failure(
        c.send(
          new QueryCommand({
            TableName: 'Music',
            IndexName: 'ByYear',
            KeyConditionExpression: '#y = :y',
            ExpressionAttributeNames: { '#y': 'Year' },
            ExpressionAttributeValues: { ':y': N(1991) },
            ConsistentRead: true,
          }),
        ),
      ),
    ).toMatchObject({ message: 'Consistent reads are not supported on global secondary indexes' });
    const byAlbum = await c.send(
      new QueryCommand({
        TableName: 'Music',
        IndexName: 'ByAlbum',
        KeyConditionExpression: 'Artist = :a AND Album = :al',
        ExpressionAttributeValues: { ':a': S('Q'), ':al': S('album-0') },
      }),
    );
    expect(byAlbum.Items?.length).toBe(8);
    expect(Object.keys(byAlbum.Items![0]!).sort()).toEqual(['Album', 'Artist', 'Plays', 'Song']);
  });

  it('scans in parallel segments that together cover the table once', async () => {
    const c = client();
    const seen: string[] = [];
    for (let segment = 0; segment < 4; segment++) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await c.send(
          new ScanCommand({
            TableName: 'Music',
            Segment: segment,
            TotalSegments: 4,
            Limit: 30,
            ExclusiveStartKey: start,
            FilterExpression: 'Artist = :a',
            ExpressionAttributeValues: { ':a': S('Q') },
          }),
        );
        seen.push(...(page.Items ?? []).map((i) => i.Song!.S!));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    expect(seen.sort()).toEqual(Array.from({ length: 120 }, (_, i) => `track-${String(i).padStart(3, '0')}`));
    expect(
      await failure(c.send(new ScanCommand({ TableName: 'Music', Segment: 4, TotalSegments: 4 }))),
    ).toMatchObject({
      message:
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4',
    });
  });

  it('reports consumed capacity as AWS computes it', async () => {
    const c = client();
    const r = await c.send(
      new QueryCommand({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a',
        ExpressionAttributeValues: { ':a': S('Q') },
        ReturnConsumedCapacity: 'TOTAL',
        ConsistentRead: true,
      }),
    );
    expect(r.ConsumedCapacity?.TableName).toBe('Music');
    expect(r.ConsumedCapacity?.CapacityUnits).toBeGreaterThanOrEqual(1);
    const put = await c.send(
      new PutItemCommand({
        TableName: 'Music',
        Item: { Artist: S('cap'), Song: S('x'), Year: N(1), Pad: S('p'.repeat(1500)) },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    expect(put.ConsumedCapacity).toMatchObject({
      TableName: 'Music',
      CapacityUnits: 3,
      Table: { CapacityUnits: 2 },
      GlobalSecondaryIndexes: { ByYear: { CapacityUnits: 1 } },
    });
  });
});

describe('legacy parameters', () => {
  it('Expected, AttributeUpdates, KeyConditions, QueryFilter and AttributesToGet work as before expressions', async () => {
    const c = client();
    const key = { Artist: S('Legacy'), Song: S('Old Times') };
    await c.send(
      new PutItemCommand({
        TableName: 'Music',
        Item: { ...key, Plays: N(1) },
        Expected: { Artist: { Exists: false } },
      }),
    );
    await c.send(
      new UpdateItemCommand({
        TableName: 'Music',
        Key: key,
        AttributeUpdates: {
          Plays: { Action: 'ADD', Value: N(2) },
          Genre: { Action: 'PUT', Value: S('folk') },
        },
        Expected: { Plays: { ComparisonOperator: 'LT', AttributeValueList: [N(10)] } },
      }),
    );
    const q = await c.send(
      new QueryCommand({
        TableName: 'Music',
        KeyConditions: {
          Artist: { ComparisonOperator: 'EQ', AttributeValueList: [S('Legacy')] },
          Song: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('Old')] },
        },
        QueryFilter: { Genre: { ComparisonOperator: 'EQ', AttributeValueList: [S('folk')] } },
        AttributesToGet: ['Song', 'Plays'],
      }),
    );
    expect(q.Items).toEqual([{ Song: S('Old Times'), Plays: N(3) }]);
    expect(
      await failure(
        c.send(
          new PutItemCommand({ TableName: 'Music', Item: key, Expected: { Artist: { Exists: false } } }),
        ),
      ),
    ).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(
      await failure(
        c.send(
          new GetItemCommand({
            TableName: 'Music',
            Key: key,
            AttributesToGet: ['Song'],
            ProjectionExpression: 'Song',
          }),
        ),
      ),
    ).toMatchObject({
      message:
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    });
  });
});

describe('DocumentClient (@aws-sdk/lib-dynamodb)', () => {
  it('writes and reads native JavaScript values', async () => {
    const doc = DynamoDBDocumentClient.from(client());
    await doc.send(
      new PutCommand({
        TableName: 'Music',
        Item: {
          Artist: 'Doc',
          Song: 'One',
          Year: 2024,
          Meta: { live: true, takes: [1, 2, 3] },
          Genres: new Set(['a', 'b']),
        },
      }),
    );
    await doc.send(
      new UpdateCommand({
        TableName: 'Music',
        Key: { Artist: 'Doc', Song: 'One' },
        UpdateExpression: 'SET Meta.takes[1] = :t REMOVE Meta.live',
        ExpressionAttributeValues: { ':t': 20 },
      }),
    );
    const got = await doc.send(new GetCommand({ TableName: 'Music', Key: { Artist: 'Doc', Song: 'One' } }));
    expect(got.Item).toEqual({
      Artist: 'Doc',
      Song: 'One',
      Year: 2024,
      Meta: { takes: [1, 20, 3] },
      Genres: new Set(['a', 'b']),
    });
    const q = await doc.send(
      new DocQuery({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a',
        ExpressionAttributeValues: { ':a': 'Doc' },
      }),
    );
    expect(q.Items).toHaveLength(1);
  });
});

describe('wire details', () => {
  it('signs every answer with x-amz-crc32 of its body, as DynamoDB does', async () => {
    const r = await fetch(served().endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    const body = await r.text();
    expect(r.status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException',
    });
    expect(r.headers.get('x-amz-crc32')).toBe(String(crc32(body)));
  });

  it('keeps acknowledged items across kill -9', async () => {
    const first = await serve();
    try {
      const c = dynamoClient(first.endpoint);
      await createTable(c, {
        TableName: 'Durable',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      });
      await c.send(
        new PutItemCommand({
          TableName: 'Durable',
          Item: { id: S('a'), v: { B: new Uint8Array([0, 1, 2]) } },
        }),
      );
      await first.stop('SIGKILL');
      const again = await serve([], { dataDir: first.dataDir });
      try {
        const got = await dynamoClient(again.endpoint).send(
          new GetItemCommand({ TableName: 'Durable', Key: { id: S('a') } }),
        );
        expect(got.Item).toEqual({ id: S('a'), v: { B: new Uint8Array([0, 1, 2]) } });
      } finally {
        await again.stop();
      }
    } finally {
      first.cleanup();
    }
  });
});
