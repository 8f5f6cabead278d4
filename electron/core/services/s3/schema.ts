/** S3's tables: buckets (one global namespace) and the current object of each key. */
import type { Migration } from '../../kernel/store';
import type { ChecksumAlgorithm, ChecksumType } from './checksums';

export const s3Migrations: Migration[] = [
  {
    id: 's3/001-buckets-objects',
    up(tx) {
      tx.run(`CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`);
      tx.run('CREATE INDEX s3_buckets_account ON s3_buckets (account_id, name)');
      // Keys compare as bytes (SQLite's BINARY collation on UTF-8): S3's listing order.
      tx.run(`CREATE TABLE s3_objects (
        bucket TEXT NOT NULL REFERENCES s3_buckets (name),
        key TEXT NOT NULL,
        blob TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      )`);
      tx.run('CREATE INDEX s3_objects_blob ON s3_objects (blob)');
    },
  },
  {
    id: 's3/002-multipart-uploads',
    up(tx) {
      // An upload in progress: what CreateMultipartUpload was given for the object to be.
      tx.run(`CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        account_id TEXT NOT NULL,
        initiated INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL
      )`);
      tx.run('CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, initiated)');
      tx.run(`CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        blob TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      )`);
      tx.run('CREATE INDEX s3_parts_blob ON s3_parts (blob)');
    },
  },
  {
    id: 's3/003-bucket-config',
    up(tx) {
      // One row per configured subresource of a bucket (see bucket-config.ts).
      tx.run(`CREATE TABLE s3_bucket_config (
        bucket TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (bucket, kind)
      )`);
    },
  },
  {
    id: 's3/004-versions',
    up(tx) {
      // The current object of a key keeps its row in s3_objects (what listings read); with
      // versioning, older versions and delete markers live in s3_versions. A key's newest entry
      // across both tables (highest seq) is its latest version; s3_objects holds it unless it is
      // a delete marker.
      for (const table of ['s3_objects', 's3_uploads']) {
        tx.run(`ALTER TABLE ${table} ADD COLUMN storage_class TEXT NOT NULL DEFAULT 'STANDARD'`);
        tx.run(`ALTER TABLE ${table} ADD COLUMN tags TEXT`);
        tx.run(`ALTER TABLE ${table} ADD COLUMN acl TEXT`);
      }
      tx.run(`ALTER TABLE s3_objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null'`);
      tx.run('ALTER TABLE s3_objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0');
      tx.run('ALTER TABLE s3_objects ADD COLUMN checksums TEXT');
      // The upload's checksum algorithm and type, and each part's checksums (JSON).
      tx.run('ALTER TABLE s3_uploads ADD COLUMN checksum TEXT');
      tx.run('ALTER TABLE s3_parts ADD COLUMN checksums TEXT');
      tx.run(`CREATE TABLE s3_versions (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        delete_marker INTEGER NOT NULL,
        blob TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        tags TEXT,
        acl TEXT,
        checksums TEXT,
        PRIMARY KEY (bucket, key, version_id)
      )`);
      tx.run('CREATE INDEX s3_versions_seq ON s3_versions (bucket, key, seq)');
      tx.run('CREATE INDEX s3_versions_blob ON s3_versions (blob)');
    },
  },
  {
    id: 's3/005-restore',
    up(tx) {
      // A restore of an archived (GLACIER, DEEP_ARCHIVE) version: JSON RestoreState.
      tx.run('ALTER TABLE s3_objects ADD COLUMN restore TEXT');
      tx.run('ALTER TABLE s3_versions ADD COLUMN restore TEXT');
    },
  },
  {
    id: 's3/006-small-bodies',
    up(tx) {
      // Bodies of up to INLINE_BODY_LIMIT bytes live here rather than in a file each (bodies.ts).
      tx.run('CREATE TABLE s3_bodies (hash TEXT PRIMARY KEY, data BLOB NOT NULL)');
    },
  },
];

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  account_id: string;
  initiated: number;
  content_type: string;
  /** JSON: StoredHeaders. */
  headers: string;
  /** JSON: user metadata, names in lower case. */
  metadata: string;
  storage_class: string;
  tags: string | null;
  acl: string | null;
  /** JSON: the upload's checksum algorithm and type ({algorithm, type, requested}). */
  checksum: string | null;
}

/** An object's checksum as stored: the algorithm, FULL_OBJECT or COMPOSITE (`…-N`), the value. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
  value: string;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  blob: string;
  size: number;
  /** Hex MD5 of the part, unquoted. */
  etag: string;
  last_modified: number;
  /** JSON: Checksums of the part (base64 by algorithm). */
  checksums: string | null;
}

export interface BucketRow {
  name: string;
  account_id: string;
  region: string;
  created_at: number;
}

export interface ObjectRow {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  etag: string;
  last_modified: number;
  content_type: string;
  /** JSON: CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, Expires (ms). */
  headers: string;
  /** JSON: user metadata (x-amz-meta-*), names in lower case. */
  metadata: string;
  storage_class: string;
  /** JSON: S3.Tag[], or null when the object has no tags. */
  tags: string | null;
  /** The canned ACL the object was given (null: private, the default). */
  acl: string | null;
  /** 'null' when the object was written while the bucket was unversioned or suspended. */
  version_id: string;
  /** Orders a key's versions: higher is newer. */
  seq: number;
  /** JSON: StoredChecksum, the object's flexible checksum. */
  checksums: string | null;
  /** JSON: RestoreState of an archived version being (or having been) restored. */
  restore: string | null;
}

/** A noncurrent version or a delete marker (s3_versions). */
export interface VersionRow extends ObjectRow {
  delete_marker: number;
}

export interface StoredHeaders {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: number;
  WebsiteRedirectLocation?: string;
}
