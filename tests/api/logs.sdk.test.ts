/**
 * Amazon CloudWatch Logs through the AWS SDK for JavaScript v3 against `cloudlab serve`: log
 * groups and streams (paging, ordering), PutLogEvents and its checks, GetLogEvents' forward and
 * backward tokens (and the SDK's paginator stopping on the same token), FilterLogEvents with
 * text and JSON patterns, retention on the simulated clock, tags by ARN, and the errors AWS
 * answers with, by name, HTTP status and message.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  paginateDescribeLogGroups,
  paginateDescribeLogStreams,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type InputLogEvent,
  type LogGroup,
  type LogStream,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { credentials, labCall, serve, serveLab } from '../support/serve';

const served = serveLab();
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DAY = 86_400_000;

function logsClient(endpoint: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
}

let client: CloudWatchLogsClient;
/** The simulated clock's now when the file started: events are stamped from it. */
let T0 = 0;

async function simNow(endpoint: string): Promise<number> {
  return ((await labCall(endpoint, 'lab.clock', null)) as { now: number }).now;
}

async function put(group: string, stream: string, events: InputLogEvent[]) {
  return client.send(
    new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }),
  );
}

beforeAll(async () => {
  client = logsClient(served().endpoint);
  T0 = await simNow(served().endpoint);
});

describe('log groups', () => {
  it('CreateLogGroup, then DescribeLogGroups shows it with its ARNs; a second create is ResourceAlreadyExists', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/app/web' }));
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/web' }));
    expect(logGroups).toHaveLength(1);
    const g = logGroups![0]!;
    expect(g).toMatchObject({
      logGroupName: '/app/web',
      arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/web:*`,
      logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/web`,
      storedBytes: 0,
      metricFilterCount: 0,
      logGroupClass: 'STANDARD',
    });
    expect(g.retentionInDays).toBeUndefined();
    expect(Math.abs(g.creationTime! - T0)).toBeLessThan(60_000);

    expect(await failure(client.send(new CreateLogGroupCommand({ logGroupName: '/app/web' })))).toMatchObject(
      {
        name: 'ResourceAlreadyExistsException',
        status: 400,
        message: 'The specified log group already exists',
      },
    );
  });

  it('rejects bad names, reserved names and missing members with InvalidParameterException', async () => {
    expect(
      await failure(client.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+',
    });
    expect(
      await failure(client.send(new CreateLogGroupCommand({ logGroupName: 'x'.repeat(513) }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: expect.stringContaining('Member must have length less than or equal to 512'),
    });
    expect(await failure(client.send(new CreateLogGroupCommand({ logGroupName: 'aws/mine' })))).toMatchObject(
      {
        name: 'InvalidParameterException',
        status: 400,
        message: 'Log groups starting with AWS/ are reserved for AWS.',
      },
    );
    // The SDK does not check required members: the service answers (as AWS: not ValidationException).
    expect(
      await failure(client.send(new CreateLogGroupCommand({} as { logGroupName: string }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('DeleteLogGroup of a missing group is ResourceNotFoundException', async () => {
    expect(await failure(client.send(new DeleteLogGroupCommand({ logGroupName: '/nope' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
  });

  it('DescribeLogGroups pages by name with limit and nextToken; the SDK paginator walks every page', async () => {
    for (let i = 0; i < 7; i++)
      await client.send(new CreateLogGroupCommand({ logGroupName: `/paged/g${String(i).padStart(2, '0')}` }));
    const first = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/', limit: 3 }),
    );
    expect(first.logGroups!.map((g) => g.logGroupName)).toEqual(['/paged/g00', '/paged/g01', '/paged/g02']);
    expect(first.nextToken).toBeTruthy();
    const second = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/', limit: 3, nextToken: first.nextToken }),
    );
    expect(second.logGroups!.map((g) => g.logGroupName)).toEqual(['/paged/g03', '/paged/g04', '/paged/g05']);

    const all: LogGroup[] = [];
    for await (const page of paginateDescribeLogGroups(
      { client, pageSize: 2 },
      { logGroupNamePrefix: '/paged/' },
    ))
      all.push(...(page.logGroups ?? []));
    expect(all.map((g) => g.logGroupName)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `/paged/g0${i}`));

    // logGroupNamePattern: a case-insensitive substring.
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'G03' }));
    expect(logGroups!.map((g) => g.logGroupName)).toEqual(['/paged/g03']);

    expect(
      await failure(client.send(new DescribeLogGroupsCommand({ nextToken: 'not-a-token' }))),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(await failure(client.send(new DescribeLogGroupsCommand({ limit: 51 })))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    });

    for (let i = 0; i < 7; i++)
      await client.send(new DeleteLogGroupCommand({ logGroupName: `/paged/g0${i}` }));
    const after = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/' }));
    expect(after.logGroups).toEqual([]);
    expect(after.nextToken).toBeUndefined();
  });
});

describe('log streams', () => {
  const G = '/streams/demo';

  beforeAll(async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: G }));
  });

  it('CreateLogStream, duplicates, a missing group, DeleteLogStream', async () => {
    await client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'one' }));
    expect(
      await failure(client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'one' }))),
    ).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      status: 400,
      message: 'The specified log stream already exists',
    });
    expect(
      await failure(client.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 'one' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    expect(
      await failure(client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'a:b' }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [^:*]*',
    });
    expect(
      await failure(client.send(new DeleteLogStreamCommand({ logGroupName: G, logStreamName: 'two' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log stream does not exist.',
    });
    const { logStreams } = await client.send(new DescribeLogStreamsCommand({ logGroupName: G }));
    expect(logStreams).toEqual([
      {
        logStreamName: 'one',
        creationTime: expect.any(Number),
        arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${G}:log-stream:one`,
        storedBytes: 0,
      },
    ]);
    await client.send(new DeleteLogStreamCommand({ logGroupName: G, logStreamName: 'one' }));
    expect((await client.send(new DescribeLogStreamsCommand({ logGroupName: G }))).logStreams).toEqual([]);
  });

  it('DescribeLogStreams pages by name, orders by LastEventTime, and takes a group ARN', async () => {
    const names = ['s-a', 's-b', 's-c', 's-d', 's-e'];
    for (const n of names)
      await client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: n }));
    // Events in reverse name order: s-e is the oldest, s-a the newest.
    for (const [i, n] of [...names].reverse().entries())
      await put(G, n, [{ timestamp: T0 + i * 1000, message: `event of ${n}` }]);

    const page1 = await client.send(new DescribeLogStreamsCommand({ logGroupName: G, limit: 2 }));
    expect(page1.logStreams!.map((s) => s.logStreamName)).toEqual(['s-a', 's-b']);
    const page2 = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: G, limit: 2, nextToken: page1.nextToken }),
    );
    expect(page2.logStreams!.map((s) => s.logStreamName)).toEqual(['s-c', 's-d']);

    const all: LogStream[] = [];
    for await (const page of paginateDescribeLogStreams(
      { client, pageSize: 2 },
      { logGroupIdentifier: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${G}`, orderBy: 'LastEventTime' },
    ))
      all.push(...(page.logStreams ?? []));
    expect(all.map((s) => s.logStreamName)).toEqual(['s-e', 's-d', 's-c', 's-b', 's-a']);

    const newest = await client.send(
      new DescribeLogStreamsCommand({
        logGroupName: G,
        orderBy: 'LastEventTime',
        descending: true,
        limit: 1,
      }),
    );
    expect(newest.logStreams![0]).toMatchObject({
      logStreamName: 's-a',
      firstEventTimestamp: T0 + 4000,
      lastEventTimestamp: T0 + 4000,
      lastIngestionTime: expect.any(Number),
      uploadSequenceToken: expect.any(String),
    });

    const prefixed = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: G, logStreamNamePrefix: 's-d' }),
    );
    expect(prefixed.logStreams!.map((s) => s.logStreamName)).toEqual(['s-d']);
    expect(
      await failure(
        client.send(
          new DescribeLogStreamsCommand({
            logGroupName: G,
            logStreamNamePrefix: 's',
            orderBy: 'LastEventTime',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
    });
    expect(
      await failure(client.send(new DescribeLogStreamsCommand({ logGroupName: '/nope' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
  });
});

describe('events', () => {
  const G = '/events/demo';
  const S = 'main';

  beforeAll(async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: G }));
    await client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: S }));
  });

  it('PutLogEvents stores events; out-of-order, missing streams and missing members are errors', async () => {
    const out = await put(G, S, [
      { timestamp: T0, message: 'first' },
      { timestamp: T0 + 1, message: 'second' },
      { timestamp: T0 + 2, message: 'third' },
    ]);
    expect(out.nextSequenceToken).toMatch(/^\d+$/);
    expect(out.rejectedLogEventsInfo).toBeUndefined();

    expect(
      await failure(
        put(G, S, [
          { timestamp: T0 + 10, message: 'late' },
          { timestamp: T0 + 5, message: 'early' },
        ]),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
    });
    expect(await failure(put(G, 'missing', [{ timestamp: T0, message: 'x' }]))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log stream does not exist.',
    });
    expect(await failure(put('/nope', S, [{ timestamp: T0, message: 'x' }]))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    expect(await failure(put(G, S, [{ message: 'no timestamp' } as InputLogEvent]))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null",
    });
    expect(await failure(put(G, S, []))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });

  it('PutLogEvents reports events too old and too new instead of storing them', async () => {
    const out = await put(G, 'main', [
      { timestamp: T0 - 15 * DAY, message: 'ancient' },
      { timestamp: T0 + 3, message: 'fourth' },
      { timestamp: T0 + 3 * 3_600_000, message: 'future' },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
  });

  it('GetLogEvents reads from the head or the tail and pages with forward and backward tokens', async () => {
    const head = await client.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, startFromHead: true, limit: 2 }),
    );
    expect(head.events!.map((e) => e.message)).toEqual(['first', 'second']);
    expect(head.events![0]).toEqual({ timestamp: T0, message: 'first', ingestionTime: expect.any(Number) });
    expect(head.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(head.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);

    const next = await client.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        limit: 2,
        nextToken: head.nextForwardToken,
      }),
    );
    expect(next.events!.map((e) => e.message)).toEqual(['third', 'fourth']);
    // Nothing new: the same forward token comes back.
    const end = await client.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: next.nextForwardToken }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(next.nextForwardToken);
    const again = await client.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: end.nextForwardToken }),
    );
    expect(again.nextForwardToken).toBe(next.nextForwardToken);

    // From the tail (the default): the newest events, then backwards.
    const tail = await client.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: S, limit: 1 }));
    expect(tail.events!.map((e) => e.message)).toEqual(['fourth']);
    const back = await client.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(back.events!.map((e) => e.message)).toEqual(['second', 'third']);
    const back2 = await client.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        limit: 2,
        nextToken: back.nextBackwardToken,
      }),
    );
    expect(back2.events!.map((e) => e.message)).toEqual(['first']);
    const back3 = await client.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: back2.nextBackwardToken }),
    );
    expect(back3.events).toEqual([]);
    expect(back3.nextBackwardToken).toBe(back2.nextBackwardToken);

    // A new event after the end shows up with the token the last read gave.
    await put(G, S, [{ timestamp: T0 + 4, message: 'fifth' }]);
    const fresh = await client.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: end.nextForwardToken }),
    );
    expect(fresh.events!.map((e) => e.message)).toEqual(['fifth']);
    expect(fresh.nextForwardToken).not.toBe(end.nextForwardToken);

    // Time bounds: startTime inclusive, endTime exclusive.
    const window = await client.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        startTime: T0 + 1,
        endTime: T0 + 3,
        startFromHead: true,
      }),
    );
    expect(window.events!.map((e) => e.message)).toEqual(['second', 'third']);

    expect(
      await failure(
        client.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: 'x' })),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'The specified nextToken is invalid.',
    });
    expect(
      await failure(client.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: 'missing' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log stream does not exist.',
    });
  });

  it('the SDK paginator of GetLogEvents stops when the forward token repeats', async () => {
    const seen: OutputLogEvent[] = [];
    let pages = 0;
    for await (const page of paginateGetLogEvents(
      { client, pageSize: 2, stopOnSameToken: true },
      { logGroupName: G, logStreamName: S, startFromHead: true },
    )) {
      seen.push(...(page.events ?? []));
      if (++pages > 20) throw new Error('the paginator did not stop');
    }
    expect(seen.map((e) => e.message)).toEqual(['first', 'second', 'third', 'fourth', 'fifth']);
    // An empty stream: one empty page, then the same token.
    await client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'empty' }));
    pages = 0;
    for await (const page of paginateGetLogEvents(
      { client, stopOnSameToken: true },
      { logGroupName: G, logStreamName: 'empty', startFromHead: true },
    )) {
      expect(page.events).toEqual([]);
      if (++pages > 5) throw new Error('the paginator did not stop');
    }
  });

  it('GetLogEvents takes a group ARN as logGroupIdentifier', async () => {
    const out = await client.send(
      new GetLogEventsCommand({
        logGroupIdentifier: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${G}`,
        logStreamName: S,
        startFromHead: true,
        limit: 1,
      }),
    );
    expect(out.events!.map((e) => e.message)).toEqual(['first']);
    // The model's pattern has no room for the `:*` that DescribeLogGroups' `arn` ends with.
    expect(
      await failure(
        client.send(
          new GetLogEventsCommand({
            logGroupIdentifier: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${G}:*`,
            logStreamName: S,
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: expect.stringContaining('Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*'),
    });
    expect(
      await failure(
        client.send(new GetLogEventsCommand({ logGroupName: G, logGroupIdentifier: G, logStreamName: S })),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: 'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
    });
  });
});

describe('FilterLogEvents', () => {
  const G = '/filter/demo';

  beforeAll(async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: G }));
    for (const s of ['api', 'worker'])
      await client.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: s }));
    await put(G, 'api', [
      { timestamp: T0 + 1, message: 'INFO request started' },
      { timestamp: T0 + 3, message: 'ERROR request failed: timeout' },
      { timestamp: T0 + 5, message: JSON.stringify({ level: 'error', latency: 250, user: { id: 'u1' } }) },
    ]);
    await put(G, 'worker', [
      { timestamp: T0 + 2, message: 'ERROR job crashed' },
      { timestamp: T0 + 4, message: JSON.stringify({ level: 'info', latency: 20, user: { id: 'u2' } }) },
      { timestamp: T0 + 6, message: JSON.stringify({ level: 'error', latency: 50, user: { id: 'u3' } }) },
    ]);
  });

  it('interleaves the streams in time order, with event IDs', async () => {
    const { events, searchedLogStreams } = await client.send(new FilterLogEventsCommand({ logGroupName: G }));
    expect(events!.map((e) => [e.logStreamName, e.timestamp! - T0])).toEqual([
      ['api', 1],
      ['worker', 2],
      ['api', 3],
      ['worker', 4],
      ['api', 5],
      ['worker', 6],
    ]);
    expect(events![0]!.eventId).toMatch(/^\d{56}$/);
    expect(searchedLogStreams).toEqual([]);
  });

  it('a text pattern', async () => {
    const { events } = await client.send(
      new FilterLogEventsCommand({ logGroupName: G, filterPattern: 'ERROR' }),
    );
    expect(events!.map((e) => e.message)).toEqual(['ERROR job crashed', 'ERROR request failed: timeout']);
    const phrase = await client.send(
      new FilterLogEventsCommand({ logGroupName: G, filterPattern: '"request failed"' }),
    );
    expect(phrase.events!.map((e) => e.message)).toEqual(['ERROR request failed: timeout']);
    const excluded = await client.send(
      new FilterLogEventsCommand({
        logGroupName: G,
        filterPattern: 'ERROR -timeout',
        logStreamNames: ['api', 'worker'],
      }),
    );
    expect(excluded.events!.map((e) => e.message)).toEqual(['ERROR job crashed']);
  });

  it('a JSON pattern', async () => {
    const { events } = await client.send(
      new FilterLogEventsCommand({
        logGroupName: G,
        filterPattern: '{ $.level = "error" && $.latency > 100 }',
      }),
    );
    expect(events!.map((e) => [e.logStreamName, JSON.parse(e.message!).user.id])).toEqual([['api', 'u1']]);
    const any = await client.send(
      new FilterLogEventsCommand({
        logGroupName: G,
        filterPattern: '{ $.user.id = "u*" }',
        logStreamNamePrefix: 'work',
      }),
    );
    expect(any.events!.map((e) => e.timestamp! - T0)).toEqual([4, 6]);
  });

  it('time bounds, paging with nextToken, and the SDK paginator', async () => {
    const page1 = await client.send(
      new FilterLogEventsCommand({ logGroupName: G, startTime: T0 + 2, endTime: T0 + 5, limit: 2 }),
    );
    expect(page1.events!.map((e) => e.timestamp! - T0)).toEqual([2, 3]);
    expect(page1.nextToken).toBeTruthy();
    const page2 = await client.send(
      new FilterLogEventsCommand({
        logGroupName: G,
        startTime: T0 + 2,
        endTime: T0 + 5,
        limit: 2,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.events!.map((e) => e.timestamp! - T0)).toEqual([4, 5]);

    const all: number[] = [];
    for await (const page of paginateFilterLogEvents({ client, pageSize: 4 }, { logGroupName: G }))
      all.push(...(page.events ?? []).map((e) => e.timestamp! - T0));
    expect(all).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('errors: a bad pattern, a missing group', async () => {
    expect(
      await failure(
        client.send(new FilterLogEventsCommand({ logGroupName: G, filterPattern: '{ $.level = ' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400, message: 'Invalid filter pattern' });
    expect(await failure(client.send(new FilterLogEventsCommand({ logGroupName: '/nope' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
  });
});

describe('retention', () => {
  it('PutRetentionPolicy takes only the listed values; DeleteRetentionPolicy clears it', async () => {
    const G = '/retention/values';
    await client.send(new CreateLogGroupCommand({ logGroupName: G }));
    expect(
      await failure(client.send(new PutRetentionPolicyCommand({ logGroupName: G, retentionInDays: 2 }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: " +
        '[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]',
    });
    expect(
      await failure(
        client.send(new PutRetentionPolicyCommand({ logGroupName: '/nope', retentionInDays: 7 })),
      ),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    await client.send(new PutRetentionPolicyCommand({ logGroupName: G, retentionInDays: 14 }));
    const shown = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }));
    expect(shown.logGroups![0]!.retentionInDays).toBe(14);
    await client.send(new DeleteRetentionPolicyCommand({ logGroupName: G }));
    const cleared = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }));
    expect(cleared.logGroups![0]!.retentionInDays).toBeUndefined();
  });

  it('events older than the retention are swept as the simulated clock moves on', async () => {
    // A lab of its own: the clock jumps days ahead.
    const lab = await serve();
    try {
      const c = logsClient(lab.endpoint);
      const now = await simNow(lab.endpoint);
      const G = '/retention/swept';
      await c.send(new CreateLogGroupCommand({ logGroupName: G }));
      await c.send(new CreateLogGroupCommand({ logGroupName: '/retention/kept' }));
      for (const g of [G, '/retention/kept']) {
        await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
        await c.send(
          new PutLogEventsCommand({
            logGroupName: g,
            logStreamName: 's',
            logEvents: [
              { timestamp: now - 1000, message: 'old news' },
              { timestamp: now, message: 'more old news' },
            ],
          }),
        );
      }
      await c.send(new PutRetentionPolicyCommand({ logGroupName: G, retentionInDays: 1 }));
      const before = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }));
      expect(before.logGroups![0]!.storedBytes).toBe('old news'.length + 'more old news'.length);

      await labCall(lab.endpoint, 'lab.clock', { advanceMs: 2 * DAY });
      const read = async (g: string) =>
        (await c.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true })))
          .events!;
      for (let i = 0; i < 100 && (await read(G)).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await read(G)).toEqual([]);
      expect((await read('/retention/kept')).map((e) => e.message)).toEqual(['old news', 'more old news']);
      const after = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }));
      expect(after.logGroups![0]!.storedBytes).toBe(0);

      // Events older than the retention are rejected as expired when put.
      const later = await simNow(lab.endpoint);
      const out = await c.send(
        new PutLogEventsCommand({
          logGroupName: G,
          logStreamName: 's',
          logEvents: [
            { timestamp: later - 2 * DAY, message: 'expired' },
            { timestamp: later, message: 'fresh' },
          ],
        }),
      );
      expect(out.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 0 });
      expect((await read(G)).map((e) => e.message)).toEqual(['fresh']);
      c.destroy();
    } finally {
      await lab.stop();
      lab.cleanup();
    }
  });
});

describe('tags', () => {
  const G = '/tags/demo';
  const ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${G}`;

  it('CreateLogGroup with tags; TagResource, ListTagsForResource, UntagResource by ARN', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: G, tags: { team: 'web' } }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual({
      team: 'web',
    });
    await client.send(new TagResourceCommand({ resourceArn: ARN, tags: { env: 'dev', team: 'platform' } }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual({
      env: 'dev',
      team: 'platform',
    });
    // Not the `arn` of DescribeLogGroups, with its trailing `:*`: AWS says the ARN is invalid.
    for (const resourceArn of [`${ARN}:*`, 'not-an-arn'])
      expect(await failure(client.send(new ListTagsForResourceCommand({ resourceArn })))).toMatchObject({
        name: 'ValidationException',
        status: 400,
        message: 'Invalid resourceArn',
      });
    await client.send(new UntagResourceCommand({ resourceArn: ARN, tagKeys: ['team'] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual({
      env: 'dev',
    });
  });

  it('tag errors: a missing group, too many tags, a bad key', async () => {
    const missing = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/nope`;
    expect(
      await failure(client.send(new ListTagsForResourceCommand({ resourceArn: missing }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(
      await failure(client.send(new TagResourceCommand({ resourceArn: ARN, tags: many }))),
    ).toMatchObject({
      name: 'TooManyTagsException',
      status: 400,
      message: 'A resource can have no more than 50 tags.',
    });
    expect(
      await failure(client.send(new TagResourceCommand({ resourceArn: ARN, tags: { 'bad*key': 'v' } }))),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});
