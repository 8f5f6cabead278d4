/**
 * Tags of hosted zones and health checks: ChangeTagsForResource, ListTagsForResource and
 * ListTagsForResources, keyed by resource type (`hostedzone`, `healthcheck`) and bare ID.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { invalidInput, noSuchHealthCheck, noSuchHostedZone } from './errors';
import { bareHealthCheckId, bareZoneId } from './names';
import type { Reader } from './records-store';

const MAX_TAGS = 50;

function resourceId(
  ctx: OperationContext,
  db: Reader,
  type: string | undefined,
  id: string | undefined,
): string {
  if (type === 'hostedzone') {
    const bare = bareZoneId(id ?? '');
    if (!db.get('SELECT 1 FROM r53_zones WHERE id = ? AND account_id = ?', [bare, ctx.principal.accountId]))
      throw noSuchHostedZone(bare);
    return bare;
  }
  if (type === 'healthcheck') {
    const bare = bareHealthCheckId(id ?? '');
    if (
      !db.get('SELECT 1 FROM r53_health_checks WHERE id = ? AND account_id = ?', [
        bare,
        ctx.principal.accountId,
      ])
    )
      throw noSuchHealthCheck(bare);
    return bare;
  }
  throw invalidInput(
    `1 validation error detected: Value '${type ?? ''}' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [healthcheck, hostedzone]`,
  );
}

function tagsOf(db: Reader, type: string, id: string): R53.Tag[] {
  return db
    .all<{ key: string; value: string }>(
      'SELECT key, value FROM r53_tags WHERE resource_type = ? AND resource_id = ? ORDER BY rowid',
      [type, id],
    )
    .map((t) => ({ Key: t.key, Value: t.value }));
}

export async function changeTagsForResource(
  ctx: OperationContext,
  input: R53.ChangeTagsForResourceRequest,
): Promise<R53.ChangeTagsForResourceResponse> {
  const add = input.AddTags ?? [];
  const remove = input.RemoveTagKeys ?? [];
  if (add.length > 10 || remove.length > 10)
    throw invalidInput(
      `1 validation error detected: Value at '${add.length > 10 ? 'addTags' : 'removeTagKeys'}' failed to satisfy constraint: Member must have length less than or equal to 10`,
    );
  for (const tag of add) {
    if (!tag.Key || tag.Key.length > 128)
      throw invalidInput(
        "1 validation error detected: Value at 'addTags.member.key' failed to satisfy constraint: Member must have length between 1 and 128",
      );
    if ((tag.Value ?? '').length > 256)
      throw invalidInput(
        "1 validation error detected: Value at 'addTags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
      );
  }
  await ctx.cloud.store.write((tx: Tx) => {
    const id = resourceId(ctx, tx, input.ResourceType, input.ResourceId);
    const type = input.ResourceType!;
    for (const key of remove)
      tx.run('DELETE FROM r53_tags WHERE resource_type = ? AND resource_id = ? AND key = ?', [type, id, key]);
    for (const tag of add)
      tx.run(
        `INSERT INTO r53_tags (resource_type, resource_id, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (resource_type, resource_id, key) DO UPDATE SET value = excluded.value`,
        [type, id, tag.Key!, tag.Value ?? ''],
      );
    if (tagsOf(tx, type, id).length > MAX_TAGS)
      throw invalidInput(`The number of tags for resource ${id} exceeds the limit of ${MAX_TAGS}.`);
  });
  return {};
}

export function listTagsForResource(
  ctx: OperationContext,
  input: R53.ListTagsForResourceRequest,
): R53.ListTagsForResourceResponse {
  const db = ctx.cloud.store;
  const id = resourceId(ctx, db, input.ResourceType, input.ResourceId);
  return {
    ResourceTagSet: {
      ResourceType: input.ResourceType,
      ResourceId: id,
      Tags: tagsOf(db, input.ResourceType!, id),
    },
  };
}

export function listTagsForResources(
  ctx: OperationContext,
  input: R53.ListTagsForResourcesRequest,
): R53.ListTagsForResourcesResponse {
  const db = ctx.cloud.store;
  const ids = input.ResourceIds ?? [];
  if (ids.length === 0 || ids.length > 10)
    throw invalidInput(
      `1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length ${ids.length === 0 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
    );
  return {
    ResourceTagSets: ids.map((given) => {
      const id = resourceId(ctx, db, input.ResourceType, given);
      return { ResourceType: input.ResourceType, ResourceId: id, Tags: tagsOf(db, input.ResourceType!, id) };
    }),
  };
}
