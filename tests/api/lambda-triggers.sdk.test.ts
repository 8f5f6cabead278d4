/**
 * Lambda triggers through the AWS SDK against `cloudlab serve`: an S3 upload invoking a function
 * that writes the object's key and size into DynamoDB (the lab of the issue); an event source
 * mapping delivering a DynamoDB stream's records in batches, its states, errors and disabling;
 * and an asynchronous invocation that always fails, retried twice on the simulated clock with
 * the same request id, then sent to an OnFailure Lambda destination.
 */
import { type AttributeValue, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  AddPermissionCommand,
  RemovePermissionCommand,
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable, dynamoClient } from '../support/dynamodb';
import { createFunction, lambdaClient } from '../support/lambda';
import { credentials, labCall, serveLab } from '../support/serve';

const served = serveLab();
const lambda = () => lambdaClient(served().endpoint);
const ddb = () => dynamoClient(served().endpoint);
const s3 = () =>
  new S3Client({
    endpoint: served().endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
const ACCOUNT = '123456789012';
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

const clock = async (change: { speed?: number; paused?: boolean; advanceMs?: number } | null) =>
  (await labCall(served().endpoint, 'lab.clock', change)) as { now: number; speed: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  // Tables and mappings settle after a simulated second: run the clock a little fast.
  await clock({ speed: 10 });
});

describe('S3 → Lambda', () => {
  it('an upload invokes the function, which writes the key and size into DynamoDB', async () => {
    await createTable(ddb(), {
      TableName: 'uploads',
      AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
    });
    await createFunction(lambda(), 'on-upload', {
      'index.mjs': `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
export const handler = async (event) => {
  for (const r of event.Records) {
    const key = decodeURIComponent(r.s3.object.key.replace(/\\+/g, ' '));
    await db.send(new PutItemCommand({ TableName: 'uploads', Item: {
      key: { S: key }, size: { N: String(r.s3.object.size) }, rawKey: { S: r.s3.object.key },
      bucket: { S: r.s3.bucket.name }, eventName: { S: r.eventName }, source: { S: r.eventSource },
    } }));
  }
  return 'ok';
};`,
    });
    await s3().send(new CreateBucketCommand({ Bucket: 'lab-uploads' }));
    await lambda().send(
      new AddPermissionCommand({
        FunctionName: 'on-upload',
        StatementId: 's3-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::lab-uploads',
        SourceAccount: ACCOUNT,
      }),
    );
    await s3().send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'lab-uploads',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            { LambdaFunctionArn: fnArn('on-upload'), Events: ['s3:ObjectCreated:*'] },
          ],
        },
      }),
    );
    await s3().send(new PutObjectCommand({ Bucket: 'lab-uploads', Key: 'my file.txt', Body: 'hello world' }));
    const item = await until('the uploaded object in DynamoDB', async () => {
      const r = await ddb().send(
        new GetItemCommand({ TableName: 'uploads', Key: { key: { S: 'my file.txt' } } }),
      );
      return r.Item;
    });
    expect(item).toEqual({
      key: { S: 'my file.txt' },
      size: { N: '11' },
      rawKey: { S: 'my+file.txt' },
      bucket: { S: 'lab-uploads' },
      eventName: { S: 'ObjectCreated:Put' },
      source: { S: 'aws:s3' },
    });
  });

  it('S3 refuses a function that does not allow it, and stops invoking one whose permission is removed', async () => {
    await createFunction(lambda(), 'no-permission', {
      'index.mjs': `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
export const handler = async () => {
  await db.send(new PutItemCommand({ TableName: 'uploads', Item: { key: { S: 'should-not-exist' } } }));
};`,
    });
    await s3().send(new CreateBucketCommand({ Bucket: 'lab-denied' }));
    const configure = () =>
      s3().send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'lab-denied',
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              { LambdaFunctionArn: fnArn('no-permission'), Events: ['s3:ObjectCreated:*'] },
            ],
          },
        }),
      );
    const refused = await configure().then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).toMatchObject({
      name: 'InvalidArgument',
      message: 'Unable to validate the following destination configurations',
    });
    await lambda().send(
      new AddPermissionCommand({
        FunctionName: 'no-permission',
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
      }),
    );
    await configure();
    await lambda().send(new RemovePermissionCommand({ FunctionName: 'no-permission', StatementId: 's3' }));
    await s3().send(new PutObjectCommand({ Bucket: 'lab-denied', Key: 'x', Body: 'x' }));
    await sleep(500);
    const r = await ddb().send(
      new GetItemCommand({ TableName: 'uploads', Key: { key: { S: 'should-not-exist' } } }),
    );
    expect(r.Item).toBeUndefined();
  });
});

describe('event source mapping from a DynamoDB stream', () => {
  let streamArn = '';
  let mapping: EventSourceMappingConfiguration;

  it('creates a mapping: Creating, then Enabled; errors as Lambda answers them', async () => {
    const table = await ddb().send(
      new (await import('@aws-sdk/client-dynamodb')).CreateTableCommand({
        TableName: 'orders',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = table.TableDescription!.LatestStreamArn!;
    await createTable(ddb(), {
      TableName: 'seen',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    await createFunction(lambda(), 'on-order', {
      'index.mjs': `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
let batch = 0;
export const handler = async (event) => {
  batch += 1;
  for (const r of event.Records) {
    await db.send(new PutItemCommand({ TableName: 'seen', Item: {
      id: { S: r.eventName + '#' + r.dynamodb.Keys.id.S }, batch: { N: String(batch) },
      size: { N: String(event.Records.length) }, record: { S: JSON.stringify(r) },
    } }));
  }
};`,
    });
    mapping = await lambda().send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'on-order',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
      }),
    );
    expect(mapping.UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(mapping).toMatchObject({
      State: 'Creating',
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      EventSourceArn: streamArn,
      FunctionArn: fnArn('on-order'),
      LastProcessingResult: 'No records processed',
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      TumblingWindowInSeconds: 0,
    });
    await until('Enabled', async () => {
      const m = await lambda().send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
      return m.State === 'Enabled' ? m : undefined;
    });

    const dup = await rejection(
      lambda().send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'on-order',
          EventSourceArn: streamArn,
          StartingPosition: 'LATEST',
        }),
      ),
    );
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toContain(`Please update or delete the existing mapping with UUID ${mapping.UUID}`);
    const missing = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/nope/stream/2026-01-01T00:00:00.000`;
    const noStream = await rejection(
      lambda().send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'on-order',
          EventSourceArn: missing,
          StartingPosition: 'LATEST',
        }),
      ),
    );
    expect(noStream).toMatchObject({
      name: 'InvalidParameterValueException',
      message: `Stream not found: ${missing}`,
      status: 400,
    });
    const batch = await rejection(
      lambda().send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'on-order',
          EventSourceArn: streamArn,
          StartingPosition: 'LATEST',
          BatchSize: 10001,
        }),
      ),
    );
    expect(batch.name).toBe('ValidationException');
    expect(batch.message).toContain(
      "at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000",
    );
    const unknown = await rejection(
      lambda().send(new GetEventSourceMappingCommand({ UUID: '00000000-0000-4000-8000-000000000000' })),
    );
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const listed = await lambda().send(new ListEventSourceMappingsCommand({ FunctionName: 'on-order' }));
    expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([mapping.UUID]);
  });

  it('delivers the stream records in batches, as Lambda builds them', async () => {
    for (const id of ['a', 'b', 'c'])
      await ddb().send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: id }, qty: { N: '1' } } }));
    const items = await until('three records', async () => {
      const r = await ddb().send(new ScanCommand({ TableName: 'seen' }));
      return (r.Items?.length ?? 0) >= 3 ? r.Items : undefined;
    });
    const records = items!
      .map((i: Record<string, AttributeValue>) => JSON.parse(i.record!.S!) as Record<string, unknown>)
      .sort((x, y) =>
        String((x.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S).localeCompare(
          String((y.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S),
        ),
      );
    const r0 = records[0]!;
    expect(Object.keys(r0)).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(r0).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { id: { S: 'a' } },
        NewImage: { id: { S: 'a' }, qty: { N: '1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    const d = r0.dynamodb as Record<string, unknown>;
    expect(Object.keys(d)).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
    expect(typeof d.ApproximateCreationDateTime).toBe('number');
    expect(d.SequenceNumber).toMatch(/^\d{21,40}$/);
    expect(typeof d.SizeBytes).toBe('number');
    await until('LastProcessingResult OK', async () => {
      const m = await lambda().send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
      return m.LastProcessingResult === 'OK' ? m : undefined;
    });
    // A MODIFY carries both images.
    await ddb().send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' }, qty: { N: '2' } } }));
    const modified = await until('the MODIFY record', async () => {
      const r = await ddb().send(new GetItemCommand({ TableName: 'seen', Key: { id: { S: 'MODIFY#a' } } }));
      return r.Item;
    });
    expect(JSON.parse(modified.record!.S!)).toMatchObject({
      eventName: 'MODIFY',
      dynamodb: { OldImage: { qty: { N: '1' } }, NewImage: { qty: { N: '2' } } },
    });
  });

  it('a disabled mapping delivers nothing; deleting it answers Deleting', async () => {
    const updated = await lambda().send(
      new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }),
    );
    expect(updated.State).toBe('Disabling');
    await until('Disabled', async () => {
      const m = await lambda().send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
      return m.State === 'Disabled' ? m : undefined;
    });
    await ddb().send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'z' } } }));
    await clock({ advanceMs: 10_000 });
    await sleep(1000);
    const r = await ddb().send(new GetItemCommand({ TableName: 'seen', Key: { id: { S: 'INSERT#z' } } }));
    expect(r.Item).toBeUndefined();
    // Enabled again, it carries on from where it stopped.
    await lambda().send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
    await until('the record written while disabled', async () => {
      const g = await ddb().send(new GetItemCommand({ TableName: 'seen', Key: { id: { S: 'INSERT#z' } } }));
      return g.Item;
    });
    const gone = await lambda().send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
    expect(gone.State).toBe('Deleting');
    const after = await rejection(lambda().send(new GetEventSourceMappingCommand({ UUID: mapping.UUID })));
    expect(after.name).toBe('ResourceNotFoundException');
  });
});

describe('asynchronous invocation retries and destinations', () => {
  it('a failing event runs 3 times with one request id, then reaches the OnFailure function', async () => {
    await createTable(ddb(), {
      TableName: 'attempts',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    await createFunction(lambda(), 'always-fails', {
      'index.mjs': `import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
export const handler = async (event, context) => {
  await db.send(new UpdateItemCommand({ TableName: 'attempts', Key: { id: { S: 'fails' } },
    UpdateExpression: 'ADD n :one, ids :id', ExpressionAttributeValues: { ':one': { N: '1' }, ':id': { SS: [context.awsRequestId] } } }));
  throw new Error('boom');
};`,
    });
    await createFunction(lambda(), 'on-failure', {
      'index.mjs': `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
export const handler = async (event) => {
  await db.send(new PutItemCommand({ TableName: 'attempts', Item: { id: { S: 'failure-record' }, record: { S: JSON.stringify(event) } } }));
};`,
    });
    await lambda().send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'always-fails',
        DestinationConfig: { OnFailure: { Destination: fnArn('on-failure') } },
      }),
    );
    await clock({ speed: 1 });
    const accepted = await lambda().send(
      new InvokeCommand({
        FunctionName: 'always-fails',
        InvocationType: 'Event',
        Payload: Buffer.from('{"order":7}'),
      }),
    );
    expect(accepted.StatusCode).toBe(202);
    const count = async () => {
      const r = await ddb().send(new GetItemCommand({ TableName: 'attempts', Key: { id: { S: 'fails' } } }));
      return r.Item ? { n: Number(r.Item.n!.N), ids: r.Item.ids!.SS! } : { n: 0, ids: [] };
    };
    await until('the first attempt', async () => ((await count()).n >= 1 ? true : undefined));
    await sleep(200);
    expect((await count()).n).toBe(1);
    await clock({ advanceMs: 61_000 });
    await until('the second attempt', async () => ((await count()).n >= 2 ? true : undefined));
    await sleep(200);
    expect((await count()).n).toBe(2);
    await clock({ advanceMs: 121_000 });
    await until('the third attempt', async () => ((await count()).n >= 3 ? true : undefined));
    const item = await until('the failure record at the destination', async () => {
      const r = await ddb().send(
        new GetItemCommand({ TableName: 'attempts', Key: { id: { S: 'failure-record' } } }),
      );
      return r.Item;
    });
    const c = await count();
    expect(c.n).toBe(3);
    expect(c.ids).toHaveLength(1);
    const record = JSON.parse(item.record!.S!) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual([
      'version',
      'timestamp',
      'requestContext',
      'requestPayload',
      'responseContext',
      'responsePayload',
    ]);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId: c.ids[0],
        functionArn: `${fnArn('always-fails')}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { order: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'boom' },
    });
    expect(record.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // No fourth attempt.
    await clock({ advanceMs: 600_000 });
    await sleep(300);
    expect((await count()).n).toBe(3);
  });
});
