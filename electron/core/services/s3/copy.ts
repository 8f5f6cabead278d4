/** CopyObject (the source's body is shared, not copied: bodies are content-addressed) and DeleteObjects. */
import type * as S3 from '@aws-sdk/client-s3';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { s3Runtime } from './bodies';
import { findBucket } from './buckets';
import { errors } from './errors';
import { objectEvent } from './notifications';
import { checkKey, failedCondition, objectOptions, removedEventName, storedAttributes } from './objects';
import type { ObjectRow } from './schema';
import { checkReadable } from './restore';
import { findVersion, removeObject, writeObject } from './versions';

/** `bucket/key` (URL-encoded, an optional leading slash, an optional `?versionId=`). */
export function parseCopySource(source: string | undefined): {
  bucket: string;
  key: string;
  versionId?: string;
} {
  const [path, query] = (source ?? '').split('?') as [string, string | undefined];
  const raw = path.replace(/^\//, '');
  const versionId =
    query !== undefined ? (new URLSearchParams(query).get('versionId') ?? undefined) : undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1)
    throw errors.invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      source ?? '',
    );
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId ? { versionId } : {}),
  };
}

/** The x-amz-copy-source-if-* conditions: one that does not hold is 412. */
export function checkCopyConditions(
  row: ObjectRow,
  input: Pick<
    S3.CopyObjectRequest,
    | 'CopySourceIfMatch'
    | 'CopySourceIfNoneMatch'
    | 'CopySourceIfModifiedSince'
    | 'CopySourceIfUnmodifiedSince'
  >,
): void {
  const failed = failedCondition(row, {
    IfMatch: input.CopySourceIfMatch,
    IfNoneMatch: input.CopySourceIfNoneMatch,
    IfModifiedSince: input.CopySourceIfModifiedSince,
    IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
  });
  const names = {
    IfMatch: 'Match',
    IfNoneMatch: 'None-Match',
    IfModifiedSince: 'Modified-Since',
    IfUnmodifiedSince: 'Unmodified-Since',
  } as const;
  if (failed) throw errors.preconditionFailed(`x-amz-copy-source-If-${names[failed]}`);
}

export async function copyObject(
  ctx: OperationContext,
  input: S3.CopyObjectRequest,
): Promise<S3.CopyObjectOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const source = parseCopySource(input.CopySource);
  const sourceBucket = findBucket(ctx, source.bucket);
  const sourceKey = checkKey(source.key);
  const directive = input.MetadataDirective ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  const replace = directive === 'REPLACE';
  const taggingDirective = input.TaggingDirective ?? 'COPY';
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE')
    throw errors.invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', taggingDirective);
  const options = objectOptions(ctx, bucket, key, input, 's3:PutObject');
  const changesClass = input.StorageClass !== undefined;
  if (
    sourceBucket.name === bucket.name &&
    sourceKey === key &&
    source.versionId === undefined &&
    !replace &&
    !changesClass &&
    !input.WebsiteRedirectLocation
  )
    throw errors.copyToItself();
  const replaced = storedAttributes(input);
  const now = ctx.cloud.clock.now();
  // A copy's ETag is the MD5 of its bytes, as for any PUT: a multipart source's `-N` ETag becomes
  // a plain one. Computed before the write (the body is shared, so only its MD5 is read).
  const peek = findVersion(ctx.cloud.store, sourceBucket.name, sourceKey, source.versionId);
  const plain = peek.etag.includes('-')
    ? { blob: peek.blob, etag: await s3Runtime(ctx.cloud).md5Of(peek.blob) }
    : undefined;
  const { src, etag, written } = await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    const src = findVersion(tx, sourceBucket.name, sourceKey, source.versionId);
    checkReadable(src, now);
    checkCopyConditions(src, input);
    const etag = !src.etag.includes('-') ? src.etag : src.blob === plain?.blob ? plain.etag : undefined;
    // The source changed while its MD5 was read: the client retries, as on S3 when a copy races.
    if (etag === undefined)
      throw new AwsError('InternalError', 'We encountered an internal error. Please try again.', {
        status: 500,
      });
    const written = writeObject(tx, ctx.cloud.ids, bucket.name, key, {
      blob: src.blob,
      size: src.size,
      etag,
      last_modified: now,
      content_type: replace ? input.ContentType || 'binary/octet-stream' : src.content_type,
      headers: replace ? JSON.stringify(replaced.headers) : src.headers,
      metadata: replace ? JSON.stringify(replaced.metadata) : src.metadata,
      checksums: src.checksums,
      storage_class: options.storage_class,
      tags: taggingDirective === 'REPLACE' ? options.tags : src.tags,
      acl: options.acl,
    });
    return { src, etag, written };
  });
  if (written.released.length > 0) s3Runtime(ctx.cloud).release(written.released);
  objectEvent(ctx, bucket, 's3:ObjectCreated:Copy', {
    key,
    size: src.size,
    eTag: etag,
    ...(written.versionId !== undefined ? { versionId: written.versionId } : {}),
  });
  return {
    CopyObjectResult: { ETag: `"${etag}"`, LastModified: new Date(now) },
    ServerSideEncryption: 'AES256',
    ...(source.versionId !== undefined || src.version_id !== 'null'
      ? { CopySourceVersionId: src.version_id }
      : {}),
    ...(written.versionId !== undefined ? { VersionId: written.versionId } : {}),
  };
}

const MAX_DELETE_KEYS = 1000;

export async function deleteObjects(
  ctx: OperationContext,
  input: S3.DeleteObjectsRequest,
): Promise<S3.DeleteObjectsOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw errors.malformedXml();
  const quiet = input.Delete?.Quiet === true;
  const failed: S3._Error[] = [];
  const wanted: { key: string; versionId?: string }[] = [];
  for (const o of objects) {
    try {
      wanted.push({ key: checkKey(o.Key), ...(o.VersionId !== undefined ? { versionId: o.VersionId } : {}) });
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      failed.push({ Key: o.Key, Code: e.code, Message: e.message });
    }
  }
  const now = ctx.cloud.clock.now();
  const events: { key: string; name: string; versionId?: string }[] = [];
  const { deleted, released } = await ctx.cloud.store.write((tx) => {
    const deleted: S3.DeletedObject[] = [];
    const released: string[] = [];
    for (const w of wanted) {
      try {
        const r = removeObject(tx, ctx.cloud.ids, bucket.name, w.key, w.versionId, now);
        released.push(...r.released);
        events.push({ key: w.key, name: removedEventName(r, w.versionId), versionId: r.versionId });
        deleted.push({
          Key: w.key,
          ...(w.versionId !== undefined ? { VersionId: w.versionId } : {}),
          ...(r.deleteMarker ? { DeleteMarker: true } : {}),
          ...(r.deleteMarker && w.versionId === undefined ? { DeleteMarkerVersionId: r.versionId } : {}),
          ...(r.deleteMarker && w.versionId !== undefined ? { DeleteMarkerVersionId: w.versionId } : {}),
        });
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        failed.push({
          Key: w.key,
          ...(w.versionId ? { VersionId: w.versionId } : {}),
          Code: e.code,
          Message: e.message,
        });
      }
    }
    return { deleted, released };
  });
  if (released.length > 0) s3Runtime(ctx.cloud).release([...new Set(released)]);
  for (const e of events)
    objectEvent(ctx, bucket, e.name, {
      key: e.key,
      ...(e.versionId !== undefined ? { versionId: e.versionId } : {}),
    });
  return {
    ...(quiet || deleted.length === 0 ? {} : { Deleted: deleted }),
    ...(failed.length > 0 ? { Errors: failed } : {}),
  };
}
