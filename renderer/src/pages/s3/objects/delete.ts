/** Deleting objects as the console does: DeleteObjects in batches of 1,000, folders by prefix. */
import type { ObjectIdentifier } from '@aws-sdk/client-s3';
import { aws } from '../../../lib/api';

export interface DeleteOutcome {
  deleted: number;
  errors: string[];
}

export async function deleteKeys(
  bucket: string,
  region: string,
  objects: ObjectIdentifier[],
): Promise<DeleteOutcome> {
  const outcome: DeleteOutcome = { deleted: 0, errors: [] };
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000);
    const out = await aws('s3', 'DeleteObjects', region, {
      Bucket: bucket,
      Delete: { Objects: batch, Quiet: false },
    });
    outcome.deleted += out.Deleted?.length ?? 0;
    for (const err of out.Errors ?? [])
      outcome.errors.push(`${err.Key}: ${err.Code} ${err.Message ?? ''}`.trim());
  }
  return outcome;
}

/** Every current object under a prefix (what deleting a folder deletes when versions are hidden). */
export async function keysUnder(bucket: string, region: string, prefix: string): Promise<ObjectIdentifier[]> {
  const keys: ObjectIdentifier[] = [];
  let token: string | undefined;
  do {
    const out = await aws('s3', 'ListObjectsV2', region, {
      Bucket: bucket,
      Prefix: prefix,
      ContinuationToken: token,
    });
    for (const o of out.Contents ?? []) keys.push({ Key: o.Key! });
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Every version and delete marker under a prefix. */
export async function versionsUnder(
  bucket: string,
  region: string,
  prefix: string,
): Promise<ObjectIdentifier[]> {
  const keys: ObjectIdentifier[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const out = await aws('s3', 'ListObjectVersions', region, {
      Bucket: bucket,
      Prefix: prefix,
      KeyMarker: keyMarker,
      VersionIdMarker: versionMarker,
    });
    for (const v of [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])])
      keys.push({ Key: v.Key!, VersionId: v.VersionId });
    if (!out.IsTruncated) break;
    keyMarker = out.NextKeyMarker;
    versionMarker = out.NextVersionIdMarker;
  }
  return keys;
}

/** Empty a bucket (or everything under a prefix): every version if versions are listed, else every object. */
export async function deleteEverything(bucket: string, region: string, prefix: string): Promise<number> {
  let objects: ObjectIdentifier[];
  try {
    objects = await versionsUnder(bucket, region, prefix);
  } catch {
    objects = await keysUnder(bucket, region, prefix);
  }
  const outcome = await deleteKeys(bucket, region, objects);
  if (outcome.errors.length) throw new Error(`Some objects were not deleted: ${outcome.errors.join('; ')}`);
  return outcome.deleted;
}
