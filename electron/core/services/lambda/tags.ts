/** Tags on functions (TagResource, UntagResource, ListTags), by function ARN. */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { functionArn, parseFunctionName } from './arns';
import { functionNotFound, invalidParameter, Violations } from './errors';
import { findFunction } from './records';

const MAX_TAGS = 50;

export function checkTags(tags: Record<string, string>): void {
  const v = new Violations();
  for (const [key, value] of Object.entries(tags)) {
    v.length(key, 'tags.key', 1, 128).length(value, 'tags.value', 0, 256);
  }
  v.check();
  if (Object.keys(tags).some((k) => k.toLowerCase().startsWith('aws:')))
    throw invalidParameter('Tag keys starting with aws: are reserved for system use.');
  if (Object.keys(tags).length > MAX_TAGS)
    throw invalidParameter('Number of tags exceeds resource tag limit.');
}

function functionOf(ctx: OperationContext, resource: string | undefined) {
  const v = new Violations();
  if (resource === undefined) v.add(undefined, 'resource', 'Member must not be null');
  v.check();
  const ref = parseFunctionName(ctx, resource, undefined, 'resource');
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  return ref;
}

async function changeTags(
  ctx: OperationContext,
  resource: string | undefined,
  change: (tags: Record<string, string>) => void,
) {
  const ref = functionOf(ctx, resource);
  await ctx.cloud.store.write((tx) => {
    const fn = findFunction(tx, ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    const tags = JSON.parse(fn.tags) as Record<string, string>;
    change(tags);
    checkTags(tags);
    tx.run('UPDATE lambda_functions SET tags = ? WHERE account_id = ? AND region = ? AND name = ?', [
      JSON.stringify(tags),
      ref.account,
      ref.region,
      ref.name,
    ]);
  });
}

export async function tagResource(ctx: OperationContext, input: L.TagResourceRequest): Promise<Empty> {
  const v = new Violations();
  if (input.Tags === undefined) v.add(undefined, 'tags', 'Member must not be null');
  v.check();
  checkTags(input.Tags!);
  await changeTags(ctx, input.Resource, (tags) => Object.assign(tags, input.Tags));
  return {};
}

export async function untagResource(ctx: OperationContext, input: L.UntagResourceRequest): Promise<Empty> {
  await changeTags(ctx, input.Resource, (tags) => {
    for (const key of input.TagKeys ?? []) delete tags[key];
  });
  return {};
}

export function listTags(ctx: OperationContext, input: L.ListTagsRequest): L.ListTagsResponse {
  const ref = functionOf(ctx, input.Resource);
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name)!;
  return { Tags: JSON.parse(fn.tags) as Record<string, string> };
}
