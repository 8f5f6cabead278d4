/**
 * RestoreObject: a temporary readable copy of an archived (GLACIER, DEEP_ARCHIVE) version. The
 * restore finishes after its retrieval tier's time on the simulated clock and lasts the days
 * asked for (to midnight UTC); both are worked out from the stored request when the object is
 * read, so nothing needs a timer.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { findBucket } from './buckets';
import { errors } from './errors';
import { checkKey } from './objects';
import type { ObjectRow } from './schema';
import { findVersion, updateVersion } from './versions';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long a retrieval takes (the middle of AWS's published ranges). */
const RETRIEVAL_MS: Record<string, Partial<Record<string, number>>> = {
  GLACIER: { Expedited: 3 * MINUTE, Standard: 4 * HOUR, Bulk: 8 * HOUR },
  DEEP_ARCHIVE: { Standard: 12 * HOUR, Bulk: 48 * HOUR },
};

/** Classes whose objects must be restored before they can be read. */
export const ARCHIVE_CLASSES = new Set<string>(['GLACIER', 'DEEP_ARCHIVE']);

export interface RestoreState {
  /** When the restored copy is readable. */
  readyAt: number;
  /** Days the copy lasts, counted from when it is ready. */
  days: number;
}

/** When a restored copy expires: `days` after it was ready, at the following midnight UTC. */
function expiresAt(state: RestoreState): number {
  return Math.ceil((state.readyAt + state.days * DAY) / DAY) * DAY;
}

/** Can the version's bytes be read now: not archived, or restored and not yet expired? */
export function readableNow(row: Pick<ObjectRow, 'storage_class' | 'restore'>, now: number): boolean {
  if (!ARCHIVE_CLASSES.has(row.storage_class)) return true;
  if (!row.restore) return false;
  const state = JSON.parse(row.restore) as RestoreState;
  return state.readyAt <= now && now < expiresAt(state);
}

/** GetObject, copy sources: an archived version that is not restored is InvalidObjectState. */
export function checkReadable(row: Pick<ObjectRow, 'storage_class' | 'restore'>, now: number): void {
  if (!readableNow(row, now)) throw errors.invalidObjectState(row.storage_class);
}

/** The `x-amz-restore` header HEAD and GET answer with, if a restore was asked for. */
export function restoreHeader(row: Pick<ObjectRow, 'restore'>, now: number): string | undefined {
  if (!row.restore) return undefined;
  const state = JSON.parse(row.restore) as RestoreState;
  if (now < state.readyAt) return 'ongoing-request="true"';
  const expiry = expiresAt(state);
  if (now >= expiry) return undefined;
  return `ongoing-request="false", expiry-date="${new Date(expiry).toUTCString()}"`;
}

export async function restoreObject(
  ctx: OperationContext,
  input: S3.RestoreObjectRequest,
): Promise<S3.RestoreObjectOutput & { $status: number }> {
  const bucket = findBucket(ctx, input.Bucket);
  const row = findVersion(ctx.cloud.store, bucket.name, checkKey(input.Key), input.VersionId);
  if (!ARCHIVE_CLASSES.has(row.storage_class))
    throw new AwsError(
      'InvalidObjectState',
      "Restore is not allowed for the object's current storage class",
      {
        status: 403,
        fields: { StorageClass: row.storage_class },
      },
    );
  const request = input.RestoreRequest;
  const days = request?.Days;
  if (days === undefined || !Number.isInteger(days) || days < 1) throw errors.malformedXml();
  const tier = request?.GlacierJobParameters?.Tier ?? request?.Tier ?? 'Standard';
  const delay = RETRIEVAL_MS[row.storage_class]?.[tier];
  if (delay === undefined)
    throw errors.invalidArgument(
      `The ${tier} retrieval tier is not supported for the ${row.storage_class} storage class`,
      'Tier',
      tier,
    );
  const now = ctx.cloud.clock.now();
  const current = row.restore ? (JSON.parse(row.restore) as RestoreState) : undefined;
  if (current && now < current.readyAt)
    throw new AwsError('RestoreAlreadyInProgress', 'Object restore is already in progress', { status: 409 });
  // A copy that is already restored gets its expiry moved (200); otherwise a new restore starts (202).
  const restored = current !== undefined && now < expiresAt(current);
  const state: RestoreState = restored ? { readyAt: now, days } : { readyAt: now + delay, days };
  await ctx.cloud.store.write((tx) => updateVersion(tx, row, { restore: JSON.stringify(state) }));
  return { $status: restored ? 200 : 202 };
}
