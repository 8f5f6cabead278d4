/**
 * The DynamoDB Streams API over the records tables write (../dynamodb/stream-records.ts): each
 * stream has one shard holding its records in order; a shard iterator is a position in it.
 */
import type * as DDBS from '@aws-sdk/client-dynamodb-streams';
import { createHash } from 'node:crypto';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { Constraints } from '../dynamodb/constraints';
import { resourceNotFound, validation } from '../dynamodb/errors';
import { readStreamRecords, sequenceNumber, seqOf } from '../dynamodb/stream-records';

interface StreamRow {
  arn: string;
  account_id: string;
  region: string;
  table_name: string;
  label: string;
  view_type: string;
  key_schema: string;
  created_at: number;
  disabled_at: number | null;
}

const ITERATOR_MS = 15 * 60 * 1000;

function findStream(ctx: OperationContext, arn: string | undefined): StreamRow {
  const row = ctx.cloud.store.get<StreamRow>('SELECT * FROM ddb_streams WHERE arn = ?', [arn ?? '']);
  if (!row || row.account_id !== ctx.principal.accountId || row.region !== ctx.region.code)
    throw resourceNotFound(`Requested resource not found: Stream: ${arn ?? ''} not found`);
  return row;
}

/** The one shard of a stream, named as AWS names shards (creation time and a hash). */
function shardId(stream: StreamRow): string {
  const digest = createHash('sha256').update(stream.arn).digest('hex').slice(0, 8);
  return `shardId-${String(stream.created_at).padStart(20, '0')}-${digest}`;
}

function bounds(ctx: OperationContext, arn: string): { first: number | null; last: number | null } {
  const row = ctx.cloud.store.get<{ first: number | null; last: number | null }>(
    'SELECT MIN(seq) AS first, MAX(seq) AS last FROM ddb_stream_records WHERE stream_arn = ?',
    [arn],
  );
  return row ?? { first: null, last: null };
}

export function listStreams(ctx: OperationContext, input: DDBS.ListStreamsInput): DDBS.ListStreamsOutput {
  new Constraints().atLeast('limit', input.Limit, 1).atMost('limit', input.Limit, 100).check();
  const limit = input.Limit ?? 100;
  const params: (string | number)[] = [ctx.principal.accountId, ctx.region.code];
  let sql = 'SELECT * FROM ddb_streams WHERE account_id = ? AND region = ?';
  if (input.TableName) {
    sql += ' AND table_name = ?';
    params.push(input.TableName);
  }
  if (input.ExclusiveStartStreamArn) {
    sql += ' AND arn > ?';
    params.push(input.ExclusiveStartStreamArn);
  }
  sql += ' ORDER BY arn LIMIT ?';
  params.push(limit + 1);
  const rows = ctx.cloud.store.all<StreamRow>(sql, params);
  const out: DDBS.ListStreamsOutput = {
    Streams: rows
      .slice(0, limit)
      .map((r) => ({ StreamArn: r.arn, TableName: r.table_name, StreamLabel: r.label })),
  };
  if (rows.length > limit) out.LastEvaluatedStreamArn = rows[limit - 1]!.arn;
  return out;
}

export function describeStream(
  ctx: OperationContext,
  input: DDBS.DescribeStreamInput,
): DDBS.DescribeStreamOutput {
  const stream = findStream(ctx, input.StreamArn);
  const { first, last } = bounds(ctx, stream.arn);
  const range: DDBS.SequenceNumberRange = { StartingSequenceNumber: sequenceNumber(first ?? 1) };
  if (stream.disabled_at !== null && last !== null) range.EndingSequenceNumber = sequenceNumber(last);
  return {
    StreamDescription: {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: stream.disabled_at === null ? 'ENABLED' : 'DISABLED',
      StreamViewType: stream.view_type as DDBS.StreamViewType,
      CreationRequestDateTime: new Date(stream.created_at),
      TableName: stream.table_name,
      KeySchema: JSON.parse(stream.key_schema) as DDBS.KeySchemaElement[],
      Shards: [{ ShardId: shardId(stream), SequenceNumberRange: range }],
    },
  };
}

interface Iterator {
  arn: string;
  after: number;
  created: number;
}

function encodeIterator(it: Iterator): string {
  return `${it.arn}|${it.after}|${it.created}|${createHash('sha256').update(`${it.arn}|${it.after}|${it.created}`).digest('hex').slice(0, 16)}`;
}

function decodeIterator(text: string | undefined): Iterator {
  const parts = (text ?? '').split('|');
  if (parts.length !== 4) throw validation('Invalid ShardIterator');
  const [arn, after, created, check] = parts as [string, string, string, string];
  const it = { arn, after: Number(after), created: Number(created) };
  if (encodeIterator(it) !== text || !Number.isSafeInteger(it.after))
    throw validation('Invalid ShardIterator');
  void check;
  return it;
}

export function getShardIterator(
  ctx: OperationContext,
  input: DDBS.GetShardIteratorInput,
): DDBS.GetShardIteratorOutput {
  const c = new Constraints();
  c.notNull('shardIteratorType', input.ShardIteratorType);
  c.oneOf('shardIteratorType', input.ShardIteratorType, [
    'TRIM_HORIZON',
    'LATEST',
    'AT_SEQUENCE_NUMBER',
    'AFTER_SEQUENCE_NUMBER',
  ]);
  c.check();
  const stream = findStream(ctx, input.StreamArn);
  if (input.ShardId !== shardId(stream))
    throw resourceNotFound(`Requested resource not found: Shard does not exist`);
  let after: number;
  switch (input.ShardIteratorType) {
    case 'TRIM_HORIZON':
      after = (bounds(ctx, stream.arn).first ?? 1) - 1;
      break;
    case 'LATEST':
      after = bounds(ctx, stream.arn).last ?? 0;
      break;
    default: {
      const seq = input.SequenceNumber ? seqOf(input.SequenceNumber) : undefined;
      if (seq === undefined)
        throw validation(
          `Invalid SequenceNumber: ${input.SequenceNumber ?? 'null'} for shard ${input.ShardId} of stream ${stream.arn}`,
        );
      after = input.ShardIteratorType === 'AT_SEQUENCE_NUMBER' ? seq - 1 : seq;
    }
  }
  return { ShardIterator: encodeIterator({ arn: stream.arn, after, created: ctx.cloud.clock.now() }) };
}

export function getRecords(ctx: OperationContext, input: DDBS.GetRecordsInput): DDBS.GetRecordsOutput {
  new Constraints().atLeast('limit', input.Limit, 1).atMost('limit', input.Limit, 1000).check();
  const it = decodeIterator(input.ShardIterator);
  const now = ctx.cloud.clock.now();
  if (now - it.created > ITERATOR_MS)
    throw new AwsError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(it.created).toUTCString()} while right now it is ${new Date(now).toUTCString()}. The iterator is valid for 15 minutes.`,
    );
  const stream = findStream(ctx, it.arn);
  const { records, lastSeq } = readStreamRecords(
    ctx.cloud.store,
    stream.arn,
    stream.region,
    it.after,
    input.Limit ?? 1000,
  );
  const out: DDBS.GetRecordsOutput = { Records: records };
  // A disabled stream's shard is closed: once read to its end there is no next iterator.
  const closed = stream.disabled_at !== null && records.length === 0;
  if (!closed) out.NextShardIterator = encodeIterator({ arn: stream.arn, after: lastSeq, created: now });
  return out;
}
