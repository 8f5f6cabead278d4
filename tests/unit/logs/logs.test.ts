/**
 * CloudWatch Logs in process: groups, streams, PutLogEvents' rules, GetLogEvents' tokens as
 * pollers use them, FilterLogEvents, retention on the simulated clock and appendLogEvents.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import { appendLogEvents, type LogsRuntime } from '../../../electron/core/services/logs';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeEach(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES, seed: 'logs' });
  cloud.clock.pause();
});
afterEach(() => cloud.close());

const DAY = 86_400_000;

function call<T = Record<string, unknown>>(operation: string, input: unknown): Promise<T> {
  return cloud.invoke({
    service: 'logs',
    operation,
    input,
    region: 'us-east-1',
    principal: cloud.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;
}

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err as { code: string; message: string },
  );
  if (!e) throw new Error('expected a failure');
  return { code: e.code, message: e.message };
}

interface Events {
  events: { timestamp: number; message: string }[];
  nextForwardToken: string;
  nextBackwardToken: string;
}

describe('logs', () => {
  it('pages a stream with f/ and b/ tokens and answers the same token when nothing is new', async () => {
    const now = cloud.clock.now();
    await call('CreateLogGroup', { logGroupName: 'app' });
    await call('CreateLogStream', { logGroupName: 'app', logStreamName: 's' });
    await call('PutLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      logEvents: [1, 2, 3, 4, 5].map((i) => ({ timestamp: now - 10 + i, message: `m${i}` })),
    });
    const tail = await call<Events>('GetLogEvents', { logGroupName: 'app', logStreamName: 's', limit: 2 });
    expect(tail.events.map((e) => e.message)).toEqual(['m4', 'm5']);
    const older = await call<Events>('GetLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      limit: 2,
      nextToken: tail.nextBackwardToken,
    });
    expect(older.events.map((e) => e.message)).toEqual(['m2', 'm3']);
    const idle = await call<Events>('GetLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      nextToken: tail.nextForwardToken,
    });
    expect(idle.events).toEqual([]);
    expect(idle.nextForwardToken).toBe(tail.nextForwardToken);
    await call('PutLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      logEvents: [{ timestamp: now, message: 'm6' }],
    });
    const fresh = await call<Events>('GetLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      nextToken: tail.nextForwardToken,
    });
    expect(fresh.events.map((e) => e.message)).toEqual(['m6']);
    const head = await call<Events>('GetLogEvents', {
      logGroupName: 'app',
      logStreamName: 's',
      startFromHead: true,
      limit: 3,
    });
    expect(head.events.map((e) => e.message)).toEqual(['m1', 'm2', 'm3']);
  });

  it('rejects too old, expired and too new events, and unordered batches', async () => {
    const now = cloud.clock.now();
    await call('CreateLogGroup', { logGroupName: 'g' });
    await call('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 7 });
    await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
    const out = await call('PutLogEvents', {
      logGroupName: 'g',
      logStreamName: 's',
      logEvents: [
        { timestamp: now - 8 * DAY, message: 'expired' },
        { timestamp: now, message: 'ok' },
        { timestamp: now + 3 * 3_600_000, message: 'future' },
      ],
    });
    expect(out.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
    expect(
      await failure(
        call('PutLogEvents', {
          logGroupName: 'g',
          logStreamName: 's',
          logEvents: [
            { timestamp: now, message: 'b' },
            { timestamp: now - 1, message: 'a' },
          ],
        }),
      ),
    ).toEqual({
      code: 'InvalidParameterException',
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
    });
  });

  it('deletes events past retention as the simulated clock moves', async () => {
    await call('CreateLogGroup', { logGroupName: 'r' });
    await call('CreateLogStream', { logGroupName: 'r', logStreamName: 's' });
    await call('PutLogEvents', {
      logGroupName: 'r',
      logStreamName: 's',
      logEvents: [{ timestamp: cloud.clock.now(), message: 'hello' }],
    });
    await call('PutRetentionPolicy', { logGroupName: 'r', retentionInDays: 1 });
    cloud.clock.advance(2 * DAY);
    // The clock's jump fires the sweeper; waiting on a sweep covers one already under way.
    await cloud.runtime<LogsRuntime>('logs').sweep();
    const left = await call<Events>('GetLogEvents', { logGroupName: 'r', logStreamName: 's' });
    expect(left.events).toEqual([]);
    const groups = await call<{ logGroups: { storedBytes: number }[] }>('DescribeLogGroups', {
      logGroupNamePrefix: 'r',
    });
    expect(groups.logGroups[0]!.storedBytes).toBe(0);
  });

  it('appendLogEvents creates the group and the stream, and tells consoles', async () => {
    const seen: CloudEvent[] = [];
    cloud.events.subscribe((e) => {
      if (e.topic === 'logs.events') seen.push(e);
    });
    const t = cloud.clock.now();
    await appendLogEvents(
      cloud,
      {
        account: '123456789012',
        region: 'us-east-1',
        group: '/aws/lambda/fn',
        stream: '2026/01/05/[$LATEST]abc',
      },
      [
        { timestamp: t, message: 'START RequestId: 1' },
        { timestamp: t + 1, message: 'END RequestId: 1' },
      ],
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data).toEqual({
      logGroupName: '/aws/lambda/fn',
      logStreamName: '2026/01/05/[$LATEST]abc',
    });
    const found = await call<{ events: { message: string; logStreamName: string; eventId: string }[] }>(
      'FilterLogEvents',
      { logGroupName: '/aws/lambda/fn', filterPattern: 'END' },
    );
    expect(found.events.map((e) => e.message)).toEqual(['END RequestId: 1']);
    expect(found.events[0]!.eventId).toMatch(/^\d{56}$/);
    const streams = await call<{ logStreams: { lastIngestionTime: number; arn: string }[] }>(
      'DescribeLogStreams',
      { logGroupName: '/aws/lambda/fn' },
    );
    expect(streams.logStreams[0]!.lastIngestionTime).toBe(t);
    expect(streams.logStreams[0]!.arn).toBe(
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:2026/01/05/[$LATEST]abc',
    );
  });
});
