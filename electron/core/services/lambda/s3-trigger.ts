/**
 * S3 → Lambda: S3 publishes each matching bucket notification on the event bus
 * (`s3.notification`, see ../s3/notifications.ts); those whose destination is a Lambda
 * function become asynchronous invocations of it, with the event exactly as S3 sent it — if
 * the function exists and its resource policy lets `s3.amazonaws.com` invoke it for this
 * bucket (and account). S3 invokes asynchronously, so retries and destinations follow the
 * function's asynchronous settings (async-queue.ts).
 */
import type { Cloud } from '../../cloud';
import type { CloudEvent } from '../../kernel/events';
import { S3_NOTIFICATION_TOPIC, type S3EventMessage, type S3NotificationEvent } from '../s3/notifications';
import { LATEST, type FunctionRef } from './arns';
import { enqueueAsync, parseLambdaArn } from './async-queue';
import { invocationTarget } from './invoke';
import { policyAllows } from './policy';
import type { FunctionVersion } from './records';

export const S3_PRINCIPAL = 's3.amazonaws.com';

/** May S3 invoke this function for a bucket owned by `bucketAccount`? (PutBucketNotificationConfiguration asks too.) */
export function s3MayInvoke(
  db: Parameters<typeof invocationTarget>[0],
  functionArnText: string,
  bucketName: string,
  bucketAccount: string,
): { ref: FunctionRef; version: FunctionVersion } | undefined {
  const parsed = parseLambdaArn(functionArnText);
  if (!parsed) return undefined;
  const ref: FunctionRef = parsed;
  let version: FunctionVersion;
  try {
    version = invocationTarget(db, ref);
  } catch {
    return undefined;
  }
  const allowed = policyAllows(db, ref, {
    principal: S3_PRINCIPAL,
    action: 'lambda:InvokeFunction',
    sourceArn: `arn:aws:s3:::${bucketName}`,
    sourceAccount: bucketAccount,
  });
  return allowed ? { ref, version } : undefined;
}

/** Subscribe to S3's notifications; returns the unsubscribe function. */
export function startS3Trigger(cloud: Cloud): () => void {
  return cloud.events.subscribe((e: CloudEvent) => {
    if (e.topic !== S3_NOTIFICATION_TOPIC) return;
    const data = e.data as S3NotificationEvent | undefined;
    if (!data || data.destination.type !== 'lambda') return;
    void deliver(cloud, data, e.account ?? '').catch(() => undefined);
  });
}

async function deliver(cloud: Cloud, data: S3NotificationEvent, bucketAccount: string): Promise<void> {
  const event = data.event;
  // Lambda destinations get object events only (the s3:TestEvent goes to queues and topics).
  if (!('Records' in event)) return;
  const bucket = (event as S3EventMessage).Records[0]?.s3.bucket.name ?? '';
  const target = s3MayInvoke(cloud.store, data.destination.arn, bucket, bucketAccount);
  if (!target) return;
  await enqueueAsync(
    cloud,
    target.version,
    target.ref.qualifier ?? LATEST,
    JSON.stringify(event),
    cloud.ids.requestId(),
    's3',
  );
}
