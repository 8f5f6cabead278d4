/** CopyObject (the source's body is shared, not copied: bodies are content-addressed) and DeleteObjects. */
import type * as S3 from '@aws-sdk/client-s3';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { s3Runtime } from './bodies';
import { findBucket } from './buckets';
import { errors } from './errors';
import { checkKey, storedEncoding } from './objects';
import type { ObjectRow, StoredHeaders } from './schema';

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

function etagMatches(list: string, etag: string): boolean {
  return list
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((t) => t === '*' || t === etag);
}

/** The x-amz-copy-source-if-* conditions: a condition that does not hold is 412. */
function checkCopyConditions(row: ObjectRow, input: S3.CopyObjectRequest): void {
  const modified = Math.floor(row.last_modified / 1000) * 1000;
  const time = (d: Date | string) => new Date(d).getTime();
  const failed = (name: string) => errors.preconditionFailed(`x-amz-copy-source-If-${name}`);
  if (input.CopySourceIfMatch !== undefined) {
    if (!etagMatches(input.CopySourceIfMatch, row.etag)) throw failed('Match');
  } else if (
    input.CopySourceIfUnmodifiedSince !== undefined &&
    modified > time(input.CopySourceIfUnmodifiedSince)
  ) {
    throw failed('Unmodified-Since');
  }
  if (input.CopySourceIfNoneMatch !== undefined) {
    if (etagMatches(input.CopySourceIfNoneMatch, row.etag)) throw failed('None-Match');
  } else if (
    input.CopySourceIfModifiedSince !== undefined &&
    modified <= time(input.CopySourceIfModifiedSince)
  ) {
    throw failed('Modified-Since');
  }
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
  const replacedHeaders: StoredHeaders = {
    CacheControl: input.CacheControl,
    ContentDisposition: input.ContentDisposition,
    ContentEncoding: storedEncoding(input.ContentEncoding),
    ContentLanguage: input.ContentLanguage,
    Expires: input.Expires ? new Date(input.Expires).getTime() : undefined,
  };
  const replacedMetadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.Metadata ?? {})) replacedMetadata[k.toLowerCase()] = v;
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
        replace ? JSON.stringify(replacedHeaders) : src.headers,
        replace ? JSON.stringify(replacedMetadata) : src.metadata,
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
