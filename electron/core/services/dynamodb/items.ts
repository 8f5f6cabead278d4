/** PutItem, GetItem, UpdateItem, DeleteItem. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { OperationContext } from '../../service';
import type { Item } from './attribute-value';
import { capacityMode, consumed, spent } from './capacity';
import { itemTable } from './catalog';
import { checkTableName } from './constraints';
import { validation } from './errors';
import {
  applyLegacyUpdate,
  applyUpdate,
  checkExpressionParameters,
  expressionContext,
  legacyCondition,
  legacyProjection,
  legacyUpdate,
  project,
  type Condition,
  type ExpressionContext,
  type ProjectionPath,
} from './expressions';
import { readStoredItem } from './item-store';
import { readUnits } from './item-size';
import { returnValuesOf, runWrite, type PlannedWrite } from './item-write';
import { parseItem, storedKey } from './stored-item';
import { keyNames, type TableMeta } from './table-meta';
import { validateItem, validateItemKeys, validateKey } from './validate-values';
import { withStoredItem } from './wire-items';

type Raw = Record<string, unknown>;

export function tableKeySchema(meta: TableMeta) {
  return meta.range ? [meta.hash, meta.range] : [meta.hash];
}

/** The request's expression attributes; checked once every expression of the request is parsed. */
export function contextOf(input: {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}): ExpressionContext {
  return expressionContext({
    names: input.ExpressionAttributeNames,
    values: input.ExpressionAttributeValues,
  });
}

function returnOnFailure(value: string | undefined): boolean {
  if (value === undefined || value === 'NONE') return false;
  if (value === 'ALL_OLD') return true;
  throw validation(
    `1 validation error detected: Value '${value}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
  );
}

type WriteCondition = {
  ConditionExpression?: string;
  Expected?: Record<string, unknown>;
  ConditionalOperator?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

const CONDITION_EXPRESSIONS = [
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
];

/** A write's condition: its ConditionExpression, or the legacy Expected map. */
function writeCondition(
  input: WriteCondition,
  expressions: ExpressionContext,
  extra: { expression: string[]; legacy: string[] } = { expression: [], legacy: [] },
): Condition | undefined {
  checkExpressionParameters(
    input,
    [...extra.expression, ...CONDITION_EXPRESSIONS],
    [...extra.legacy, 'Expected', 'ConditionalOperator'],
  );
  if (input.ConditionExpression !== undefined)
    return expressions.condition(input.ConditionExpression, 'ConditionExpression');
  return legacyCondition(input.Expected as Parameters<typeof legacyCondition>[0], input.ConditionalOperator);
}

/** A read's projection: its ProjectionExpression, or the legacy AttributesToGet. */
export function readProjection(
  input: { ProjectionExpression?: string; AttributesToGet?: string[] },
  expressions: ExpressionContext,
): ProjectionPath[] | undefined {
  if (input.ProjectionExpression !== undefined) return expressions.projection(input.ProjectionExpression);
  return input.AttributesToGet ? legacyProjection(input.AttributesToGet) : undefined;
}

/** The parts of a Put every write path (PutItem, BatchWriteItem, TransactWriteItems) shares. */
export function planPut(
  ctx: OperationContext,
  input: WriteCondition & { TableName?: string; Item?: Raw; ReturnValuesOnConditionCheckFailure?: string },
  expressions: ExpressionContext,
): PlannedWrite {
  const condition = writeCondition(input, expressions);
  const item = validateItem(input.Item ?? {});
  const meta = itemTable(ctx, input.TableName);
  validateItemKeys(item, tableKeySchema(meta));
  return {
    kind: 'Put',
    meta,
    key: storedKey(meta, item),
    ...(condition ? { condition } : {}),
    apply: () => item,
    returnOldOnFailure: returnOnFailure(input.ReturnValuesOnConditionCheckFailure),
  };
}

export function planDelete(
  ctx: OperationContext,
  input: WriteCondition & { TableName?: string; Key?: Raw; ReturnValuesOnConditionCheckFailure?: string },
  expressions: ExpressionContext,
): PlannedWrite {
  const condition = writeCondition(input, expressions);
  const meta = itemTable(ctx, input.TableName);
  const key = validateKey(input.Key ?? {}, tableKeySchema(meta));
  return {
    kind: 'Delete',
    meta,
    key: storedKey(meta, key),
    ...(condition ? { condition } : {}),
    apply: () => undefined,
    returnOldOnFailure: returnOnFailure(input.ReturnValuesOnConditionCheckFailure),
  };
}

export function planUpdate(
  ctx: OperationContext,
  input: WriteCondition & {
    TableName?: string;
    Key?: Raw;
    UpdateExpression?: string;
    AttributeUpdates?: Record<string, unknown>;
    ReturnValuesOnConditionCheckFailure?: string;
  },
  expressions: ExpressionContext,
): PlannedWrite & { paths: (string | number)[][] } {
  const extra = { expression: ['UpdateExpression'], legacy: ['AttributeUpdates'] };
  const condition = writeCondition(input, expressions, extra);
  const legacy = input.UpdateExpression === undefined && input.AttributeUpdates !== undefined;
  const plan =
    input.UpdateExpression !== undefined
      ? expressions.update(input.UpdateExpression)
      : legacy
        ? legacyUpdate(input.AttributeUpdates as Parameters<typeof legacyUpdate>[0])
        : undefined;
  const apply = legacy ? applyLegacyUpdate : applyUpdate;
  const meta = itemTable(ctx, input.TableName);
  const key = validateKey(input.Key ?? {}, tableKeySchema(meta));
  for (const name of plan?.attributes ?? [])
    if (keyNames(meta).includes(name))
      throw validation(
        `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`,
      );
  return {
    kind: 'Update',
    meta,
    key: storedKey(meta, key),
    ...(condition ? { condition } : {}),
    // An update of a missing item creates it from its key.
    apply: (current) => {
      const old = current();
      return plan ? apply(old ?? { ...key }, plan).item : (old ?? { ...key });
    },
    returnOldOnFailure: returnOnFailure(input.ReturnValuesOnConditionCheckFailure),
    paths: plan?.paths ?? [],
  };
}

type SingleWriteInput = {
  TableName?: string;
  ReturnValues?: string;
  ReturnConsumedCapacity?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

/**
 * PutItem, DeleteItem and UpdateItem: plan the write (validation and expressions first, as AWS
 * reports them), run it in one store transaction, answer with the asked-for attributes.
 */
async function singleWrite<I extends SingleWriteInput>(
  ctx: OperationContext,
  input: I,
  allowed: readonly string[],
  plan: (expressions: ExpressionContext) => PlannedWrite & { paths?: (string | number)[][] },
): Promise<{ Attributes?: Record<string, DDB.AttributeValue>; ConsumedCapacity?: DDB.ConsumedCapacity }> {
  checkTableName(input.TableName);
  const returnValues = returnValuesOf(input.ReturnValues, allowed);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const expressions = contextOf(input);
  const w = plan(expressions);
  expressions.assertAllUsed();
  const now = ctx.cloud.clock.now();
  const result = await ctx.cloud.store.write((tx) => runWrite(tx, w, now));
  const paths = w.paths ?? [];
  let attributes: Item | undefined;
  if (returnValues === 'ALL_OLD') attributes = result.old?.item;
  else if (returnValues === 'ALL_NEW') attributes = result.next;
  else if (returnValues === 'UPDATED_OLD')
    attributes = result.old ? project(result.old.item, paths) : undefined;
  else if (returnValues === 'UPDATED_NEW') attributes = result.next ? project(result.next, paths) : undefined;
  const out: { Attributes?: Record<string, DDB.AttributeValue>; ConsumedCapacity?: DDB.ConsumedCapacity } =
    {};
  if (attributes && Object.keys(attributes).length > 0)
    out.Attributes = attributes as Record<string, DDB.AttributeValue>;
  const cc = consumed(w.meta, result.capacity, mode);
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

export function putItem(ctx: OperationContext, input: DDB.PutItemInput): Promise<DDB.PutItemOutput> {
  return singleWrite(ctx, input, ['NONE', 'ALL_OLD'], (e) => planPut(ctx, input, e));
}

export function deleteItem(ctx: OperationContext, input: DDB.DeleteItemInput): Promise<DDB.DeleteItemOutput> {
  return singleWrite(ctx, input, ['NONE', 'ALL_OLD'], (e) => planDelete(ctx, input, e));
}

export function updateItem(ctx: OperationContext, input: DDB.UpdateItemInput): Promise<DDB.UpdateItemOutput> {
  return singleWrite(ctx, input, ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'], (e) =>
    planUpdate(ctx, input, e),
  );
}

export function getItem(ctx: OperationContext, input: DDB.GetItemInput): DDB.GetItemOutput {
  checkTableName(input.TableName);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const expressions = contextOf(input);
  checkExpressionParameters(input, ['ProjectionExpression'], ['AttributesToGet']);
  const projection = readProjection(input, expressions);
  expressions.assertAllUsed();
  const meta = itemTable(ctx, input.TableName);
  const key = validateKey((input.Key ?? {}) as Raw, tableKeySchema(meta));
  const found = readStoredItem(ctx.cloud.store, meta.id, storedKey(meta, key));
  const out: DDB.GetItemOutput = {};
  if (found && projection) out.Item = project(parseItem(found.item), projection) as DDB.GetItemOutput['Item'];
  // The whole item goes to the json codec as stored (wire-items.ts).
  else if (found) withStoredItem(out, 'Item', found.item);
  if (mode !== 'NONE') {
    const used = spent(true);
    used.table = readUnits(found?.size ?? 0, input.ConsistentRead === true);
    out.ConsumedCapacity = consumed(meta, used, mode);
  }
  return out;
}
