/**
 * Amazon DynamoDB with the real AWS CLI v2 against `cloudlab serve`, as a learner follows the
 * getting-started steps of the DynamoDB developer guide: the Music table made on demand and
 * waited for, items written, read, updated, queried and scanned (with the CLI's own paging),
 * batches from files, transactions, Time to Live, streams, tags, errors, and the table deleted.
 * botocore checks every answer's x-amz-crc32: a wrong one would fail these calls.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { tempDir } from '../support/temp';

const { run } = cliLab();
const files = tempDir('cloudlab-ddb-cli-');
afterAll(() => files.cleanup());

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/Music';
const key = (artist: string, song: string) =>
  JSON.stringify({ Artist: { S: artist }, SongTitle: { S: song } });

/** The CLI's exit status for an error the service returned (254 in CLI v2; 255 in older CLIs). */
const SERVICE_ERROR = [254, 255];

type Json = Record<string, unknown>;
const ok = (...args: string[]): Json => {
  const r = run(...args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.trim() ? (r.json() as Json) : {};
};

describe('aws dynamodb (getting started)', () => {
  it('create-table makes the Music table on demand; wait table-exists returns once it is ACTIVE', () => {
    const created = ok(
      'dynamodb',
      'create-table',
      '--table-name',
      'Music',
      '--attribute-definitions',
      'AttributeName=Artist,AttributeType=S',
      'AttributeName=SongTitle,AttributeType=S',
      '--key-schema',
      'AttributeName=Artist,KeyType=HASH',
      'AttributeName=SongTitle,KeyType=RANGE',
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--table-class',
      'STANDARD',
    );
    expect(created.TableDescription).toMatchObject({
      TableName: 'Music',
      TableStatus: 'CREATING',
      TableArn: ARN,
      ItemCount: 0,
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      KeySchema: [
        { AttributeName: 'Artist', KeyType: 'HASH' },
        { AttributeName: 'SongTitle', KeyType: 'RANGE' },
      ],
    });
    // The waiter describes the table at once, then every 20 s: on the fast clock the first look
    // already finds it ACTIVE, so this returns in about a second.
    const started = Date.now();
    const waited = run('dynamodb', 'wait', 'table-exists', '--table-name', 'Music');
    expect(waited.status).toBe(0);
    expect(waited.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
    const described = ok('dynamodb', 'describe-table', '--table-name', 'Music');
    expect(described.Table).toMatchObject({ TableStatus: 'ACTIVE', TableName: 'Music' });
    expect(run('dynamodb', 'list-tables', '--query', 'TableNames', '--output', 'text').stdout.trim()).toBe(
      'Music',
    );
  });

  it('put-item writes items given as JSON; get-item --consistent-read reads one back', () => {
    const songs: [string, string, string, number][] = [
      ['No One You Know', 'Call Me Today', 'Somewhat Famous', 1],
      ['No One You Know', 'Howdy', 'Somewhat Famous', 2],
      ['Acme Band', 'Happy Day', 'Songs About Life', 10],
      ['Acme Band', 'PartiQL Rocks', 'Another Album Title', 8],
    ];
    for (const [artist, song, album, awards] of songs) {
      const put = run(
        'dynamodb',
        'put-item',
        '--table-name',
        'Music',
        '--item',
        JSON.stringify({
          Artist: { S: artist },
          SongTitle: { S: song },
          AlbumTitle: { S: album },
          Awards: { N: String(awards) },
        }),
      );
      expect(put.status).toBe(0);
      expect(put.stdout).toBe('');
      expect(put.stderr).toBe('');
    }
    const got = ok(
      'dynamodb',
      'get-item',
      '--consistent-read',
      '--table-name',
      'Music',
      '--key',
      key('Acme Band', 'Happy Day'),
      '--return-consumed-capacity',
      'TOTAL',
    );
    expect(got.Item).toEqual({
      Artist: { S: 'Acme Band' },
      SongTitle: { S: 'Happy Day' },
      AlbumTitle: { S: 'Songs About Life' },
      Awards: { N: '10' },
    });
    // A strongly consistent read of an item under 4 KB: one read capacity unit.
    expect(got.ConsumedCapacity).toMatchObject({ TableName: 'Music', CapacityUnits: 1 });
    // A key that is not there: an empty answer, not an error.
    expect(
      run('dynamodb', 'get-item', '--table-name', 'Music', '--key', key('Nobody', 'Nothing')).stdout,
    ).toBe('');
  });

  it('update-item with an update expression returns the new item (ALL_NEW)', () => {
    const updated = ok(
      'dynamodb',
      'update-item',
      '--table-name',
      'Music',
      '--key',
      key('Acme Band', 'Happy Day'),
      '--update-expression',
      'SET AlbumTitle = :newval, Awards = Awards + :one',
      '--expression-attribute-values',
      '{":newval":{"S":"Updated Album Title"},":one":{"N":"1"}}',
      '--return-values',
      'ALL_NEW',
    );
    expect(updated).toEqual({
      Attributes: {
        Artist: { S: 'Acme Band' },
        SongTitle: { S: 'Happy Day' },
        AlbumTitle: { S: 'Updated Album Title' },
        Awards: { N: '11' },
      },
    });
  });

  it('query with a key condition expression, and --query/--output text on the result', () => {
    const q = ok(
      'dynamodb',
      'query',
      '--table-name',
      'Music',
      '--key-condition-expression',
      'Artist = :name',
      '--expression-attribute-values',
      '{":name":{"S":"Acme Band"}}',
    );
    expect(q).toMatchObject({ Count: 2, ScannedCount: 2 });
    expect((q.Items as Json[]).map((i) => (i.SongTitle as { S: string }).S)).toEqual([
      'Happy Day',
      'PartiQL Rocks',
    ]);
    const text = run(
      'dynamodb',
      'query',
      '--table-name',
      'Music',
      '--key-condition-expression',
      'Artist = :name AND begins_with(SongTitle, :p)',
      '--expression-attribute-values',
      '{":name":{"S":"No One You Know"},":p":{"S":"H"}}',
      '--projection-expression',
      'SongTitle',
      '--query',
      'Items[].SongTitle.S',
      '--output',
      'text',
    );
    expect(text.stdout.trim()).toBe('Howdy');
  });

  it('batch-write-item --request-items file://… writes 25 at a time', () => {
    const file = join(files.dir, 'batch.json');
    writeFileSync(
      file,
      JSON.stringify({
        Music: Array.from({ length: 25 }, (_, i) => ({
          PutRequest: {
            Item: {
              Artist: { S: 'Batch Band' },
              SongTitle: { S: `Track ${String(i).padStart(2, '0')}` },
              Plays: { N: String(i * 10) },
            },
          },
        })),
      }),
    );
    expect(ok('dynamodb', 'batch-write-item', '--request-items', `file://${file}`)).toEqual({
      UnprocessedItems: {},
    });
    const del = join(files.dir, 'batch-delete.json');
    writeFileSync(
      del,
      JSON.stringify({
        Music: [{ DeleteRequest: { Key: { Artist: { S: 'Batch Band' }, SongTitle: { S: 'Track 24' } } } }],
      }),
    );
    expect(ok('dynamodb', 'batch-write-item', '--request-items', `file://${del}`)).toEqual({
      UnprocessedItems: {},
    });
  });

  it('batch-write-item refuses 26 requests, naming the map as DynamoDB does', () => {
    const tooMany = join(files.dir, 'batch-26.json');
    writeFileSync(
      tooMany,
      JSON.stringify({
        Music: Array.from({ length: 26 }, (_, i) => ({
          PutRequest: { Item: { Artist: { S: 'X' }, SongTitle: { S: `t${i}` } } },
        })),
      }),
    );
    const refused = run('dynamodb', 'batch-write-item', '--request-items', `file://${tooMany}`);
    expect(SERVICE_ERROR).toContain(refused.status);
    // DynamoDB prints the map as Java does: {Music=[com.amazonaws.dynamodb.v20120810.WriteRequest@…, …]}.
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        String.raw`^An error occurred \(ValidationException\) when calling the BatchWriteItem operation: 1 validation error detected: Value '\{Music=\[com\.amazonaws\.dynamodb\.v20120810\.WriteRequest@[0-9a-f]+(, com\.amazonaws\.dynamodb\.v20120810\.WriteRequest@[0-9a-f]+){25}\]\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\]$`,
      ),
    );
  });

  it('scan with a filter expression, followed page by page by the CLI (--page-size, --max-items, NextToken)', () => {
    const filter = [
      '--filter-expression',
      'Artist = :a AND Plays >= :min',
      '--expression-attribute-values',
      '{":a":{"S":"Batch Band"},":min":{"N":"50"}}',
    ];
    // --page-size: the CLI asks for 4 items a call and follows LastEvaluatedKey to the end.
    const all = ok('dynamodb', 'scan', '--table-name', 'Music', ...filter, '--page-size', '4');
    expect(all.Count).toBe(19);
    expect(all.ScannedCount).toBe(28); // every item of the table, over 7 calls
    expect(all.NextToken).toBeUndefined();
    const titles = (all.Items as Json[]).map((i) => (i.SongTitle as { S: string }).S).sort();
    expect(titles).toEqual(Array.from({ length: 19 }, (_, i) => `Track ${String(i + 5).padStart(2, '0')}`));

    // --max-items: the CLI stops after 7 items and gives a NextToken to resume from.
    const first = ok(
      'dynamodb',
      'scan',
      '--table-name',
      'Music',
      ...filter,
      '--max-items',
      '7',
      '--page-size',
      '5',
    );
    expect(first.Items as Json[]).toHaveLength(7);
    expect(first.NextToken).toEqual(expect.any(String));
    const rest = ok(
      'dynamodb',
      'scan',
      '--table-name',
      'Music',
      ...filter,
      '--page-size',
      '5',
      '--starting-token',
      first.NextToken as string,
    );
    expect(rest.NextToken).toBeUndefined();
    const resumed = [...(first.Items as Json[]), ...(rest.Items as Json[])]
      .map((i) => (i.SongTitle as { S: string }).S)
      .sort();
    expect(resumed).toEqual(titles);

    // --no-paginate: one call, its own LastEvaluatedKey.
    const one = ok('dynamodb', 'scan', '--table-name', 'Music', '--limit', '3', '--no-paginate');
    expect(one.Count).toBe(3);
    expect(one.LastEvaluatedKey).toEqual({ Artist: expect.any(Object), SongTitle: expect.any(Object) });
    const count = run(
      'dynamodb',
      'scan',
      '--table-name',
      'Music',
      '--select',
      'COUNT',
      '--query',
      '[Count, ScannedCount]',
      '--output',
      'text',
    );
    expect(count.stdout.trim()).toBe('28\t28');
  });

  it('transact-write-items applies all its actions, or none with the cancellation reasons', () => {
    const file = join(files.dir, 'transact.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          Update: {
            TableName: 'Music',
            Key: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' } },
            UpdateExpression: 'SET Awards = Awards + :inc',
            ConditionExpression: 'attribute_exists(Awards)',
            ExpressionAttributeValues: { ':inc': { N: '1' } },
          },
        },
        {
          Put: {
            TableName: 'Music',
            Item: { Artist: { S: 'New Band' }, SongTitle: { S: 'First Song' } },
            ConditionExpression: 'attribute_not_exists(Artist)',
          },
        },
        {
          ConditionCheck: {
            TableName: 'Music',
            Key: { Artist: { S: 'Acme Band' }, SongTitle: { S: 'Happy Day' } },
            ConditionExpression: 'Awards > :n',
            ExpressionAttributeValues: { ':n': { N: '5' } },
          },
        },
      ]),
    );
    const done = run('dynamodb', 'transact-write-items', '--transact-items', `file://${file}`);
    expect(done.status).toBe(0);
    expect(done.stderr).toBe('');
    const award = run(
      'dynamodb',
      'get-item',
      '--table-name',
      'Music',
      '--key',
      key('No One You Know', 'Call Me Today'),
      '--query',
      'Item.Awards.N',
      '--output',
      'text',
    );
    expect(award.stdout.trim()).toBe('2');
    // The same again: the Put's condition fails now, so nothing is applied.
    const again = run('dynamodb', 'transact-write-items', '--transact-items', `file://${file}`);
    expect(SERVICE_ERROR).toContain(again.status);
    expect(again.stderr).toContain(
      'An error occurred (TransactionCanceledException) when calling the TransactWriteItems operation: Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
    );
    expect(
      run(
        'dynamodb',
        'get-item',
        '--table-name',
        'Music',
        '--key',
        key('No One You Know', 'Call Me Today'),
        '--query',
        'Item.Awards.N',
        '--output',
        'text',
      ).stdout.trim(),
    ).toBe('2');
  });

  it('errors: status 254/255 and the service message on stderr', () => {
    const conditional = run(
      'dynamodb',
      'put-item',
      '--table-name',
      'Music',
      '--item',
      key('Acme Band', 'Happy Day'),
      '--condition-expression',
      'attribute_not_exists(Artist)',
    );
    expect(SERVICE_ERROR).toContain(conditional.status);
    expect(conditional.stdout).toBe('');
    expect(conditional.stderr.trim()).toBe(
      'An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed',
    );
    const unused = run(
      'dynamodb',
      'query',
      '--table-name',
      'Music',
      '--key-condition-expression',
      'Artist = :name',
      '--expression-attribute-values',
      '{":name":{"S":"Acme Band"},":extra":{"S":"x"}}',
    );
    expect(SERVICE_ERROR).toContain(unused.status);
    expect(unused.stderr.trim()).toBe(
      'An error occurred (ValidationException) when calling the Query operation: Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}',
    );
    const missingKey = run(
      'dynamodb',
      'get-item',
      '--table-name',
      'Music',
      '--key',
      '{"Artist":{"S":"Acme Band"}}',
    );
    expect(missingKey.stderr.trim()).toBe(
      'An error occurred (ValidationException) when calling the GetItem operation: The provided key element does not match the schema',
    );
    const noTable = run('dynamodb', 'describe-table', '--table-name', 'Nope');
    expect(SERVICE_ERROR).toContain(noTable.status);
    expect(noTable.stderr.trim()).toBe(
      'An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: Table: Nope not found',
    );
    // Checked by the CLI before any request is sent: status 252 and its usage message.
    const badParam = run('dynamodb', 'put-item', '--table-name', 'Music', '--item', '{"Artist":{"Q":"x"}}');
    expect(badParam.status).toBe(252);
  });

  it('update-time-to-live and describe-time-to-live', () => {
    expect(ok('dynamodb', 'describe-time-to-live', '--table-name', 'Music')).toEqual({
      TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' },
    });
    expect(
      ok(
        'dynamodb',
        'update-time-to-live',
        '--table-name',
        'Music',
        '--time-to-live-specification',
        'Enabled=true,AttributeName=ExpiresAt',
      ),
    ).toEqual({ TimeToLiveSpecification: { Enabled: true, AttributeName: 'ExpiresAt' } });
    expect(ok('dynamodb', 'describe-time-to-live', '--table-name', 'Music')).toEqual({
      TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ExpiresAt' },
    });
    const twice = run(
      'dynamodb',
      'update-time-to-live',
      '--table-name',
      'Music',
      '--time-to-live-specification',
      'Enabled=true,AttributeName=ExpiresAt',
    );
    expect(SERVICE_ERROR).toContain(twice.status);
    expect(twice.stderr.trim()).toBe(
      'An error occurred (ValidationException) when calling the UpdateTimeToLive operation: TimeToLive is already enabled',
    );
  });

  it('update-table --stream-specification turns the stream on; dynamodbstreams lists it', () => {
    const updated = ok(
      'dynamodb',
      'update-table',
      '--table-name',
      'Music',
      '--stream-specification',
      'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
    );
    const table = updated.TableDescription as Json;
    expect(table).toMatchObject({
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      LatestStreamLabel: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/),
    });
    expect(table.LatestStreamArn).toBe(`${ARN}/stream/${table.LatestStreamLabel as string}`);
    const streams = ok('dynamodbstreams', 'list-streams', '--table-name', 'Music');
    expect(streams.Streams).toEqual([
      { StreamArn: table.LatestStreamArn, TableName: 'Music', StreamLabel: table.LatestStreamLabel },
    ]);
    const description = ok(
      'dynamodbstreams',
      'describe-stream',
      '--stream-arn',
      table.LatestStreamArn as string,
    );
    expect(description.StreamDescription).toMatchObject({
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      TableName: 'Music',
    });
  });

  it('tag-resource, list-tags-of-resource and untag-resource', () => {
    expect(
      run(
        'dynamodb',
        'tag-resource',
        '--resource-arn',
        ARN,
        '--tags',
        'Key=Owner,Value=blueTeam',
        'Key=Env,Value=lab',
      ).status,
    ).toBe(0);
    const tags = ok('dynamodb', 'list-tags-of-resource', '--resource-arn', ARN).Tags as Json[];
    expect(tags).toHaveLength(2);
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'Env', Value: 'lab' },
        { Key: 'Owner', Value: 'blueTeam' },
      ]),
    );
    expect(run('dynamodb', 'untag-resource', '--resource-arn', ARN, '--tag-keys', 'Env').status).toBe(0);
    expect(ok('dynamodb', 'list-tags-of-resource', '--resource-arn', ARN)).toEqual({
      Tags: [{ Key: 'Owner', Value: 'blueTeam' }],
    });
  });

  it('delete-item with ALL_OLD, then delete-table; wait table-not-exists', () => {
    const deleted = ok(
      'dynamodb',
      'delete-item',
      '--table-name',
      'Music',
      '--key',
      key('Acme Band', 'PartiQL Rocks'),
      '--return-values',
      'ALL_OLD',
    );
    expect(deleted).toEqual({
      Attributes: {
        Artist: { S: 'Acme Band' },
        SongTitle: { S: 'PartiQL Rocks' },
        AlbumTitle: { S: 'Another Album Title' },
        Awards: { N: '8' },
      },
    });
    const table = ok('dynamodb', 'delete-table', '--table-name', 'Music');
    expect(table.TableDescription).toMatchObject({ TableName: 'Music', TableStatus: 'DELETING' });
    expect(run('dynamodb', 'wait', 'table-not-exists', '--table-name', 'Music').status).toBe(0);
    expect(ok('dynamodb', 'list-tables')).toEqual({ TableNames: [] });
  });
});
