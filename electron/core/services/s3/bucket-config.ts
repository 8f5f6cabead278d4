/**
 * A bucket's configuration subresources (versioning, tagging, policy, public access block, ACL,
 * CORS, website, lifecycle, notifications), one row per kind in `s3_bucket_config`, each kept as
 * the SDK's own shape in JSON. One place to read and write them keeps every subresource's
 * storage alike, and lets the website host, lifecycle and notifications read what Put* stored.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Store, Tx } from '../../kernel/store';
import { cachedRead, forgetBuckets } from './bucket-cache';

/** What each kind holds: the configuration exactly as the Put* operation was given it. */
export interface BucketConfigKinds {
  versioning: { Status: 'Enabled' | 'Suspended'; MFADelete?: 'Enabled' | 'Disabled' };
  tagging: S3.Tag[];
  /** The policy document as sent (its text is returned unchanged by GetBucketPolicy). */
  policy: string;
  publicAccessBlock: S3.PublicAccessBlockConfiguration;
  acl: S3.AccessControlPolicy;
  cors: S3.CORSRule[];
  website: S3.WebsiteConfiguration;
  lifecycle: S3.LifecycleRule[];
  notification: S3.NotificationConfiguration;
  ownership: S3.OwnershipControls;
}

export type BucketConfigKind = keyof BucketConfigKinds;

type Reader = Pick<Store, 'get'> | Pick<Tx, 'get'>;

export function readBucketConfig<K extends BucketConfigKind>(
  db: Reader,
  bucket: string,
  kind: K,
): BucketConfigKinds[K] | undefined {
  // The JSON text is what is kept (bucket-cache.ts): each caller parses its own copy.
  const text = cachedRead(
    db,
    `config\0${bucket}\0${kind}`,
    (d) =>
      d.get<{ value: string }>('SELECT value FROM s3_bucket_config WHERE bucket = ? AND kind = ?', [
        bucket,
        kind,
      ])?.value,
    (value) => value,
  );
  return text !== undefined ? (JSON.parse(text) as BucketConfigKinds[K]) : undefined;
}

export function writeBucketConfig<K extends BucketConfigKind>(
  tx: Tx,
  bucket: string,
  kind: K,
  value: BucketConfigKinds[K],
): void {
  forgetBuckets();
  tx.run(
    `INSERT INTO s3_bucket_config (bucket, kind, value) VALUES (?, ?, ?)
     ON CONFLICT (bucket, kind) DO UPDATE SET value = excluded.value`,
    [bucket, kind, JSON.stringify(value)],
  );
}

export function deleteBucketConfig(tx: Tx, bucket: string, kind: BucketConfigKind): void {
  forgetBuckets();
  tx.run('DELETE FROM s3_bucket_config WHERE bucket = ? AND kind = ?', [bucket, kind]);
}

/** Everything a bucket was configured with goes when the bucket does. */
export function deleteAllBucketConfig(tx: Tx, bucket: string): void {
  forgetBuckets();
  tx.run('DELETE FROM s3_bucket_config WHERE bucket = ?', [bucket]);
}
