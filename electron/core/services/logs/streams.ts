/** Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams. */
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type { Empty } from '../../../contract/aws-api';
import { startsWith } from '../../kernel/sql-prefix';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import {
  Constraints,
  invalidNextToken,
  invalidParameter,
  LOG_STREAM_NAME_PATTERN,
  streamExists,
  streamNotFound,
} from './errors';
import { checkGroupName, groupNameOf, requireGroup, streamArn, type GroupRow } from './groups';
import { decodePageToken, encodePageToken } from './tokens';

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created_at: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  uploads: number;
}

type Reader = Pick<Tx, 'get' | 'all'>;

export function checkStreamName(
  c: Constraints,
  value: string | undefined,
  member = 'logStreamName',
): Constraints {
  return c.name(member, value, LOG_STREAM_NAME_PATTERN, 1, 512);
}

export function findStream(db: Reader, groupId: number, name: string): StreamRow | undefined {
  return db.get<StreamRow>('SELECT * FROM logs_streams WHERE group_id = ? AND name = ?', [groupId, name]);
}

export function requireStream(db: Reader, groupId: number, name: string): StreamRow {
  const stream = findStream(db, groupId, name);
  if (!stream) throw streamNotFound();
  return stream;
}

export function insertStream(tx: Tx, groupId: number, name: string, now: number): StreamRow {
  if (findStream(tx, groupId, name)) throw streamExists();
  tx.run('INSERT INTO logs_streams (group_id, name, created_at) VALUES (?, ?, ?)', [groupId, name, now]);
  return findStream(tx, groupId, name)!;
}

/** The sequence token of a stream's next upload (ignored on input since 2023, still answered). */
export function sequenceToken(stream: Pick<StreamRow, 'id' | 'uploads'>): string {
  return `49${String(stream.id).padStart(18, '0')}${String(stream.uploads).padStart(36, '0')}`;
}

export function describeStream(group: GroupRow, row: StreamRow): LOGS.LogStream {
  const out: LOGS.LogStream = {
    logStreamName: row.name,
    creationTime: row.created_at,
  };
  if (row.first_event !== null) out.firstEventTimestamp = row.first_event;
  if (row.last_event !== null) out.lastEventTimestamp = row.last_event;
  if (row.last_ingestion !== null) out.lastIngestionTime = row.last_ingestion;
  if (row.uploads > 0) out.uploadSequenceToken = sequenceToken(row);
  out.arn = streamArn(group.region, group.account_id, group.name, row.name);
  // Reported as zero for streams since June 2019.
  out.storedBytes = 0;
  return out;
}

export async function createLogStream(
  ctx: OperationContext,
  input: LOGS.CreateLogStreamRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  c.notNull('logStreamName', input.logStreamName);
  checkGroupName(c, input.logGroupName);
  checkStreamName(c, input.logStreamName);
  c.check();
  await ctx.cloud.store.write((tx) => {
    const group = requireGroup(tx, ctx, input.logGroupName!);
    insertStream(tx, group.id, input.logStreamName!, ctx.cloud.clock.now());
  });
  return {};
}

export async function deleteLogStream(
  ctx: OperationContext,
  input: LOGS.DeleteLogStreamRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  c.notNull('logStreamName', input.logStreamName);
  checkGroupName(c, input.logGroupName);
  checkStreamName(c, input.logStreamName);
  c.check();
  await ctx.cloud.store.write((tx) => {
    const group = requireGroup(tx, ctx, input.logGroupName!);
    const stream = requireStream(tx, group.id, input.logStreamName!);
    const bytes = tx.get<{ b: number | null }>(
      'SELECT SUM(length(CAST(message AS BLOB))) AS b FROM logs_events WHERE stream_id = ?',
      [stream.id],
    );
    tx.run('DELETE FROM logs_events WHERE stream_id = ?', [stream.id]);
    tx.run('DELETE FROM logs_streams WHERE id = ?', [stream.id]);
    tx.run('UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) WHERE id = ?', [
      bytes?.b ?? 0,
      group.id,
    ]);
  });
  return {};
}

const ORDER_BY = ['LogStreamName', 'LastEventTime'] as const;

export function describeLogStreams(
  ctx: OperationContext,
  input: LOGS.DescribeLogStreamsRequest,
): LOGS.DescribeLogStreamsResponse {
  const c = new Constraints();
  const groupName = groupNameOf(c, input);
  checkStreamName(c, input.logStreamNamePrefix, 'logStreamNamePrefix');
  c.oneOf('orderBy', input.orderBy, ORDER_BY);
  c.length('nextToken', input.nextToken, 1);
  c.range('limit', input.limit, 1, 50);
  c.check();
  const name = groupName();
  const byTime = input.orderBy === 'LastEventTime';
  if (byTime && input.logStreamNamePrefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const group = requireGroup(ctx.cloud.store, ctx, name);
  const limit = input.limit ?? 50;
  const desc = input.descending === true;
  const params: (string | number | null)[] = [group.id];
  let where = 'group_id = ?';
  if (input.logStreamNamePrefix !== undefined) {
    const under = startsWith('name', input.logStreamNamePrefix);
    where += ` AND ${under.sql}`;
    params.push(...under.params);
  }
  // Streams without events sort as if their last event were at 0.
  const timeKey = 'COALESCE(last_event, 0)';
  if (input.nextToken !== undefined) {
    const token = decodePageToken(input.nextToken);
    if (typeof token.n !== 'string' || (byTime && typeof token.t !== 'number')) throw invalidNextToken();
    const op = desc ? '<' : '>';
    if (byTime) {
      where += ` AND (${timeKey}, name) ${op} (?, ?)`;
      params.push(token.t as number, token.n);
    } else {
      where += ` AND name ${op} ?`;
      params.push(token.n);
    }
  }
  const dir = desc ? 'DESC' : 'ASC';
  const order = byTime ? `${timeKey} ${dir}, name ${dir}` : `name ${dir}`;
  const rows = ctx.cloud.store.all<StreamRow>(
    `SELECT * FROM logs_streams WHERE ${where} ORDER BY ${order} LIMIT ?`,
    [...params, limit + 1],
  );
  const page = rows.slice(0, limit);
  const out: LOGS.DescribeLogStreamsResponse = { logStreams: page.map((r) => describeStream(group, r)) };
  if (rows.length > limit) {
    const last = page[page.length - 1]!;
    out.nextToken = encodePageToken(byTime ? { t: last.last_event ?? 0, n: last.name } : { n: last.name });
  }
  return out;
}
