/**
 * Events: PutLogEvents, GetLogEvents, and appendLogEvents — the door other services (Lambda)
 * write their logs through.
 */
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type { Cloud } from '../../cloud';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { Constraints, invalidParameter } from './errors';
import { checkGroupName, findGroup, groupNameOf, insertGroup, requireGroup, type GroupRow } from './groups';
import {
  checkStreamName,
  findStream,
  insertStream,
  requireStream,
  sequenceToken,
  type StreamRow,
} from './streams';
import { cursorToken, eventId, parseCursorToken, positionKey, positionOf, type Direction } from './tokens';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** PutLogEvents: the batch size limit, counting 26 bytes per event on top of the messages. */
export const MAX_BATCH_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_EVENT_BYTES = 1_048_576;
const MAX_EVENTS = 10_000;
/** GetLogEvents/FilterLogEvents answer at most this much (1 MB) however high the limit. */
export const MAX_RESPONSE_BYTES = 1_048_576;

export interface EventRow {
  seq: number;
  stream_id: number;
  timestamp: number;
  ingested: number;
  message: string;
}

export function byteLength(message: string): number {
  return Buffer.byteLength(message, 'utf8');
}

/** Appends events (in timestamp order) to a stream, inside the caller's transaction. */
export function writeEvents(
  tx: Tx,
  group: GroupRow,
  stream: StreamRow,
  events: readonly { timestamp: number; message: string }[],
  now: number,
): void {
  let bytes = 0;
  let first = stream.first_event;
  let last = stream.last_event;
  for (const e of events) {
    tx.run(
      'INSERT INTO logs_events (group_id, stream_id, timestamp, ingested, message) VALUES (?, ?, ?, ?, ?)',
      [group.id, stream.id, e.timestamp, now, e.message],
    );
    bytes += byteLength(e.message);
    if (first === null || e.timestamp < first) first = e.timestamp;
    if (last === null || e.timestamp > last) last = e.timestamp;
  }
  tx.run(
    'UPDATE logs_streams SET first_event = ?, last_event = ?, last_ingestion = ?, uploads = uploads + 1 WHERE id = ?',
    [first, last, events.length > 0 ? now : stream.last_ingestion, stream.id],
  );
  if (bytes > 0)
    tx.run('UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?', [bytes, group.id]);
}

function published(
  cloud: Cloud,
  account: string,
  region: string,
  logGroupName: string,
  logStreamName: string,
): void {
  cloud.events.publish({
    topic: 'logs.events',
    account,
    region,
    at: cloud.clock.now(),
    data: { logGroupName, logStreamName },
  });
}

export interface LogTarget {
  account: string;
  region: string;
  group: string;
  stream: string;
}

/**
 * Append events to a stream, creating the group and the stream if missing (as Lambda does).
 * One store transaction; ingestion time is the simulated clock's now. Events are stored in
 * timestamp order (a stable sort keeps the order of equal timestamps). Publishes `logs.events`.
 */
export async function appendLogEvents(
  cloud: Cloud,
  target: LogTarget,
  events: { timestamp: number; message: string }[],
): Promise<void> {
  const now = cloud.clock.now();
  const sorted = events
    .filter((e) => Number.isFinite(e.timestamp) && e.message.length > 0)
    .map((e) => ({ timestamp: Math.max(0, Math.trunc(e.timestamp)), message: e.message }))
    .sort((a, b) => a.timestamp - b.timestamp);
  await cloud.store.write((tx) => {
    const group =
      findGroup(tx, target.account, target.region, target.group) ??
      insertGroup(tx, { account: target.account, region: target.region, name: target.group, now });
    const stream = findStream(tx, group.id, target.stream) ?? insertStream(tx, group.id, target.stream, now);
    if (sorted.length > 0) writeEvents(tx, group, stream, sorted, now);
  });
  published(cloud, target.account, target.region, target.group, target.stream);
}

/** How PutLogEvents sorts a batch: which events are kept, and which are rejected and why. */
export function classifyBatch(
  events: readonly { timestamp: number }[],
  now: number,
  retentionDays: number | null,
): { from: number; to: number; rejected?: LOGS.RejectedLogEventsInfo } {
  const tooOld = now - 14 * DAY_MS;
  const expired = retentionDays === null ? -Infinity : now - retentionDays * DAY_MS;
  const tooNew = now + 2 * HOUR_MS;
  const rejected: LOGS.RejectedLogEventsInfo = {};
  let from = 0;
  let to = events.length;
  events.forEach((e, i) => {
    if (e.timestamp < expired) {
      rejected.expiredLogEventEndIndex = i;
      from = i + 1;
    } else if (e.timestamp < tooOld) {
      rejected.tooOldLogEventEndIndex = i;
      from = i + 1;
    } else if (e.timestamp > tooNew && rejected.tooNewLogEventStartIndex === undefined) {
      rejected.tooNewLogEventStartIndex = i;
      to = i;
    }
  });
  return Object.keys(rejected).length > 0 ? { from, to, rejected } : { from, to };
}

export async function putLogEvents(
  ctx: OperationContext,
  input: LOGS.PutLogEventsRequest,
): Promise<LOGS.PutLogEventsResponse> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  c.notNull('logStreamName', input.logStreamName);
  c.notNull('logEvents', input.logEvents);
  checkGroupName(c, input.logGroupName);
  checkStreamName(c, input.logStreamName);
  c.length('logEvents', input.logEvents, 1, MAX_EVENTS);
  c.length('sequenceToken', input.sequenceToken, 1);
  (input.logEvents ?? []).forEach((e, i) => {
    const at = `logEvents.${i + 1}.member`;
    c.notNull(`${at}.timestamp`, e.timestamp).atLeast(`${at}.timestamp`, e.timestamp, 0);
    c.notNull(`${at}.message`, e.message).length(`${at}.message`, e.message, 1);
  });
  c.check();
  const events = input.logEvents!.map((e) => ({ timestamp: e.timestamp!, message: e.message! }));
  let size = 0;
  for (const e of events) {
    const bytes = byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (bytes > MAX_EVENT_BYTES)
      throw invalidParameter(`Log event too large: ${bytes} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    size += bytes;
  }
  if (size > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${size} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  for (let i = 1; i < events.length; i++)
    if (events[i]!.timestamp < events[i - 1]!.timestamp)
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
  const now = ctx.cloud.clock.now();
  const { groupName, streamName, token, rejected } = await ctx.cloud.store.write((tx) => {
    const group = requireGroup(tx, ctx, input.logGroupName!);
    const stream = requireStream(tx, group.id, input.logStreamName!);
    const verdict = classifyBatch(events, now, group.retention_days);
    const kept = events.slice(verdict.from, verdict.to);
    if (kept.length > 0 && kept[kept.length - 1]!.timestamp - kept[0]!.timestamp > DAY_MS)
      throw invalidParameter(
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    writeEvents(tx, group, stream, kept, now);
    return {
      groupName: group.name,
      streamName: stream.name,
      token: sequenceToken({ id: stream.id, uploads: stream.uploads + 1 }),
      rejected: verdict.rejected,
    };
  });
  published(ctx.cloud, ctx.principal.accountId, ctx.region.code, groupName, streamName);
  const out: LOGS.PutLogEventsResponse = { nextSequenceToken: token };
  if (rejected) out.rejectedLogEventsInfo = rejected;
  return out;
}

const MAX_KEY = positionKey({ timestamp: Number.MAX_SAFE_INTEGER, seq: 0 });

export function getLogEvents(
  ctx: OperationContext,
  input: LOGS.GetLogEventsRequest,
): LOGS.GetLogEventsResponse {
  const c = new Constraints();
  const groupName = groupNameOf(c, input);
  c.notNull('logStreamName', input.logStreamName);
  checkStreamName(c, input.logStreamName);
  c.atLeast('startTime', input.startTime, 0);
  c.atLeast('endTime', input.endTime, 0);
  c.length('nextToken', input.nextToken, 1);
  c.range('limit', input.limit, 1, MAX_EVENTS);
  c.check();
  const name = groupName();
  const store = ctx.cloud.store;
  const group = requireGroup(store, ctx, name);
  const stream = requireStream(store, group.id, input.logStreamName!);
  const limit = input.limit ?? MAX_EVENTS;
  // Time bounds: startTime inclusive, endTime exclusive.
  const low = positionKey({ timestamp: input.startTime ?? 0, seq: 0 });
  const high = input.endTime !== undefined ? positionKey({ timestamp: input.endTime, seq: 0 }) : MAX_KEY;
  let direction: Direction;
  let cursor: bigint;
  if (input.nextToken !== undefined) {
    ({ direction, key: cursor } = parseCursorToken(input.nextToken));
  } else {
    direction = input.startFromHead === true ? 'f' : 'b';
    cursor = direction === 'f' ? low : high;
  }
  const rows = readStream(ctx, stream.id, direction, cursor, low, high, limit);
  const events: LOGS.OutputLogEvent[] = rows.map((r) => ({
    timestamp: r.timestamp,
    message: r.message,
    ingestionTime: r.ingested,
  }));
  let forward: bigint;
  let backward: bigint;
  if (rows.length > 0) {
    forward = positionKey(rows[rows.length - 1]!);
    backward = positionKey(rows[0]!);
  } else if (direction === 'f') {
    forward = cursor;
    backward = cursor + 1n;
  } else {
    backward = cursor;
    // Nothing before the cursor: a forward read starts where the range does.
    forward = input.nextToken === undefined ? low : cursor - 1n;
  }
  return {
    events,
    nextForwardToken: cursorToken('f', forward),
    nextBackwardToken: cursorToken('b', backward),
  };
}

/** Up to `limit` events (and 1 MB) of a stream after (f) or before (b) the cursor, oldest first. */
function readStream(
  ctx: OperationContext,
  streamId: number,
  direction: Direction,
  cursor: bigint,
  low: bigint,
  high: bigint,
  limit: number,
): EventRow[] {
  const lo = positionOf(direction === 'f' ? (cursor > low ? cursor : low) : low);
  const hi = positionOf(direction === 'b' ? (cursor < high ? cursor : high) : high);
  // Forward reads exclude the cursor position; the low time bound is inclusive (seq 0 is before any event).
  const order = direction === 'f' ? 'ASC' : 'DESC';
  const rows = ctx.cloud.store.all<EventRow>(
    `SELECT seq, stream_id, timestamp, ingested, message FROM logs_events
     WHERE stream_id = ? AND (timestamp, seq) > (?, ?) AND (timestamp, seq) < (?, ?)
     ORDER BY timestamp ${order}, seq ${order} LIMIT ?`,
    [streamId, lo.timestamp, lo.seq, hi.timestamp, hi.seq, limit],
  );
  const kept: EventRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    bytes += byteLength(r.message) + EVENT_OVERHEAD_BYTES;
    if (bytes > MAX_RESPONSE_BYTES && kept.length > 0) break;
    kept.push(r);
  }
  return direction === 'f' ? kept : kept.reverse();
}

export { eventId };
