/** Listing: ListObjectsV2 (continuation tokens, StartAfter) and ListObjects (markers). */
import type * as S3 from '@aws-sdk/client-s3';
import type { OperationContext } from '../../service';
import { findBucket, owner } from './buckets';
import { errors } from './errors';

interface ListedRow {
  key: string;
  size: number;
  etag: string;
  last_modified: number;
}

interface Walk {
  contents: ListedRow[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned. */
  last?: string;
}

/**
 * Keys after `marker` under `prefix`, in byte order, with keys sharing a part up to the
 * delimiter rolled up into common prefixes; at most maxKeys entries (keys plus prefixes).
 */
function walk(
  ctx: OperationContext,
  bucket: string,
  prefix: string,
  delimiter: string,
  marker: string,
  maxKeys: number,
): Walk {
  const result: Walk = { contents: [], prefixes: [], truncated: false };
  const rows = ctx.cloud.store.all<ListedRow>(
    `SELECT key, size, etag, last_modified FROM s3_objects
      WHERE bucket = ? AND key > ? AND substr(key, 1, ?) = ? ORDER BY key`,
    [bucket, marker, prefix.length, prefix],
  );
  let lastPrefix: string | undefined;
  for (const row of rows) {
    let common: string | undefined;
    if (delimiter) {
      const at = row.key.indexOf(delimiter, prefix.length);
      if (at >= 0) common = row.key.slice(0, at + delimiter.length);
    }
    if (common !== undefined && (common === lastPrefix || common === marker)) continue;
    if (result.contents.length + result.prefixes.length >= maxKeys) {
      result.truncated = true;
      break;
    }
    if (common !== undefined) {
      result.prefixes.push(common);
      lastPrefix = common;
      result.last = common;
    } else {
      result.contents.push(row);
      result.last = row.key;
    }
  }
  return result;
}

function maxKeysOf(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (!Number.isInteger(value) || value < 0)
    throw errors.invalidArgument(
      'Argument maxKeys must be an integer between 0 and 2147483647',
      'maxKeys',
      String(value),
    );
  return Math.min(value, 1000);
}

function encoder(type: string | undefined): (s: string) => string {
  if (type === undefined) return (s) => s;
  if (type !== 'url')
    throw errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type);
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/');
}

function entry(row: ListedRow, encode: (s: string) => string, accountId?: string): S3._Object {
  return {
    Key: encode(row.key),
    LastModified: new Date(row.last_modified),
    ETag: `"${row.etag}"`,
    Size: row.size,
    ...(accountId ? { Owner: owner(accountId) } : {}),
    StorageClass: 'STANDARD',
  };
}

export function listObjectsV2(ctx: OperationContext, input: S3.ListObjectsV2Request): S3.ListObjectsV2Output {
  const bucket = findBucket(ctx, input.Bucket);
  const maxKeys = maxKeysOf(input.MaxKeys);
  const encode = encoder(input.EncodingType);
  let marker = input.StartAfter ?? '';
  if (input.ContinuationToken !== undefined) {
    const decoded = /^[A-Za-z0-9_-]+$/.test(input.ContinuationToken)
      ? Buffer.from(input.ContinuationToken, 'base64url').toString('utf8')
      : '';
    if (!decoded.startsWith('1/'))
      throw errors.invalidArgument(
        'The continuation token provided is incorrect',
        'continuation-token',
        input.ContinuationToken,
      );
    marker = decoded.slice(2);
  }
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter ?? '';
  const w = walk(ctx, bucket.name, prefix, delimiter, marker, maxKeys);
  const owned = input.FetchOwner ? bucket.account_id : undefined;
  return {
    IsTruncated: w.truncated,
    ...(w.contents.length > 0 ? { Contents: w.contents.map((r) => entry(r, encode, owned)) } : {}),
    ...listingFields(bucket.name, prefix, delimiter, input, w.prefixes, encode),
    KeyCount: w.contents.length + w.prefixes.length,
    ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
    ...(w.truncated && w.last !== undefined
      ? { NextContinuationToken: Buffer.from(`1/${w.last}`).toString('base64url') }
      : {}),
    ...(input.StartAfter !== undefined ? { StartAfter: encode(input.StartAfter) } : {}),
  };
}

export function listObjects(ctx: OperationContext, input: S3.ListObjectsRequest): S3.ListObjectsOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const maxKeys = maxKeysOf(input.MaxKeys);
  const encode = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter ?? '';
  const marker = input.Marker ?? '';
  const w = walk(ctx, bucket.name, prefix, delimiter, marker, maxKeys);
  return {
    IsTruncated: w.truncated,
    Marker: encode(marker),
    // S3 sends NextMarker only with a delimiter; without one, the last key is the next marker.
    ...(w.truncated && delimiter && w.last !== undefined ? { NextMarker: encode(w.last) } : {}),
    ...(w.contents.length > 0
      ? { Contents: w.contents.map((r) => entry(r, encode, bucket.account_id)) }
      : {}),
    ...listingFields(bucket.name, prefix, delimiter, input, w.prefixes, encode),
  };
}

/** What both listing versions answer alike: the bucket, the request's terms, the common prefixes. */
function listingFields(
  name: string,
  prefix: string,
  delimiter: string,
  input: { MaxKeys?: number; EncodingType?: S3.EncodingType },
  prefixes: string[],
  encode: (value: string) => string,
) {
  return {
    Name: name,
    Prefix: encode(prefix),
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: input.MaxKeys ?? 1000,
    ...(prefixes.length > 0 ? { CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })) } : {}),
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
  };
}
