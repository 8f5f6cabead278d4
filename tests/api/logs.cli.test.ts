/**
 * Amazon CloudWatch Logs with the real AWS CLI v2 against `cloudlab serve`: a log group and a
 * stream made, events put with the shorthand and JSON syntaxes, read back with get-log-events,
 * found with filter-log-events (text and JSON patterns), listed with the CLI's own paging,
 * followed with `aws logs tail`, tagged, and the errors the CLI prints.
 */
import { describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';

const { run } = cliLab();

/** The CLI's exit status for an error the service returned (254 in CLI v2; 255 in older CLIs). */
const SERVICE_ERROR = [254, 255];
const GROUP = '/cli/app';
const STREAM = 'web-1';

type Json = Record<string, unknown>;
const ok = (...args: string[]): Json => {
  const r = run(...args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.trim() ? (r.json() as Json) : {};
};

// `aws logs tail --since 1h` counts back from the machine's clock: events are stamped with it.
const T0 = Date.now();

describe('aws logs', () => {
  it('create-log-group and create-log-stream; describe-log-groups --log-group-name-prefix finds the group', () => {
    ok('logs', 'create-log-group', '--log-group-name', GROUP, '--tags', 'team=web');
    ok('logs', 'create-log-stream', '--log-group-name', GROUP, '--log-stream-name', STREAM);
    const { logGroups } = ok('logs', 'describe-log-groups', '--log-group-name-prefix', '/cli/') as {
      logGroups: Json[];
    };
    expect(logGroups).toEqual([
      expect.objectContaining({
        logGroupName: GROUP,
        arn: `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`,
        storedBytes: 0,
      }),
    ]);
    const { logStreams } = ok('logs', 'describe-log-streams', '--log-group-name', GROUP) as {
      logStreams: Json[];
    };
    expect(logStreams.map((s) => s.logStreamName)).toEqual([STREAM]);
  });

  it('put-log-events with the shorthand syntax and with JSON', () => {
    const out = ok(
      'logs',
      'put-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      STREAM,
      '--log-events',
      `timestamp=${T0},message=hello-from-the-cli`,
      `timestamp=${T0 + 1},message=ERROR disk full`,
    );
    expect(out.nextSequenceToken).toMatch(/^\d+$/);
    expect(out.rejectedLogEventsInfo).toBeUndefined();
    ok(
      'logs',
      'put-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      STREAM,
      '--log-events',
      JSON.stringify([
        { timestamp: T0 + 2, message: JSON.stringify({ level: 'warn', latency: 120 }) },
        { timestamp: T0 + 3, message: JSON.stringify({ level: 'info', latency: 5 }) },
      ]),
    );
  });

  it('get-log-events reads the stream from the head, with the tokens', () => {
    const out = ok(
      'logs',
      'get-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      STREAM,
      '--start-from-head',
    ) as { events: Json[]; nextForwardToken: string; nextBackwardToken: string };
    expect(out.events.map((e) => [e.timestamp, e.message])).toEqual([
      [T0, 'hello-from-the-cli'],
      [T0 + 1, 'ERROR disk full'],
      [T0 + 2, '{"level":"warn","latency":120}'],
      [T0 + 3, '{"level":"info","latency":5}'],
    ]);
    expect(out.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    const again = ok(
      'logs',
      'get-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      STREAM,
      '--next-token',
      out.nextForwardToken,
    ) as { events: Json[]; nextForwardToken: string };
    expect(again.events).toEqual([]);
    expect(again.nextForwardToken).toBe(out.nextForwardToken);
  });

  it('filter-log-events --filter-pattern with a term and with a JSON pattern', () => {
    const text = ok('logs', 'filter-log-events', '--log-group-name', GROUP, '--filter-pattern', 'ERROR') as {
      events: Json[];
    };
    expect(text.events.map((e) => [e.logStreamName, e.message])).toEqual([[STREAM, 'ERROR disk full']]);
    const json = ok(
      'logs',
      'filter-log-events',
      '--log-group-name',
      GROUP,
      '--filter-pattern',
      '{ $.latency > 100 }',
    ) as { events: Json[] };
    expect(json.events.map((e) => e.message)).toEqual(['{"level":"warn","latency":120}']);
    const bad = run('logs', 'filter-log-events', '--log-group-name', GROUP, '--filter-pattern', '{ $.x = ');
    expect(SERVICE_ERROR).toContain(bad.status);
    expect(bad.stderr).toContain('InvalidParameterException');
    expect(bad.stderr).toContain('Invalid filter pattern');
  });

  it('aws logs tail --since 1h prints the messages', () => {
    const r = run('logs', 'tail', GROUP, '--since', '1h', '--format', 'short');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('hello-from-the-cli');
    expect(lines[1]).toContain('ERROR disk full');
    expect(lines[2]).toContain('"latency":120');
    const detailed = run('logs', 'tail', GROUP, '--since', '1h', '--filter-pattern', 'ERROR');
    expect(detailed.status, detailed.stderr).toBe(0);
    expect(detailed.stdout).toContain(STREAM);
    expect(detailed.stdout).toContain('ERROR disk full');
    expect(detailed.stdout).not.toContain('hello-from-the-cli');
  });

  it('describe-log-groups pages through every group with --page-size, and stops at --max-items', () => {
    for (const n of ['a', 'b', 'c']) ok('logs', 'create-log-group', '--log-group-name', `/cli/more/${n}`);
    const all = ok('logs', 'describe-log-groups', '--log-group-name-prefix', '/cli/', '--page-size', '1') as {
      logGroups: Json[];
    };
    expect(all.logGroups.map((g) => g.logGroupName)).toEqual([
      GROUP,
      '/cli/more/a',
      '/cli/more/b',
      '/cli/more/c',
    ]);
    const first = ok(
      'logs',
      'describe-log-groups',
      '--log-group-name-prefix',
      '/cli/more/',
      '--max-items',
      '2',
    );
    expect((first.logGroups as Json[]).map((g) => g.logGroupName)).toEqual(['/cli/more/a', '/cli/more/b']);
    const rest = ok(
      'logs',
      'describe-log-groups',
      '--log-group-name-prefix',
      '/cli/more/',
      '--starting-token',
      first.NextToken as string,
    );
    expect((rest.logGroups as Json[]).map((g) => g.logGroupName)).toEqual(['/cli/more/c']);
  });

  it('retention and tags', () => {
    ok('logs', 'put-retention-policy', '--log-group-name', GROUP, '--retention-in-days', '7');
    const { logGroups } = ok('logs', 'describe-log-groups', '--log-group-name-prefix', GROUP) as {
      logGroups: Json[];
    };
    expect(logGroups[0]!.retentionInDays).toBe(7);
    const bad = run('logs', 'put-retention-policy', '--log-group-name', GROUP, '--retention-in-days', '8');
    expect(SERVICE_ERROR).toContain(bad.status);
    expect(bad.stderr).toContain('InvalidParameterException');
    ok('logs', 'delete-retention-policy', '--log-group-name', GROUP);

    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
    ok('logs', 'tag-resource', '--resource-arn', arn, '--tags', 'env=dev');
    expect(ok('logs', 'list-tags-for-resource', '--resource-arn', arn).tags).toEqual({
      team: 'web',
      env: 'dev',
    });
    ok('logs', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'team');
    expect(ok('logs', 'list-tags-for-resource', '--resource-arn', arn).tags).toEqual({ env: 'dev' });
  });

  it('errors: exit status 254 and the error code on stderr', () => {
    const dup = run('logs', 'create-log-group', '--log-group-name', GROUP);
    expect(SERVICE_ERROR).toContain(dup.status);
    expect(dup.stderr).toContain('ResourceAlreadyExistsException');
    expect(dup.stderr).toContain('The specified log group already exists');
    const missing = run('logs', 'describe-log-streams', '--log-group-name', '/cli/nope');
    expect(SERVICE_ERROR).toContain(missing.status);
    expect(missing.stderr).toContain('ResourceNotFoundException');
    expect(missing.stderr).toContain('The specified log group does not exist.');
    const order = run(
      'logs',
      'put-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      STREAM,
      '--log-events',
      `timestamp=${T0 + 10},message=later`,
      `timestamp=${T0 + 5},message=earlier`,
    );
    expect(SERVICE_ERROR).toContain(order.status);
    expect(order.stderr).toContain('InvalidParameterException');
    expect(order.stderr).toContain('must be in chronological order');
  });

  it('delete-log-stream and delete-log-group', () => {
    ok('logs', 'delete-log-stream', '--log-group-name', GROUP, '--log-stream-name', STREAM);
    ok('logs', 'delete-log-group', '--log-group-name', GROUP);
    const gone = run('logs', 'delete-log-group', '--log-group-name', GROUP);
    expect(SERVICE_ERROR).toContain(gone.status);
    expect(gone.stderr).toContain('ResourceNotFoundException');
  });
});
