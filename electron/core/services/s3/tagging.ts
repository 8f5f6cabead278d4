/**
 * Object tags: the `x-amz-tagging` header of PutObject and friends, and Put/Get/DeleteObjectTagging
 * on the current object or a given version. Tags live on the version they were given to.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { OperationContext } from '../../service';
import { findBucket } from './buckets';
import { configErrors } from './errors';
import { checkKey } from './objects';
import { findVersion, updateVersion } from './versions';

const MAX_OBJECT_TAGS = 10;

/** S3's tag rules: at most 10 per object, keys up to 128 characters, values up to 256, keys unique. */
export function validateTags(tags: S3.Tag[], max = MAX_OBJECT_TAGS): S3.Tag[] {
  if (tags.length > max) throw configErrors.invalidTag(`Object tags cannot be greater than ${max}`);
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (key.length === 0 || [...key].length > 128)
      throw configErrors.invalidTag('The TagKey you have provided is invalid');
    if ([...value].length > 256) throw configErrors.invalidTag('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:'))
      throw configErrors.invalidTag('Your TagKey cannot be prefixed with aws:');
    if (seen.has(key)) throw configErrors.invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** `x-amz-tagging: k1=v1&k2=v2`, URL-encoded as a query string. */
export function tagsFromHeader(header: string): S3.Tag[] {
  if (header === '') return [];
  const tags: S3.Tag[] = [];
  for (const [Key, Value] of new URLSearchParams(header)) tags.push({ Key, Value });
  return validateTags(tags);
}

export function tagsOf(json: string | null): S3.Tag[] {
  return json ? (JSON.parse(json) as S3.Tag[]) : [];
}

function target(ctx: OperationContext, input: { Bucket?: string; Key?: string; VersionId?: string }) {
  const bucket = findBucket(ctx, input.Bucket);
  return findVersion(ctx.cloud.store, bucket.name, checkKey(input.Key), input.VersionId);
}

export async function putObjectTagging(
  ctx: OperationContext,
  input: S3.PutObjectTaggingRequest,
): Promise<S3.PutObjectTaggingOutput> {
  const row = target(ctx, input);
  const tags = validateTags(input.Tagging?.TagSet ?? []);
  await ctx.cloud.store.write((tx) =>
    updateVersion(tx, row, { tags: tags.length > 0 ? JSON.stringify(tags) : null }),
  );
  return row.version_id !== 'null' ? { VersionId: row.version_id } : {};
}

export function getObjectTagging(
  ctx: OperationContext,
  input: S3.GetObjectTaggingRequest,
): S3.GetObjectTaggingOutput {
  const row = target(ctx, input);
  return {
    ...(row.version_id !== 'null' ? { VersionId: row.version_id } : {}),
    TagSet: tagsOf(row.tags),
  };
}

export async function deleteObjectTagging(
  ctx: OperationContext,
  input: S3.DeleteObjectTaggingRequest,
): Promise<S3.DeleteObjectTaggingOutput> {
  const row = target(ctx, input);
  await ctx.cloud.store.write((tx) => updateVersion(tx, row, { tags: null }));
  return row.version_id !== 'null' ? { VersionId: row.version_id } : {};
}
