/** S3's tables: buckets (one global namespace) and the current object of each key. */
import type { Migration } from '../../kernel/store';

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
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  blob: string;
  size: number;
  /** Hex MD5 of the part, unquoted. */
  etag: string;
  last_modified: number;
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
}

export interface StoredHeaders {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: number;
}
