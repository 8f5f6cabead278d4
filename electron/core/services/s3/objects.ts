/** Objects: PutObject, GetObject, HeadObject, DeleteObject. */
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Body } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { s3Runtime, type BodySource } from './bodies';
import { findBucket } from './buckets';
import { errors } from './errors';
import type { ObjectRow, StoredHeaders } from './schema';

const MAX_KEY_BYTES = 1024;

export function checkKey(key: string | undefined): string {
  const k = key ?? '';
  const size = Buffer.byteLength(k, 'utf8');
  if (size > MAX_KEY_BYTES) throw errors.keyTooLong(size);
  return k;
}

function findObject(ctx: OperationContext, bucket: string, key: string): ObjectRow {
  const row = ctx.cloud.store.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?', [
    bucket,
    key,
  ]);
  if (!row) throw errors.noSuchKey(key);
  return row;
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
  'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage' | 'Expires' | 'Metadata'
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

export async function putObject(
  ctx: OperationContext,
  input: S3.PutObjectRequest,
): Promise<S3.PutObjectOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const md5 = expectedMd5(input.ContentMD5);
  const rt = s3Runtime(ctx.cloud);
  const body = await rt.put(input.Body as BodySource);
  if (md5 !== undefined && md5 !== body.md5) throw errors.badDigest();
  const { headers, metadata } = storedAttributes(input);
  const replaced = await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    const old = tx.get<{ blob: string }>('SELECT blob FROM s3_objects WHERE bucket = ? AND key = ?', [
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
        body.hash,
        body.size,
        body.md5,
        ctx.cloud.clock.now(),
        input.ContentType || 'binary/octet-stream',
        JSON.stringify(headers),
        JSON.stringify(metadata),
      ],
    );
    return old?.blob;
  });
  if (replaced && replaced !== body.hash) rt.release([replaced]);
  return { ETag: `"${body.md5}"`, ServerSideEncryption: 'AES256' };
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
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
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

function describe(row: ObjectRow): S3.HeadObjectOutput {
  const h = JSON.parse(row.headers) as StoredHeaders;
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
    ServerSideEncryption: 'AES256',
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
): { row: ObjectRow; out: S3.HeadObjectOutput; range?: { start: number; end: number } } {
  const bucket = findBucket(ctx, input.Bucket);
  const row = findObject(ctx, bucket.name, checkKey(input.Key));
  checkConditions(row, input);
  const range = parseRange(input.Range, row.size);
  const out = describe(row);
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${row.size}`;
  }
  applyOverrides(out, input);
  return { row, out, range };
}

/** Bodies up to this size are answered as bytes; larger ones stream from the blob store. */
const INLINE_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Large bodies stream from the blob store to the wire. Small ones are bytes, which every caller
 * can carry (the console's IPC, the instances' `aws`, which does not read streams yet).
 */
export async function getObject(
  ctx: OperationContext,
  input: S3.GetObjectRequest,
): Promise<S3Body<S3.GetObjectOutput>> {
  const { row, out, range } = read(ctx, input);
  const length = out.ContentLength ?? row.size;
  if (length === 0) return { ...out, Body: new Uint8Array(0) };
  const stream = s3Runtime(ctx.cloud).read(row.blob, range);
  if (length > INLINE_BODY_BYTES) return { ...out, Body: stream };
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { ...out, Body: new Uint8Array(Buffer.concat(chunks)) };
}

export function headObject(ctx: OperationContext, input: S3.HeadObjectRequest): S3.HeadObjectOutput {
  return read(ctx, input).out;
}

export async function deleteObject(
  ctx: OperationContext,
  input: S3.DeleteObjectRequest,
): Promise<S3.DeleteObjectOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const removed = await ctx.cloud.store.write((tx) => {
    const old = tx.get<{ blob: string }>('SELECT blob FROM s3_objects WHERE bucket = ? AND key = ?', [
      bucket.name,
      key,
    ]);
    if (old) tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ?', [bucket.name, key]);
    return old?.blob;
  });
  if (removed) s3Runtime(ctx.cloud).release([removed]);
  return {};
}
