/** TagResource, UntagResource, ListTagsOfResource on tables. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { catalogOf, parseTableArn, saveMeta } from './catalog';
import { Constraints } from './constraints';
import { invalidParameter, resourceNotFound, validation } from './errors';
import type { TableMeta } from './table-meta';

const MAX_TAGS = 50;

export function checkTags(tags: DDB.Tag[]): void {
  const c = new Constraints();
  tags.forEach((t, i) => {
    c.notNull(`tags.${i + 1}.member.key`, t.Key).length(`tags.${i + 1}.member.key`, t.Key, 1, 128);
    c.notNull(`tags.${i + 1}.member.value`, t.Value).length(`tags.${i + 1}.member.value`, t.Value, 0, 256);
  });
  c.check();
  if (tags.some((t) => t.Key!.startsWith('aws:')))
    throw validation(
      'One or more parameter values were invalid: Tag keys starting with aws: are reserved for system use',
    );
  if (new Set(tags.map((t) => t.Key)).size !== tags.length)
    throw invalidParameter('Duplicate tag keys found');
}

/** The table a resource ARN names, in the caller's account and Region. */
function tableOfArn(ctx: OperationContext, arn: string | undefined): TableMeta {
  const parts = parseTableArn(arn ?? '');
  const meta =
    parts.region === ctx.region.code && parts.accountId === ctx.principal.accountId
      ? catalogOf(ctx).find(ctx.cloud.store, parts.accountId, parts.region, parts.name)
      : undefined;
  if (!meta) throw resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
  return meta;
}

async function changeTags(
  ctx: OperationContext,
  arn: string | undefined,
  change: (tags: TableMeta['tags']) => TableMeta['tags'],
): Promise<void> {
  const catalog = catalogOf(ctx);
  const first = tableOfArn(ctx, arn);
  await ctx.cloud.store.write((tx) => {
    const meta = catalog.find(tx, first.accountId, first.region, first.name);
    if (!meta) throw resourceNotFound();
    const tags = change(meta.tags);
    if (tags.length > MAX_TAGS)
      throw validation('The number of tags exceeds the limit of 50 for this resource');
    saveMeta(tx, { ...meta, tags });
    catalog.forget(meta.accountId, meta.region, meta.name);
  });
  catalog.forget(first.accountId, first.region, first.name);
}

export async function tagResource(ctx: OperationContext, input: DDB.TagResourceInput): Promise<Empty> {
  const c = new Constraints();
  c.length('tags', input.Tags, 1);
  c.check();
  checkTags(input.Tags ?? []);
  await changeTags(ctx, input.ResourceArn, (tags) => {
    const byKey = new Map(tags.map((t) => [t.Key, t.Value]));
    for (const t of input.Tags!) byKey.set(t.Key!, t.Value!);
    return [...byKey].map(([Key, Value]) => ({ Key, Value }));
  });
  return {};
}

export async function untagResource(ctx: OperationContext, input: DDB.UntagResourceInput): Promise<Empty> {
  const c = new Constraints();
  c.length('tagKeys', input.TagKeys, 1);
  c.check();
  const remove = new Set(input.TagKeys);
  await changeTags(ctx, input.ResourceArn, (tags) => tags.filter((t) => !remove.has(t.Key)));
  return {};
}

export function listTagsOfResource(
  ctx: OperationContext,
  input: DDB.ListTagsOfResourceInput,
): DDB.ListTagsOfResourceOutput {
  const meta = tableOfArn(ctx, input.ResourceArn);
  return { Tags: meta.tags.map((t) => ({ ...t })) };
}
