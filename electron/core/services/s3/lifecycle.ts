/**
 * Lifecycle rules applied on the simulated clock. S3 evaluates rules once a day: an action is due
 * at the first midnight UTC after the object's age reaches the rule's days (or on the rule's
 * date), so a pass runs at every simulated midnight — advancing the clock by 30 days runs 30
 * passes, in order.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Cloud } from '../../cloud';
import { startsWith } from '../../kernel/sql-prefix';
import { readBucketConfig } from './bucket-config';
import { notifyObjectEvent } from './notifications';
import { bucketNamed } from './buckets';
import type { ObjectRow, UploadRow, VersionRow } from './schema';
import { tagsOf } from './tagging';
import { removeObject, updateVersion } from './versions';

const DAY = 24 * 60 * 60 * 1000;

/** The first midnight UTC at or after `at + days`: when S3 acts on an age of `days`. */
export function dueAt(at: number, days: number): number {
  return Math.ceil((at + days * DAY) / DAY) * DAY;
}

/** Whether a rule's filter (or its legacy top-level prefix) selects this object. */
export function ruleMatches(rule: S3.LifecycleRule, row: Pick<ObjectRow, 'key' | 'size' | 'tags'>): boolean {
  const f = rule.Filter;
  const prefix = f?.Prefix ?? f?.And?.Prefix ?? rule.Prefix ?? '';
  if (!row.key.startsWith(prefix)) return false;
  const wanted = [...(f?.Tag ? [f.Tag] : []), ...(f?.And?.Tags ?? [])];
  if (wanted.length > 0) {
    const tags = tagsOf(row.tags);
    if (!wanted.every((w) => tags.some((t) => t.Key === w.Key && t.Value === w.Value))) return false;
  }
  const greater = f?.ObjectSizeGreaterThan ?? f?.And?.ObjectSizeGreaterThan;
  const less = f?.ObjectSizeLessThan ?? f?.And?.ObjectSizeLessThan;
  if (greater !== undefined && !(row.size > greater)) return false;
  if (less !== undefined && !(row.size < less)) return false;
  return true;
}

/** Due by days (from `since`) or by date. */
function due(now: number, since: number, days: number | undefined, date: Date | string | undefined): boolean {
  if (days !== undefined) return dueAt(since, days) <= now;
  if (date !== undefined) return new Date(date).getTime() <= now;
  return false;
}

const CLASS_ORDER = [
  'STANDARD',
  'INTELLIGENT_TIERING',
  'STANDARD_IA',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
];

/** Transitions only go down the waterfall: an object never moves to a warmer class. */
function colder(from: string, to: string): boolean {
  return CLASS_ORDER.indexOf(to) > CLASS_ORDER.indexOf(from);
}

/** The coldest transition that is due, if any. */
function transitionFor(
  rule: S3.LifecycleRule,
  row: ObjectRow,
  now: number,
  since: number,
  noncurrent: boolean,
): string | undefined {
  let target: string | undefined;
  const list = noncurrent
    ? (rule.NoncurrentVersionTransitions ?? []).map((t) => ({
        days: t.NoncurrentDays,
        date: undefined,
        cls: t.StorageClass,
      }))
    : (rule.Transitions ?? []).map((t) => ({ days: t.Days, date: t.Date, cls: t.StorageClass }));
  for (const t of list) {
    if (!t.cls || !due(now, since, t.days, t.date)) continue;
    if (colder(target ?? row.storage_class, t.cls)) target = t.cls;
  }
  return target;
}

export interface LifecycleOutcome {
  expired: number;
  transitioned: number;
  aborted: number;
  /** Bodies no version or part refers to any more. */
  released: string[];
  /** What the bucket's event notifications hear of (LifecycleExpiration:*, LifecycleTransition). */
  events: {
    bucket: string;
    eventName: string;
    key: string;
    versionId?: string;
    size?: number;
    eTag?: string;
  }[];
}

/** One daily pass over every bucket with lifecycle rules, as of simulated time `now`. */
export async function runLifecycle(cloud: Cloud, now: number): Promise<LifecycleOutcome> {
  const outcome: LifecycleOutcome = { expired: 0, transitioned: 0, aborted: 0, released: [], events: [] };
  const buckets = cloud.store.all<{ bucket: string }>(
    "SELECT bucket FROM s3_bucket_config WHERE kind = 'lifecycle' ORDER BY bucket",
  );
  for (const { bucket } of buckets) {
    const rules = (readBucketConfig(cloud.store, bucket, 'lifecycle') ?? []).filter(
      (r) => r.Status === 'Enabled',
    );
    if (rules.length === 0) continue;
    await cloud.store.write((tx) => {
      for (const rule of rules) {
        const prefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
        const under = startsWith('key', prefix);
        const like = [bucket, ...under.params];
        // Current objects: transitions first, then expiration (which may make a delete marker).
        const current = tx.all<ObjectRow>(`SELECT * FROM s3_objects WHERE bucket = ? AND ${under.sql}`, like);
        for (const row of current) {
          if (!ruleMatches(rule, row)) continue;
          const target = transitionFor(rule, row, now, row.last_modified, false);
          if (target) {
            updateVersion(tx, row, { storage_class: target });
            outcome.transitioned++;
            outcome.events.push({
              bucket,
              eventName: 's3:LifecycleTransition',
              key: row.key,
              size: row.size,
              eTag: row.etag,
              ...(row.version_id !== 'null' ? { versionId: row.version_id } : {}),
            });
          }
          const e = rule.Expiration;
          if (e && due(now, row.last_modified, e.Days, e.Date)) {
            const r = removeObject(tx, cloud.ids, bucket, row.key, undefined, now);
            outcome.released.push(...r.released);
            outcome.expired++;
            outcome.events.push({
              bucket,
              eventName: r.deleteMarker
                ? 's3:LifecycleExpiration:DeleteMarkerCreated'
                : 's3:LifecycleExpiration:Delete',
              key: row.key,
              ...(r.versionId !== undefined ? { versionId: r.versionId } : {}),
            });
          }
        }
        // Noncurrent versions: their age counts from when a newer version replaced them.
        const older = tx.all<VersionRow & { became: number }>(
          `SELECT v.*, (SELECT MIN(n.last_modified) FROM (
               SELECT seq, last_modified FROM s3_versions WHERE bucket = v.bucket AND key = v.key
               UNION ALL SELECT seq, last_modified FROM s3_objects WHERE bucket = v.bucket AND key = v.key
             ) n WHERE n.seq > v.seq) AS became
             FROM s3_versions v WHERE v.bucket = ? AND ${startsWith('v.key', prefix).sql}
             ORDER BY v.key, v.seq DESC`,
          like,
        );
        let key: string | undefined;
        let newer = 0;
        for (const row of older) {
          if (row.key !== key) {
            key = row.key;
            newer = 0;
          }
          if (row.became === null) {
            // The latest entry of its key is a delete marker: expire it once it stands alone.
            const alone = !tx.get(
              'SELECT 1 AS x FROM s3_versions WHERE bucket = ? AND key = ? AND version_id != ? LIMIT 1',
              [bucket, row.key, row.version_id],
            );
            if (rule.Expiration?.ExpiredObjectDeleteMarker && alone && ruleMatches(rule, row)) {
              outcome.released.push(
                ...removeObject(tx, cloud.ids, bucket, row.key, row.version_id, now).released,
              );
              outcome.expired++;
            }
            continue;
          }
          if (row.delete_marker || !ruleMatches(rule, row)) continue;
          newer++;
          const n = rule.NoncurrentVersionExpiration;
          const keep = n?.NewerNoncurrentVersions ?? 0;
          if (n?.NoncurrentDays !== undefined && newer > keep && dueAt(row.became, n.NoncurrentDays) <= now) {
            outcome.released.push(
              ...removeObject(tx, cloud.ids, bucket, row.key, row.version_id, now).released,
            );
            outcome.expired++;
            continue;
          }
          const target = transitionFor(rule, row, now, row.became, true);
          if (target) {
            updateVersion(tx, row, { storage_class: target });
            outcome.transitioned++;
          }
        }
        const abort = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
        if (abort !== undefined) {
          const uploads = tx.all<UploadRow>(
            `SELECT * FROM s3_uploads WHERE bucket = ? AND ${under.sql}`,
            like,
          );
          for (const u of uploads) {
            if (dueAt(u.initiated, abort) > now) continue;
            const parts = tx.all<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ?', [
              u.upload_id,
            ]);
            outcome.released.push(...parts.map((p) => p.blob));
            tx.run('DELETE FROM s3_parts WHERE upload_id = ?', [u.upload_id]);
            tx.run('DELETE FROM s3_uploads WHERE upload_id = ?', [u.upload_id]);
            outcome.aborted++;
          }
        }
      }
    });
  }
  return outcome;
}

/**
 * Runs a pass at every simulated midnight UTC. Passes run one after another, each as of its own
 * midnight, however far the clock jumps.
 */
export class LifecycleScheduler {
  private timer: number | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cloud: Cloud,
    private readonly release: (blobs: string[]) => void,
  ) {
    this.arm();
  }

  private arm(): void {
    const now = this.cloud.clock.now();
    const next = Math.floor(now / DAY) * DAY + DAY;
    this.timer = this.cloud.clock.setTimeout(() => {
      this.chain = this.chain.then(() => this.pass(next));
      this.arm();
    }, next - now);
  }

  private async pass(at: number): Promise<void> {
    try {
      const outcome = await runLifecycle(this.cloud, at);
      if (outcome.released.length > 0) this.release(outcome.released);
      for (const e of outcome.events) {
        const bucket = bucketNamed(this.cloud.store, e.bucket);
        if (!bucket) continue;
        const { bucket: _name, eventName, ...object } = e;
        notifyObjectEvent(this.cloud, {
          bucket,
          eventName,
          object,
          // Lifecycle actions are S3's own.
          principalId: 's3.amazonaws.com',
          requestId: this.cloud.ids.requestId(),
          at,
        });
      }
      if (outcome.expired + outcome.transitioned + outcome.aborted > 0) {
        const { released: _released, events: _events, ...counts } = outcome;
        this.cloud.events.publish({ topic: 's3.lifecycle', at, data: counts });
      }
    } catch (e) {
      // A pass that fails (a closed store at shutdown) must not stop the next midnight's.
      this.cloud.events.publish({ topic: 's3.lifecycle', at, data: { error: String(e) } });
    }
  }

  /** Resolves when every pass already started has finished (tests wait on it). */
  settled(): Promise<unknown> {
    return this.chain;
  }

  stop(): void {
    if (this.timer !== undefined) this.cloud.clock.clearTimeout(this.timer);
  }
}
