/** The breadcrumbs of the S3 console's pages: "Amazon S3 › Buckets › bucket › folder/ › …". */
import { router } from '../../lib/router.svelte';
import { serviceCrumbs } from '../../lib/crumbs';

export const s3Crumbs = serviceCrumbs('Amazon S3', '/s3');

/**
 * Links inside a bucket: its tabs, a folder (prefix) of its objects, an object's page, the upload
 * page, the Create / Edit event notification pages.
 */
export const s3Links = {
  buckets: () => router.href('/s3/buckets'),
  create: () => router.href('/s3/create-bucket'),
  bucket: (bucket: string, query: Record<string, string> = {}) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}`, query),
  folder: (bucket: string, prefix: string) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}`, prefix ? { prefix } : {}),
  object: (bucket: string, key: string, versionId?: string) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}/object`, {
      key,
      ...(versionId ? { versionId } : {}),
    }),
  createNotification: (bucket: string) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}/notifications/create`),
  editNotification: (bucket: string, id: string) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}/notifications/edit`, { id }),
  upload: (bucket: string, prefix: string) =>
    router.href(`/s3/buckets/${encodeURIComponent(bucket)}/upload`, prefix ? { prefix } : {}),
};

/** The crumbs of a place inside a bucket: the bucket, then each folder of the prefix. */
export function folderCrumbs(bucket: string, prefix: string): Array<[string, string]> {
  const steps: Array<[string, string]> = [[bucket, s3Links.folder(bucket, '')]];
  const parts = prefix.split('/').filter(Boolean);
  parts.forEach((part, i) =>
    steps.push([`${part}/`, s3Links.folder(bucket, `${parts.slice(0, i + 1).join('/')}/`)]),
  );
  return steps;
}
