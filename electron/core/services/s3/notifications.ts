/**
 * S3 event notifications: which of a bucket's notification configurations an event matches
 * (event types with `*`, key name prefix/suffix filters), and the event message exactly as S3
 * delivers it to Lambda, SQS and SNS (`{"Records":[…]}`, event structure 2.1; 2.3 for the
 * lifecycle, tagging, ACL and restore-delete events), plus the `s3:TestEvent` message S3 sends
 * to queues and topics when a configuration is saved.
 *
 * Delivery is not done here: each match is published on the event bus as `s3.notification`
 * (`S3NotificationEvent`) for the destination's service to pick up.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Cloud } from '../../cloud';
import type { Principal } from '../../kernel/accounts';
import type { OperationContext } from '../../service';
import { readBucketConfig } from './bucket-config';
import { s3RequestIdHeaders, type S3RequestIds } from './request-ids';
import type { BucketRow } from './schema';

/** Topic on the event bus for every notification S3 sends. */
export const S3_NOTIFICATION_TOPIC = 's3.notification';

export type DestinationType = 'lambda' | 'sqs' | 'sns';

export interface NotificationDestination {
  type: DestinationType;
  arn: string;
}

/** One configuration an event matched: where it goes, and the Id it carries. */
export interface MatchedConfiguration {
  destination: NotificationDestination;
  configurationId: string;
}

/** The object part of an event. ObjectRemoved / LifecycleExpiration events carry no size or eTag. */
export interface EventObject {
  /** The key as stored (not encoded; the record encodes it). */
  key: string;
  size?: number;
  /** Unquoted, as stored (multipart: `…-N`). */
  eTag?: string;
  /** Only for a versioned bucket (the version created, or the delete marker's). */
  versionId?: string;
  /** Hex string, greater for later events on the same key ({@link nextSequencer}). */
  sequencer?: string;
}

export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: S3RequestIds;
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
}

export interface S3EventMessage {
  Records: S3EventRecord[];
}

export interface S3TestEventMessage {
  Service: 'Amazon S3';
  Event: 's3:TestEvent';
  Time: string;
  Bucket: string;
  RequestId: string;
  HostId: string;
}

/** `data` of an `s3.notification` event on the bus. */
export interface S3NotificationEvent {
  destination: NotificationDestination;
  configurationId: string;
  event: S3EventMessage | S3TestEventMessage;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** `ObjectCreated:Put` → `s3:ObjectCreated:Put` (either form accepted). */
export function qualifiedEventName(eventName: string): string {
  return eventName.startsWith('s3:') ? eventName : `s3:${eventName}`;
}

/** The record's `eventName`: without the `s3:` prefix. */
export function recordEventName(eventName: string): string {
  return eventName.startsWith('s3:') ? eventName.slice(3) : eventName;
}

/**
 * Does a configured event type cover this event? Exact names, or a `*` standing for the last
 * part (`s3:ObjectCreated:*`, `s3:ObjectRemoved:*`, `s3:LifecycleExpiration:*`, …). Event
 * types are case-sensitive, as S3 accepts them only in their documented spelling.
 */
export function eventTypeMatches(pattern: string, eventName: string): boolean {
  const event = qualifiedEventName(eventName);
  const p = qualifiedEventName(pattern.trim());
  if (p === event) return true;
  if (p.endsWith(':*')) return event.startsWith(p.slice(0, -1));
  return false;
}

/**
 * Key name filtering: every rule must hold — `prefix` and `suffix` (rule names in any case, as
 * S3 accepts `Prefix`/`prefix`), values compared case-sensitively against the key as stored.
 */
export function keyMatchesFilter(
  filter: S3.NotificationConfigurationFilter | undefined,
  key: string,
): boolean {
  for (const rule of filter?.Key?.FilterRules ?? []) {
    const name = (rule.Name ?? '').toLowerCase();
    const value = rule.Value ?? '';
    if (name === 'prefix' && !key.startsWith(value)) return false;
    if (name === 'suffix' && !key.endsWith(value)) return false;
  }
  return true;
}

interface AnyConfiguration {
  Id?: string;
  Events?: string[];
  Filter?: S3.NotificationConfigurationFilter;
}

/**
 * The configurations an event on `key` matches, in the order S3 lists them (topics, queues,
 * Lambda functions). A configuration without an Id gets the one S3 would have shown for it.
 */
export function matchingConfigurations(
  config: S3.NotificationConfiguration | undefined,
  eventName: string,
  key: string,
): MatchedConfiguration[] {
  if (!config) return [];
  const out: MatchedConfiguration[] = [];
  const consider = (c: AnyConfiguration, type: DestinationType, arn: string | undefined, index: number) => {
    if (!arn) return;
    if (!(c.Events ?? []).some((e) => eventTypeMatches(String(e), eventName))) return;
    if (!keyMatchesFilter(c.Filter, key)) return;
    out.push({
      destination: { type, arn },
      configurationId: c.Id ?? defaultConfigurationId(type, arn, index),
    });
  };
  (config.TopicConfigurations ?? []).forEach((c, i) => consider(c, 'sns', c.TopicArn, i));
  (config.QueueConfigurations ?? []).forEach((c, i) => consider(c, 'sqs', c.QueueArn, i));
  (config.LambdaFunctionConfigurations ?? []).forEach((c, i) =>
    consider(c, 'lambda', c.LambdaFunctionArn, i),
  );
  return out;
}

/**
 * S3 gives a configuration saved without an Id a generated one (base64 text). Put* should
 * store it so GetBucketNotificationConfiguration shows it; this derives a stable one otherwise.
 */
export function defaultConfigurationId(type: DestinationType, arn: string, index: number): string {
  const digest = createHash('sha256').update(`${type}\n${arn}\n${index}`).digest('hex');
  const uuid = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
  return Buffer.from(uuid).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// The event message

/**
 * The key as S3 writes it in events: `application/x-www-form-urlencoded` (space → `+`, UTF-8
 * bytes as `%XX`, letters, digits and `.-_*` kept) except that `/` is left as is.
 */
export function encodeEventKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-_*/]/.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The event structure version S3 uses for an event type. */
export function eventVersionFor(eventName: string): string {
  const e = qualifiedEventName(eventName);
  if (e.startsWith('s3:Replication:')) return '2.2';
  if (
    e.startsWith('s3:LifecycleExpiration:') ||
    e === 's3:LifecycleTransition' ||
    e === 's3:IntelligentTiering' ||
    e.startsWith('s3:ObjectTagging:') ||
    e === 's3:ObjectAcl:Put' ||
    e === 's3:ObjectRestore:Delete'
  )
    return '2.3';
  return '2.1';
}

const customerIds = new Map<string, string>();

/**
 * The "Amazon customer ID" S3 shows for an account (bucket owner, root caller): stable, in the
 * form S3 uses (`A` and 13 upper-case letters and digits, like `A3NL1KOZZKExample`).
 */
export function customerId(accountId: string): string {
  // A hash per object event otherwise; accounts are few, and the ID never changes.
  let id = customerIds.get(accountId);
  if (id === undefined) {
    id = computeCustomerId(accountId);
    if (customerIds.size > 1000) customerIds.clear();
    customerIds.set(accountId, id);
  }
  return id;
}

function computeCustomerId(accountId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(`cloudlab-customer:${accountId}`).digest();
  let id = 'A';
  for (let i = 0; i < 13; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

/** `userIdentity.principalId` for a caller: the customer ID for a root user, else `AWS:` + unique ID. */
export function eventPrincipalId(principal: Principal): string {
  if (principal.arn.endsWith(':root')) return customerId(principal.accountId);
  return `AWS:${principal.userId}`;
}

let lastSequencer = 0n;

/**
 * A sequencer: upper-case hex of the simulated time in microsecond-like steps, strictly
 * increasing within the process, so later events on a key compare greater (after left-padding,
 * as S3 documents).
 */
export function nextSequencer(nowMs: number): string {
  let value = BigInt(Math.max(0, Math.floor(nowMs))) * 1_000_000n;
  if (value <= lastSequencer) value = lastSequencer + 1n;
  lastSequencer = value;
  return value.toString(16).toUpperCase().padStart(18, '0');
}

export interface EventRecordInput {
  eventName: string;
  region: string;
  /** Simulated epoch milliseconds when S3 finished the request. */
  time: number;
  bucket: string;
  bucketOwnerAccountId: string;
  configurationId: string;
  object: EventObject;
  principalId: string;
  sourceIp: string;
  requestId: string;
  /** Defaults to the version S3 uses for the event type. */
  eventVersion?: string;
}

/** One record, fields in S3's order; ObjectRemoved/LifecycleExpiration records carry no size/eTag. */
export function eventRecord(input: EventRecordInput): S3EventRecord {
  const o = input.object;
  const removal = /^(s3:)?(ObjectRemoved|LifecycleExpiration):/.test(input.eventName);
  const object: S3EventRecord['s3']['object'] = { key: encodeEventKey(o.key) };
  if (!removal && o.size !== undefined) object.size = o.size;
  if (!removal && o.eTag !== undefined) object.eTag = o.eTag.replace(/^"|"$/g, '');
  if (o.versionId !== undefined) object.versionId = o.versionId;
  if (o.sequencer !== undefined) object.sequencer = o.sequencer;
  return {
    eventVersion: input.eventVersion ?? eventVersionFor(input.eventName),
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: new Date(input.time).toISOString(),
    eventName: recordEventName(input.eventName),
    userIdentity: { principalId: input.principalId },
    requestParameters: { sourceIPAddress: input.sourceIp },
    responseElements: s3RequestIdHeaders(input.requestId),
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: customerId(input.bucketOwnerAccountId) },
        arn: `arn:aws:s3:::${input.bucket}`,
      },
      object,
    },
  };
}

/** The message S3 sends to an SQS queue or SNS topic when a configuration is saved. */
export function testEvent(input: { bucket: string; time: number; requestId: string }): S3TestEventMessage {
  const ids = s3RequestIdHeaders(input.requestId);
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date(input.time).toISOString(),
    Bucket: input.bucket,
    RequestId: ids['x-amz-request-id'],
    HostId: ids['x-amz-id-2'],
  };
}

// ---------------------------------------------------------------------------------------------
// Publishing

export interface ObjectEventInput {
  bucket: BucketRow;
  /** `s3:ObjectCreated:Put`, `ObjectRemoved:Delete`, … (with or without `s3:`). */
  eventName: string;
  object: EventObject;
  /** `userIdentity.principalId` ({@link eventPrincipalId}). */
  principalId: string;
  /** The caller's address; `127.0.0.1` when unknown. */
  sourceIp?: string;
  /** The request's ID (ctx.requestId), shown as the response's x-amz-request-id / x-amz-id-2. */
  requestId: string;
  /** Simulated time of the event; defaults to the cloud clock. */
  at?: number;
}

/**
 * Publish one `s3.notification` per configuration of the bucket the event matches; returns what
 * was published. A missing sequencer is drawn from {@link nextSequencer}.
 */
export function notifyObjectEvent(cloud: Cloud, input: ObjectEventInput): S3NotificationEvent[] {
  const config = readBucketConfig(cloud.store, input.bucket.name, 'notification');
  const matches = matchingConfigurations(config, input.eventName, input.object.key);
  if (matches.length === 0) return [];
  const at = input.at ?? cloud.clock.now();
  const object = { ...input.object, sequencer: input.object.sequencer ?? nextSequencer(at) };
  const published: S3NotificationEvent[] = [];
  for (const match of matches) {
    const data: S3NotificationEvent = {
      destination: match.destination,
      configurationId: match.configurationId,
      event: {
        Records: [
          eventRecord({
            eventName: input.eventName,
            region: input.bucket.region,
            time: at,
            bucket: input.bucket.name,
            bucketOwnerAccountId: input.bucket.account_id,
            configurationId: match.configurationId,
            object,
            principalId: input.principalId,
            sourceIp: input.sourceIp ?? '127.0.0.1',
            requestId: input.requestId,
          }),
        ],
      },
    };
    cloud.events.publish({
      topic: S3_NOTIFICATION_TOPIC,
      account: input.bucket.account_id,
      region: input.bucket.region,
      at,
      data,
    });
    published.push(data);
  }
  return published;
}

/**
 * After PutBucketNotificationConfiguration: S3 sends `s3:TestEvent` to each queue and topic
 * (not to Lambda functions). Publishes one `s3.notification` per distinct destination.
 */
export function notifyTestEvents(
  cloud: Cloud,
  input: { bucket: BucketRow; config: S3.NotificationConfiguration; requestId: string; at?: number },
): S3NotificationEvent[] {
  const at = input.at ?? cloud.clock.now();
  const seen = new Set<string>();
  const published: S3NotificationEvent[] = [];
  const send = (type: DestinationType, arn: string | undefined, id: string) => {
    if (!arn || seen.has(`${type} ${arn}`)) return;
    seen.add(`${type} ${arn}`);
    const data: S3NotificationEvent = {
      destination: { type, arn },
      configurationId: id,
      event: testEvent({ bucket: input.bucket.name, time: at, requestId: input.requestId }),
    };
    cloud.events.publish({
      topic: S3_NOTIFICATION_TOPIC,
      account: input.bucket.account_id,
      region: input.bucket.region,
      at,
      data,
    });
    published.push(data);
  };
  (input.config.TopicConfigurations ?? []).forEach((c, i) =>
    send('sns', c.TopicArn, c.Id ?? defaultConfigurationId('sns', c.TopicArn ?? '', i)),
  );
  (input.config.QueueConfigurations ?? []).forEach((c, i) =>
    send('sqs', c.QueueArn, c.Id ?? defaultConfigurationId('sqs', c.QueueArn ?? '', i)),
  );
  return published;
}

/** After an operation changed an object: tell the bucket's subscribed destinations, if any. */
export function objectEvent(
  ctx: OperationContext,
  bucket: BucketRow,
  eventName: string,
  object: EventObject,
): void {
  notifyObjectEvent(ctx.cloud, {
    bucket,
    eventName,
    object,
    principalId: eventPrincipalId(ctx.principal),
    requestId: ctx.requestId,
  });
}
