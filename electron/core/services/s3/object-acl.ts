/**
 * Object ACLs: the canned `x-amz-acl` of PutObject, CopyObject and CreateMultipartUpload, and
 * Get/PutObjectAcl. Object Ownership and Block Public Access decide, as for buckets (acl.ts):
 * with BucketOwnerEnforced only the owner's full control is accepted; a public ACL is refused
 * while BlockPublicAcls is on.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Store } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { cannedAclIsPublic, publicAccessBlock } from './access';
import { cannedAcl, objectOwnership } from './acl';
import { findBucket } from './buckets';
import { configErrors, errors } from './errors';
import { checkKey } from './objects';
import type { BucketRow, ObjectRow } from './schema';
import { findVersion, updateVersion } from './versions';

const OBJECT_CANNED = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);

/** ACLs that grant nothing beyond the bucket owner's own full control. */
const OWNER_ONLY = new Set(['private', 'bucket-owner-full-control']);

/**
 * The canned ACL to store with an object written with `acl` (null: private), or the error S3
 * answers with.
 */
export function checkObjectAcl(
  store: Pick<Store, 'get'>,
  bucket: BucketRow,
  acl: string | undefined,
  principalArn: string,
  action: string,
  key: string,
): string | null {
  if (acl === undefined) return null;
  if (!OBJECT_CANNED.has(acl)) throw errors.invalidArgument('', 'x-amz-acl', acl);
  if (objectOwnership(store, bucket.name) === 'BucketOwnerEnforced') {
    if (!OWNER_ONLY.has(acl)) throw configErrors.aclNotSupported();
    return null;
  }
  if (cannedAclIsPublic(acl) && publicAccessBlock(store, bucket.name).settings.BlockPublicAcls)
    throw configErrors.blockedByPublicAccessBlock(
      principalArn,
      action,
      `arn:aws:s3:::${bucket.name}/${key}`,
      'acl',
    );
  return OWNER_ONLY.has(acl) ? null : acl;
}

/** The object's ACL as S3 shows it: its canned grants, the owner's full control by default. */
export function objectAcl(bucket: BucketRow, row: Pick<ObjectRow, 'acl'>): S3.AccessControlPolicy {
  return cannedAcl(row.acl ?? 'private', bucket.account_id);
}

function target(ctx: OperationContext, input: { Bucket?: string; Key?: string; VersionId?: string }) {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  return { bucket, key, row: findVersion(ctx.cloud.store, bucket.name, key, input.VersionId) };
}

export function getObjectAcl(ctx: OperationContext, input: S3.GetObjectAclRequest): S3.GetObjectAclOutput {
  const { bucket, row } = target(ctx, input);
  const acl = objectAcl(bucket, row);
  return { Owner: acl.Owner, Grants: acl.Grants ?? [] };
}

export async function putObjectAcl(
  ctx: OperationContext,
  input: S3.PutObjectAclRequest,
): Promise<S3.PutObjectAclOutput> {
  const { bucket, key, row } = target(ctx, input);
  let canned = input.ACL as string | undefined;
  if (canned === undefined) {
    // A policy body is accepted when it says what a canned ACL says: owner only, or public read.
    const grants = input.AccessControlPolicy?.Grants;
    if (!grants) throw configErrors.malformedAcl();
    const publicRead = grants.some(
      (g) => g.Grantee?.Type === 'Group' && /AllUsers$/.test(g.Grantee.URI ?? '') && g.Permission === 'READ',
    );
    canned = publicRead ? 'public-read' : 'private';
  }
  const acl = checkObjectAcl(ctx.cloud.store, bucket, canned, ctx.principal.arn, 's3:PutObjectAcl', key);
  await ctx.cloud.store.write((tx) => updateVersion(tx, row, { acl }));
  return {};
}
