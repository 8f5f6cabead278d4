/**
 * Unsigned S3 requests: which operations an anonymous caller may attempt, the policy action
 * each needs, and whom an allowed request runs as (the bucket owner's account, as the
 * anonymous principal). Everything else is AccessDenied, as on AWS.
 */
import type { Principal } from '../../kernel/accounts';
import type { Cloud } from '../../cloud';
import { anonymousPrincipal, type AnonymousRequest } from '../../service';
import { anonymousAllowed, type RequestFacts } from './access';
import { objectOwnership } from './acl';
import { findVersion } from './versions';
import { errors } from './errors';
import { bucketNamed } from './buckets';

/** The action an operation needs, and whether it names an object. */
const ACTIONS: Record<string, { action: string; object: boolean }> = {
  GetObject: { action: 's3:GetObject', object: true },
  HeadObject: { action: 's3:GetObject', object: true },
  PutObject: { action: 's3:PutObject', object: true },
  DeleteObject: { action: 's3:DeleteObject', object: true },
  CreateMultipartUpload: { action: 's3:PutObject', object: true },
  UploadPart: { action: 's3:PutObject', object: true },
  CompleteMultipartUpload: { action: 's3:PutObject', object: true },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', object: true },
  ListParts: { action: 's3:ListMultipartUploadParts', object: true },
  GetObjectTagging: { action: 's3:GetObjectTagging', object: true },
  PutObjectTagging: { action: 's3:PutObjectTagging', object: true },
  GetObjectAcl: { action: 's3:GetObjectAcl', object: true },
  ListObjects: { action: 's3:ListBucket', object: false },
  ListObjectsV2: { action: 's3:ListBucket', object: false },
  HeadBucket: { action: 's3:ListBucket', object: false },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads', object: false },
  ListObjectVersions: { action: 's3:ListBucketVersions', object: false },
  GetBucketLocation: { action: 's3:GetBucketLocation', object: false },
  GetBucketPolicy: { action: 's3:GetBucketPolicy', object: false },
  GetBucketAcl: { action: 's3:GetBucketAcl', object: false },
  GetBucketCors: { action: 's3:GetBucketCORS', object: false },
  GetBucketWebsite: { action: 's3:GetBucketWebsite', object: false },
  GetBucketTagging: { action: 's3:GetBucketTagging', object: false },
};

interface BucketAndKey {
  Bucket?: string;
  Key?: string;
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
}

export function anonymousS3(cloud: Cloud, request: AnonymousRequest): Principal {
  const input = (request.input ?? {}) as BucketAndKey;
  const spec = ACTIONS[request.operation];
  if (!spec || !input.Bucket) throw errors.accessDenied();
  const bucket = bucketNamed(cloud.store, input.Bucket);
  if (!bucket) throw errors.noSuchBucket(input.Bucket);
  const facts: RequestFacts = {
    ...(request.sourceIp !== undefined ? { sourceIp: request.sourceIp } : {}),
    secureTransport: request.secureTransport,
    keys: {
      'aws:referer': request.headers['referer'],
      'aws:useragent': request.headers['user-agent'],
      ...(spec.action === 's3:ListBucket'
        ? {
            's3:prefix': input.Prefix ?? '',
            ...(input.Delimiter !== undefined ? { 's3:delimiter': input.Delimiter } : {}),
            ...(input.MaxKeys !== undefined ? { 's3:max-keys': String(input.MaxKeys) } : {}),
          }
        : {}),
    },
  };
  const key = spec.object ? (input.Key ?? '') : undefined;
  // An object's own ACL (public-read) can open it, when the bucket's Object Ownership allows ACLs.
  const objectAcl =
    key !== undefined
      ? storedAcl(cloud, bucket.name, key, (input as { VersionId?: string }).VersionId)
      : undefined;
  if (!anonymousAllowed(cloud.store, bucket, spec.action, key, objectAcl, facts)) throw errors.accessDenied();
  // A missing object is NoSuchKey only to callers who may list the bucket; to others, 403.
  if ((request.operation === 'GetObject' || request.operation === 'HeadObject') && key !== undefined) {
    const exists = cloud.store.get('SELECT 1 AS x FROM s3_objects WHERE bucket = ? AND key = ?', [
      bucket.name,
      key,
    ]);
    if (!exists && !anonymousAllowed(cloud.store, bucket, 's3:ListBucket', undefined, undefined, facts))
      throw errors.accessDenied();
  }
  return anonymousPrincipal(bucket.account_id);
}

/** The canned ACL stored with the object (version) a request names, if it has one. */
function storedAcl(
  cloud: Cloud,
  bucket: string,
  key: string,
  versionId: string | undefined,
): string | undefined {
  if (objectOwnership(cloud.store, bucket) === 'BucketOwnerEnforced') return undefined;
  try {
    return findVersion(cloud.store, bucket, key, versionId).acl ?? undefined;
  } catch {
    return undefined; // no such object (or version): its absence is answered below
  }
}
