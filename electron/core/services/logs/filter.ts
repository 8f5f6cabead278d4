/** FilterLogEvents: a group's events in time order, across its streams, through a filter pattern. */
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type { OperationContext } from '../../service';
import { Constraints, invalidNextToken, invalidParameter } from './errors';
import { byteLength, EVENT_OVERHEAD_BYTES, MAX_RESPONSE_BYTES, type EventRow } from './events';
import { compileFilterPattern } from './filter-pattern';
import { groupNameOf, requireGroup } from './groups';
import { checkStreamName } from './streams';
import { decodePageToken, encodePageToken, eventId } from './tokens';

const BATCH = 1000;
/** Events looked at per call before answering with a token to carry on (AWS pages by time too). */
const SCAN_BUDGET = 100_000;

export function filterLogEvents(
  ctx: OperationContext,
  input: LOGS.FilterLogEventsRequest,
): LOGS.FilterLogEventsResponse {
  const c = new Constraints();
  const groupName = groupNameOf(c, input);
  c.length('logStreamNames', input.logStreamNames, 1, 100);
  (input.logStreamNames ?? []).forEach((n, i) => checkStreamName(c, n, `logStreamNames.${i + 1}.member`));
  checkStreamName(c, input.logStreamNamePrefix, 'logStreamNamePrefix');
  c.atLeast('startTime', input.startTime, 0);
  c.atLeast('endTime', input.endTime, 0);
  c.length('filterPattern', input.filterPattern, 0, 1024);
  c.length('nextToken', input.nextToken, 1);
  c.range('limit', input.limit, 1, 10_000);
  c.check();
  const name = groupName();
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined)
    throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.');
  const matches = compileFilterPattern(input.filterPattern);
  const store = ctx.cloud.store;
  const group = requireGroup(store, ctx, name);
  const streams = new Map(
    store
      .all<{ id: number; name: string }>('SELECT id, name FROM logs_streams WHERE group_id = ?', [group.id])
      .map((s) => [s.id, s.name]),
  );
  const wanted = input.logStreamNames ? new Set(input.logStreamNames) : null;
  const prefix = input.logStreamNamePrefix;
  const streamOk = (id: number) => {
    const n = streams.get(id);
    if (n === undefined) return false;
    if (wanted) return wanted.has(n);
    return prefix === undefined || n.startsWith(prefix);
  };
  let forward = input.startFromHead !== false;
  let cursor: { t: number; s: number } | null = null;
  if (input.nextToken !== undefined) {
    const token = decodePageToken(input.nextToken);
    if (typeof token.t !== 'number' || typeof token.s !== 'number' || (token.d !== 'f' && token.d !== 'b'))
      throw invalidNextToken();
    forward = token.d === 'f';
    cursor = { t: token.t, s: token.s };
  }
  const start = input.startTime ?? 0;
  const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
  const limit = input.limit ?? 10_000;
  const events: LOGS.FilteredLogEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let last: { t: number; s: number } | null = cursor;
  let exhausted = false;
  const order = forward ? 'ASC' : 'DESC';
  const op = forward ? '>' : '<';
  outer: for (;;) {
    const params: (number | string)[] = [group.id, start, end];
    let where = 'group_id = ? AND timestamp >= ? AND timestamp <= ?';
    if (last) {
      where += ` AND (timestamp, seq) ${op} (?, ?)`;
      params.push(last.t, last.s);
    }
    const rows = store.all<EventRow>(
      `SELECT seq, stream_id, timestamp, ingested, message FROM logs_events WHERE ${where}
       ORDER BY timestamp ${order}, seq ${order} LIMIT ?`,
      [...params, BATCH],
    );
    for (const r of rows) {
      scanned++;
      if (streamOk(r.stream_id) && matches(r.message)) {
        const size = byteLength(r.message) + EVENT_OVERHEAD_BYTES;
        if (events.length > 0 && bytes + size > MAX_RESPONSE_BYTES) break outer;
        bytes += size;
        events.push({
          logStreamName: streams.get(r.stream_id)!,
          timestamp: r.timestamp,
          message: r.message,
          ingestionTime: r.ingested,
          eventId: eventId({ timestamp: r.timestamp, seq: r.seq }),
        });
      }
      last = { t: r.timestamp, s: r.seq };
      if (events.length >= limit || scanned >= SCAN_BUDGET) break outer;
    }
    if (rows.length < BATCH) {
      exhausted = true;
      break;
    }
  }
  const out: LOGS.FilterLogEventsResponse = { events, searchedLogStreams: [] };
  if (!exhausted && last) out.nextToken = encodePageToken({ d: forward ? 'f' : 'b', t: last.t, s: last.s });
  return out;
}
