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

/** Letters, spaces, digits and `_ . : / = + - @`: the characters S3 allows in tags. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** What differs between buckets' and objects' tags: the limit and two of S3's messages. */
interface TagRules {
  max: number;
  tooMany: string;
  /** The answer to a key starting with `aws:`. */
  reserved: string;
}

const OBJECT_TAGS: TagRules = {
  max: 10,
  tooMany: 'Object tags cannot be greater than 10',
  reserved: 'Your TagKey cannot be prefixed with aws:',
};

/**
 * S3's tag rules, for buckets and objects alike: keys of 1–128 and values of up to 256 UTF-16
 * code units in the allowed characters, no `aws:` keys, keys unique.
 */
export function validateTags(tags: S3.Tag[], rules: TagRules = OBJECT_TAGS): S3.Tag[] {
  if (tags.length > rules.max) throw configErrors.invalidTag(rules.tooMany);
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (key.length === 0 || key.length > 128 || !TAG_TEXT.test(key))
      throw configErrors.invalidTag('The TagKey you have provided is invalid');
    if (value.length > 256 || !TAG_TEXT.test(value))
      throw configErrors.invalidTag('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:')) throw configErrors.invalidTag(rules.reserved);
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
