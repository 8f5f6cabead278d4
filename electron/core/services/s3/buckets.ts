/** Buckets: CreateBucket, DeleteBucket, ListBuckets, HeadBucket, GetBucketLocation. */
import type * as S3 from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Empty } from '../../../contract/aws-api';
import type { Cloud } from '../../cloud';
import type { Store, Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { s3Runtime } from './bodies';
import { cachedRead, forgetBuckets } from './bucket-cache';
import { deleteAllBucketConfig, writeBucketConfig } from './bucket-config';
import { errors } from './errors';
import type { BucketRow } from './schema';

/** S3's canonical user ID of an account (64 hex digits), and the display name it shows. */
export function owner(accountId: string): S3.Owner {
  return {
    DisplayName: `cloudlab-${accountId}`,
    ID: createHash('sha256').update(`cloudlab-canonical-user:${accountId}`).digest('hex'),
  };
}

/** The general purpose bucket naming rules. */
export function validBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return false;
  return true;
}

/** A bucket by name, whoever owns it. */
export function bucketNamed(db: Pick<Store, 'get'> | Pick<Tx, 'get'>, name: string): BucketRow | undefined {
  return cachedRead(
    db,
    `bucket\0${name}`,
    (d) => d.get<BucketRow>('SELECT * FROM s3_buckets WHERE name = ?', [name]),
    (row) => (row ? { ...row } : undefined),
  );
}

/**
 * The Regions where S3 still takes Signature Version 2 (presigned URLs and the `AWS key:signature`
 * header): those it had before 30 January 2014; later Regions take Signature Version 4 only.
 */
const SIGNATURE_V2_REGIONS = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
]);

/** May a request for this bucket use Signature Version 2? (Unknown buckets: NoSuchBucket later.) */
export function signatureV2Accepted(cloud: Cloud, bucket: string | undefined): boolean {
  const row = bucket ? bucketNamed(cloud.store, bucket) : undefined;
  return !row || SIGNATURE_V2_REGIONS.has(row.region);
}

/** The caller's bucket, or NoSuchBucket / AccessDenied (another account's bucket). */
export function findBucket(ctx: OperationContext, name: string | undefined): BucketRow {
  const bucket = name ? bucketNamed(ctx.cloud.store, name) : undefined;
  if (!bucket) throw errors.noSuchBucket(name ?? '');
  if (bucket.account_id !== ctx.principal.accountId) throw errors.accessDenied(bucket.region);
  return bucket;
}

export async function createBucket(
  ctx: OperationContext,
  input: S3.CreateBucketRequest,
): Promise<S3.CreateBucketOutput> {
  const name = input.Bucket ?? '';
  if (!validBucketName(name)) throw errors.invalidBucketName(name);
  const region = ctx.region.code;
  const constraint: string | undefined = input.CreateBucketConfiguration?.LocationConstraint || undefined;
  let bucketRegion: string;
  if (constraint === undefined) {
    if (region !== 'us-east-1') throw errors.illegalLocationConstraint(undefined);
    bucketRegion = 'us-east-1';
  } else {
    if (constraint === 'us-east-1' || !ctx.cloud.catalogue.region(constraint))
      throw errors.invalidLocationConstraint(constraint);
    if (region !== 'us-east-1' && constraint !== region) throw errors.illegalLocationConstraint(constraint);
    bucketRegion = constraint;
  }
  const account = ctx.principal.accountId;
  const ownership = input.ObjectOwnership;
  if (ownership && !['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'].includes(ownership))
    throw errors.invalidArgument(
      'Invalid x-amz-object-ownership header',
      'x-amz-object-ownership',
      ownership,
    );
  await ctx.cloud.store.write((tx) => {
    const existing = bucketNamed(tx, name);
    if (existing) {
      if (existing.account_id !== account) throw errors.bucketAlreadyExists(name);
      // us-east-1 keeps its legacy answer: creating a bucket you already own there succeeds.
      if (existing.region === 'us-east-1' && bucketRegion === 'us-east-1') return false;
      throw errors.bucketAlreadyOwnedByYou(name);
    }
    if (input.ObjectOwnership)
      writeBucketConfig(tx, name, 'ownership', { Rules: [{ ObjectOwnership: input.ObjectOwnership }] });
    forgetBuckets();
    tx.run('INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES (?, ?, ?, ?)', [
      name,
      account,
      bucketRegion,
      ctx.cloud.clock.now(),
    ]);
    return true;
  });
  return { Location: bucketRegion === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/` };
}

export async function deleteBucket(ctx: OperationContext, input: S3.DeleteBucketRequest): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const released = await ctx.cloud.store.write((tx) => {
    // Noncurrent versions and delete markers count: a versioned bucket is empty only without them.
    if (
      tx.get('SELECT 1 AS x FROM s3_objects WHERE bucket = ? LIMIT 1', [bucket.name]) ??
      tx.get('SELECT 1 AS x FROM s3_versions WHERE bucket = ? LIMIT 1', [bucket.name])
    )
      throw errors.bucketNotEmpty(bucket.name);
    // Uploads still in progress go with the bucket.
    const parts = tx.all<{ blob: string }>(
      'SELECT blob FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)',
      [bucket.name],
    );
    tx.run('DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)', [
      bucket.name,
    ]);
    tx.run('DELETE FROM s3_uploads WHERE bucket = ?', [bucket.name]);
    deleteAllBucketConfig(tx, bucket.name);
    forgetBuckets();
    tx.run('DELETE FROM s3_buckets WHERE name = ?', [bucket.name]);
    return parts.map((p) => p.blob);
  });
  if (released.length > 0) s3Runtime(ctx.cloud).release(released);
  return {};
}

export function listBuckets(ctx: OperationContext, input: S3.ListBucketsRequest): S3.ListBucketsOutput {
  const max = input.MaxBuckets ?? 10000;
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw errors.invalidArgument(
      'Argument value needs to be between 1 and 10000',
      'max-buckets',
      String(input.MaxBuckets),
    );
  }
  let after = '';
  if (input.ContinuationToken) after = Buffer.from(input.ContinuationToken, 'base64url').toString('utf8');
  const rows = ctx.cloud.store
    .all<BucketRow>('SELECT * FROM s3_buckets WHERE account_id = ? AND name > ? ORDER BY name', [
      ctx.principal.accountId,
      after,
    ])
    .filter((b) => !input.Prefix || b.name.startsWith(input.Prefix))
    .filter((b) => !input.BucketRegion || b.region === input.BucketRegion);
  const page = rows.slice(0, max);
  const more = rows.length > max;
  return {
    Buckets: page.map((b) => ({
      Name: b.name,
      CreationDate: new Date(b.created_at),
      BucketRegion: b.region,
    })),
    Owner: owner(ctx.principal.accountId),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
    ...(more ? { ContinuationToken: Buffer.from(page[page.length - 1]!.name).toString('base64url') } : {}),
  };
}

export function headBucket(ctx: OperationContext, input: S3.HeadBucketRequest): S3.HeadBucketOutput {
  const bucket = findBucket(ctx, input.Bucket);
  return { BucketRegion: bucket.region, AccessPointAlias: false };
}

export function getBucketLocation(
  ctx: OperationContext,
  input: S3.GetBucketLocationRequest,
): S3.GetBucketLocationOutput {
  const bucket = findBucket(ctx, input.Bucket);
  return bucket.region === 'us-east-1'
    ? {}
    : { LocationConstraint: bucket.region as S3.BucketLocationConstraint };
}
