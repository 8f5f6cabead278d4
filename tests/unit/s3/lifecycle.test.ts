/**
 * Lifecycle rules on the simulated clock: expiration (with and without versioning), transitions
 * down the storage-class waterfall, noncurrent-version expiry, expired delete markers and
 * incomplete multipart uploads — each due at the first midnight UTC after the rule's age.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { S3Runtime } from '../../../electron/core/services/s3/bodies';
import { dueAt, ruleMatches } from '../../../electron/core/services/s3/lifecycle';
import { s3Caller } from '../../support/s3';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeEach(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES, seed: 'lifecycle' });
  cloud.clock.pause();
});
afterEach(() => cloud.close());

const DAY = 86_400_000;

const call = s3Caller(() => cloud);

/** Move the clock on by whole days and wait for the midnight passes it triggered. */
async function days(n: number) {
  cloud.clock.advance(n * DAY);
  await cloud.runtime<S3Runtime>('s3').lifecycle.settled();
}

const keys = async (Bucket: string) =>
  (
    (await call<{ Contents?: { Key: string; StorageClass: string }[] }>('ListObjectsV2', { Bucket }))
      .Contents ?? []
  ).map((o) => `${o.Key}:${o.StorageClass}`);

describe('lifecycle', () => {
  it('is due at the first midnight UTC after the age', () => {
    const t = Date.UTC(2026, 0, 15, 10, 30);
    expect(new Date(dueAt(t, 3)).toISOString()).toBe('2026-01-19T00:00:00.000Z');
    expect(
      ruleMatches({ Status: 'Enabled', Filter: { Prefix: 'logs/' } }, { key: 'logs/a', size: 1, tags: null }),
    ).toBe(true);
    expect(
      ruleMatches(
        { Status: 'Enabled', Filter: { And: { Prefix: 'a', Tags: [{ Key: 'k', Value: 'v' }] } } },
        { key: 'a1', size: 1, tags: '[{"Key":"k","Value":"w"}]' },
      ),
    ).toBe(false);
  });

  it('transitions, then expires current objects under the prefix only', async () => {
    await call('CreateBucket', { Bucket: 'logs' });
    await call('PutObject', { Bucket: 'logs', Key: 'logs/app.log', Body: 'x' });
    await call('PutObject', { Bucket: 'logs', Key: 'keep/me.txt', Body: 'y' });
    await call('PutBucketLifecycleConfiguration', {
      Bucket: 'logs',
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'archive-then-expire',
            Status: 'Enabled',
            Filter: { Prefix: 'logs/' },
            Transitions: [
              { Days: 30, StorageClass: 'STANDARD_IA' },
              { Days: 90, StorageClass: 'GLACIER' },
            ],
            Expiration: { Days: 365 },
          },
        ],
      },
    });
    await days(29);
    expect(await keys('logs')).toEqual(['keep/me.txt:STANDARD', 'logs/app.log:STANDARD']);
    await days(2);
    expect(await keys('logs')).toEqual(['keep/me.txt:STANDARD', 'logs/app.log:STANDARD_IA']);
    await days(60);
    expect(await keys('logs')).toEqual(['keep/me.txt:STANDARD', 'logs/app.log:GLACIER']);
    await days(300);
    expect(await keys('logs')).toEqual(['keep/me.txt:STANDARD']);
  });

  it('in a versioned bucket: expiry makes a delete marker, noncurrent versions go later, then the marker', async () => {
    await call('CreateBucket', { Bucket: 'history' });
    await call('PutBucketVersioning', { Bucket: 'history', VersioningConfiguration: { Status: 'Enabled' } });
    await call('PutObject', { Bucket: 'history', Key: 'doc', Body: 'v1' });
    await call('PutBucketLifecycleConfiguration', {
      Bucket: 'history',
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'tidy',
            Status: 'Enabled',
            Filter: {},
            Expiration: { Days: 1 },
            NoncurrentVersionExpiration: { NoncurrentDays: 2 },
          },
          { ID: 'markers', Status: 'Enabled', Filter: {}, Expiration: { ExpiredObjectDeleteMarker: true } },
        ],
      },
    });
    await days(2);
    const after = await call<{ Versions?: unknown[]; DeleteMarkers?: { IsLatest: boolean }[] }>(
      'ListObjectVersions',
      { Bucket: 'history' },
    );
    expect(after.Versions).toHaveLength(1);
    expect(after.DeleteMarkers).toEqual([expect.objectContaining({ IsLatest: true })]);
    await days(3);
    const gone = await call<{ Versions?: unknown[]; DeleteMarkers?: unknown[] }>('ListObjectVersions', {
      Bucket: 'history',
    });
    expect(gone.Versions).toBeUndefined();
    // The marker stood alone after the version went, and was removed at the next pass.
    expect(gone.DeleteMarkers).toBeUndefined();
  });

  it('aborts incomplete multipart uploads', async () => {
    await call('CreateBucket', { Bucket: 'uploads' });
    await call('CreateMultipartUpload', { Bucket: 'uploads', Key: 'big' });
    await call('PutBucketLifecycleConfiguration', {
      Bucket: 'uploads',
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'abort',
            Status: 'Enabled',
            Filter: {},
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    });
    await days(6);
    expect(
      (await call<{ Uploads?: unknown[] }>('ListMultipartUploads', { Bucket: 'uploads' })).Uploads,
    ).toHaveLength(1);
    await days(2);
    expect(
      (await call<{ Uploads?: unknown[] }>('ListMultipartUploads', { Bucket: 'uploads' })).Uploads,
    ).toEqual([]);
  });
});

describe('restoring archived objects', () => {
  it('takes the tier time on the clock, lasts the days asked for, and can be extended', async () => {
    await call('CreateBucket', { Bucket: 'archive' });
    await call('PutObject', { Bucket: 'archive', Key: 'cold.txt', Body: 'brr', StorageClass: 'GLACIER' });
    await expect(call('GetObject', { Bucket: 'archive', Key: 'cold.txt' })).rejects.toMatchObject({
      code: 'InvalidObjectState',
    });
    await call('RestoreObject', {
      Bucket: 'archive',
      Key: 'cold.txt',
      RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Standard' } },
    });
    expect(
      (await call<{ Restore?: string }>('HeadObject', { Bucket: 'archive', Key: 'cold.txt' })).Restore,
    ).toBe('ongoing-request="true"');
    await expect(
      call('RestoreObject', { Bucket: 'archive', Key: 'cold.txt', RestoreRequest: { Days: 2 } }),
    ).rejects.toMatchObject({ code: 'RestoreAlreadyInProgress', status: 409 });

    // Standard retrievals from GLACIER take hours: 4 here.
    cloud.clock.advance(4 * 60 * 60 * 1000);
    const head = await call<{ Restore?: string }>('HeadObject', { Bucket: 'archive', Key: 'cold.txt' });
    // Ready at 13:00 on January 5; two days later, rounded to midnight UTC.
    expect(head.Restore).toBe('ongoing-request="false", expiry-date="Thu, 08 Jan 2026 00:00:00 GMT"');
    const got = await call<{ Body: Uint8Array }>('GetObject', { Bucket: 'archive', Key: 'cold.txt' });
    expect(Buffer.from(got.Body).toString()).toBe('brr');

    await days(3);
    await expect(call('GetObject', { Bucket: 'archive', Key: 'cold.txt' })).rejects.toMatchObject({
      code: 'InvalidObjectState',
    });
    await expect(
      call('RestoreObject', { Bucket: 'archive', Key: 'cold.txt', RestoreRequest: { Days: 1 } }),
    ).resolves.toBeDefined();
    await call('PutObject', { Bucket: 'archive', Key: 'warm.txt', Body: 'ok' });
    await expect(
      call('RestoreObject', { Bucket: 'archive', Key: 'warm.txt', RestoreRequest: { Days: 1 } }),
    ).rejects.toMatchObject({ code: 'InvalidObjectState', status: 403 });
  });
});
