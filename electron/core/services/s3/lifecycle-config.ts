/**
 * Lifecycle configuration: PutBucketLifecycleConfiguration (validated with S3's codes and
 * texts), GetBucketLifecycleConfiguration, DeleteBucketLifecycle. The rules are stored; acting
 * on them (expiring, transitioning) is the lifecycle runner's job.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { deleteBucketConfig, readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { configErrors, errors } from './errors';

const TRANSITION_CLASSES = new Set([
  'GLACIER',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
]);
/** Storage classes an object must wait 30 days in before moving to. */
const THIRTY_DAY_CLASSES = new Set(['STANDARD_IA', 'ONEZONE_IA']);
const DEFAULT_MINIMUM_SIZE = 'all_storage_classes_128K';

const argument = (message: string, name: string, value: unknown) =>
  errors.invalidArgument(message, name, value === undefined ? 'null' : String(value));

function isMidnight(value: Date | string): boolean {
  const d = new Date(value);
  return !Number.isNaN(d.getTime()) && d.getTime() % 86_400_000 === 0;
}

/** How S3 names a rule's filter in its messages: `(prefix=logs/)`. */
function filterName(rule: S3.LifecycleRule): string {
  const f = rule.Filter;
  const prefix = rule.Prefix ?? f?.Prefix ?? f?.And?.Prefix ?? '';
  return `(prefix=${prefix})`;
}

function predicateCount(filter: S3.LifecycleRuleFilter): number {
  return ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'].filter(
    (k) => (filter as Record<string, unknown>)[k] !== undefined,
  ).length;
}

function hasTags(filter: S3.LifecycleRuleFilter | undefined): boolean {
  return !!filter && (filter.Tag !== undefined || (filter.And?.Tags?.length ?? 0) > 0);
}

function validateFilter(filter: S3.LifecycleRuleFilter): void {
  if (predicateCount(filter) > 1) throw errors.malformedXml();
  const and = filter.And;
  if (and) {
    const parts =
      (and.Prefix !== undefined && and.Prefix !== '' ? 1 : 0) +
      (and.Tags?.length ?? 0) +
      (and.ObjectSizeGreaterThan !== undefined ? 1 : 0) +
      (and.ObjectSizeLessThan !== undefined ? 1 : 0);
    if (parts < 2 && !(and.Prefix === '' && parts === 1)) throw errors.malformedXml();
    const keys = new Set<string>();
    for (const tag of and.Tags ?? []) {
      if (keys.has(tag.Key ?? '')) throw errors.invalidRequest('Duplicate Tag Keys are not allowed.');
      keys.add(tag.Key ?? '');
    }
  }
  const greater = filter.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan;
  const less = filter.ObjectSizeLessThan ?? and?.ObjectSizeLessThan;
  if (less !== undefined && (less < 1 || less > 1099511627776000))
    throw errors.invalidRequest("'ObjectSizeLessThan' should be between 1 and 1099511627776000.");
  if (greater !== undefined && (greater < 0 || greater > 1099511627776000))
    throw errors.invalidRequest("'ObjectSizeGreaterThan' should be between 0 and 1099511627776000.");
  if (greater !== undefined && less !== undefined && less <= greater)
    throw errors.invalidRequest(
      "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.",
    );
}

function validateRule(rule: S3.LifecycleRule): void {
  if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') throw errors.malformedXml();
  if (rule.Filter === undefined && rule.Prefix === undefined) throw errors.malformedXml();
  if (rule.Filter !== undefined && rule.Prefix !== undefined) throw errors.malformedXml();
  if (rule.Filter) validateFilter(rule.Filter);
  const name = filterName(rule);
  const sized =
    rule.Filter &&
    (rule.Filter.ObjectSizeGreaterThan ??
      rule.Filter.ObjectSizeLessThan ??
      rule.Filter.And?.ObjectSizeGreaterThan ??
      rule.Filter.And?.ObjectSizeLessThan) !== undefined;

  const actions = [
    rule.Expiration,
    rule.Transitions?.length ? rule.Transitions : undefined,
    rule.NoncurrentVersionExpiration,
    rule.NoncurrentVersionTransitions?.length ? rule.NoncurrentVersionTransitions : undefined,
    rule.AbortIncompleteMultipartUpload,
  ].filter((a) => a !== undefined);
  if (actions.length === 0)
    throw errors.invalidRequest('At least one action needs to be specified in a rule');

  const exp = rule.Expiration;
  if (exp) {
    const given = [exp.Days, exp.Date, exp.ExpiredObjectDeleteMarker].filter((v) => v !== undefined).length;
    if (given !== 1) throw errors.malformedXml();
    if (exp.Days !== undefined && exp.Days <= 0)
      throw argument("'Days' for Expiration action must be a positive integer", 'Days', exp.Days);
    if (exp.Date !== undefined && !isMidnight(exp.Date))
      throw argument("'Date' must be at midnight GMT", 'Date', new Date(exp.Date).toISOString());
    if (exp.ExpiredObjectDeleteMarker !== undefined && sized)
      throw errors.invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Object Size.');
  }

  const classes = new Set<string>();
  let usesDays = exp?.Days !== undefined;
  let usesDate = exp?.Date !== undefined;
  let latestTransitionDays = -1;
  for (const t of rule.Transitions ?? []) {
    if ((t.Days === undefined) === (t.Date === undefined)) throw errors.malformedXml();
    if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass)) throw errors.malformedXml();
    if (t.Days !== undefined) {
      usesDays = true;
      if (t.Days < 0)
        throw argument("'Days' for Transition action must be a positive integer", 'Days', t.Days);
      if (THIRTY_DAY_CLASSES.has(t.StorageClass) && t.Days < 30)
        throw argument(
          `'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`,
          'Days',
          t.Days,
        );
      latestTransitionDays = Math.max(latestTransitionDays, t.Days);
    }
    if (t.Date !== undefined) {
      usesDate = true;
      if (!isMidnight(t.Date))
        throw argument("'Date' must be at midnight GMT", 'Date', new Date(t.Date).toISOString());
    }
    if (classes.has(t.StorageClass))
      throw argument(
        `'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '${name}'`,
        'StorageClass',
        t.StorageClass,
      );
    classes.add(t.StorageClass);
  }
  if (usesDays && usesDate)
    throw argument(
      `Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '${name}'`,
      'Date',
      undefined,
    );
  if (exp?.Days !== undefined && latestTransitionDays >= 0 && exp.Days <= latestTransitionDays)
    throw argument(
      `'Days' in the Expiration action for filter '${name}' must be greater than 'Days' in the Transition action`,
      'Days',
      exp.Days,
    );

  const ncClasses = new Set<string>();
  let latestNcTransition = -1;
  for (const t of rule.NoncurrentVersionTransitions ?? []) {
    if (t.NoncurrentDays === undefined || !t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass))
      throw errors.malformedXml();
    if (t.NoncurrentDays < 0)
      throw argument(
        "'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer",
        'NoncurrentDays',
        t.NoncurrentDays,
      );
    if (THIRTY_DAY_CLASSES.has(t.StorageClass) && t.NoncurrentDays < 30)
      throw argument(
        `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`,
        'NoncurrentDays',
        t.NoncurrentDays,
      );
    if (ncClasses.has(t.StorageClass))
      throw argument(
        `'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule' with filter '${name}'`,
        'StorageClass',
        t.StorageClass,
      );
    ncClasses.add(t.StorageClass);
    latestNcTransition = Math.max(latestNcTransition, t.NoncurrentDays);
  }
  const nce = rule.NoncurrentVersionExpiration;
  if (nce) {
    if (nce.NoncurrentDays === undefined) throw errors.malformedXml();
    if (nce.NoncurrentDays <= 0)
      throw argument(
        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
        'NoncurrentDays',
        nce.NoncurrentDays,
      );
    if (nce.NewerNoncurrentVersions !== undefined && nce.NewerNoncurrentVersions <= 0)
      throw argument(
        "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer",
        'NewerNoncurrentVersions',
        nce.NewerNoncurrentVersions,
      );
    if (latestNcTransition >= 0 && nce.NoncurrentDays <= latestNcTransition)
      throw argument(
        `'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '${name}' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action`,
        'NoncurrentDays',
        nce.NoncurrentDays,
      );
  }
  const abort = rule.AbortIncompleteMultipartUpload;
  if (abort) {
    if (abort.DaysAfterInitiation === undefined) throw errors.malformedXml();
    if (abort.DaysAfterInitiation <= 0)
      throw argument(
        "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
        'DaysAfterInitiation',
        abort.DaysAfterInitiation,
      );
    if (hasTags(rule.Filter))
      throw errors.invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    if (sized)
      throw errors.invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
  }
}

/** Rule-level prefixes (lifecycle V1) may not overlap for the same action. */
function checkOverlaps(rules: S3.LifecycleRule[]): void {
  const kinds: Array<[string, (r: S3.LifecycleRule) => boolean]> = [
    ['Expiration', (r) => r.Expiration !== undefined],
    ['Transition', (r) => (r.Transitions?.length ?? 0) > 0],
    ['NoncurrentVersionExpiration', (r) => r.NoncurrentVersionExpiration !== undefined],
    ['NoncurrentVersionTransition', (r) => (r.NoncurrentVersionTransitions?.length ?? 0) > 0],
    ['AbortIncompleteMultipartUpload', (r) => r.AbortIncompleteMultipartUpload !== undefined],
  ];
  for (const [kind, has] of kinds) {
    const withIt = rules.filter(has);
    for (let i = 0; i < withIt.length; i++) {
      for (let j = i + 1; j < withIt.length; j++) {
        const a = withIt[i]!.Prefix ?? '';
        const b = withIt[j]!.Prefix ?? '';
        if (a.startsWith(b) || b.startsWith(a)) {
          const [first, second] = a <= b ? [a, b] : [b, a];
          throw errors.invalidRequest(
            `Found overlapping prefixes '${first}' and '${second}' for same action type '${kind}'`,
          );
        }
      }
    }
  }
}

export async function putBucketLifecycleConfiguration(
  ctx: OperationContext,
  input: S3.PutBucketLifecycleConfigurationRequest,
): Promise<S3.PutBucketLifecycleConfigurationOutput> {
  const bucket = findBucket(ctx, input.Bucket);
  const minimum = input.TransitionDefaultMinimumObjectSize ?? DEFAULT_MINIMUM_SIZE;
  if (minimum !== 'all_storage_classes_128K' && minimum !== 'varies_by_storage_class')
    throw errors.invalidRequest(`Invalid TransitionDefaultMinimumObjectSize found: ${minimum}`);
  const rules = input.LifecycleConfiguration?.Rules;
  if (!rules || rules.length === 0) throw errors.malformedXml();
  if (rules.length > 1000)
    throw errors.invalidRequest(
      'The number of lifecycle rules must not exceed the allowed limit of 1000 rules.',
    );
  const v1 = rules.filter((r) => r.Prefix !== undefined && r.Filter === undefined);
  const v2 = rules.filter((r) => r.Filter !== undefined);
  if (v1.length > 0 && v2.length > 0) {
    const firstV1 = rules.indexOf(v1[0]!);
    const firstV2 = rules.indexOf(v2[0]!);
    throw errors.invalidRequest(
      firstV1 < firstV2
        ? 'Filter element can only be used in Lifecycle V2.'
        : 'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
    );
  }
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.ID !== undefined) {
      if (rule.ID.length > 255)
        throw argument('ID length should not exceed allowed limit of 255', 'ID', rule.ID);
      if (ids.has(rule.ID))
        throw argument('Rule ID must be unique. Found same ID for more than one rule', 'ID', rule.ID);
      ids.add(rule.ID);
    }
    validateRule(rule);
    if (rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions !== undefined && rule.Filter === undefined)
      throw errors.invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
  }
  if (v1.length > 1) checkOverlaps(v1);
  await ctx.cloud.store.write((tx) => {
    // A rule sent without an ID gets one as S3 makes them: a version 4 UUID in base64.
    const stored = rules.map((r) => ({
      ...r,
      ID: r.ID ?? Buffer.from(ctx.cloud.ids.uuid(tx, 's3-lifecycle-rule')).toString('base64'),
    }));
    writeBucketConfig(tx, bucket.name, 'lifecycle', stored);
  });
  return { TransitionDefaultMinimumObjectSize: minimum as S3.TransitionDefaultMinimumObjectSize };
}

/** Dates come back from JSON as text; the wire wants timestamps. */
function revive(rule: S3.LifecycleRule): S3.LifecycleRule {
  const out: S3.LifecycleRule = { ...rule };
  if (out.Expiration?.Date !== undefined)
    out.Expiration = { ...out.Expiration, Date: new Date(out.Expiration.Date) };
  if (out.Transitions)
    out.Transitions = out.Transitions.map((t) =>
      t.Date !== undefined ? { ...t, Date: new Date(t.Date) } : t,
    );
  return out;
}

export function getBucketLifecycleConfiguration(
  ctx: OperationContext,
  input: S3.GetBucketLifecycleConfigurationRequest,
): S3.GetBucketLifecycleConfigurationOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const rules = readBucketConfig(ctx.cloud.store, bucket.name, 'lifecycle');
  if (!rules) throw configErrors.noSuchLifecycle(bucket.name);
  return { Rules: rules.map(revive), TransitionDefaultMinimumObjectSize: DEFAULT_MINIMUM_SIZE };
}

export async function deleteBucketLifecycle(
  ctx: OperationContext,
  input: S3.DeleteBucketLifecycleRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'lifecycle'));
  return {};
}
