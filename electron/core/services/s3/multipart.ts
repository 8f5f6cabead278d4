/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts, ListMultipartUploads. Parts stream into the blob store like
 * PutObject bodies; completing an upload streams the parts, in order, into one blob — the
 * object's body, which GetObject (ranges included) serves like any other.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { OperationContext } from '../../service';
import { s3Runtime, type BodySource, type S3Runtime } from './bodies';
import { findBucket, owner } from './buckets';
import { errors } from './errors';
import { checkKey, expectedMd5, storedAttributes } from './objects';
import type { PartRow, UploadRow } from './schema';

/** Every part but the last must be at least this large. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10000;

function findUpload(
  ctx: OperationContext,
  bucket: string,
  key: string,
  uploadId: string | undefined,
): UploadRow {
  const row = uploadId
    ? ctx.cloud.store.get<UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = ?', [uploadId])
    : undefined;
  if (!row || row.bucket !== bucket || row.key !== key) throw errors.noSuchUpload(uploadId ?? '');
  return row;
}

const unquote = (etag: string | undefined) => (etag ?? '').trim().replace(/^"|"$/g, '');

export async function createMultipartUpload(
  ctx: OperationContext,
  input: S3.CreateMultipartUploadRequest,
): Promise<S3.CreateMultipartUploadOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const { headers, metadata } = storedAttributes(input);
  const uploadId = randomBytes(48).toString('base64url');
  await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    tx.run(
      `INSERT INTO s3_uploads
        (upload_id, bucket, key, account_id, initiated, content_type, headers, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        uploadId,
        bucket.name,
        key,
        ctx.principal.accountId,
        ctx.cloud.clock.now(),
        input.ContentType || 'binary/octet-stream',
        JSON.stringify(headers),
        JSON.stringify(metadata),
      ],
    );
  });
  return { Bucket: bucket.name, Key: key, UploadId: uploadId, ServerSideEncryption: 'AES256' };
}

export async function uploadPart(
  ctx: OperationContext,
  input: S3.UploadPartRequest,
): Promise<S3.UploadPartOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const partNumber = input.PartNumber;
  if (
    partNumber === undefined ||
    !Number.isInteger(partNumber) ||
    partNumber < 1 ||
    partNumber > MAX_PART_NUMBER
  ) {
    throw errors.invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      String(partNumber),
    );
  }
  const md5 = expectedMd5(input.ContentMD5);
  const rt = s3Runtime(ctx.cloud);
  const body = await rt.put(input.Body as BodySource);
  if (md5 !== undefined && md5 !== body.md5) {
    rt.release([body.hash]);
    throw errors.badDigest();
  }
  const replaced = await ctx.cloud.store
    .write((tx) => {
      if (!tx.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]))
        throw errors.noSuchUpload(upload.upload_id);
      const old = tx.get<{ blob: string }>(
        'SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?',
        [upload.upload_id, partNumber],
      );
      tx.run(
        `INSERT OR REPLACE INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified)
        VALUES (?, ?, ?, ?, ?, ?)`,
        [upload.upload_id, partNumber, body.hash, body.size, body.md5, ctx.cloud.clock.now()],
      );
      return old?.blob;
    })
    .catch((err: unknown) => {
      rt.release([body.hash]);
      throw err;
    });
  if (replaced && replaced !== body.hash) rt.release([replaced]);
  return { ETag: `"${body.md5}"`, ServerSideEncryption: 'AES256' };
}

async function* concatenate(rt: S3Runtime, parts: PartRow[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (part.size === 0) continue;
    for await (const chunk of rt.read(part.blob)) yield chunk as Buffer;
  }
}

export async function completeMultipartUpload(
  ctx: OperationContext,
  input: S3.CompleteMultipartUploadRequest,
): Promise<S3.CompleteMultipartUploadOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const listed = input.MultipartUpload?.Parts ?? [];
  if (listed.length === 0) throw errors.malformedXml();
  for (let i = 1; i < listed.length; i++) {
    if ((listed[i]!.PartNumber ?? 0) <= (listed[i - 1]!.PartNumber ?? 0))
      throw errors.invalidPartOrder(upload.upload_id);
  }
  const stored = new Map(
    ctx.cloud.store
      .all<PartRow>('SELECT * FROM s3_parts WHERE upload_id = ?', [upload.upload_id])
      .map((p) => [p.part_number, p]),
  );
  const parts: PartRow[] = [];
  for (const l of listed) {
    const part = l.PartNumber === undefined ? undefined : stored.get(l.PartNumber);
    if (!part || part.etag !== unquote(l.ETag))
      throw errors.invalidPart(upload.upload_id, l.PartNumber ?? 0, unquote(l.ETag));
    parts.push(part);
  }
  parts.forEach((part, i) => {
    if (i < parts.length - 1 && part.size < MIN_PART_SIZE)
      throw errors.entityTooSmall(part.size, MIN_PART_SIZE, part.part_number, part.etag);
  });
  const etag =
    createHash('md5')
      .update(Buffer.concat(parts.map((p) => Buffer.from(p.etag, 'hex'))))
      .digest('hex') + `-${parts.length}`;
  const rt = s3Runtime(ctx.cloud);
  const body = await rt.put(concatenate(rt, parts));
  const { replaced, partBlobs } = await ctx.cloud.store
    .write((tx) => {
      if (!tx.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]))
        throw errors.noSuchUpload(upload.upload_id);
      if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
        throw errors.noSuchBucket(bucket.name);
      const old = tx.get<{ blob: string }>('SELECT blob FROM s3_objects WHERE bucket = ? AND key = ?', [
        bucket.name,
        key,
      ]);
      const all = tx.all<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ?', [
        upload.upload_id,
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
          etag,
          ctx.cloud.clock.now(),
          upload.content_type,
          upload.headers,
          upload.metadata,
        ],
      );
      tx.run('DELETE FROM s3_parts WHERE upload_id = ?', [upload.upload_id]);
      tx.run('DELETE FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]);
      return { replaced: old?.blob, partBlobs: all.map((p) => p.blob) };
    })
    .catch((err: unknown) => {
      rt.release([body.hash]);
      throw err;
    });
  const released = partBlobs.filter((b) => b !== body.hash);
  if (replaced && replaced !== body.hash) released.push(replaced);
  rt.release(released);
  return {
    Location: `/${bucket.name}/${key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: bucket.name,
    Key: key,
    ETag: `"${etag}"`,
    ServerSideEncryption: 'AES256',
  };
}

export async function abortMultipartUpload(
  ctx: OperationContext,
  input: S3.AbortMultipartUploadRequest,
): Promise<S3.AbortMultipartUploadOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const blobs = await ctx.cloud.store.write((tx) => {
    const all = tx.all<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ?', [upload.upload_id]);
    tx.run('DELETE FROM s3_parts WHERE upload_id = ?', [upload.upload_id]);
    tx.run('DELETE FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]);
    return all.map((p) => p.blob);
  });
  s3Runtime(ctx.cloud).release(blobs);
  return {};
}

function limit(value: number | undefined, name: string): number {
  if (value === undefined) return 1000;
  if (!Number.isInteger(value) || value < 0)
    throw errors.invalidArgument(
      `Argument ${name} must be an integer between 0 and 2147483647`,
      name,
      String(value),
    );
  return Math.min(value, 1000);
}

export function listParts(ctx: OperationContext, input: S3.ListPartsRequest): S3.ListPartsOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const max = limit(input.MaxParts, 'max-parts');
  const marker = input.PartNumberMarker ? Number(input.PartNumberMarker) : 0;
  if (!Number.isInteger(marker) || marker < 0)
    throw errors.invalidArgument(
      'Provided part-number-marker not an integer or within integer range',
      'part-number-marker',
      String(input.PartNumberMarker),
    );
  const rows = ctx.cloud.store.all<PartRow>(
    'SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
    [upload.upload_id, marker, max + 1],
  );
  const page = rows.slice(0, max);
  const truncated = rows.length > max;
  const who = owner(upload.account_id);
  return {
    Bucket: bucket.name,
    Key: key,
    UploadId: upload.upload_id,
    PartNumberMarker: String(marker),
    ...(page.length > 0 ? { NextPartNumberMarker: String(page[page.length - 1]!.part_number) } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Parts: page.map((p) => ({
      PartNumber: p.part_number,
      LastModified: new Date(p.last_modified),
      ETag: `"${p.etag}"`,
      Size: p.size,
    })),
    Initiator: { ID: who.ID, DisplayName: who.DisplayName },
    Owner: who,
    StorageClass: 'STANDARD',
  };
}

export function listMultipartUploads(
  ctx: OperationContext,
  input: S3.ListMultipartUploadsRequest,
): S3.ListMultipartUploadsOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const max = limit(input.MaxUploads, 'max-uploads');
  const prefix = input.Prefix ?? '';
  const keyMarker = input.KeyMarker ?? '';
  let after: UploadRow | undefined;
  if (keyMarker && input.UploadIdMarker) {
    after = ctx.cloud.store.get<UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = ? AND bucket = ?', [
      input.UploadIdMarker,
      bucket.name,
    ]);
  }
  const rows = ctx.cloud.store
    .all<UploadRow>('SELECT * FROM s3_uploads WHERE bucket = ? ORDER BY key, initiated, upload_id', [
      bucket.name,
    ])
    .filter((u) => u.key.startsWith(prefix))
    .filter((u) => {
      if (!keyMarker) return true;
      if (u.key > keyMarker) return true;
      if (u.key < keyMarker || !after || after.key !== keyMarker) return false;
      return (
        u.initiated > after.initiated || (u.initiated === after.initiated && u.upload_id > after.upload_id)
      );
    });
  const page = rows.slice(0, max);
  const truncated = rows.length > max;
  const last = page[page.length - 1];
  return {
    Bucket: bucket.name,
    KeyMarker: keyMarker,
    UploadIdMarker: input.UploadIdMarker ?? '',
    ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.upload_id } : {}),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
    MaxUploads: max,
    IsTruncated: truncated,
    Uploads: page.map((u) => {
      const who = owner(u.account_id);
      return {
        UploadId: u.upload_id,
        Key: u.key,
        Initiated: new Date(u.initiated),
        StorageClass: 'STANDARD',
        Owner: who,
        Initiator: { ID: who.ID, DisplayName: who.DisplayName },
      };
    }),
  };
}
