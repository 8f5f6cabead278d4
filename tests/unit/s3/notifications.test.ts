/**
 * S3 event notifications: matching (event types, key filters) and the event message exactly as
 * S3 delivers it, published on the bus as `s3.notification`.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import { writeBucketConfig } from '../../../electron/core/services/s3/bucket-config';
import {
  customerId,
  encodeEventKey,
  eventPrincipalId,
  eventRecord,
  eventTypeMatches,
  keyMatchesFilter,
  matchingConfigurations,
  nextSequencer,
  notifyObjectEvent,
  notifyTestEvents,
  testEvent,
} from '../../../electron/core/services/s3/notifications';
import type { BucketRow } from '../../../electron/core/services/s3/schema';
import { RESOURCES } from '../../support/temp';

const REQUEST_ID = '6a1f0d0e-8c3b-4f5e-9a7d-2b4c6e8f0a1b';
const T = Date.UTC(2026, 10, 22, 12, 30, 45, 123);

describe('matching', () => {
  it('event types: exact, or * for the last part', () => {
    expect(eventTypeMatches('s3:ObjectCreated:*', 's3:ObjectCreated:Put')).toBe(true);
    expect(eventTypeMatches('s3:ObjectCreated:*', 'ObjectCreated:CompleteMultipartUpload')).toBe(true);
    expect(eventTypeMatches('s3:ObjectCreated:Put', 'ObjectCreated:Post')).toBe(false);
    expect(eventTypeMatches('s3:ObjectRemoved:*', 'ObjectRemoved:DeleteMarkerCreated')).toBe(true);
    expect(eventTypeMatches('s3:ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated')).toBe(false);
    expect(eventTypeMatches('s3:ObjectCreated:*', 'LifecycleExpiration:Delete')).toBe(false);
    expect(eventTypeMatches('s3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete')).toBe(true);
    expect(eventTypeMatches('s3:objectcreated:put', 'ObjectCreated:Put')).toBe(false);
  });

  it('key filters: prefix and suffix together, values case-sensitive, names in any case', () => {
    const filter: S3.NotificationConfigurationFilter = {
      Key: {
        FilterRules: [
          { Name: 'prefix', Value: 'images/' },
          { Name: 'Suffix' as never, Value: '.jpg' },
        ],
      },
    };
    expect(keyMatchesFilter(filter, 'images/cat.jpg')).toBe(true);
    expect(keyMatchesFilter(filter, 'images/cat.JPG')).toBe(false);
    expect(keyMatchesFilter(filter, 'Images/cat.jpg')).toBe(false);
    expect(keyMatchesFilter(filter, 'docs/cat.jpg')).toBe(false);
    expect(keyMatchesFilter(undefined, 'anything')).toBe(true);
    expect(keyMatchesFilter({ Key: { FilterRules: [] } }, 'anything')).toBe(true);
  });

  it('every matching configuration of every kind, in S3’s order', () => {
    const config: S3.NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        {
          Id: 'thumbs',
          LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:thumbs',
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jpg' }] } },
        },
      ],
      QueueConfigurations: [
        {
          Id: 'all',
          QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q',
          Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
        },
      ],
      TopicConfigurations: [
        { Id: 'copies', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Events: ['s3:ObjectCreated:Copy'] },
      ],
    };
    expect(matchingConfigurations(config, 's3:ObjectCreated:Put', 'a/b.jpg')).toEqual([
      { destination: { type: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:q' }, configurationId: 'all' },
      {
        destination: { type: 'lambda', arn: 'arn:aws:lambda:us-east-1:123456789012:function:thumbs' },
        configurationId: 'thumbs',
      },
    ]);
    expect(
      matchingConfigurations(config, 'ObjectCreated:Copy', 'a/b.png').map((m) => m.configurationId),
    ).toEqual(['copies']);
    expect(matchingConfigurations(config, 'ObjectRemoved:Delete', 'x').map((m) => m.configurationId)).toEqual(
      ['all'],
    );
    expect(matchingConfigurations(undefined, 'ObjectCreated:Put', 'x')).toEqual([]);
  });
});

describe('the event message', () => {
  it('keys are form-urlencoded, slashes kept', () => {
    expect(encodeEventKey('red flower.jpg')).toBe('red+flower.jpg');
    expect(encodeEventKey('photos/2026/a b+c(1)=x:y.jpg')).toBe('photos/2026/a+b%2Bc%281%29%3Dx%3Ay.jpg');
    expect(encodeEventKey('café/naïve~*-_.txt')).toBe('caf%C3%A9/na%C3%AFve%7E*-_.txt');
  });

  it('ObjectCreated:Put, field for field', () => {
    const record = eventRecord({
      eventName: 's3:ObjectCreated:Put',
      region: 'eu-west-1',
      time: T,
      bucket: 'photos',
      bucketOwnerAccountId: '123456789012',
      configurationId: 'thumbs',
      object: {
        key: 'a b.jpg',
        size: 1024,
        eTag: '"d41d8cd98f00b204e9800998ecf8427e"',
        sequencer: '0055AED6DCD90281E5',
      },
      principalId: 'AWS:AIDAJDPLRKLG7UEXAMPLE',
      sourceIp: '203.0.113.7',
      requestId: REQUEST_ID,
    });
    expect(JSON.stringify({ Records: [record] })).toBe(
      JSON.stringify({
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: 'eu-west-1',
            eventTime: '2026-11-22T12:30:45.123Z',
            eventName: 'ObjectCreated:Put',
            userIdentity: { principalId: 'AWS:AIDAJDPLRKLG7UEXAMPLE' },
            requestParameters: { sourceIPAddress: '203.0.113.7' },
            responseElements: {
              'x-amz-request-id': '6A1F0D0E8C3B4F5E',
              'x-amz-id-2': Buffer.from(REQUEST_ID).toString('base64'),
            },
            s3: {
              s3SchemaVersion: '1.0',
              configurationId: 'thumbs',
              bucket: {
                name: 'photos',
                ownerIdentity: { principalId: customerId('123456789012') },
                arn: 'arn:aws:s3:::photos',
              },
              object: {
                key: 'a+b.jpg',
                size: 1024,
                eTag: 'd41d8cd98f00b204e9800998ecf8427e',
                sequencer: '0055AED6DCD90281E5',
              },
            },
          },
        ],
      }),
    );
  });

  it('removals carry no size or eTag; lifecycle expirations are version 2.3', () => {
    const base = {
      region: 'us-east-1',
      time: T,
      bucket: 'b',
      bucketOwnerAccountId: '123456789012',
      configurationId: 'c',
      principalId: 'p',
      sourceIp: '127.0.0.1',
      requestId: REQUEST_ID,
    };
    const removed = eventRecord({
      ...base,
      eventName: 'ObjectRemoved:DeleteMarkerCreated',
      object: { key: 'k', size: 5, eTag: 'x', versionId: 'v1', sequencer: '01' },
    });
    expect(removed.s3.object).toEqual({ key: 'k', versionId: 'v1', sequencer: '01' });
    expect(removed.eventVersion).toBe('2.1');
    const expired = eventRecord({
      ...base,
      eventName: 's3:LifecycleExpiration:Delete',
      object: { key: 'k', sequencer: '02' },
    });
    expect(expired.eventVersion).toBe('2.3');
    expect(expired.eventName).toBe('LifecycleExpiration:Delete');
    expect(expired.s3.object).toEqual({ key: 'k', sequencer: '02' });
  });

  it('identities: root shows the customer ID, IAM principals AWS:<unique id>', () => {
    expect(customerId('123456789012')).toMatch(/^A[A-Z0-9]{13}$/);
    expect(customerId('123456789012')).toBe(customerId('123456789012'));
    expect(customerId('123456789012')).not.toBe(customerId('210987654321'));
    expect(
      eventPrincipalId({
        accountId: '123456789012',
        arn: 'arn:aws:iam::123456789012:root',
        userId: '123456789012',
        accessKeyId: null,
      }),
    ).toBe(customerId('123456789012'));
    expect(
      eventPrincipalId({
        accountId: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/alice',
        userId: 'AIDAJDPLRKLG7UEXAMPLE',
        accessKeyId: null,
      }),
    ).toBe('AWS:AIDAJDPLRKLG7UEXAMPLE');
  });

  it('sequencers increase, also within one millisecond', () => {
    const a = nextSequencer(T);
    const b = nextSequencer(T);
    const c = nextSequencer(T + 1);
    const pad = (s: string) => s.padStart(32, '0');
    expect(pad(a) < pad(b) && pad(b) < pad(c)).toBe(true);
    expect(a).toMatch(/^[0-9A-F]{18,}$/);
  });

  it('s3:TestEvent as S3 sends it to queues and topics', () => {
    expect(JSON.stringify(testEvent({ bucket: 'photos', time: T, requestId: REQUEST_ID }))).toBe(
      `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-22T12:30:45.123Z","Bucket":"photos","RequestId":"6A1F0D0E8C3B4F5E","HostId":"${Buffer.from(REQUEST_ID).toString('base64')}"}`,
    );
  });
});

describe('publishing', () => {
  let cloud: Cloud;
  const seen: CloudEvent[] = [];
  let bucket: BucketRow;
  beforeAll(async () => {
    cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
    cloud.clock.pause();
    cloud.events.subscribe((e) => {
      if (e.topic === 's3.notification') seen.push(e);
    });
    await cloud.invoke({
      service: 's3',
      operation: 'CreateBucket',
      input: { Bucket: 'notified' },
      region: 'us-east-1',
      principal: cloud.accounts.consolePrincipal(),
      source: 'internal',
    });
    bucket = cloud.store.get<BucketRow>('SELECT * FROM s3_buckets WHERE name = ?', ['notified'])!;
    await cloud.store.write((tx) =>
      writeBucketConfig(tx, 'notified', 'notification', {
        QueueConfigurations: [
          {
            Id: 'uploads',
            QueueArn: 'arn:aws:sqs:us-east-1:123456789012:uploads',
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
          },
        ],
        LambdaFunctionConfigurations: [
          {
            Id: 'cleanup',
            LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cleanup',
            Events: ['s3:ObjectRemoved:*'],
          },
        ],
      }),
    );
  });
  afterAll(() => cloud.close());

  it('one s3.notification per matching configuration, none for the rest', () => {
    seen.length = 0;
    const at = cloud.clock.now();
    const out = notifyObjectEvent(cloud, {
      bucket,
      eventName: 's3:ObjectCreated:Put',
      object: { key: 'in/report 1.csv', size: 42, eTag: 'abc' },
      principalId: 'AWS:AIDAEXAMPLE',
      sourceIp: '10.0.0.5',
      requestId: REQUEST_ID,
    });
    expect(out).toHaveLength(1);
    expect(seen).toHaveLength(1);
    const e = seen[0]!;
    expect(e).toMatchObject({
      topic: 's3.notification',
      account: bucket.account_id,
      region: bucket.region,
      at,
    });
    const data = e.data as {
      destination: unknown;
      configurationId: string;
      event: { Records: Array<Record<string, unknown>> };
    };
    expect(data.destination).toEqual({ type: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:uploads' });
    expect(data.configurationId).toBe('uploads');
    const record = data.event.Records[0]!;
    expect(record['eventName']).toBe('ObjectCreated:Put');
    expect(record['eventTime']).toBe(new Date(at).toISOString());
    expect((record['s3'] as { object: unknown }).object).toEqual({
      key: 'in/report+1.csv',
      size: 42,
      eTag: 'abc',
      sequencer: expect.stringMatching(/^[0-9A-F]+$/) as unknown,
    });

    seen.length = 0;
    notifyObjectEvent(cloud, {
      bucket,
      eventName: 'ObjectCreated:Put',
      object: { key: 'out/x', size: 1, eTag: 'e' },
      principalId: 'p',
      requestId: REQUEST_ID,
    });
    expect(seen).toHaveLength(0);

    notifyObjectEvent(cloud, {
      bucket,
      eventName: 'ObjectRemoved:Delete',
      object: { key: 'out/x' },
      principalId: 'p',
      requestId: REQUEST_ID,
    });
    expect(seen.map((s) => (s.data as { destination: { type: string } }).destination.type)).toEqual([
      'lambda',
    ]);
    expect(
      (seen[0]!.data as { event: { Records: Array<{ requestParameters: unknown }> } }).event.Records[0]!
        .requestParameters,
    ).toEqual({
      sourceIPAddress: '127.0.0.1',
    });
  });

  it('test events go to queues and topics, not functions', () => {
    seen.length = 0;
    const out = notifyTestEvents(cloud, {
      bucket,
      requestId: REQUEST_ID,
      config: {
        QueueConfigurations: [
          { Id: 'q', QueueArn: 'arn:aws:sqs:us-east-1:123456789012:uploads', Events: ['s3:ObjectCreated:*'] },
        ],
        TopicConfigurations: [
          { Id: 't', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Events: ['s3:ObjectCreated:*'] },
        ],
        LambdaFunctionConfigurations: [
          {
            LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
            Events: ['s3:ObjectCreated:*'],
          },
        ],
      },
    });
    expect(out.map((o) => o.destination.type)).toEqual(['sns', 'sqs']);
    expect(seen).toHaveLength(2);
    expect((seen[0]!.data as { event: unknown }).event).toMatchObject({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Bucket: 'notified',
    });
  });
});
