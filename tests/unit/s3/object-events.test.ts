/**
 * Object operations publish S3 event notifications (`s3.notification`) for the bucket's matching
 * configurations: created by Put, Copy and CompleteMultipartUpload, removed by Delete (a delete
 * marker in a versioned bucket), with prefix/suffix filters — the records Lambda will receive.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import type { S3EventMessage, S3NotificationEvent } from '../../../electron/core/services/s3/notifications';

/** The record of an object event (test events have none). */
const rec = (h: S3NotificationEvent) => (h.event as S3EventMessage).Records[0]!;
import { s3Caller } from '../../support/s3';
import { functionForS3 } from '../../support/lambda';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
const heard: S3NotificationEvent[] = [];
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES, seed: 'events' });
  cloud.events.subscribe((e: CloudEvent) => {
    if (e.topic === 's3.notification') heard.push(e.data as S3NotificationEvent);
  });
  await functionForS3(cloud as never, 'thumbnailer');
});
afterAll(() => cloud.close());

const call = s3Caller(() => cloud);

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:thumbnailer';

describe('object events', () => {
  it('are published for matching configurations only, with the record S3 sends', async () => {
    const Bucket = 'photo-uploads';
    await call('CreateBucket', { Bucket });
    await call('PutBucketNotificationConfiguration', {
      Bucket,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Id: 'jpg-created',
            LambdaFunctionArn: FN,
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: [
                  { Name: 'prefix', Value: 'photos/' },
                  { Name: 'suffix', Value: '.jpg' },
                ],
              },
            },
          },
          { Id: 'removed', LambdaFunctionArn: FN, Events: ['s3:ObjectRemoved:*'] },
        ],
      },
    });
    heard.length = 0;
    await call('PutObject', { Bucket, Key: 'photos/my cat.jpg', Body: 'meow' });
    await call('PutObject', { Bucket, Key: 'photos/notes.txt', Body: 'skip' });
    await call('CopyObject', { Bucket, Key: 'photos/copy.jpg', CopySource: `${Bucket}/photos/my cat.jpg` });
    await call('DeleteObject', { Bucket, Key: 'photos/notes.txt' });

    expect(heard.map((h) => [h.configurationId, rec(h).eventName])).toEqual([
      ['jpg-created', 'ObjectCreated:Put'],
      ['jpg-created', 'ObjectCreated:Copy'],
      ['removed', 'ObjectRemoved:Delete'],
    ]);
    const put = heard[0]!;
    expect(put.destination).toEqual({ type: 'lambda', arn: FN });
    const record = rec(put);
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'jpg-created',
        bucket: { name: Bucket, arn: `arn:aws:s3:::${Bucket}` },
        object: {
          key: 'photos/my+cat.jpg',
          size: 4,
          eTag: createHash('md5').update('meow').digest('hex'),
        },
      },
    });
    expect(record.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Removal records carry no size or eTag.
    expect(rec(heard[2]!).s3.object).not.toHaveProperty('size');
  });

  it('a versioned delete is DeleteMarkerCreated with the marker version; multipart completion is its own event', async () => {
    const Bucket = 'versioned-events';
    await call('CreateBucket', { Bucket });
    await call('PutBucketVersioning', { Bucket, VersioningConfiguration: { Status: 'Enabled' } });
    await call('PutBucketNotificationConfiguration', {
      Bucket,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Id: 'all', LambdaFunctionArn: FN, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] },
        ],
      },
    });
    heard.length = 0;
    const { UploadId } = await call<{ UploadId: string }>('CreateMultipartUpload', { Bucket, Key: 'big' });
    const part = await call<{ ETag: string }>('UploadPart', {
      Bucket,
      Key: 'big',
      UploadId,
      PartNumber: 1,
      Body: 'x',
    });
    const done = await call<{ VersionId: string }>('CompleteMultipartUpload', {
      Bucket,
      Key: 'big',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    });
    const del = await call<{ VersionId: string }>('DeleteObject', { Bucket, Key: 'big' });
    const records = heard.map((h) => rec(h));
    expect(records.map((r) => [r.eventName, r.s3.object.versionId])).toEqual([
      ['ObjectCreated:CompleteMultipartUpload', done.VersionId],
      ['ObjectRemoved:DeleteMarkerCreated', del.VersionId],
    ]);
    expect(records[0]!.s3.object.eTag).toMatch(/-1$/);
    // Sequencers grow for later events on the same key.
    expect(records[1]!.s3.object.sequencer! > records[0]!.s3.object.sequencer!).toBe(true);
  });
});
