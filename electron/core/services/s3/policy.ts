/**
 * Bucket policies: PutBucketPolicy (validated as S3 validates, with its MalformedPolicy texts,
 * and refused while BlockPublicPolicy is on if it is public), GetBucketPolicy (the text as
 * sent), DeleteBucketPolicy, GetBucketPolicyStatus.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import {
  list,
  policyIsPublic,
  publicAccessBlock,
  statements,
  wildcardMatch,
  type PolicyDocument,
  type PolicyStatement,
} from './access';
import { deleteBucketConfig, readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { configErrors } from './errors';

/** S3 actions that act on objects (their resource is `arn:aws:s3:::bucket/key`). */
const OBJECT_ACTIONS = [
  'AbortMultipartUpload',
  'BypassGovernanceRetention',
  'DeleteObject',
  'DeleteObjectTagging',
  'DeleteObjectVersion',
  'DeleteObjectVersionTagging',
  'GetObject',
  'GetObjectAcl',
  'GetObjectAttributes',
  'GetObjectLegalHold',
  'GetObjectRetention',
  'GetObjectTagging',
  'GetObjectTorrent',
  'GetObjectVersion',
  'GetObjectVersionAcl',
  'GetObjectVersionAttributes',
  'GetObjectVersionForReplication',
  'GetObjectVersionTagging',
  'GetObjectVersionTorrent',
  'InitiateReplication',
  'ListMultipartUploadParts',
  'PutObject',
  'PutObjectAcl',
  'PutObjectLegalHold',
  'PutObjectRetention',
  'PutObjectTagging',
  'PutObjectVersionAcl',
  'PutObjectVersionTagging',
  'ReplicateDelete',
  'ReplicateObject',
  'ReplicateTags',
  'RestoreObject',
];

/** S3 actions that act on the bucket (resource `arn:aws:s3:::bucket`). */
const BUCKET_ACTIONS = [
  'CreateBucket',
  'DeleteBucket',
  'DeleteBucketOwnershipControls',
  'DeleteBucketPolicy',
  'DeleteBucketWebsite',
  'GetAccelerateConfiguration',
  'GetAnalyticsConfiguration',
  'GetBucketAcl',
  'GetBucketCORS',
  'GetBucketLocation',
  'GetBucketLogging',
  'GetBucketNotification',
  'GetBucketObjectLockConfiguration',
  'GetBucketOwnershipControls',
  'GetBucketPolicy',
  'GetBucketPolicyStatus',
  'GetBucketPublicAccessBlock',
  'GetBucketRequestPayment',
  'GetBucketTagging',
  'GetBucketVersioning',
  'GetBucketWebsite',
  'GetEncryptionConfiguration',
  'GetIntelligentTieringConfiguration',
  'GetInventoryConfiguration',
  'GetLifecycleConfiguration',
  'GetMetricsConfiguration',
  'GetReplicationConfiguration',
  'ListBucket',
  'ListBucketMultipartUploads',
  'ListBucketVersions',
  'PutAccelerateConfiguration',
  'PutAnalyticsConfiguration',
  'PutBucketAcl',
  'PutBucketCORS',
  'PutBucketLogging',
  'PutBucketNotification',
  'PutBucketObjectLockConfiguration',
  'PutBucketOwnershipControls',
  'PutBucketPolicy',
  'PutBucketPublicAccessBlock',
  'PutBucketRequestPayment',
  'PutBucketTagging',
  'PutBucketVersioning',
  'PutBucketWebsite',
  'PutEncryptionConfiguration',
  'PutIntelligentTieringConfiguration',
  'PutInventoryConfiguration',
  'PutLifecycleConfiguration',
  'PutMetricsConfiguration',
  'PutReplicationConfiguration',
];

const ALL_ACTIONS = [...OBJECT_ACTIONS, ...BUCKET_ACTIONS];

const malformed = configErrors.malformedPolicy;

/** The resource's bucket part must name this bucket (wildcards allowed); the key part is free. */
function validResource(resource: string, bucket: string): boolean {
  if (resource === '*') return true;
  const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(resource);
  return m !== null && wildcardMatch(m[1]!, bucket);
}

function isObjectResource(resource: string): boolean {
  return resource === '*' || resource.includes('/') || /^arn:aws:s3:::[^/]*\*$/.test(resource);
}

function isBucketResource(resource: string): boolean {
  return resource === '*' || !resource.includes('/') || /^arn:aws:s3:::[^/]*\*/.test(resource);
}

const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN =
  /^arn:aws:(iam|sts)::\d{12}:(root|user\/.+|role\/.+|assumed-role\/.+|federated-user\/.+)$/;

function validPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return false;
  const entries = Object.entries(principal as Record<string, unknown>);
  if (entries.length === 0) return false;
  for (const [kind, value] of entries) {
    const values = list(value);
    if (values.length === 0) return false;
    const ok = values.every((v) => {
      switch (kind) {
        case 'AWS':
          return v === '*' || ACCOUNT_ID.test(v) || PRINCIPAL_ARN.test(v);
        case 'Service':
          return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(v);
        case 'CanonicalUser':
          return /^[0-9a-f]{64}$/.test(v);
        case 'Federated':
          return v.length > 0;
        default:
          return false;
      }
    });
    if (!ok) return false;
  }
  return true;
}

function validateStatement(s: PolicyStatement, bucket: string): void {
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw malformed('This policy contains invalid Json');
  if (s.Effect === undefined) throw malformed('Missing required field Effect');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed(`Invalid effect: ${String(s.Effect)}`);
  if (s.Principal === undefined && s.NotPrincipal === undefined)
    throw malformed('Missing required field Principal');
  if (!validPrincipal(s.Principal ?? s.NotPrincipal)) throw malformed('Invalid principal in policy');
  if (s.Action === undefined && s.NotAction === undefined) throw malformed('Missing required field Action');
  if (s.Resource === undefined && s.NotResource === undefined)
    throw malformed('Missing required field Resource');
  const actions = list(s.Action ?? s.NotAction);
  for (const action of actions) {
    if (action === '*') continue;
    const m = /^s3:(.+)$/i.exec(action);
    if (!m || !ALL_ACTIONS.some((a) => wildcardMatch(m[1]!, a, true)))
      throw malformed('Policy has invalid action');
  }
  const resources = list(s.Resource ?? s.NotResource);
  if (resources.length === 0 || !resources.every((r) => validResource(r, bucket)))
    throw malformed('Policy has invalid resource');
  if (s.Action !== undefined && s.Resource !== undefined) {
    for (const action of actions) {
      const name = action.replace(/^s3:/i, '');
      if (/[*?]/.test(name)) continue;
      const onObjects = OBJECT_ACTIONS.some((a) => a.toLowerCase() === name.toLowerCase());
      const fits = onObjects ? resources.some(isObjectResource) : resources.some(isBucketResource);
      if (!fits) throw malformed('Action does not apply to any resource(s) in statement');
    }
  }
  if (s.Condition !== undefined) {
    if (!s.Condition || typeof s.Condition !== 'object' || Array.isArray(s.Condition))
      throw malformed('This policy contains invalid Json');
    for (const block of Object.values(s.Condition)) {
      if (!block || typeof block !== 'object' || Array.isArray(block))
        throw malformed('This policy contains invalid Json');
    }
  }
}

/** Parse and check a bucket policy's text as S3 does; answers the parsed policy. */
export function validatePolicy(text: string, bucket: string): PolicyDocument {
  if (!text.startsWith('{')) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw malformed('This policy contains invalid Json');
  const policy = doc as PolicyDocument;
  if (policy.Version !== undefined && policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17')
    throw malformed('The policy must contain a valid version string');
  if (policy.Statement === undefined) throw malformed('Missing required field Statement');
  const list = statements(policy);
  if (list.length === 0) throw malformed('Could not parse the policy: Statement is empty!');
  for (const s of list) validateStatement(s, bucket);
  return policy;
}

export async function putBucketPolicy(
  ctx: OperationContext,
  input: S3.PutBucketPolicyRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const text = input.Policy ?? '';
  const policy = validatePolicy(text, bucket.name);
  if (publicAccessBlock(ctx.cloud.store, bucket.name).settings.BlockPublicPolicy && policyIsPublic(policy)) {
    throw configErrors.blockedByPublicAccessBlock(
      ctx.principal.arn,
      's3:PutBucketPolicy',
      `arn:aws:s3:::${bucket.name}`,
      'policy',
    );
  }
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'policy', text));
  return {};
}

export function getBucketPolicy(
  ctx: OperationContext,
  input: S3.GetBucketPolicyRequest,
): S3.GetBucketPolicyOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const policy = readBucketConfig(ctx.cloud.store, bucket.name, 'policy');
  if (policy === undefined) throw configErrors.noSuchBucketPolicy(bucket.name);
  return { Policy: policy };
}

export async function deleteBucketPolicy(
  ctx: OperationContext,
  input: S3.DeleteBucketPolicyRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'policy'));
  return {};
}

export function getBucketPolicyStatus(
  ctx: OperationContext,
  input: S3.GetBucketPolicyStatusRequest,
): S3.GetBucketPolicyStatusOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const text = readBucketConfig(ctx.cloud.store, bucket.name, 'policy');
  if (text === undefined) throw configErrors.noSuchBucketPolicy(bucket.name);
  let isPublic = false;
  try {
    isPublic = policyIsPublic(JSON.parse(text) as PolicyDocument);
  } catch {
    isPublic = false;
  }
  return { PolicyStatus: { IsPublic: isPublic } };
}
