/** TagResource, UntagResource, ListTagsForResource on log groups, by ARN. */
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { AwsError } from '../../kernel/errors';
import { ARN_PATTERN, Constraints, TAG_KEY_PATTERN } from './errors';
import { findGroup, type GroupRow } from './groups';
import { groupNotFound } from './errors';
import { checkTags, MAX_TAGS, tooManyTagsFor } from './tags-check';
import type { Tx } from '../../kernel/store';

type Reader = Pick<Tx, 'get' | 'all'>;

/**
 * AWS answers an ARN it cannot use (malformed, or a log group's with the trailing `:*` that
 * DescribeLogGroups' `arn` has) with "ValidationException: Invalid resourceArn".
 */
function invalidArn(): AwsError {
  return new AwsError('ValidationException', 'Invalid resourceArn');
}

/** The log group an ARN names (`…:log-group:NAME`), in the caller's account and Region. */
function groupOfArn(db: Reader, ctx: OperationContext, arn: string): GroupRow {
  const m = /^arn:aws:logs:([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) throw invalidArn();
  const [, region, account, resource] = m as unknown as [string, string, string, string];
  const g = /^log-group:([^:]+)$/.exec(resource);
  if (!g) throw invalidArn();
  const group =
    region === ctx.region.code && account === ctx.principal.accountId
      ? findGroup(db, account, region, g[1]!)
      : undefined;
  if (!group) throw groupNotFound();
  return group;
}

function checkArn(c: Constraints, arn: string | undefined): void {
  c.notNull('resourceArn', arn);
  c.length('resourceArn', arn, 1, 1011);
}

/** After the other members' checks: an ARN outside the model's pattern is not one AWS can use. */
function checkArnPattern(arn: string): void {
  if (!new RegExp(`^(?:${ARN_PATTERN})$`).test(arn)) throw invalidArn();
}

export async function tagResource(ctx: OperationContext, input: LOGS.TagResourceRequest): Promise<Empty> {
  const c = new Constraints();
  checkArn(c, input.resourceArn);
  c.notNull('tags', input.tags);
  if (input.tags) checkTags(c, input.tags, 'tags');
  c.check();
  checkArnPattern(input.resourceArn!);
  await ctx.cloud.store.write((tx) => {
    const group = groupOfArn(tx, ctx, input.resourceArn!);
    const tags = { ...(JSON.parse(group.tags) as Record<string, string>), ...input.tags };
    if (Object.keys(tags).length > MAX_TAGS) throw tooManyTagsFor(input.resourceArn!);
    tx.run('UPDATE logs_groups SET tags = ? WHERE id = ?', [JSON.stringify(tags), group.id]);
  });
  return {};
}

export async function untagResource(ctx: OperationContext, input: LOGS.UntagResourceRequest): Promise<Empty> {
  const c = new Constraints();
  checkArn(c, input.resourceArn);
  c.notNull('tagKeys', input.tagKeys);
  c.length('tagKeys', input.tagKeys, 0, 50);
  (input.tagKeys ?? []).forEach((k, i) =>
    c.pattern(`tagKeys.${i + 1}.member`, k, TAG_KEY_PATTERN).length(`tagKeys.${i + 1}.member`, k, 1, 128),
  );
  c.check();
  checkArnPattern(input.resourceArn!);
  await ctx.cloud.store.write((tx) => {
    const group = groupOfArn(tx, ctx, input.resourceArn!);
    const tags = JSON.parse(group.tags) as Record<string, string>;
    for (const k of input.tagKeys!) delete tags[k];
    tx.run('UPDATE logs_groups SET tags = ? WHERE id = ?', [JSON.stringify(tags), group.id]);
  });
  return {};
}

export function listTagsForResource(
  ctx: OperationContext,
  input: LOGS.ListTagsForResourceRequest,
): LOGS.ListTagsForResourceResponse {
  const c = new Constraints();
  checkArn(c, input.resourceArn);
  c.check();
  checkArnPattern(input.resourceArn!);
  const group = groupOfArn(ctx.cloud.store, ctx, input.resourceArn!);
  return { tags: JSON.parse(group.tags) as Record<string, string> };
}
