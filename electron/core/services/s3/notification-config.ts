/**
 * Event notifications: PutBucketNotificationConfiguration (event names, filter rules, overlap
 * and destination checks as S3 makes them) and GetBucketNotificationConfiguration.
 *
 * Destinations: S3 checks that a topic, queue or function exists and lets S3 publish to it
 * ("Unable to validate the following destination configurations" otherwise). Cloud Lab has no
 * SNS or SQS, and Lambda is not simulated yet, so for now a well-formed ARN is accepted;
 * deliveries go on the event bus as `s3.notification` (notifications.ts), starting with the
 * `s3:TestEvent` S3 sends to queues and topics when the configuration is put.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { AwsError } from '../../kernel/errors';
import { s3MayInvoke } from '../lambda/s3-trigger';
import { errors } from './errors';
import { notifyTestEvents } from './notifications';

export const NOTIFICATION_EVENTS = [
  's3:ReducedRedundancyLostObject',
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
];
const EVENTS = new Set(NOTIFICATION_EVENTS);

const LAMBDA_ARN =
  /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?$/;
const TOPIC_ARN = /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const QUEUE_ARN = /^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

interface Target {
  kind: 'Topic' | 'Queue' | 'CloudFunction';
  arn: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

function filterOf(config: { Filter?: S3.NotificationConfigurationFilter }): {
  prefix?: string;
  suffix?: string;
} {
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of config.Filter?.Key?.FilterRules ?? []) {
    const name = (rule.Name ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix')
      throw errors.invalidArgument(
        'filter rule name must be either prefix or suffix',
        'FilterRule',
        rule.Name ?? '',
      );
    if (out[name] !== undefined)
      throw errors.invalidArgument(
        `Cannot specify more than one ${name} rule in a filter.`,
        'FilterRule',
        rule.Name ?? '',
      );
    out[name] = rule.Value ?? '';
  }
  return out;
}

function eventsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const wa = a.endsWith(':*') ? a.slice(0, -1) : undefined;
  const wb = b.endsWith(':*') ? b.slice(0, -1) : undefined;
  return (wa !== undefined && b.startsWith(wa)) || (wb !== undefined && a.startsWith(wb));
}

function filtersOverlap(a: Target, b: Target): boolean {
  const prefixes =
    a.prefix === undefined ||
    b.prefix === undefined ||
    a.prefix.startsWith(b.prefix) ||
    b.prefix.startsWith(a.prefix);
  const suffixes =
    a.suffix === undefined ||
    b.suffix === undefined ||
    a.suffix.endsWith(b.suffix) ||
    b.suffix.endsWith(a.suffix);
  return prefixes && suffixes;
}

function checkTarget(
  kind: Target['kind'],
  arn: string | undefined,
  events: string[] | undefined,
  config: { Filter?: S3.NotificationConfigurationFilter },
): Target {
  if (!arn || !events || events.length === 0) throw errors.malformedXml();
  for (const event of events) {
    if (!EVENTS.has(event))
      throw errors.invalidArgument('The event is not supported for notifications', 'Event', event);
  }
  return { kind, arn, events, ...filterOf(config) };
}

export async function putBucketNotificationConfiguration(
  ctx: OperationContext,
  input: S3.PutBucketNotificationConfigurationRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const config = input.NotificationConfiguration ?? {};
  const targets: Target[] = [
    ...(config.TopicConfigurations ?? []).map((c) => checkTarget('Topic', c.TopicArn, c.Events, c)),
    ...(config.QueueConfigurations ?? []).map((c) => checkTarget('Queue', c.QueueArn, c.Events, c)),
    ...(config.LambdaFunctionConfigurations ?? []).map((c) =>
      checkTarget('CloudFunction', c.LambdaFunctionArn, c.Events, c),
    ),
  ];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i]!;
      const b = targets[j]!;
      if (a.events.some((e) => b.events.some((f) => eventsOverlap(e, f))) && filtersOverlap(a, b))
        throw errors.invalidArgument(
          'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
          'Event',
          a.events.find((e) => b.events.some((f) => eventsOverlap(e, f)))!,
        );
    }
  }
  for (const t of targets) {
    if (t.kind === 'CloudFunction') {
      if (!LAMBDA_ARN.test(t.arn))
        throw errors.invalidArgument('The ARN is not well formed', 'CloudFunction', t.arn);
    } else if (t.kind === 'Topic') {
      if (!TOPIC_ARN.test(t.arn)) throw errors.invalidArgument('The ARN is not well formed', 'Topic', t.arn);
    } else if (!QUEUE_ARN.test(t.arn)) {
      throw errors.invalidArgument('The ARN is not well formed', 'Queue', t.arn);
    }
  }
  // S3 checks that every function exists and lets S3 invoke it for this bucket (AddPermission).
  const refused = targets.filter(
    (t) => t.kind === 'CloudFunction' && !s3MayInvoke(ctx.cloud.store, t.arn, bucket.name, bucket.account_id),
  );
  if (refused.length > 0) {
    const fields: Record<string, string> = {};
    refused.forEach((t, i) => {
      fields[`ArgumentName${i + 1}`] = `${t.arn}, null`;
      fields[`ArgumentValue${i + 1}`] = `Not authorized to invoke function [${t.arn}]`;
    });
    throw new AwsError('InvalidArgument', 'Unable to validate the following destination configurations', {
      status: 400,
      fields,
    });
  }
  const stored = await ctx.cloud.store.write((tx) => {
    // Configurations sent without an Id get one, as S3 gives them.
    const id = (given: string | undefined) =>
      given ?? Buffer.from(ctx.cloud.ids.uuid(tx, 's3-notification')).toString('base64');
    const stored: S3.NotificationConfiguration = {
      ...(config.TopicConfigurations?.length
        ? { TopicConfigurations: config.TopicConfigurations.map((c) => ({ ...c, Id: id(c.Id) })) }
        : {}),
      ...(config.QueueConfigurations?.length
        ? { QueueConfigurations: config.QueueConfigurations.map((c) => ({ ...c, Id: id(c.Id) })) }
        : {}),
      ...(config.LambdaFunctionConfigurations?.length
        ? {
            LambdaFunctionConfigurations: config.LambdaFunctionConfigurations.map((c) => ({
              ...c,
              Id: id(c.Id),
            })),
          }
        : {}),
      ...(config.EventBridgeConfiguration ? { EventBridgeConfiguration: {} } : {}),
    };
    writeBucketConfig(tx, bucket.name, 'notification', stored);
    return stored;
  });
  notifyTestEvents(ctx.cloud, { bucket, config: stored, requestId: ctx.requestId });
  return {};
}

/** A bucket without notifications answers an empty configuration (never an error). */
export function getBucketNotificationConfiguration(
  ctx: OperationContext,
  input: S3.GetBucketNotificationConfigurationRequest,
): S3.NotificationConfiguration {
  const bucket = findBucket(ctx, input.Bucket);
  return readBucketConfig(ctx.cloud.store, bucket.name, 'notification') ?? {};
}
