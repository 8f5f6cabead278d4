/** DescribeTable, ListTables, DeleteTable, DescribeLimits. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { OperationContext } from '../../service';
import { catalogOf, describedTable } from './catalog';
import { checkTableName, Constraints, TABLE_NAME_PATTERN } from './constraints';
import { describeTable, readCounts } from './describe';
import { resourceInUse, validation } from './errors';
import { deleteAllItems } from './item-store';
import { disableStream } from './stream-spec';
import { tableStatus } from './table-meta';

export function describeTableOp(
  ctx: OperationContext,
  input: DDB.DescribeTableInput,
): DDB.DescribeTableOutput {
  checkTableName(input.TableName);
  const meta = describedTable(ctx, input.TableName);
  return {
    Table: describeTable(meta, readCounts(ctx.cloud.store, meta.id), ctx.cloud.clock.now()),
  };
}

export function listTables(ctx: OperationContext, input: DDB.ListTablesInput): DDB.ListTablesOutput {
  const c = new Constraints();
  c.atLeast('limit', input.Limit, 1).atMost('limit', input.Limit, 100);
  c.pattern('exclusiveStartTableName', input.ExclusiveStartTableName, TABLE_NAME_PATTERN);
  c.length('exclusiveStartTableName', input.ExclusiveStartTableName, 3, 255);
  c.check();
  const limit = input.Limit ?? 100;
  // Names compare as DynamoDB lists them: by their bytes.
  const names = ctx.cloud.store
    .all<{ name: string }>(
      `SELECT name FROM ddb_tables WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
      [ctx.principal.accountId, ctx.region.code, input.ExclusiveStartTableName ?? '', limit + 1],
    )
    .map((r) => r.name);
  const out: DDB.ListTablesOutput = { TableNames: names.slice(0, limit) };
  if (names.length > limit) out.LastEvaluatedTableName = names[limit - 1];
  return out;
}

export async function deleteTable(
  ctx: OperationContext,
  input: DDB.DeleteTableInput,
): Promise<DDB.DeleteTableOutput> {
  checkTableName(input.TableName);
  const catalog = catalogOf(ctx);
  const now = ctx.cloud.clock.now();
  const first = describedTable(ctx, input.TableName);
  const description = await ctx.cloud.store.write((tx) => {
    const meta = describedTable(ctx, input.TableName, tx);
    const status = tableStatus(meta, now);
    if (status === 'CREATING')
      throw resourceInUse(
        `Attempt to change a resource which is still in use: Table is being created: ${meta.name}`,
      );
    if (status === 'UPDATING')
      throw resourceInUse(
        `Attempt to change a resource which is still in use: Table is being updated: ${meta.name}`,
      );
    if (meta.deletionProtection)
      throw validation(
        'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
      );
    const description = describeTable(meta, readCounts(tx, meta.id), now, 'DELETING');
    deleteAllItems(tx, meta.id);
    if (meta.stream.arn) disableStream(tx, meta.stream.arn, now);
    tx.run('DELETE FROM ddb_tables WHERE id = ?', [meta.id]);
    catalog.forget(meta.accountId, meta.region, meta.name);
    return description;
  });
  catalog.forget(first.accountId, first.region, first.name);
  return { TableDescription: description };
}

/** The account's default quotas, as AWS answers for an account that never asked for more. */
export function describeLimits(): DDB.DescribeLimitsOutput {
  return {
    AccountMaxReadCapacityUnits: 80000,
    AccountMaxWriteCapacityUnits: 80000,
    TableMaxReadCapacityUnits: 40000,
    TableMaxWriteCapacityUnits: 40000,
  };
}
