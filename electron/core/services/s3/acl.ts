/**
 * Bucket ACLs: GetBucketAcl and PutBucketAcl (canned ACLs, x-amz-grant-* headers, or an
 * AccessControlPolicy body), with Block Public Access and Object Ownership as S3 applies them.
 *
 * Every bucket has Object Ownership "BucketOwnerEnforced", AWS's default for buckets created
 * since April 2023: ACLs are disabled, reading one shows the owner's FULL_CONTROL, and setting
 * one is refused with AccessControlListNotSupported unless it grants exactly that.
 * PutBucketOwnershipControls (ownership.ts) switches ACLs on with ObjectWriter or
 * BucketOwnerPreferred.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { Store } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { ALL_USERS_URI, AUTHENTICATED_USERS_URI, aclIsPublic, publicAccessBlock } from './access';
import { readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket, owner } from './buckets';
import { configErrors, errors } from './errors';
import type { BucketRow } from './schema';

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

/** The bucket's Object Ownership setting: BucketOwnerEnforced (ACLs off) unless changed. */
export function objectOwnership(store: Pick<Store, 'get'>, bucket: string): ObjectOwnership {
  const rule = readBucketConfig(store, bucket, 'ownership')?.Rules?.[0]?.ObjectOwnership;
  return (rule as ObjectOwnership | undefined) ?? 'BucketOwnerEnforced';
}

const LOG_DELIVERY_URI = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS = new Set([ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI]);
const PERMISSIONS = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);
const BUCKET_CANNED = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'log-delivery-write',
]);

function ownerGrant(accountId: string): S3.Grant {
  const o = owner(accountId);
  return {
    Grantee: { Type: 'CanonicalUser', ID: o.ID, DisplayName: o.DisplayName },
    Permission: 'FULL_CONTROL',
  };
}

function group(uri: string, permission: S3.Permission): S3.Grant {
  return { Grantee: { Type: 'Group', URI: uri }, Permission: permission };
}

/** The ACL a canned name stands for. */
export function cannedAcl(name: string, accountId: string): S3.AccessControlPolicy {
  const grants = [ownerGrant(accountId)];
  switch (name) {
    case 'public-read':
      grants.push(group(ALL_USERS_URI, 'READ'));
      break;
    case 'public-read-write':
      grants.push(group(ALL_USERS_URI, 'READ'), group(ALL_USERS_URI, 'WRITE'));
      break;
    case 'authenticated-read':
      grants.push(group(AUTHENTICATED_USERS_URI, 'READ'));
      break;
    case 'log-delivery-write':
      grants.push(group(LOG_DELIVERY_URI, 'WRITE'), group(LOG_DELIVERY_URI, 'READ_ACP'));
      break;
  }
  return { Owner: owner(accountId), Grants: grants };
}

const GRANT_HEADERS: Array<[keyof S3.PutBucketAclRequest, S3.Permission, string]> = [
  ['GrantFullControl', 'FULL_CONTROL', 'x-amz-grant-full-control'],
  ['GrantRead', 'READ', 'x-amz-grant-read'],
  ['GrantReadACP', 'READ_ACP', 'x-amz-grant-read-acp'],
  ['GrantWrite', 'WRITE', 'x-amz-grant-write'],
  ['GrantWriteACP', 'WRITE_ACP', 'x-amz-grant-write-acp'],
];

/** `id="…", uri="…", emailAddress="…"` lists of the x-amz-grant-* headers. */
function headerGrants(input: S3.PutBucketAclRequest): S3.Grant[] {
  const grants: S3.Grant[] = [];
  for (const [member, permission, header] of GRANT_HEADERS) {
    const value = input[member];
    if (typeof value !== 'string' || value.trim() === '') continue;
    for (const part of value.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
      if (!m) throw errors.invalidArgument('Argument format not recognized', header, part.trim());
      const [, kind, id] = m as unknown as [string, string, string];
      if (kind === 'uri') {
        if (!GROUPS.has(id)) throw errors.invalidArgument('Invalid group uri', 'uri', id);
        grants.push(group(id, permission));
      } else if (kind === 'id') {
        if (!/^[0-9a-f]{64}$/.test(id)) throw errors.invalidArgument('Invalid id', 'id', id);
        grants.push({ Grantee: { Type: 'CanonicalUser', ID: id }, Permission: permission });
      } else {
        throw errors.invalidArgument('Invalid email address', 'emailAddress', id);
      }
    }
  }
  return grants;
}

function validatePolicyBody(acp: S3.AccessControlPolicy): void {
  if (!acp.Owner || !acp.Grants) throw configErrors.malformedAcl();
  if (!/^[0-9a-f]{64}$/.test(acp.Owner.ID ?? ''))
    throw errors.invalidArgument('Invalid id', 'CanonicalUser/ID', acp.Owner.ID ?? '');
  for (const grant of acp.Grants) {
    if (!grant.Permission || !PERMISSIONS.has(grant.Permission)) throw configErrors.malformedAcl();
    const grantee = grant.Grantee;
    if (!grantee?.Type) throw configErrors.malformedAcl();
    if (grantee.Type === 'Group') {
      if (!GROUPS.has(grantee.URI ?? ''))
        throw errors.invalidArgument('Invalid group uri', 'Group/URI', grantee.URI ?? '');
    } else if (grantee.Type === 'CanonicalUser') {
      if (!/^[0-9a-f]{64}$/.test(grantee.ID ?? ''))
        throw errors.invalidArgument('Invalid id', 'CanonicalUser/ID', grantee.ID ?? '');
    } else if (grantee.Type !== 'AmazonCustomerByEmail') {
      throw configErrors.malformedAcl();
    }
  }
  if (acp.Grants.length > 100) throw configErrors.malformedAcl();
}

/** Does the ACL grant FULL_CONTROL to the bucket owner and nothing to anyone else? */
function ownerOnly(acl: S3.AccessControlPolicy, accountId: string): boolean {
  const id = owner(accountId).ID;
  const grants = acl.Grants ?? [];
  return (
    grants.length > 0 &&
    grants.every(
      (g) => g.Grantee?.Type === 'CanonicalUser' && g.Grantee.ID === id && g.Permission === 'FULL_CONTROL',
    )
  );
}

/** The ACL in force on a bucket. */
export function bucketAcl(store: Pick<Store, 'get'>, bucket: BucketRow): S3.AccessControlPolicy {
  if (objectOwnership(store, bucket.name) === 'BucketOwnerEnforced')
    return cannedAcl('private', bucket.account_id);
  return readBucketConfig(store, bucket.name, 'acl') ?? cannedAcl('private', bucket.account_id);
}

export function getBucketAcl(ctx: OperationContext, input: S3.GetBucketAclRequest): S3.GetBucketAclOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const acl = bucketAcl(ctx.cloud.store, bucket);
  return { Owner: acl.Owner ?? owner(bucket.account_id), Grants: acl.Grants ?? [] };
}

export async function putBucketAcl(ctx: OperationContext, input: S3.PutBucketAclRequest): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const grants = headerGrants(input);
  const canned = input.ACL as string | undefined;
  if (canned !== undefined && grants.length > 0)
    throw errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  if (input.AccessControlPolicy && (canned !== undefined || grants.length > 0))
    throw errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  let acl: S3.AccessControlPolicy;
  if (canned !== undefined) {
    if (!BUCKET_CANNED.has(canned)) throw errors.invalidArgument('', 'x-amz-acl', canned);
    acl = cannedAcl(canned, bucket.account_id);
  } else if (grants.length > 0) {
    acl = { Owner: owner(bucket.account_id), Grants: grants };
  } else if (input.AccessControlPolicy) {
    validatePolicyBody(input.AccessControlPolicy);
    acl = {
      Owner: owner(bucket.account_id),
      Grants: input.AccessControlPolicy.Grants!.map((g) => ({
        Grantee: g.Grantee,
        Permission: g.Permission,
      })),
    };
  } else {
    throw configErrors.malformedAcl();
  }
  if (aclIsPublic(acl) && publicAccessBlock(ctx.cloud.store, bucket.name).settings.BlockPublicAcls) {
    throw configErrors.blockedByPublicAccessBlock(
      ctx.principal.arn,
      's3:PutBucketAcl',
      `arn:aws:s3:::${bucket.name}`,
      'acl',
    );
  }
  if (objectOwnership(ctx.cloud.store, bucket.name) === 'BucketOwnerEnforced') {
    // Only a body granting the owner full control (and nothing else) is accepted.
    if (!input.AccessControlPolicy || !ownerOnly(acl, bucket.account_id))
      throw configErrors.aclNotSupported();
    return {};
  }
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'acl', acl));
  return {};
}
