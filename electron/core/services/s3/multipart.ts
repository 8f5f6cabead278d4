/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts, ListMultipartUploads. Parts stream into the blob store like
 * PutObject bodies; completing an upload streams the parts, in order, into one blob — the
 * object's body, which GetObject (ranges included) serves like any other.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { OperationContext } from '../../service';
import { s3Runtime, type BodySource, type StoredBody } from './bodies';
import { findBucket, owner } from './buckets';
import { errors } from './errors';
import { checkCopyConditions, parseCopySource } from './copy';
import { objectEvent } from './notifications';
import { checkKey, expectedMd5, objectOptions, storedAttributes } from './objects';
import {
  checksumFields,
  checksumMember,
  combineFullObject,
  compositeChecksum,
  multipartChecksumType,
  type ChecksumAlgorithm,
  type Checksums,
} from './checksums';
import type { PartRow, StoredChecksum, UploadRow } from './schema';
import { checkReadable } from './restore';
import { findVersion, writeObject } from './versions';

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
  const options = objectOptions(ctx, bucket, key, input, 's3:PutObject');
  const checksum = multipartChecksumType(input.ChecksumAlgorithm, input.ChecksumType);
  const uploadId = randomBytes(48).toString('base64url');
  await ctx.cloud.store.write((tx) => {
    if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
      throw errors.noSuchBucket(bucket.name);
    tx.run(
      `INSERT INTO s3_uploads
        (upload_id, bucket, key, account_id, initiated, content_type, headers, metadata, storage_class, tags, acl,
         checksum)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        uploadId,
        bucket.name,
        key,
        ctx.principal.accountId,
        ctx.cloud.clock.now(),
        input.ContentType || 'binary/octet-stream',
        JSON.stringify(headers),
        JSON.stringify(metadata),
        options.storage_class,
        options.tags,
        options.acl,
        JSON.stringify(checksum),
      ],
    );
  });
  return {
    Bucket: bucket.name,
    Key: key,
    UploadId: uploadId,
    ServerSideEncryption: 'AES256',
    ...(checksum.requested ? { ChecksumAlgorithm: checksum.algorithm, ChecksumType: checksum.type } : {}),
  };
}

function checkPartNumber(partNumber: number | undefined): number {
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
  return partNumber;
}

/** Record a stored body as part `partNumber` of the upload, replacing any earlier one. */
async function savePart(
  ctx: OperationContext,
  upload: UploadRow,
  partNumber: number,
  body: StoredBody,
  now: number,
): Promise<void> {
  const rt = s3Runtime(ctx.cloud);
  const replaced = await ctx.cloud.store
    .write((tx) => {
      if (!tx.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]))
        throw errors.noSuchUpload(upload.upload_id);
      const old = tx.get<{ blob: string }>(
        'SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?',
        [upload.upload_id, partNumber],
      );
      tx.run(
        `INSERT OR REPLACE INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified, checksums)
        VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [upload.upload_id, partNumber, body.hash, body.size, body.md5, now, JSON.stringify(body.checksums)],
      );
      return old?.blob;
    })
    .catch((err: unknown) => {
      rt.release([body.hash]);
      throw err;
    });
  if (replaced && replaced !== body.hash) rt.release([replaced]);
}

export async function uploadPart(
  ctx: OperationContext,
  input: S3.UploadPartRequest,
): Promise<S3.UploadPartOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const partNumber = checkPartNumber(input.PartNumber);
  const md5 = expectedMd5(input.ContentMD5);
  const rt = s3Runtime(ctx.cloud);
  const plan = uploadChecksum(upload);
  const body = await rt.put(input.Body as BodySource, { checksum: input, compute: computed(plan) });
  if (md5 !== undefined && md5 !== body.md5) {
    rt.release([body.hash]);
    throw errors.badDigest();
  }
  await savePart(ctx, upload, partNumber, body, ctx.cloud.clock.now());
  const value = body.checksums[plan.algorithm]!;
  return {
    ETag: `"${body.md5}"`,
    ServerSideEncryption: 'AES256',
    ...(plan.requested ? { [checksumMember(plan.algorithm)]: value } : {}),
  };
}

/** `bytes=first-last` of x-amz-copy-source-range, checked against the source's size. */
function copyRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1]))
    throw errors.invalidArgument(
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      'x-amz-copy-source-range',
      header,
    );
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end >= size)
    throw errors.invalidArgument(
      `Range specified is not valid for source object of size: ${size}`,
      'x-amz-copy-source-range',
      header,
    );
  return { start, end };
}

/** UploadPartCopy: a part whose bytes are (a range of) an existing object. */
export async function uploadPartCopy(
  ctx: OperationContext,
  input: S3.UploadPartCopyRequest,
): Promise<S3.UploadPartCopyOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const upload = findUpload(ctx, bucket.name, key, input.UploadId);
  const partNumber = checkPartNumber(input.PartNumber);
  const source = parseCopySource(input.CopySource);
  const sourceBucket = findBucket(ctx, source.bucket);
  const src = findVersion(ctx.cloud.store, sourceBucket.name, checkKey(source.key), source.versionId);
  checkReadable(src, ctx.cloud.clock.now());
  checkCopyConditions(src, input);
  const range = copyRange(input.CopySourceRange, src.size);
  const rt = s3Runtime(ctx.cloud);
  const body = await rt.put(src.size === 0 ? undefined : rt.read(src.blob, range), {
    compute: computed(uploadChecksum(upload)),
  });
  const now = ctx.cloud.clock.now();
  await savePart(ctx, upload, partNumber, body, now);
  return {
    CopyPartResult: { ETag: `"${body.md5}"`, LastModified: new Date(now) },
    ServerSideEncryption: 'AES256',
    ...(source.versionId !== undefined || src.version_id !== 'null'
      ? { CopySourceVersionId: src.version_id }
      : {}),
  };
}

/** The upload's checksum algorithm and type (uploads made before checksums: S3's default). */
function uploadChecksum(upload: UploadRow): ReturnType<typeof multipartChecksumType> {
  return upload.checksum
    ? (JSON.parse(upload.checksum) as ReturnType<typeof multipartChecksumType>)
    : multipartChecksumType(undefined, undefined);
}

/** An upload computes its checksum algorithm only when it was asked for one (see bodies.ts). */
function computed(plan: ReturnType<typeof multipartChecksumType>): ChecksumAlgorithm[] {
  return plan.requested ? [plan.algorithm] : [];
}

/**
 * The completed object's checksum: FULL_OBJECT is the CRC of the whole body, combined from the
 * parts'; COMPOSITE is the checksum of the parts' checksums, with `-N`.
 */
function objectChecksum(
  plan: ReturnType<typeof multipartChecksumType>,
  parts: PartRow[],
): StoredChecksum | undefined {
  if (!plan.requested) return undefined;
  const values = parts.map(
    (p) => (p.checksums ? (JSON.parse(p.checksums) as Checksums) : {})[plan.algorithm],
  );
  if (values.some((v) => v === undefined)) return undefined;
  // FULL_OBJECT types are CRCs, which combine from the parts' without reading the bytes again.
  if (plan.type === 'FULL_OBJECT')
    return {
      algorithm: plan.algorithm,
      type: 'FULL_OBJECT',
      value: combineFullObject(
        plan.algorithm,
        parts.map((p, i) => ({ checksum: values[i]!, size: p.size })),
      ),
    };
  return {
    algorithm: plan.algorithm,
    type: 'COMPOSITE',
    value: compositeChecksum(plan.algorithm, values as string[]),
  };
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
  const plan = uploadChecksum(upload);
  const body = await rt.assemble(parts);
  const checksum = objectChecksum(plan, parts);
  const { written, partBlobs } = await ctx.cloud.store
    .write((tx) => {
      if (!tx.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]))
        throw errors.noSuchUpload(upload.upload_id);
      if (!tx.get('SELECT 1 AS x FROM s3_buckets WHERE name = ?', [bucket.name]))
        throw errors.noSuchBucket(bucket.name);
      const all = tx.all<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ?', [
        upload.upload_id,
      ]);
      const written = writeObject(tx, ctx.cloud.ids, bucket.name, key, {
        blob: body.hash,
        size: body.size,
        etag,
        last_modified: ctx.cloud.clock.now(),
        content_type: upload.content_type,
        headers: upload.headers,
        metadata: upload.metadata,
        storage_class: upload.storage_class,
        tags: upload.tags,
        acl: upload.acl,
        checksums: checksum ? JSON.stringify(checksum) : null,
      });
      tx.run('DELETE FROM s3_parts WHERE upload_id = ?', [upload.upload_id]);
      tx.run('DELETE FROM s3_uploads WHERE upload_id = ?', [upload.upload_id]);
      return { written, partBlobs: all.map((p) => p.blob) };
    })
    .catch((err: unknown) => {
      rt.release([body.hash]);
      throw err;
    });
  rt.release([...partBlobs, ...written.released].filter((b) => b !== body.hash));
  objectEvent(ctx, bucket, 's3:ObjectCreated:CompleteMultipartUpload', {
    key,
    size: body.size,
    eTag: etag,
    ...(written.versionId !== undefined ? { versionId: written.versionId } : {}),
  });
  return {
    Location: `/${bucket.name}/${key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: bucket.name,
    Key: key,
    ETag: `"${etag}"`,
    ServerSideEncryption: 'AES256',
    ...(checksum ? checksumFields(checksum.algorithm, checksum.value, checksum.type) : {}),
    ...(written.versionId !== undefined ? { VersionId: written.versionId } : {}),
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
  // With a delimiter, keys sharing a part up to it roll up into one common prefix.
  const delimiter = input.Delimiter ?? '';
  const page: UploadRow[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let lastKey: string | undefined;
  let lastUpload: string | undefined;
  for (const u of rows) {
    const at = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
    const common = at >= 0 ? u.key.slice(0, at + delimiter.length) : undefined;
    if (common !== undefined && (common === prefixes[prefixes.length - 1] || common === keyMarker)) continue;
    if (page.length + prefixes.length >= max) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      lastKey = common;
      lastUpload = undefined;
    } else {
      page.push(u);
      lastKey = u.key;
      lastUpload = u.upload_id;
    }
  }
  return {
    Bucket: bucket.name,
    KeyMarker: keyMarker,
    UploadIdMarker: input.UploadIdMarker ?? '',
    ...(truncated && lastKey !== undefined
      ? { NextKeyMarker: lastKey, ...(lastUpload ? { NextUploadIdMarker: lastUpload } : {}) }
      : {}),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
    ...(delimiter ? { Delimiter: delimiter } : {}),
    MaxUploads: max,
    IsTruncated: truncated,
    ...(prefixes.length > 0 ? { CommonPrefixes: prefixes.map((p) => ({ Prefix: p })) } : {}),
    Uploads: page.map((u) => {
      const who = owner(u.account_id);
      return {
        UploadId: u.upload_id,
        Key: u.key,
        Initiated: new Date(u.initiated),
        StorageClass: u.storage_class as S3.StorageClass,
        Owner: who,
        Initiator: { ID: who.ID, DisplayName: who.DisplayName },
      };
    }),
  };
}
