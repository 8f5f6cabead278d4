/**
 * DynamoDB Streams through @aws-sdk/client-dynamodb-streams against `cloudlab serve`: a table's
 * changes as stream records (INSERT, MODIFY, REMOVE with keys and images, in order), the shard
 * iterators of each type, KEYS_ONLY streams, a stream closed by UpdateTable and a new one made
 * when it is enabled again, and Time to Live deleting expired items as simulated time passes,
 * with the service's REMOVE records.
 */
import {
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable, dynamoClient, waitActive } from '../support/dynamodb';
import { failure } from '../support/failure';
import { credentials, labCall, serveLab } from '../support/serve';

const served = serveLab();
const client = () => dynamoClient(served().endpoint);
const streams = () =>
  new DynamoDBStreamsClient({
    endpoint: served().endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number | string): AttributeValue => ({ N: String(n) });

const clock = async (change: { speed?: number; paused?: boolean; advanceMs?: number } | null) =>
  (await labCall(served().endpoint, 'lab.clock', change)) as { now: number; speed: number };

beforeAll(async () => {
  // Tables become ACTIVE after a simulated second: run the clock a little fast. Iterators last
  // 15 simulated minutes, so not too fast.
  await clock({ speed: 10 });
});

async function streamOf(TableName: string) {
  const { Table } = await client().send(new DescribeTableCommand({ TableName }));
  const { StreamDescription } = await streams().send(
    new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn }),
  );
  return {
    arn: Table!.LatestStreamArn!,
    shard: StreamDescription!.Shards![0]!.ShardId!,
    description: StreamDescription!,
  };
}

async function iterator(
  arn: string,
  shard: string,
  ShardIteratorType: ShardIteratorType,
  SequenceNumber?: string,
): Promise<string> {
  const r = await streams().send(
    new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType, SequenceNumber }),
  );
  return r.ShardIterator!;
}

/** Every record from an iterator until a call returns none. */
async function readAll(start: string): Promise<{ records: _Record[]; next?: string }> {
  const records: _Record[] = [];
  let it: string | undefined = start;
  for (let i = 0; i < 20 && it; i++) {
    const r: GetRecordsCommandOutput = await streams().send(new GetRecordsCommand({ ShardIterator: it }));
    records.push(...(r.Records ?? []));
    if (!r.Records?.length) return { records, next: r.NextShardIterator };
    it = r.NextShardIterator;
  }
  return { records, next: it };
}

describe('a NEW_AND_OLD_IMAGES stream', () => {
  const table = 'Orders';
  let arn = '';
  let shard = '';

  beforeAll(async () => {
    await createTable(client(), {
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    ({ arn, shard } = await streamOf(table));
    const c = client();
    const key = { pk: S('order-1'), sk: N(1) };
    await c.send(new PutItemCommand({ TableName: table, Item: { ...key, status: S('new'), amount: N(10) } }));
    await c.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #s = :s, amount = amount + :t',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': S('paid'), ':t': N(5) },
      }),
    );
    await c.send(
      new PutItemCommand({ TableName: table, Item: { pk: S('order-2'), sk: N(1), status: S('new') } }),
    );
    await c.send(new DeleteItemCommand({ TableName: table, Key: key }));
  });

  it('is listed for its table, with its label, and described with its shard and key schema', async () => {
    const listed = await streams().send(new ListStreamsCommand({ TableName: table }));
    expect(listed.Streams).toHaveLength(1);
    const { Table } = await client().send(new DescribeTableCommand({ TableName: table }));
    expect(listed.Streams![0]).toEqual({
      StreamArn: Table!.LatestStreamArn,
      TableName: table,
      StreamLabel: Table!.LatestStreamLabel,
    });
    expect(Table!.LatestStreamArn).toBe(
      `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/stream/${Table!.LatestStreamLabel}`,
    );
    expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(await streams().send(new ListStreamsCommand({ TableName: 'NoSuchTable' }))).toMatchObject({
      Streams: [],
    });

    const { description } = await streamOf(table);
    expect(description).toMatchObject({
      StreamArn: arn,
      StreamLabel: Table!.LatestStreamLabel,
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(description.CreationRequestDateTime).toBeInstanceOf(Date);
    expect(description.Shards).toHaveLength(1);
    const only = description.Shards![0]!;
    expect(only.ShardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
    // An open shard has a start and no end.
    expect(only.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d{21,40}$/);
    expect(only.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
  });

  it('gives INSERT, MODIFY, INSERT, REMOVE in order from TRIM_HORIZON, with keys and both images', async () => {
    const { records } = await readAll(await iterator(arn, shard, 'TRIM_HORIZON'));
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'INSERT', 'REMOVE']);
    for (const r of records) {
      expect(r).toMatchObject({
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        eventVersion: '1.1',
        eventID: expect.any(String),
        dynamodb: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      expect(r.dynamodb!.ApproximateCreationDateTime).toBeInstanceOf(Date);
      expect(r.dynamodb!.SizeBytes).toBeGreaterThan(0);
      expect(r.userIdentity).toBeUndefined();
    }
    const [insert, modify, other, remove] = records as [_Record, _Record, _Record, _Record];
    const key = { pk: S('order-1'), sk: N(1) };
    expect(insert.dynamodb).toMatchObject({
      Keys: key,
      NewImage: { ...key, status: S('new'), amount: N(10) },
    });
    expect(insert.dynamodb!.OldImage).toBeUndefined();
    expect(modify.dynamodb).toMatchObject({
      Keys: key,
      OldImage: { ...key, status: S('new'), amount: N(10) },
      NewImage: { ...key, status: S('paid'), amount: N(15) },
    });
    expect(other.dynamodb!.Keys).toEqual({ pk: S('order-2'), sk: N(1) });
    expect(remove.dynamodb).toMatchObject({
      Keys: key,
      OldImage: { ...key, status: S('paid'), amount: N(15) },
    });
    expect(remove.dynamodb!.NewImage).toBeUndefined();
    // Sequence numbers are decimal strings that grow; a record with two images is bigger.
    const seqs = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    expect([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    expect(modify.dynamodb!.SizeBytes).toBeGreaterThan(insert.dynamodb!.SizeBytes!);
    expect(new Set(records.map((r) => r.eventID)).size).toBe(4);
  });

  it('reads in pages with Limit and NextShardIterator', async () => {
    const first = await streams().send(
      new GetRecordsCommand({ ShardIterator: await iterator(arn, shard, 'TRIM_HORIZON'), Limit: 3 }),
    );
    expect(first.Records?.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'INSERT']);
    const second = await streams().send(
      new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 3 }),
    );
    expect(second.Records?.map((r) => r.eventName)).toEqual(['REMOVE']);
    // An open shard always gives a next iterator, even with nothing new to read.
    const third = await streams().send(new GetRecordsCommand({ ShardIterator: second.NextShardIterator }));
    expect(third.Records).toEqual([]);
    expect(third.NextShardIterator).toEqual(expect.any(String));
  });

  it('positions iterators AT_ and AFTER_SEQUENCE_NUMBER, and LATEST sees only what comes next', async () => {
    const { records } = await readAll(await iterator(arn, shard, 'TRIM_HORIZON'));
    const second = records[1]!.dynamodb!.SequenceNumber!;
    const at = await readAll(await iterator(arn, shard, 'AT_SEQUENCE_NUMBER', second));
    expect(at.records.map((r) => r.dynamodb!.SequenceNumber)).toEqual(
      records.slice(1).map((r) => r.dynamodb!.SequenceNumber),
    );
    const after = await readAll(await iterator(arn, shard, 'AFTER_SEQUENCE_NUMBER', second));
    expect(after.records.map((r) => r.eventName)).toEqual(['INSERT', 'REMOVE']);

    const latest = await iterator(arn, shard, 'LATEST');
    expect((await streams().send(new GetRecordsCommand({ ShardIterator: latest }))).Records).toEqual([]);
    await client().send(new PutItemCommand({ TableName: table, Item: { pk: S('order-3'), sk: N(1) } }));
    const fresh = await readAll(latest);
    expect(fresh.records.map((r) => [r.eventName, r.dynamodb!.Keys])).toEqual([
      ['INSERT', { pk: S('order-3'), sk: N(1) }],
    ]);
  });

  it('writes no record for a PutItem or UpdateItem that changes nothing in the item', async () => {
    // Developer Guide, "Change data capture for DynamoDB Streams": "If you perform a PutItem or
    // UpdateItem operation that does not change any data in an item, DynamoDB Streams does not
    // write a stream record for that operation."
    const c = client();
    const Item = { pk: S('order-4'), sk: N(1), status: S('new') };
    await c.send(new PutItemCommand({ TableName: table, Item }));
    const latest = await iterator(arn, shard, 'LATEST');
    await c.send(new PutItemCommand({ TableName: table, Item }));
    await c.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: Item.pk, sk: Item.sk },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': S('new') },
      }),
    );
    expect((await readAll(latest)).records).toEqual([]);
  });

  it('refuses a missing sequence number, an unknown shard or stream, and a forged iterator', async () => {
    const s = streams();
    expect(
      await failure(
        s.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(
      await failure(
        s.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: 'shardId-00000000000000000000-00000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(
      await failure(s.send(new DescribeStreamCommand({ StreamArn: `${arn.slice(0, -3)}999` }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await failure(s.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
  });

  it('expires iterators after 15 minutes of simulated time', async () => {
    const it = await iterator(arn, shard, 'TRIM_HORIZON');
    await clock({ advanceMs: 16 * 60_000 });
    expect(await failure(streams().send(new GetRecordsCommand({ ShardIterator: it })))).toMatchObject({
      name: 'ExpiredIteratorException',
      status: 400,
      message: expect.stringContaining('The iterator is valid for 15 minutes'),
    });
  });
});

describe('KEYS_ONLY, disabling and enabling again', () => {
  it('carries only the keys', async () => {
    const c = client();
    await createTable(c, {
      TableName: 'Keys',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    await c.send(new PutItemCommand({ TableName: 'Keys', Item: { id: S('a'), secret: S('x') } }));
    await c.send(new PutItemCommand({ TableName: 'Keys', Item: { id: S('a'), secret: S('y') } }));
    const { arn, shard } = await streamOf('Keys');
    const { records } = await readAll(await iterator(arn, shard, 'TRIM_HORIZON'));
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    for (const r of records) {
      expect(r.dynamodb).toEqual({
        ApproximateCreationDateTime: expect.any(Date),
        Keys: { id: S('a') },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'KEYS_ONLY',
      });
    }
  });

  it('closes the stream when disabled; enabling again makes a new stream with a new label', async () => {
    const c = client();
    const first = await streamOf('Keys');
    const before = (await readAll(await iterator(first.arn, first.shard, 'TRIM_HORIZON'))).records;
    const off = await c.send(
      new UpdateTableCommand({ TableName: 'Keys', StreamSpecification: { StreamEnabled: false } }),
    );
    expect(off.TableDescription?.LatestStreamArn).toBe(first.arn);
    await waitActive(c, 'Keys');
    const described = await c.send(new DescribeTableCommand({ TableName: 'Keys' }));
    expect(described.Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);

    // Writes after the stream is disabled are not recorded.
    await c.send(new PutItemCommand({ TableName: 'Keys', Item: { id: S('b') } }));
    const closed = await streams().send(new DescribeStreamCommand({ StreamArn: first.arn }));
    expect(closed.StreamDescription?.StreamStatus).toBe('DISABLED');
    const range = closed.StreamDescription!.Shards![0]!.SequenceNumberRange!;
    expect(range.EndingSequenceNumber).toBe(before.at(-1)!.dynamodb!.SequenceNumber);
    const read = await readAll(await iterator(first.arn, first.shard, 'TRIM_HORIZON'));
    expect(read.records).toHaveLength(before.length);
    // A closed shard read to its end gives no next iterator.
    expect(read.next).toBeUndefined();

    // Asking to disable it again.
    expect(
      await failure(
        c.send(new UpdateTableCommand({ TableName: 'Keys', StreamSpecification: { StreamEnabled: false } })),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message: 'Table already has no stream enabled: TableName: Keys',
    });

    // The clock must move for the new label (a timestamp to the millisecond) to differ.
    await clock({ advanceMs: 1_000 });
    const on = await c.send(
      new UpdateTableCommand({
        TableName: 'Keys',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const label = on.TableDescription?.LatestStreamLabel;
    expect(label).toBeDefined();
    expect(label).not.toBe(first.description.StreamLabel);
    expect(on.TableDescription?.LatestStreamArn).not.toBe(first.arn);
    await waitActive(c, 'Keys');
    expect(
      await failure(
        c.send(
          new UpdateTableCommand({
            TableName: 'Keys',
            StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message: 'Table already has an enabled stream: TableName: Keys',
    });
    const listed = await streams().send(new ListStreamsCommand({ TableName: 'Keys' }));
    expect(listed.Streams?.map((s) => s.StreamLabel).sort()).toEqual(
      [first.description.StreamLabel, label].sort(),
    );
    await c.send(new PutItemCommand({ TableName: 'Keys', Item: { id: S('c'), v: N(1) } }));
    const second = await streamOf('Keys');
    expect(second.description).toMatchObject({ StreamStatus: 'ENABLED', StreamViewType: 'NEW_IMAGE' });
    const fresh = await readAll(await iterator(second.arn, second.shard, 'TRIM_HORIZON'));
    expect(fresh.records.map((r) => [r.eventName, r.dynamodb!.NewImage])).toEqual([
      ['INSERT', { id: S('c'), v: N(1) }],
    ]);
  });
});

describe('Time to Live', () => {
  it('deletes expired items as simulated time passes, with REMOVE records made by the service', async () => {
    const c = client();
    await createTable(c, {
      TableName: 'Sessions',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(
      await c.send(
        new UpdateTimeToLiveCommand({
          TableName: 'Sessions',
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
        }),
      ),
    ).toMatchObject({ TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } });

    const nowSeconds = Math.floor((await clock(null)).now / 1000);
    const items: Record<string, AttributeValue>[] = [
      { id: S('expired-long-ago'), expiresAt: N(nowSeconds - 86_400) },
      { id: S('expired-just-now'), expiresAt: N(nowSeconds - 5) },
      { id: S('expires-in-an-hour'), expiresAt: N(nowSeconds + 3_600) },
      { id: S('never'), note: S('no expiresAt attribute') },
      // Not a number: TTL ignores it.
      { id: S('text-ttl'), expiresAt: S(String(nowSeconds - 100)) },
    ];
    for (const Item of items) await c.send(new PutItemCommand({ TableName: 'Sessions', Item }));
    const { arn, shard } = await streamOf('Sessions');
    const latest = await iterator(arn, shard, 'LATEST');

    // The sweeper looks every simulated minute: three minutes is enough.
    await clock({ advanceMs: 3 * 60_000 });
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      const scan = await c.send(new ScanCommand({ TableName: 'Sessions', ConsistentRead: true }));
      left = (scan.Items ?? []).map((item) => item.id!.S!).sort();
      if (left.length === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(left).toEqual(['expires-in-an-hour', 'never', 'text-ttl']);
    const { Table } = await c.send(new DescribeTableCommand({ TableName: 'Sessions' }));
    expect(Table?.ItemCount).toBe(3);

    const removed = (await readAll(latest)).records;
    expect(removed.map((r) => r.dynamodb!.Keys!.id!.S).sort()).toEqual([
      'expired-just-now',
      'expired-long-ago',
    ]);
    for (const r of removed) {
      expect(r).toMatchObject({
        eventName: 'REMOVE',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      });
      expect(r.dynamodb!.OldImage).toEqual(items.find((i) => i.id!.S === r.dynamodb!.Keys!.id!.S));
      expect(r.dynamodb!.NewImage).toBeUndefined();
    }

    // An item deleted by a user is not marked as the service's.
    await c.send(new DeleteItemCommand({ TableName: 'Sessions', Key: { id: S('never') } }));
    const user = (await readAll(latest)).records.at(-1)!;
    expect(user.eventName).toBe('REMOVE');
    expect(user.userIdentity).toBeUndefined();
  });
});
