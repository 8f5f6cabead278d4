/** Objects: PutObject, GetObject, HeadObject, DeleteObject. */
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Body } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { keepBody, s3Runtime, type BodySource } from './bodies';
import { findBucket } from './buckets';
import { errors } from './errors';
import { objectEvent } from './notifications';
import { checkObjectAcl } from './object-acl';
import { checkReadable, restoreHeader } from './restore';
import { checksumFields } from './checksums';
import type { BucketRow, ObjectRow, StoredChecksum, StoredHeaders } from './schema';
import { tagsFromHeader } from './tagging';
import { findVersion, removeObject, versioningOf, writeObject, type ObjectData } from './versions';

const MAX_KEY_BYTES = 1024;

export function checkKey(key: string | undefined): string {
  const k = key ?? '';
  const size = Buffer.byteLength(k, 'utf8');
  if (size > MAX_KEY_BYTES) throw errors.keyTooLong(size);
  return k;
}

/** Content-Encoding as stored: the transfer framing `aws-chunked` is not part of it. */
export function storedEncoding(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const kept = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e.toLowerCase() !== 'aws-chunked');
  return kept.length > 0 ? kept.join(', ') : undefined;
}

type StoredAttributeInput = Pick<
  S3.PutObjectRequest,
  | 'CacheControl'
  | 'ContentDisposition'
  | 'ContentEncoding'
  | 'ContentLanguage'
  | 'Expires'
  | 'Metadata'
  | 'WebsiteRedirectLocation'
>;

/** The headers and user metadata an object keeps (PutObject, CreateMultipartUpload, CopyObject REPLACE). */
export function storedAttributes(input: StoredAttributeInput): {
  headers: StoredHeaders;
  metadata: Record<string, string>;
} {
  const headers: StoredHeaders = {
    CacheControl: input.CacheControl,
    ContentDisposition: input.ContentDisposition,
    ContentEncoding: storedEncoding(input.ContentEncoding),
    ContentLanguage: input.ContentLanguage,
    Expires: input.Expires ? new Date(input.Expires).getTime() : undefined,
    WebsiteRedirectLocation: input.WebsiteRedirectLocation,
  };
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.Metadata ?? {})) metadata[k.toLowerCase()] = v;
  return { headers, metadata };
}

/** Content-MD5 as hex, or undefined when not sent; a malformed one is InvalidDigest. */
export function expectedMd5(contentMd5: string | undefined): string | undefined {
  if (contentMd5 === undefined) return undefined;
  const raw = Buffer.from(contentMd5, 'base64');
  if (raw.length !== 16) throw errors.invalidDigest();
  return raw.toString('hex');
}

const STORAGE_CLASSES = new Set<string>([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
]);

type ObjectOptionInput = Pick<S3.PutObjectRequest, 'StorageClass' | 'Tagging' | 'ACL'>;

/** Storage class, tags and canned ACL, as PutObject, CreateMultipartUpload and CopyObject take them. */
export function objectOptions(
  ctx: OperationContext,
  bucket: BucketRow,
  key: string,
  input: ObjectOptionInput,
  action: string,
): Pick<ObjectData, 'storage_class' | 'tags' | 'acl'> {
  const storageClass = input.StorageClass ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass)) throw errors.invalidStorageClass(storageClass);
  const tags = input.Tagging !== undefined ? tagsFromHeader(input.Tagging) : [];
  return {
    storage_class: storageClass,
    tags: tags.length > 0 ? JSON.stringify(tags) : null,
    acl: checkObjectAcl(ctx.cloud.store, bucket, input.ACL, ctx.principal.arn, action, key),
  };
}

export async function putObject(
  ctx: OperationContext,
  input: S3.PutObjectRequest,
): Promise<S3.PutObjectOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const md5 = expectedMd5(input.ContentMD5);
  const options = objectOptions(ctx, bucket, key, input, 's3:PutObject');
  const rt = s3Runtime(ctx.cloud);
  const body = await rt.put(input.Body as BodySource, { checksum: input, deferRow: true });
  if (md5 !== undefined && md5 !== body.md5) throw errors.badDigest();
  const { headers, metadata } = storedAttributes(input);
  const algorithm = body.checksumAlgorithm;
  const checksum: StoredChecksum | undefined = algorithm
    ? { algorithm, type: 'FULL_OBJECT', value: body.checksums[algorithm]! }
    : undefined;
  const written = await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    keepBody(tx, body);
    return writeObject(tx, ctx.cloud.ids, bucket.name, key, {
      blob: body.hash,
      size: body.size,
      etag: body.md5,
      last_modified: ctx.cloud.clock.now(),
      content_type: input.ContentType || 'binary/octet-stream',
      headers: JSON.stringify(headers),
      metadata: JSON.stringify(metadata),
      checksums: checksum ? JSON.stringify(checksum) : null,
      ...options,
    });
  });
  if (written.released.length > 0) rt.release(written.released);
  objectEvent(ctx, bucket, 's3:ObjectCreated:Put', {
    key,
    size: body.size,
    eTag: body.md5,
    ...(written.versionId !== undefined ? { versionId: written.versionId } : {}),
  });
  return {
    ETag: `"${body.md5}"`,
    ServerSideEncryption: 'AES256',
    ...(checksum ? checksumFields(checksum.algorithm, checksum.value, checksum.type) : {}),
    ...(written.versionId !== undefined ? { VersionId: written.versionId } : {}),
  };
}

export type Conditions = Pick<
  S3.GetObjectRequest,
  'IfMatch' | 'IfNoneMatch' | 'IfModifiedSince' | 'IfUnmodifiedSince'
>;

function etagMatches(list: string, etag: string): boolean {
  return list
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * RFC 7232 as S3 applies it: which condition fails, if any. If-Match overrides
 * If-Unmodified-Since and If-None-Match overrides If-Modified-Since; the first pair is checked
 * first (412 before 304 on GET).
 */
export function failedCondition(row: ObjectRow, c: Conditions): keyof Conditions | null {
  const modified = Math.floor(row.last_modified / 1000) * 1000;
  const time = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).getTime());
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, row.etag)) return 'IfMatch';
  } else if (c.IfUnmodifiedSince !== undefined && modified > time(c.IfUnmodifiedSince)!) {
    return 'IfUnmodifiedSince';
  }
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, row.etag)) return 'IfNoneMatch';
  } else if (c.IfModifiedSince !== undefined && modified <= time(c.IfModifiedSince)!) {
    return 'IfModifiedSince';
  }
  return null;
}

/** GET and HEAD: a failed match is 412, an unchanged object 304. */
function checkConditions(row: ObjectRow, c: Conditions): void {
  const failed = failedCondition(row, c);
  if (failed === 'IfMatch') throw errors.preconditionFailed('If-Match');
  if (failed === 'IfUnmodifiedSince') throw errors.preconditionFailed('If-Unmodified-Since');
  if (failed)
    throw errors.notModified({
      ETag: `"${row.etag}"`,
      'Last-Modified': new Date(row.last_modified).toUTCString(),
    });
}

/** A single `bytes=` range, resolved against the size; undefined when absent or not understood. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // S3 ignores ranges it cannot parse
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw errors.invalidRange(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw errors.invalidRange(header, size);
  return { start, end };
}

function describe(row: ObjectRow, versioned: boolean): S3.HeadObjectOutput {
  const h = JSON.parse(row.headers) as StoredHeaders;
  const tags = row.tags ? (JSON.parse(row.tags) as S3.Tag[]).length : 0;
  return {
    AcceptRanges: 'bytes',
    LastModified: new Date(row.last_modified),
    ContentLength: row.size,
    ETag: `"${row.etag}"`,
    ContentType: row.content_type,
    ...(h.CacheControl !== undefined ? { CacheControl: h.CacheControl } : {}),
    ...(h.ContentDisposition !== undefined ? { ContentDisposition: h.ContentDisposition } : {}),
    ...(h.ContentEncoding !== undefined ? { ContentEncoding: h.ContentEncoding } : {}),
    ...(h.ContentLanguage !== undefined ? { ContentLanguage: h.ContentLanguage } : {}),
    ...(h.Expires !== undefined ? { Expires: new Date(h.Expires) } : {}),
    ...(h.WebsiteRedirectLocation !== undefined
      ? { WebsiteRedirectLocation: h.WebsiteRedirectLocation }
      : {}),
    ServerSideEncryption: 'AES256',
    // S3 names the storage class only when it is not STANDARD.
    ...(row.storage_class !== 'STANDARD' ? { StorageClass: row.storage_class as S3.StorageClass } : {}),
    ...(versioned ? { VersionId: row.version_id } : {}),
    ...(tags > 0 ? { TagCount: tags } : {}),
    Metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

type Overrides = Pick<
  S3.GetObjectRequest,
  | 'ResponseCacheControl'
  | 'ResponseContentDisposition'
  | 'ResponseContentEncoding'
  | 'ResponseContentLanguage'
  | 'ResponseContentType'
  | 'ResponseExpires'
>;

function applyOverrides(out: S3.HeadObjectOutput, o: Overrides): void {
  if (o.ResponseCacheControl !== undefined) out.CacheControl = o.ResponseCacheControl;
  if (o.ResponseContentDisposition !== undefined) out.ContentDisposition = o.ResponseContentDisposition;
  if (o.ResponseContentEncoding !== undefined) out.ContentEncoding = o.ResponseContentEncoding;
  if (o.ResponseContentLanguage !== undefined) out.ContentLanguage = o.ResponseContentLanguage;
  if (o.ResponseContentType !== undefined) out.ContentType = o.ResponseContentType;
  if (o.ResponseExpires !== undefined) out.Expires = new Date(o.ResponseExpires);
}

function read(
  ctx: OperationContext,
  input: S3.GetObjectRequest,
  method: 'GET' | 'HEAD',
): { row: ObjectRow; out: S3.HeadObjectOutput; range?: { start: number; end: number } } {
  const bucket = findBucket(ctx, input.Bucket);
  const row = findVersion(ctx.cloud.store, bucket.name, checkKey(input.Key), input.VersionId, method);
  checkConditions(row, input);
  // Archived objects have no readable body until restored; HEAD still describes them.
  const now = ctx.cloud.clock.now();
  if (method === 'GET') checkReadable(row, now);
  const range = parseRange(input.Range, row.size);
  const versioned = row.version_id !== 'null' || versioningOf(ctx.cloud.store, bucket.name) !== 'Unversioned';
  const out = describe(row, versioned);
  if (method === 'HEAD') delete out.TagCount;
  const restore = restoreHeader(row, now);
  if (restore) out.Restore = restore;
  // The stored checksum, when asked for, of the whole object only (a range has none).
  if (input.ChecksumMode === 'ENABLED' && !range && row.checksums) {
    const c = JSON.parse(row.checksums) as StoredChecksum;
    Object.assign(out, checksumFields(c.algorithm, c.value, c.type));
  }
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${row.size}`;
  }
  applyOverrides(out, input);
  return { row, out, range };
}

/** Bodies up to this size are answered as bytes; larger ones stream from the blob store. */
const INLINE_BODY_BYTES = 8 * 1024 * 1024;
/** Bodies up to this size are read in one synchronous read (from the page cache, microseconds). */
const SMALL_BODY_BYTES = 1024 * 1024;

/**
 * Large bodies stream from the blob store to the wire. Small ones are bytes, which every caller
 * can carry (the console's IPC, the instances' `aws`, which does not read streams yet).
 */
export async function getObject(
  ctx: OperationContext,
  input: S3.GetObjectRequest,
): Promise<S3Body<S3.GetObjectOutput>> {
  const { row, out, range } = read(ctx, input, 'GET');
  const length = out.ContentLength ?? row.size;
  if (length === 0) return { ...out, Body: new Uint8Array(0) };
  if (length <= SMALL_BODY_BYTES) return { ...out, Body: s3Runtime(ctx.cloud).readSmall(row.blob, range) };
  const stream = s3Runtime(ctx.cloud).read(row.blob, range);
  if (length > INLINE_BODY_BYTES) return { ...out, Body: stream };
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { ...out, Body: new Uint8Array(Buffer.concat(chunks)) };
}

export function headObject(ctx: OperationContext, input: S3.HeadObjectRequest): S3.HeadObjectOutput {
  return read(ctx, input, 'HEAD').out;
}

export async function deleteObject(
  ctx: OperationContext,
  input: S3.DeleteObjectRequest,
): Promise<S3.DeleteObjectOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const removed = await ctx.cloud.store.write((tx) =>
    removeObject(tx, ctx.cloud.ids, bucket.name, key, input.VersionId, ctx.cloud.clock.now()),
  );
  if (removed.released.length > 0) s3Runtime(ctx.cloud).release(removed.released);
  objectEvent(ctx, bucket, removedEventName(removed, input.VersionId), {
    key,
    ...(removed.versionId !== undefined ? { versionId: removed.versionId } : {}),
  });
  return {
    ...(removed.deleteMarker ? { DeleteMarker: true } : {}),
    ...(removed.versionId !== undefined ? { VersionId: removed.versionId } : {}),
  };
}

/** A delete that made a delete marker is DeleteMarkerCreated; any other removal is Delete. */
export function removedEventName(removed: { deleteMarker?: boolean }, versionId: string | undefined): string {
  return removed.deleteMarker && versionId === undefined
    ? 's3:ObjectRemoved:DeleteMarkerCreated'
    : 's3:ObjectRemoved:Delete';
}
