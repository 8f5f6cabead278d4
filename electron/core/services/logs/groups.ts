/**
 * Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy,
 * DeleteRetentionPolicy, and the lookups the other operations share.
 */
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type { Empty } from '../../../contract/aws-api';
import { AwsError } from '../../kernel/errors';
import { startsWith } from '../../kernel/sql-prefix';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import {
  Constraints,
  groupExists,
  groupNotFound,
  invalidNextToken,
  invalidParameter,
  LOG_GROUP_IDENTIFIER_PATTERN,
  LOG_GROUP_NAME_PATTERN,
} from './errors';
import { checkTags, MAX_TAGS, tooManyTagsFor } from './tags-check';
import { decodePageToken, encodePageToken } from './tokens';

export interface GroupRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  group_class: string;
  tags: string;
  stored_bytes: number;
}

/** The values PutRetentionPolicy accepts, as AWS lists them. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] as const;

type Reader = Pick<Tx, 'get' | 'all'>;

export function groupArn(region: string, account: string, name: string): string {
  return `arn:aws:logs:${region}:${account}:log-group:${name}`;
}

export function streamArn(region: string, account: string, group: string, stream: string): string {
  return `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:${stream}`;
}

export function findGroup(db: Reader, account: string, region: string, name: string): GroupRow | undefined {
  return db.get<GroupRow>('SELECT * FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?', [
    account,
    region,
    name,
  ]);
}

export function requireGroup(db: Reader, ctx: OperationContext, name: string): GroupRow {
  const group = findGroup(db, ctx.principal.accountId, ctx.region.code, name);
  if (!group) throw groupNotFound();
  return group;
}

/** Checks a logGroupName member: pattern, then length. */
export function checkGroupName(
  c: Constraints,
  value: string | undefined,
  member = 'logGroupName',
): Constraints {
  return c.name(member, value, LOG_GROUP_NAME_PATTERN, 1, 512);
}

/**
 * The log group an operation that takes `logGroupName` or `logGroupIdentifier` (a name or an
 * ARN, with or without the trailing `:*`) names. Checks the members' constraints into `c`.
 */
export function groupNameOf(
  c: Constraints,
  input: { logGroupName?: string; logGroupIdentifier?: string },
): () => string {
  checkGroupName(c, input.logGroupName);
  c.name('logGroupIdentifier', input.logGroupIdentifier, LOG_GROUP_IDENTIFIER_PATTERN, 1, 2048);
  return () => {
    if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined)
      throw new AwsError(
        'ValidationException',
        'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
      );
    if (input.logGroupName !== undefined) return input.logGroupName;
    if (input.logGroupIdentifier === undefined)
      throw invalidParameter('Either logGroupName or logGroupIdentifier is required');
    return nameFromIdentifier(input.logGroupIdentifier);
  };
}

/** A log group identifier is its name or its ARN (`…:log-group:NAME` or `…:log-group:NAME:*`). */
export function nameFromIdentifier(identifier: string): string {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return m ? m[1]! : identifier;
}

export function describeGroup(row: GroupRow): LOGS.LogGroup {
  const arn = groupArn(row.region, row.account_id, row.name);
  const out: LOGS.LogGroup = {
    logGroupName: row.name,
    creationTime: row.created_at,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: row.stored_bytes,
    logGroupClass: row.group_class as LOGS.LogGroupClass,
    logGroupArn: arn,
  };
  if (row.retention_days !== null) out.retentionInDays = row.retention_days;
  if (row.kms_key_id !== null) out.kmsKeyId = row.kms_key_id;
  return out;
}

export interface NewGroup {
  account: string;
  region: string;
  name: string;
  now: number;
  tags?: Record<string, string>;
  kmsKeyId?: string;
  groupClass?: string;
}

/** Inserts a log group inside the caller's transaction; ResourceAlreadyExists if it is there. */
export function insertGroup(tx: Tx, g: NewGroup): GroupRow {
  if (findGroup(tx, g.account, g.region, g.name)) throw groupExists();
  tx.run(
    `INSERT INTO logs_groups (account_id, region, name, created_at, retention_days, kms_key_id, group_class, tags)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
    [
      g.account,
      g.region,
      g.name,
      g.now,
      g.kmsKeyId ?? null,
      g.groupClass ?? 'STANDARD',
      JSON.stringify(g.tags ?? {}),
    ],
  );
  return findGroup(tx, g.account, g.region, g.name)!;
}

export async function createLogGroup(
  ctx: OperationContext,
  input: LOGS.CreateLogGroupRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  checkGroupName(c, input.logGroupName);
  c.length('kmsKeyId', input.kmsKeyId, undefined, 256);
  c.oneOf('logGroupClass', input.logGroupClass, GROUP_CLASSES);
  if (input.tags) checkTags(c, input.tags, 'tags');
  c.check();
  if (/^aws\//i.test(input.logGroupName!))
    throw invalidParameter('Log groups starting with AWS/ are reserved for AWS.');
  if (input.tags && Object.keys(input.tags).length > MAX_TAGS)
    throw tooManyTagsFor(groupArn(ctx.region.code, ctx.principal.accountId, input.logGroupName!));
  await ctx.cloud.store.write((tx) =>
    insertGroup(tx, {
      account: ctx.principal.accountId,
      region: ctx.region.code,
      name: input.logGroupName!,
      now: ctx.cloud.clock.now(),
      tags: input.tags,
      kmsKeyId: input.kmsKeyId,
      groupClass: input.logGroupClass,
    }),
  );
  return {};
}

/** Removes a group, its streams and its events, inside the caller's transaction. */
export function removeGroup(tx: Tx, id: number): void {
  tx.run('DELETE FROM logs_events WHERE group_id = ?', [id]);
  tx.run('DELETE FROM logs_streams WHERE group_id = ?', [id]);
  tx.run('DELETE FROM logs_groups WHERE id = ?', [id]);
}

export async function deleteLogGroup(
  ctx: OperationContext,
  input: LOGS.DeleteLogGroupRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  checkGroupName(c, input.logGroupName);
  c.check();
  await ctx.cloud.store.write((tx) => removeGroup(tx, requireGroup(tx, ctx, input.logGroupName!).id));
  return {};
}

export function describeLogGroups(
  ctx: OperationContext,
  input: LOGS.DescribeLogGroupsRequest,
): LOGS.DescribeLogGroupsResponse {
  const c = new Constraints();
  checkGroupName(c, input.logGroupNamePrefix, 'logGroupNamePrefix');
  c.pattern('logGroupNamePattern', input.logGroupNamePattern, '[\\.\\-_/#A-Za-z0-9]*');
  c.length('logGroupNamePattern', input.logGroupNamePattern, 0, 512);
  c.length('nextToken', input.nextToken, 1);
  c.range('limit', input.limit, 1, 50);
  c.oneOf('logGroupClass', input.logGroupClass, GROUP_CLASSES);
  c.check();
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined)
    throw invalidParameter('LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.');
  const limit = input.limit ?? 50;
  let after = '';
  if (input.nextToken !== undefined) {
    const token = decodePageToken(input.nextToken);
    if (typeof token.n !== 'string') throw invalidNextToken();
    after = token.n;
  }
  const params: (string | number)[] = [ctx.principal.accountId, ctx.region.code, after];
  let where = 'account_id = ? AND region = ? AND name > ?';
  if (input.logGroupNamePrefix !== undefined) {
    const under = startsWith('name', input.logGroupNamePrefix);
    where += ` AND ${under.sql}`;
    params.push(...under.params);
  }
  if (input.logGroupNamePattern) {
    where += ' AND instr(lower(name), lower(?)) > 0';
    params.push(input.logGroupNamePattern);
  }
  if (input.logGroupClass !== undefined) {
    where += ' AND group_class = ?';
    params.push(input.logGroupClass);
  }
  const rows = ctx.cloud.store.all<GroupRow>(
    `SELECT * FROM logs_groups WHERE ${where} ORDER BY name LIMIT ?`,
    [...params, limit + 1],
  );
  const page = rows.slice(0, limit);
  const out: LOGS.DescribeLogGroupsResponse = { logGroups: page.map(describeGroup) };
  if (rows.length > limit) out.nextToken = encodePageToken({ n: page[page.length - 1]!.name });
  return out;
}

export async function putRetentionPolicy(
  ctx: OperationContext,
  input: LOGS.PutRetentionPolicyRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  checkGroupName(c, input.logGroupName);
  c.notNull('retentionInDays', input.retentionInDays);
  c.oneOf('retentionInDays', input.retentionInDays, RETENTION_DAYS);
  c.check();
  await ctx.cloud.store.write((tx) => {
    const group = requireGroup(tx, ctx, input.logGroupName!);
    tx.run('UPDATE logs_groups SET retention_days = ? WHERE id = ?', [input.retentionInDays!, group.id]);
  });
  return {};
}

export async function deleteRetentionPolicy(
  ctx: OperationContext,
  input: LOGS.DeleteRetentionPolicyRequest,
): Promise<Empty> {
  const c = new Constraints();
  c.notNull('logGroupName', input.logGroupName);
  checkGroupName(c, input.logGroupName);
  c.check();
  await ctx.cloud.store.write((tx) => {
    const group = requireGroup(tx, ctx, input.logGroupName!);
    tx.run('UPDATE logs_groups SET retention_days = NULL WHERE id = ?', [group.id]);
  });
  return {};
}
