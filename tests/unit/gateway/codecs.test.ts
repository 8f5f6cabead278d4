/**
 * The protocol codecs against the real AWS SDK v3: the SDK serialises a request, the codec
 * decodes it (must equal what was sent), the codec encodes an output or an error, and the
 * SDK's own parser must read back exactly that. One block per protocol: query (STS), ec2,
 * json (DynamoDB), rest-json (Lambda), rest-xml (Route 53, S3).
 */
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { AwsError } from '../../../electron/core/kernel/errors';
import { Gateway } from '../../../electron/gateway/gateway';
import type { GatewayRequest } from '../../../electron/gateway/http';
import { bridge, sdkCredentials } from '../../support/sdk-bridge';
import { RESOURCES } from '../../support/temp';
import { failure } from '../../support/failure';

const failureOf = async (p: Promise<unknown>) => {
  const { requestId: _id, ...rest } = await failure(p);
  return rest;
};

let cloud: Cloud;
let gateway: Gateway;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
  gateway = new Gateway({ cloud, resourcesDir: RESOURCES });
});
afterAll(() => cloud.close());

interface Captured {
  operation: string;
  input: Record<string, unknown>;
  request: GatewayRequest;
}

/** A client config whose requests go through service `name`'s codec, answering `reply`. */
function through(name: string, reply: (op: string) => unknown | AwsError, captured: Captured[]) {
  const service = cloud.services.get(name)!;
  return {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: sdkCredentials,
    maxAttempts: 1,
    requestHandler: bridge((req) => {
      const codec = gateway.codec(service);
      const op = codec.findOperation(req);
      if (!op) return codec.encodeError(req, codec.unknownOperation(req), 'req-1');
      try {
        const input = codec.decode(req, op);
        captured.push({ operation: op.name, input, request: req });
        const out = reply(op.name);
        if (out instanceof AwsError) return codec.encodeError(req, out, 'req-1');
        return codec.encode(req, op, out, 'req-1');
      } catch (e) {
        return codec.encodeError(req, e as AwsError, 'req-1');
      }
    }),
  };
}

function strip<T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _m, ...rest } = output;
  return rest;
}

describe('query protocol (STS)', () => {
  it('round-trips nested lists and timestamps', async () => {
    const captured: Captured[] = [];
    const output = {
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date('2026-01-05T10:00:00.000Z'),
      },
      AssumedRoleUser: {
        AssumedRoleId: 'AROAEXAMPLE:s1',
        Arn: 'arn:aws:sts::123456789012:assumed-role/demo/s1',
      },
      PackedPolicySize: 6,
      SourceIdentity: 'me',
    };
    const sts = new STSClient(through('sts', () => output, captured));
    const input = {
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      RoleSessionName: 's1',
      DurationSeconds: 900,
      Tags: [
        { Key: 'team', Value: 'a b' },
        { Key: 'k2', Value: 'v=2&x' },
      ],
      TransitiveTagKeys: ['team'],
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Policy: '{"Version":"2012-10-17"}',
    };
    expect(strip(await sts.send(new AssumeRoleCommand(input)))).toEqual(output);
    expect(captured[0]).toMatchObject({ operation: 'AssumeRole', input });
  });

  it('encodes errors the SDK recognises', async () => {
    const sts = new STSClient(
      through(
        'sts',
        () => new AwsError('ExpiredTokenException', 'The security token included in the request is expired'),
        [],
      ),
    );
    expect(
      await failure(sts.send(new AssumeRoleCommand({ RoleArn: 'a'.repeat(20), RoleSessionName: 's' }))),
    ).toEqual({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      status: 400,
    });
  });

  it('reports missing required parameters as the query protocol does', async () => {
    const sts = new STSClient(through('sts', () => ({}), []));
    expect(await failureOf(sts.send(new AssumeRoleCommand({} as never)))).toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/^2 validation errors detected: Value null at 'roleArn'/),
    });
  });
});

describe('ec2 protocol', () => {
  it('decodes flattened filters and lists, and encodes item-wrapped output', async () => {
    const captured: Captured[] = [];
    const launched = new Date('2026-01-05T09:30:00.000Z');
    const output = {
      Reservations: [
        {
          ReservationId: 'r-0123456789abcdef0',
          OwnerId: '123456789012',
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              ImageId: 'ami-0abcdef1234567890',
              State: { Code: 16, Name: 'running' },
              LaunchTime: launched,
              Tags: [{ Key: 'Name', Value: 'web & db <1>' }],
              Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
              SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'default' }],
              BlockDeviceMappings: [
                {
                  DeviceName: '/dev/xvda',
                  Ebs: {
                    VolumeId: 'vol-1',
                    Status: 'attached',
                    DeleteOnTermination: true,
                    AttachTime: launched,
                  },
                },
              ],
              EbsOptimized: false,
              CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
            },
          ],
        },
      ],
      NextToken: 'next-page',
    };
    const ec2 = new EC2Client(through('ec2', () => output, captured));
    const input = {
      Filters: [
        { Name: 'tag:Name', Values: ['web', 'db'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
      InstanceIds: ['i-0123456789abcdef0', 'i-0fedcba9876543210'],
      MaxResults: 5,
      NextToken: 'abc',
    };
    expect(strip(await ec2.send(new DescribeInstancesCommand(input)))).toEqual(output);
    expect(captured[0]).toEqual(expect.objectContaining({ operation: 'DescribeInstances', input }));
  });

  it('decodes RunInstances with nested structures and base64 user data', async () => {
    const captured: Captured[] = [];
    const ec2 = new EC2Client(through('ec2', () => ({ Instances: [] }), captured));
    const input = {
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 't3.micro' as const,
      MinCount: 1,
      MaxCount: 2,
      KeyName: 'my key',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      UserData: Buffer.from('#!/bin/bash\necho hi').toString('base64'),
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeSize: 16, VolumeType: 'gp3' as const, DeleteOnTermination: true },
        },
      ],
      TagSpecifications: [{ ResourceType: 'instance' as const, Tags: [{ Key: 'Name', Value: 'web' }] }],
      Placement: { AvailabilityZone: 'us-east-1b' },
      DryRun: false,
    };
    await ec2.send(new RunInstancesCommand(input));
    // The SDK adds an idempotency token of its own.
    expect(captured[0]!.input).toEqual({ ...input, ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('encodes EC2 errors and refuses unknown parameters', async () => {
    const ec2 = new EC2Client(
      through(
        'ec2',
        () => new AwsError('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist"),
        [],
      ),
    );
    expect(await failureOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-1'] })))).toEqual({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-1' does not exist",
      status: 400,
    });
    const codec = gateway.codec(cloud.services.get('ec2')!);
    const req = {
      method: 'POST',
      path: '/',
      routePath: '/',
      rawQuery: '',
      query: [],
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawHeaders: [],
      body: Buffer.from('Action=DescribeRegions&Version=2016-11-15&Colour=blue'),
    };
    expect(() => codec.decode(req, codec.findOperation(req)!)).toThrow(
      'The parameter Colour is not recognized',
    );
  });
});

describe('json protocol (DynamoDB)', () => {
  it('round-trips every attribute type, binary included', async () => {
    const captured: Captured[] = [];
    const item = {
      pk: { S: 'user#1' },
      n: { N: '1.50' },
      b: { B: new Uint8Array([1, 2, 3, 250]) },
      l: { L: [{ S: 'x' }, { NULL: true }, { BOOL: false }] },
      m: { M: { inner: { SS: ['a', 'b'] } } },
      ns: { NS: ['1', '2'] },
      bs: { BS: [new Uint8Array([9])] },
    };
    const output = { Attributes: item, ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } };
    const ddb = new DynamoDBClient(through('dynamodb', () => output, captured));
    const input = {
      TableName: 't',
      Item: item,
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':x': { S: 'y' } },
      ReturnValues: 'ALL_OLD' as const,
    };
    expect(strip(await ddb.send(new PutItemCommand(input)))).toEqual(output);
    expect(captured[0]).toMatchObject({ operation: 'PutItem', input });
    expect(captured[0]!.request.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
  });

  it('encodes epoch-second timestamps and namespaced error types', async () => {
    const created = new Date('2026-01-05T09:00:00.250Z');
    const ddb = new DynamoDBClient(
      through(
        'dynamodb',
        () => ({ Table: { TableName: 't', TableStatus: 'ACTIVE', CreationDateTime: created, ItemCount: 3 } }),
        [],
      ),
    );
    expect((await ddb.send(new DescribeTableCommand({ TableName: 't' }))).Table).toEqual({
      TableName: 't',
      TableStatus: 'ACTIVE',
      CreationDateTime: created,
      ItemCount: 3,
    });
    const missing = new DynamoDBClient(
      through(
        'dynamodb',
        () => new AwsError('ResourceNotFoundException', 'Requested resource not found'),
        [],
      ),
    );
    expect(await failureOf(missing.send(new DescribeTableCommand({ TableName: 'x' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
      status: 400,
    });
  });

  it('answers malformed JSON and wrong types with SerializationException', () => {
    const codec = gateway.codec(cloud.services.get('dynamodb')!);
    const req = (body: string) => ({
      method: 'POST',
      path: '/',
      routePath: '/',
      rawQuery: '',
      query: [],
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      rawHeaders: [],
      body: Buffer.from(body),
    });
    const op = codec.findOperation(req('{}'))!;
    expect(() => codec.decode(req('{"TableName": '), op)).toThrow(
      expect.objectContaining({ code: 'SerializationException' }),
    );
    expect(() => codec.decode(req('{"TableName": 5, "Key": {}}'), op)).toThrow(
      expect.objectContaining({ code: 'SerializationException' }),
    );
    expect(() => codec.decode(req('{"Key": {}}'), op)).toThrow(
      expect.objectContaining({
        code: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      }),
    );
  });
});

describe('rest-json protocol (Lambda)', () => {
  it('decodes a JSON body with a blob, maps and a URI label', async () => {
    const captured: Captured[] = [];
    const output = {
      FunctionName: 'fn',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      Runtime: 'nodejs20.x' as const,
      State: 'Pending' as const,
      LastModified: '2026-01-05T09:00:00.000+0000',
      CodeSize: 4,
      Environment: { Variables: { A: '1' } },
    };
    const lambda = new LambdaClient(through('lambda', () => output, captured));
    const input = {
      FunctionName: 'fn',
      Runtime: 'nodejs20.x' as const,
      Role: 'arn:aws:iam::123456789012:role/lambda',
      Handler: 'index.handler',
      Code: { ZipFile: new Uint8Array([80, 75, 3, 4]) },
      Environment: { Variables: { A: '1' } },
      Tags: { team: 'x' },
      Timeout: 3,
      MemorySize: 128,
    };
    expect(strip(await lambda.send(new CreateFunctionCommand(input)))).toEqual(output);
    expect(captured[0]).toMatchObject({ operation: 'CreateFunction', input });
  });

  it('binds headers, query strings, the status code and a raw payload', async () => {
    const captured: Captured[] = [];
    const payload = new TextEncoder().encode('{"errorMessage":"boom"}');
    const lambda = new LambdaClient(
      through(
        'lambda',
        () => ({
          StatusCode: 200,
          FunctionError: 'Unhandled',
          LogResult: 'U1RBUlQ=',
          ExecutedVersion: '$LATEST',
          Payload: payload,
        }),
        captured,
      ),
    );
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: new TextEncoder().encode('{"a":1}'),
        Qualifier: '$LATEST',
      }),
    );
    expect(result).toMatchObject({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      LogResult: 'U1RBUlQ=',
      ExecutedVersion: '$LATEST',
    });
    expect(new TextDecoder().decode(result.Payload)).toBe('{"errorMessage":"boom"}');
    expect(captured[0]!.input).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
      Payload: new TextEncoder().encode('{"a":1}'),
      Qualifier: '$LATEST',
    });

    await lambda.send(new ListFunctionsCommand({ MaxItems: 10, Marker: 'm', FunctionVersion: 'ALL' }));
    expect(captured[1]).toMatchObject({
      operation: 'ListFunctions',
      input: { MaxItems: 10, Marker: 'm', FunctionVersion: 'ALL' },
    });
  });

  it('encodes rest-json errors with their HTTP status', async () => {
    const lambda = new LambdaClient(
      through(
        'lambda',
        () =>
          new AwsError(
            'ResourceNotFoundException',
            'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
            { status: 404 },
          ),
        [],
      ),
    );
    expect(await failureOf(lambda.send(new InvokeCommand({ FunctionName: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
      status: 404,
    });
  });
});

describe('rest-xml protocol (Route 53)', () => {
  it('decodes an XML request document and encodes an XML answer', async () => {
    const captured: Captured[] = [];
    const submitted = new Date('2026-01-05T09:00:00.000Z');
    const r53 = new Route53Client(
      through(
        'route53',
        () => ({
          ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: submitted, Comment: 'c' },
        }),
        captured,
      ),
    );
    const input = {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      ChangeBatch: {
        Comment: 'c',
        Changes: [
          {
            Action: 'UPSERT' as const,
            ResourceRecordSet: {
              Name: 'www.example.com.',
              Type: 'A' as const,
              TTL: 60,
              SetIdentifier: 'blue',
              Weight: 10,
              ResourceRecords: [{ Value: '1.2.3.4' }, { Value: '5.6.7.8' }],
            },
          },
        ],
      },
    };
    const result = await r53.send(new ChangeResourceRecordSetsCommand(input));
    expect(result.ChangeInfo).toEqual({
      Id: '/change/C123',
      Status: 'PENDING',
      SubmittedAt: submitted,
      Comment: 'c',
    });
    expect(captured[0]).toEqual(expect.objectContaining({ operation: 'ChangeResourceRecordSets', input }));
  });

  it('encodes lists, aliases, headers and a 201 status', async () => {
    const list = {
      ResourceRecordSets: [
        {
          Name: 'example.com.',
          Type: 'NS' as const,
          TTL: 172800,
          ResourceRecords: [{ Value: 'ns-1.awsdns-00.com.' }],
        },
        {
          Name: 'app.example.com.',
          Type: 'A' as const,
          AliasTarget: {
            HostedZoneId: 'Z35SXDOTRQ7X7K',
            DNSName: 'web.example.com.',
            EvaluateTargetHealth: true,
          },
        },
      ],
      IsTruncated: true,
      NextRecordName: 'b.example.com.',
      NextRecordType: 'A' as const,
      MaxItems: 2,
    };
    const r53 = new Route53Client(through('route53', () => list, []));
    expect(
      strip(await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z1', MaxItems: 2 }))),
    ).toEqual(list);

    const created = new Route53Client(
      through(
        'route53',
        () => ({
          HostedZone: {
            Id: '/hostedzone/Z1',
            Name: 'example.com.',
            CallerReference: 'r1',
            ResourceRecordSetCount: 2,
            Config: { PrivateZone: false },
          },
          ChangeInfo: {
            Id: '/change/C1',
            Status: 'PENDING',
            SubmittedAt: new Date('2026-01-05T09:00:00.000Z'),
          },
          DelegationSet: { NameServers: ['ns-1.awsdns-00.com', 'ns-2.awsdns-01.net'] },
          Location: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1',
        }),
        [],
      ),
    );
    const out = await created.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'r1' }),
    );
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.Location).toBe('https://route53.amazonaws.com/2013-04-01/hostedzone/Z1');
    expect(out.DelegationSet?.NameServers).toEqual(['ns-1.awsdns-00.com', 'ns-2.awsdns-01.net']);
  });

  it('encodes ErrorResponse documents', async () => {
    const r53 = new Route53Client(
      through(
        'route53',
        () => new AwsError('NoSuchHostedZone', 'No hosted zone found with ID: Z1', { status: 404 }),
        [],
      ),
    );
    expect(await failureOf(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z1' })))).toEqual({
      name: 'NoSuchHostedZone',
      message: 'No hosted zone found with ID: Z1',
      status: 404,
    });
  });
});

describe('rest-xml protocol (S3)', () => {
  const s3 = (reply: (op: string) => unknown, captured: Captured[]) =>
    new S3Client({ ...through('s3', reply, captured), forcePathStyle: true });

  it('decodes keys, headers, metadata and the body of PutObject', async () => {
    const captured: Captured[] = [];
    const client = s3(() => ({ ETag: '"5d41402abc4b2a76b9719d911017c592"', VersionId: 'v1' }), captured);
    const out = await client.send(
      new PutObjectCommand({
        Bucket: 'my-bucket',
        Key: 'dir/a b+c ü.txt',
        Body: 'hello',
        ContentType: 'text/plain',
        CacheControl: 'no-cache',
        Metadata: { Owner: 'me' },
        Tagging: 'a=1',
      }),
    );
    expect(out).toMatchObject({ ETag: '"5d41402abc4b2a76b9719d911017c592"', VersionId: 'v1' });
    const input = captured[0]!.input;
    expect(captured[0]!.operation).toBe('PutObject');
    expect(input).toMatchObject({
      Bucket: 'my-bucket',
      Key: 'dir/a b+c ü.txt',
      ContentType: 'text/plain',
      CacheControl: 'no-cache',
      Metadata: { owner: 'me' },
      Tagging: 'a=1',
    });
    expect(Buffer.from(input.Body as Uint8Array).toString()).toBe('hello');
  });

  it('routes sub-resources and decodes XML payloads (CreateBucket, DeleteObjects)', async () => {
    const captured: Captured[] = [];
    const client = s3(() => ({ Location: '/my-bucket', Deleted: [{ Key: 'a' }] }), captured);
    await client.send(
      new CreateBucketCommand({
        Bucket: 'my-bucket',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await client.send(
      new DeleteObjectsCommand({
        Bucket: 'my-bucket',
        Delete: { Objects: [{ Key: 'a' }, { Key: 'b', VersionId: '1' }], Quiet: true },
      }),
    );
    expect(captured.map((c) => c.operation)).toEqual(['CreateBucket', 'DeleteObjects']);
    expect(captured[0]!.input).toMatchObject({
      Bucket: 'my-bucket',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    });
    expect(captured[1]!.input).toMatchObject({
      Delete: { Objects: [{ Key: 'a' }, { Key: 'b', VersionId: '1' }], Quiet: true },
    });
  });

  it('encodes flattened lists (ListObjectsV2) and header-bound outputs with a body (GetObject)', async () => {
    const modified = new Date('2026-01-05T09:00:00.000Z');
    const listing = {
      Name: 'my-bucket',
      Prefix: 'p/',
      Delimiter: '/',
      KeyCount: 2,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: [
        { Key: 'p/a', LastModified: modified, ETag: '"x"', Size: 3, StorageClass: 'STANDARD' as const },
        { Key: 'p/b&c', LastModified: modified, ETag: '"y"', Size: 4, StorageClass: 'STANDARD' as const },
      ],
      CommonPrefixes: [{ Prefix: 'p/q/' }],
    };
    const captured: Captured[] = [];
    const client = s3(
      (op) =>
        op === 'ListObjectsV2'
          ? listing
          : {
              Body: Buffer.from('hello'),
              ContentType: 'text/plain',
              ContentLength: 5,
              ETag: '"e"',
              LastModified: modified,
              Metadata: { owner: 'me' },
            },
      captured,
    );
    expect(
      strip(
        await client.send(new ListObjectsV2Command({ Bucket: 'my-bucket', Prefix: 'p/', Delimiter: '/' })),
      ),
    ).toEqual(listing);
    expect(captured[0]!.input).toMatchObject({ Bucket: 'my-bucket', Prefix: 'p/', Delimiter: '/' });
    const got = await client.send(
      new GetObjectCommand({ Bucket: 'my-bucket', Key: 'p/a', Range: 'bytes=0-4' }),
    );
    expect(await got.Body!.transformToString()).toBe('hello');
    expect(got).toMatchObject({
      ContentType: 'text/plain',
      ContentLength: 5,
      ETag: '"e"',
      LastModified: modified,
      Metadata: { owner: 'me' },
    });
    expect(captured[1]!.input).toMatchObject({ Bucket: 'my-bucket', Key: 'p/a', Range: 'bytes=0-4' });
  });

  it('encodes S3 <Error> documents', async () => {
    const client = s3(
      () =>
        new AwsError('NoSuchKey', 'The specified key does not exist.', {
          status: 404,
          fields: { Key: 'nope' },
        }),
      [],
    );
    expect(await failureOf(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'nope' })))).toEqual({
      name: 'NoSuchKey',
      message: 'The specified key does not exist.',
      status: 404,
    });
  });
});
