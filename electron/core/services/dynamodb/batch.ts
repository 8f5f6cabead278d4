/**
 * BatchGetItem and BatchWriteItem: up to 100 reads or 25 writes over several tables in one call.
 * Every request is processed here (nothing is throttled), so Unprocessed* come back empty, as
 * AWS answers when it had capacity for everything.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { OperationContext } from '../../service';
import type { Item } from './attribute-value';
import { capacityMode, consumed, spent, type Spent } from './capacity';
import { itemTable } from './catalog';
import { checkTableName, Constraints, TABLE_NAME_PATTERN } from './constraints';
import { invalidParameter, validation } from './errors';
import { checkExpressionParameters, expressionContext, project } from './expressions';
import { readItem } from './item-store';
import { readUnits } from './item-size';
import { runWrite, type PlannedWrite } from './item-write';
import { planDelete, planPut, readProjection, tableKeySchema } from './items';
import { itemId, storedKey } from './stored-item';
import type { TableMeta } from './table-meta';
import { validateKey } from './validate-values';

type Raw = Record<string, unknown>;

export function batchGetItem(ctx: OperationContext, input: DDB.BatchGetItemInput): DDB.BatchGetItemOutput {
  const tables = Object.entries(input.RequestItems ?? {});
  const c = new Constraints();
  c.notNull('requestItems', input.RequestItems);
  if (input.RequestItems && tables.length === 0) c.length('requestItems', [] as unknown[], 1);
  c.check();
  const mode = capacityMode(input.ReturnConsumedCapacity);
  let total = 0;
  for (const [name, request] of tables) {
    checkTableName(name);
    new Constraints().pattern(`requestItems.${name}.member.tableName`, name, TABLE_NAME_PATTERN).check();
    const keys = request.Keys ?? [];
    if (keys.length === 0)
      throw validation(
        `1 validation error detected: Value '${JSON.stringify(keys)}' at 'requestItems.${name}.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    total += keys.length;
  }
  if (total > 100) throw validation('Too many items requested for the BatchGetItem call');
  const responses: Record<string, Item[]> = {};
  const capacities: DDB.ConsumedCapacity[] = [];
  for (const [name, request] of tables) {
    const expressions = expressionContext({
      names: request.ExpressionAttributeNames,
      values: undefined,
    });
    checkExpressionParameters(request, ['ProjectionExpression'], ['AttributesToGet']);
    const projection = readProjection(request, expressions);
    expressions.assertAllUsed();
    const meta = itemTable(ctx, name);
    const seen = new Set<string>();
    const used: Spent = spent(true);
    const found: Item[] = [];
    for (const raw of request.Keys!) {
      const key = validateKey(raw as Raw, tableKeySchema(meta));
      const stored = storedKey(meta, key);
      const id = itemId(meta.id, stored);
      if (seen.has(id)) throw invalidParameter('Provided list of item keys contains duplicates');
      seen.add(id);
      const item = readItem(ctx.cloud.store, meta.id, stored);
      used.table += readUnits(item?.size ?? 0, request.ConsistentRead === true);
      if (item) found.push(projection ? project(item.item, projection) : item.item);
    }
    responses[name] = found;
    const cc = consumed(meta, used, mode);
    if (cc) capacities.push(cc);
  }
  const out: DDB.BatchGetItemOutput = {
    Responses: responses as DDB.BatchGetItemOutput['Responses'],
    UnprocessedKeys: {},
  };
  if (mode !== 'NONE') out.ConsumedCapacity = capacities;
  return out;
}

/**
 * AWS prints the request map the way Java prints objects: `WriteRequest@` and a hash code. The
 * hash here is of the request itself, so the same request always prints the same.
 */
function javaObjectName(request: unknown): string {
  const text = JSON.stringify(request, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );
  return `com.amazonaws.dynamodb.v20120810.WriteRequest@${createHash('md5').update(text).digest('hex').slice(0, 8)}`;
}

export async function batchWriteItem(
  ctx: OperationContext,
  input: DDB.BatchWriteItemInput,
): Promise<DDB.BatchWriteItemOutput> {
  const tables = Object.entries(input.RequestItems ?? {});
  const c = new Constraints();
  c.notNull('requestItems', input.RequestItems);
  c.check();
  if (tables.length === 0)
    throw validation(
      "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  const mode = capacityMode(input.ReturnConsumedCapacity);
  let total = 0;
  for (const [name, requests] of tables) {
    checkTableName(name);
    if (requests.length === 0)
      throw validation(
        `1 validation error detected: Value '[]' at 'requestItems.${name}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    total += requests.length;
  }
  if (total > 25)
    throw validation(
      `1 validation error detected: Value '{${tables.map(([n, requests]) => `${n}=[${requests.map(javaObjectName).join(', ')}]`).join(', ')}}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]`,
    );
  const writes: PlannedWrite[] = [];
  const seen = new Set<string>();
  const none = expressionContext({});
  for (const [name, requests] of tables) {
    for (const request of requests) {
      const put = request.PutRequest;
      const del = request.DeleteRequest;
      if ((put && del) || (!put && !del))
        throw validation(
          'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
        );
      const w = put
        ? planPut(ctx, { TableName: name, Item: put.Item as Raw }, none)
        : planDelete(ctx, { TableName: name, Key: del!.Key as Raw }, none);
      const id = itemId(w.meta.id, w.key);
      if (seen.has(id)) throw invalidParameter('Provided list of item keys contains duplicates');
      seen.add(id);
      writes.push(w);
    }
  }
  const now = ctx.cloud.clock.now();
  // One transaction for the batch: each write is its own on AWS, but none can fail here once
  // planned (no conditions), so committing them together is the same to any observer.
  const results = await ctx.cloud.store.write((tx) => writes.map((w) => runWrite(tx, w, now)));
  const out: DDB.BatchWriteItemOutput = { UnprocessedItems: {} };
  if (mode !== 'NONE') {
    const byTable = new Map<TableMeta, Spent>();
    results.forEach((r, i) => {
      const meta = writes[i]!.meta;
      const used = byTable.get(meta) ?? spent(false);
      used.table += r.capacity.table;
      for (const [n, v] of r.capacity.indexes) {
        const prev = used.indexes.get(n);
        used.indexes.set(n, { kind: v.kind, units: (prev?.units ?? 0) + v.units });
      }
      byTable.set(meta, used);
    });
    out.ConsumedCapacity = [...byTable].map(([meta, used]) => consumed(meta, used, mode)!);
  }
  return out;
}
