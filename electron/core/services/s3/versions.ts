/**
 * Object versions: every write and delete of an object goes through here, so the bucket's
 * versioning state (unversioned, enabled, suspended) is applied in one place.
 *
 * A key's current object is its row in s3_objects (what listings read); older versions and
 * delete markers are rows in s3_versions. Its newest entry across both (highest seq) is the
 * latest version; s3_objects holds it unless it is a delete marker.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { Ids } from '../../kernel/ids';
import type { Store, Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { errors } from './errors';
import type { ObjectRow, VersionRow } from './schema';

export type VersioningState = 'Unversioned' | 'Enabled' | 'Suspended';

type Reader = Pick<Store, 'get'> | Pick<Tx, 'get'>;

export function versioningOf(db: Reader, bucket: string): VersioningState {
  return readBucketConfig(db, bucket, 'versioning')?.Status ?? 'Unversioned';
}

/** What a write stores: the object's columns apart from where it lives and which version it is. */
export type ObjectData = Omit<ObjectRow, 'bucket' | 'key' | 'version_id' | 'seq' | 'restore'>;

const COLUMNS =
  'bucket, key, version_id, seq, blob, size, etag, last_modified, content_type, headers, metadata, storage_class, tags, acl, checksums, restore';

function values(row: ObjectRow): (string | number | null)[] {
  return [
    row.bucket,
    row.key,
    row.version_id,
    row.seq,
    row.blob,
    row.size,
    row.etag,
    row.last_modified,
    row.content_type,
    row.headers,
    row.metadata,
    row.storage_class,
    row.tags,
    row.acl,
    row.checksums,
    row.restore,
  ];
}

function putCurrent(tx: Tx, row: ObjectRow): void {
  tx.run(
    `INSERT OR REPLACE INTO s3_objects (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    values(row),
  );
}

function putVersion(tx: Tx, row: ObjectRow, deleteMarker: boolean): void {
  tx.run(
    `INSERT OR REPLACE INTO s3_versions (${COLUMNS}, delete_marker)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [...values(row), deleteMarker ? 1 : 0],
  );
}

const VERSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** A version ID in S3's form: 32 characters of letters, digits, '.' and '_'. */
function newVersionId(tx: Tx, ids: Ids): string {
  const hex = ids.hex(tx, 's3-version', 64);
  let out = '';
  for (let i = 0; i < 32; i++) out += VERSION_ALPHABET[parseInt(hex.slice(i * 2, i * 2 + 2), 16) & 63];
  return out;
}

/** 'null' or a version ID this S3 could have made; anything else is InvalidArgument. */
export function checkVersionId(versionId: string): void {
  if (versionId !== 'null' && !/^[A-Za-z0-9._]{32}$/.test(versionId))
    throw errors.invalidVersionId(versionId);
}

function current(db: Reader, bucket: string, key: string): ObjectRow | undefined {
  return db.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?', [bucket, key]);
}

function newestVersion(db: Reader, bucket: string, key: string): VersionRow | undefined {
  return db.get<VersionRow>(
    'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1',
    [bucket, key],
  );
}

function nextSeq(tx: Tx, bucket: string, key: string, now: ObjectRow | undefined): number {
  const archived = tx.get<{ seq: number | null }>(
    'SELECT MAX(seq) AS seq FROM s3_versions WHERE bucket = ? AND key = ?',
    [bucket, key],
  );
  return Math.max(now?.seq ?? 0, archived?.seq ?? 0) + 1;
}

/** In a suspended bucket the null version is overwritten: drop it wherever it is. */
function dropNullVersion(tx: Tx, bucket: string, key: string, released: string[]): void {
  const old = tx.get<VersionRow>(
    "SELECT * FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = 'null'",
    [bucket, key],
  );
  if (!old) return;
  tx.run("DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = 'null'", [bucket, key]);
  if (!old.delete_marker) released.push(old.blob);
}

/**
 * The current object moves aside for a new latest version: kept as a noncurrent version, unless
 * it is the null version of a suspended bucket, which is overwritten.
 */
function setAside(tx: Tx, state: VersioningState, now: ObjectRow | undefined, released: string[]): void {
  if (!now) return;
  tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ?', [now.bucket, now.key]);
  if (state === 'Suspended' && now.version_id === 'null') released.push(now.blob);
  else putVersion(tx, now, false);
}

export interface Written {
  /** The version ID to answer with (absent in an unversioned bucket). */
  versionId?: string;
  /** Bodies no longer referred to by this key. */
  released: string[];
}

/** Make `data` the current object of `key`, as the bucket's versioning state says. */
export function writeObject(tx: Tx, ids: Ids, bucket: string, key: string, data: ObjectData): Written {
  const state = versioningOf(tx, bucket);
  const now = current(tx, bucket, key);
  if (state === 'Unversioned') {
    putCurrent(tx, { ...data, bucket, key, version_id: 'null', seq: (now?.seq ?? 0) + 1, restore: null });
    return { released: now && now.blob !== data.blob ? [now.blob] : [] };
  }
  const seq = nextSeq(tx, bucket, key, now);
  const released: string[] = [];
  setAside(tx, state, now, released);
  let versionId = 'null';
  if (state === 'Enabled') versionId = newVersionId(tx, ids);
  else dropNullVersion(tx, bucket, key, released);
  putCurrent(tx, { ...data, bucket, key, version_id: versionId, seq, restore: null });
  return { versionId, released: released.filter((b) => b !== data.blob) };
}

export interface Removed {
  versionId?: string;
  /** A delete marker was made, or the version removed was one. */
  deleteMarker?: boolean;
  released: string[];
}

/**
 * DeleteObject's semantics. Without a version ID: unversioned buckets lose the object; versioned
 * ones get a delete marker as the latest version. With one: that version goes for good, and the
 * next newest becomes current if it is an object.
 */
export function removeObject(
  tx: Tx,
  ids: Ids,
  bucket: string,
  key: string,
  versionId: string | undefined,
  at: number,
): Removed {
  const state = versioningOf(tx, bucket);
  const now = current(tx, bucket, key);
  if (versionId === undefined) {
    if (state === 'Unversioned') {
      if (now) tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ?', [bucket, key]);
      return { released: now ? [now.blob] : [] };
    }
    const seq = nextSeq(tx, bucket, key, now);
    const released: string[] = [];
    setAside(tx, state, now, released);
    let markerId = 'null';
    if (state === 'Enabled') markerId = newVersionId(tx, ids);
    else dropNullVersion(tx, bucket, key, released);
    putVersion(tx, deleteMarkerRow(bucket, key, markerId, seq, at), true);
    return { versionId: markerId, deleteMarker: true, released };
  }
  checkVersionId(versionId);
  if (now && now.version_id === versionId) {
    tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ?', [bucket, key]);
    promote(tx, bucket, key);
    return { versionId, released: [now.blob] };
  }
  const old = tx.get<VersionRow>(
    'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?',
    [bucket, key, versionId],
  );
  // Deleting a version that is not there succeeds, as on S3.
  if (!old) return { versionId, released: [] };
  tx.run('DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?', [bucket, key, versionId]);
  if (!now) promote(tx, bucket, key);
  return old.delete_marker
    ? { versionId, deleteMarker: true, released: [] }
    : { versionId, released: [old.blob] };
}

function deleteMarkerRow(bucket: string, key: string, versionId: string, seq: number, at: number): ObjectRow {
  return {
    bucket,
    key,
    version_id: versionId,
    seq,
    blob: '',
    size: 0,
    etag: '',
    last_modified: at,
    content_type: '',
    headers: '{}',
    metadata: '{}',
    storage_class: 'STANDARD',
    tags: null,
    acl: null,
    checksums: null,
    restore: null,
  };
}

/** With no current object, the newest version becomes current again if it is not a delete marker. */
function promote(tx: Tx, bucket: string, key: string): void {
  const top = newestVersion(tx, bucket, key);
  if (!top || top.delete_marker) return;
  tx.run('DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?', [
    bucket,
    key,
    top.version_id,
  ]);
  const { delete_marker: _marker, ...row } = top;
  putCurrent(tx, row);
}

/**
 * The object GET, HEAD, CopyObject's source and the *ObjectTagging operations read: the current
 * one, or the version asked for. A delete marker is NoSuchKey when latest, MethodNotAllowed when
 * asked for by ID.
 */
export function findVersion(
  db: Reader,
  bucket: string,
  key: string,
  versionId: string | undefined,
  method = 'GET',
): ObjectRow {
  if (versionId === undefined) {
    const now = current(db, bucket, key);
    if (now) return now;
    const top = newestVersion(db, bucket, key);
    throw errors.noSuchKey(key, top?.delete_marker ? top.version_id : undefined);
  }
  checkVersionId(versionId);
  const now = current(db, bucket, key);
  if (now && now.version_id === versionId) return now;
  const old = db.get<VersionRow>(
    'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?',
    [bucket, key, versionId],
  );
  if (!old) throw errors.noSuchVersion(key, versionId);
  if (old.delete_marker) throw errors.deleteMarkerMethod(method, versionId);
  return old;
}

/** Replace some columns of one stored version (tags, ACL) wherever it lives. */
export function updateVersion(
  tx: Tx,
  row: ObjectRow,
  changes: Partial<Pick<ObjectRow, 'tags' | 'acl' | 'storage_class' | 'restore'>>,
): void {
  const entries = Object.entries(changes);
  if (entries.length === 0) return;
  const set = entries.map(([k]) => `${k} = ?`).join(', ');
  const params = [...entries.map(([, v]) => v as string | null), row.bucket, row.key, row.version_id];
  tx.run(`UPDATE s3_objects SET ${set} WHERE bucket = ? AND key = ? AND version_id = ?`, params);
  tx.run(`UPDATE s3_versions SET ${set} WHERE bucket = ? AND key = ? AND version_id = ?`, params);
}

/** PutBucketVersioning: Enabled or Suspended; a bucket never returns to unversioned. */
export async function putBucketVersioning(
  ctx: OperationContext,
  input: S3.PutBucketVersioningRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const status = input.VersioningConfiguration?.Status;
  if (status !== 'Enabled' && status !== 'Suspended') throw errors.malformedXml();
  const mfa = input.VersioningConfiguration?.MFADelete;
  if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') throw errors.malformedXml();
  if (mfa === 'Enabled' && !input.MFA)
    throw errors.invalidRequest(
      'DevPay and MFA delete are not supported on this bucket without the x-amz-mfa header.',
    );
  await ctx.cloud.store.write((tx) =>
    writeBucketConfig(tx, bucket.name, 'versioning', { Status: status, ...(mfa ? { MFADelete: mfa } : {}) }),
  );
  return {};
}

export function getBucketVersioning(
  ctx: OperationContext,
  input: S3.GetBucketVersioningRequest,
): S3.GetBucketVersioningOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const config = readBucketConfig(ctx.cloud.store, bucket.name, 'versioning');
  if (!config) return {};
  return { Status: config.Status, ...(config.MFADelete ? { MFADelete: config.MFADelete } : {}) };
}
