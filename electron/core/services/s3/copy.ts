/** CopyObject (the source's body is shared, not copied: bodies are content-addressed) and DeleteObjects. */
import type * as S3 from '@aws-sdk/client-s3';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { s3Runtime } from './bodies';
import { findBucket } from './buckets';
import { errors } from './errors';
import { checkKey, failedCondition, storedAttributes } from './objects';
import type { ObjectRow } from './schema';

/** `bucket/key` (URL-encoded, an optional leading slash, an optional `?versionId=`). */
function parseCopySource(source: string | undefined): { bucket: string; key: string } {
  const raw = (source ?? '').split('?')[0]!.replace(/^\//, '');
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
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** The x-amz-copy-source-if-* conditions: one that does not hold is 412. */
function checkCopyConditions(row: ObjectRow, input: S3.CopyObjectRequest): void {
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
  if (sourceBucket.name === bucket.name && sourceKey === key && !replace) throw errors.copyToItself();
  const replaced = storedAttributes(input);
  const now = ctx.cloud.clock.now();
  const { etag, old, blob } = await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    const src = tx.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?', [
      sourceBucket.name,
      sourceKey,
    ]);
    if (!src) throw errors.noSuchKey(sourceKey);
    checkCopyConditions(src, input);
    const previous = tx.get<{ blob: string }>('SELECT blob FROM s3_objects WHERE bucket = ? AND key = ?', [
      bucket.name,
      key,
    ]);
    tx.run(
      `INSERT OR REPLACE INTO s3_objects
        (bucket, key, blob, size, etag, last_modified, content_type, headers, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        bucket.name,
        key,
        src.blob,
        src.size,
        src.etag,
        now,
        replace ? input.ContentType || 'binary/octet-stream' : src.content_type,
        replace ? JSON.stringify(replaced.headers) : src.headers,
        replace ? JSON.stringify(replaced.metadata) : src.metadata,
      ],
    );
    return { etag: src.etag, old: previous?.blob, blob: src.blob };
  });
  if (old && old !== blob) s3Runtime(ctx.cloud).release([old]);
  return {
    CopyObjectResult: { ETag: `"${etag}"`, LastModified: new Date(now) },
    ServerSideEncryption: 'AES256',
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
  const keys: string[] = [];
  for (const o of objects) {
    try {
      keys.push(checkKey(o.Key));
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      failed.push({ Key: o.Key, Code: e.code, Message: e.message });
    }
  }
  const removed = await ctx.cloud.store.write((tx) => {
    const blobs: string[] = [];
    for (const key of keys) {
      const old = tx.get<{ blob: string }>('SELECT blob FROM s3_objects WHERE bucket = ? AND key = ?', [
        bucket.name,
        key,
      ]);
      if (old) {
        tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ?', [bucket.name, key]);
        blobs.push(old.blob);
      }
    }
    return blobs;
  });
  const deleted: S3.DeletedObject[] = keys.map((Key) => ({ Key }));
  if (removed.length > 0) s3Runtime(ctx.cloud).release([...new Set(removed)]);
  return {
    ...(quiet || deleted.length === 0 ? {} : { Deleted: deleted }),
    ...(failed.length > 0 ? { Errors: failed } : {}),
  };
}
