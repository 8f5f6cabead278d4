/**
 * Object Ownership: Put/Get/DeleteBucketOwnershipControls. BucketOwnerEnforced (the default)
 * turns ACLs off; ObjectWriter and BucketOwnerPreferred turn them back on (acl.ts, object-acl.ts).
 */
import type * as S3 from '@aws-sdk/client-s3';
import { AwsError } from '../../kernel/errors';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { aclIsPublic } from './access';
import { bucketAcl } from './acl';
import { deleteBucketConfig, readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { errors } from './errors';

const SETTINGS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

export async function putBucketOwnershipControls(
  ctx: OperationContext,
  input: S3.PutBucketOwnershipControlsRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const rules = input.OwnershipControls?.Rules ?? [];
  if (rules.length !== 1 || !SETTINGS.has(rules[0]?.ObjectOwnership ?? '')) throw errors.malformedXml();
  const setting = rules[0]!.ObjectOwnership!;
  // Turning ACLs off is refused while the bucket's ACL grants anyone but the owner.
  if (setting === 'BucketOwnerEnforced' && aclIsPublic(bucketAcl(ctx.cloud.store, bucket)))
    throw new AwsError(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  await ctx.cloud.store.write((tx) =>
    writeBucketConfig(tx, bucket.name, 'ownership', { Rules: [{ ObjectOwnership: setting }] }),
  );
  return {};
}

export function getBucketOwnershipControls(
  ctx: OperationContext,
  input: S3.GetBucketOwnershipControlsRequest,
): S3.GetBucketOwnershipControlsOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const controls = readBucketConfig(ctx.cloud.store, bucket.name, 'ownership');
  if (!controls)
    throw new AwsError('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', {
      status: 404,
      fields: { BucketName: bucket.name },
    });
  return { OwnershipControls: controls };
}

export async function deleteBucketOwnershipControls(
  ctx: OperationContext,
  input: S3.DeleteBucketOwnershipControlsRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'ownership'));
  return {};
}
