/**
 * UpdateTable: billing mode and throughput, global secondary indexes added (backfilled from the
 * table's items, CREATING until the backfill's time has passed) or removed, the stream turned on
 * or off, deletion protection, table class. The table is UPDATING for a moment on the clock.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { OperationContext } from '../../service';
import { catalogOf, describedTable, saveMeta } from './catalog';
import type { DynamoRuntime } from './runtime';
import { checkTableName } from './constraints';
import { checkCapacity, checkKeySchema, checkProjection, indexMeta, throughputOf } from './create-table';
import { describeTable, readCounts } from './describe';
import { invalidParameter, limitExceeded, resourceInUse, resourceNotFound, validation } from './errors';
import { backfillIndex, dropIndexEntries } from './item-store';
import { disableStream, newStream, recordStream, streamSpecification } from './stream-spec';
import {
  BACKFILL_MS,
  indexStatus,
  liveIndexes,
  tableStatus,
  UPDATE_MS,
  type KeyAttribute,
  type TableMeta,
  type Throughput,
} from './table-meta';

function checkRequest(input: DDB.UpdateTableInput): void {
  const somethingToDo =
    input.ProvisionedThroughput ||
    input.BillingMode ||
    input.StreamSpecification ||
    input.GlobalSecondaryIndexUpdates?.length ||
    input.SSESpecification ||
    input.DeletionProtectionEnabled !== undefined ||
    input.TableClass ||
    input.AttributeDefinitions;
  if (!somethingToDo)
    throw validation(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    );
  if (input.BillingMode === 'PROVISIONED' && !input.ProvisionedThroughput)
    throw invalidParameter('ProvisionedThroughput must be specified when BillingMode is PROVISIONED');
  if (input.ProvisionedThroughput) checkCapacity(input.ProvisionedThroughput);
  const seen = new Set<string>();
  for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
    if (!update.Update && !update.Create && !update.Delete)
      throw invalidParameter(
        'One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null',
      );
    const name = (update.Update ?? update.Create ?? update.Delete)!.IndexName!;
    if (seen.has(name))
      throw invalidParameter(
        `Only one global secondary index update per index is allowed simultaneously. Index: ${name}`,
      );
    seen.add(name);
  }
}

function changedThroughput(
  current: Throughput,
  requested: DDB.ProvisionedThroughput,
  now: number,
): Throughput {
  const read = requested.ReadCapacityUnits!;
  const write = requested.WriteCapacityUnits!;
  const next: Throughput = { ...current, read, write };
  if (read > current.read || write > current.write) next.lastIncrease = now;
  if (read < current.read || write < current.write) {
    next.lastDecrease = now;
    next.decreasesToday = current.decreasesToday + 1;
  }
  return next;
}

function applyUpdate(meta: TableMeta, input: DDB.UpdateTableInput, now: number): TableMeta {
  const next: TableMeta = structuredClone(meta);
  next.indexes = liveIndexes(meta, now);
  let updating = false;
  const billing = input.BillingMode ?? meta.billingMode;
  if (input.ProvisionedThroughput && billing === 'PAY_PER_REQUEST')
    throw invalidParameter(
      'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
  if (input.BillingMode && input.BillingMode !== meta.billingMode) {
    next.billingMode = input.BillingMode;
    next.billingModeChangedAt = now;
    updating = true;
    if (input.BillingMode === 'PROVISIONED') {
      const unprovisioned = next.indexes.filter(
        (i) =>
          i.kind === 'global' &&
          !input.GlobalSecondaryIndexUpdates?.some(
            (u) => u.Update?.IndexName === i.name && u.Update.ProvisionedThroughput,
          ),
      );
      if (unprovisioned.length > 0)
        throw invalidParameter(
          `ProvisionedThroughput must be specified for index: ${unprovisioned.map((i) => i.name).join(',')}`,
        );
    }
  }
  if (input.ProvisionedThroughput) {
    const pt = input.ProvisionedThroughput;
    if (
      meta.billingMode === 'PROVISIONED' &&
      pt.ReadCapacityUnits === meta.throughput.read &&
      pt.WriteCapacityUnits === meta.throughput.write &&
      !input.BillingMode
    )
      throw validation(
        `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${meta.throughput.read}. Requested ReadCapacityUnits: ${pt.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for the table: ${meta.throughput.write}. Requested WriteCapacityUnits: ${pt.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
      );
    next.throughput = changedThroughput(meta.throughput, pt, now);
    updating = true;
  }
  const defs: DDB.AttributeDefinition[] = [
    ...meta.attributeDefinitions.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
  ];
  for (const def of input.AttributeDefinitions ?? []) {
    const existing = defs.find((d) => d.AttributeName === def.AttributeName);
    if (existing && existing.AttributeType !== def.AttributeType)
      throw invalidParameter(
        `Cannot change the type of attribute ${def.AttributeName} from ${existing.AttributeType} to ${def.AttributeType}`,
      );
    if (!existing) defs.push(def);
  }
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  if (updates.filter((u) => u.Create || u.Delete).length > 1)
    throw limitExceeded(
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
  for (const update of updates) {
    if (update.Create) {
      const create = update.Create;
      checkKeySchema(
        create.KeySchema ?? [],
        defs.map((d) => d.AttributeName!),
      );
      checkProjection(create.Projection ?? {});
      if (next.indexes.some((i) => i.name === create.IndexName))
        throw invalidParameter(`Attempting to create an index which already exists: ${create.IndexName}`);
      if (next.indexes.filter((i) => i.kind === 'global').length >= 20)
        throw limitExceeded(
          'Subscriber limit exceeded: Number of GlobalSecondaryIndexes exceeds per-table limit of 20',
        );
      if (billing === 'PROVISIONED' && !create.ProvisionedThroughput)
        throw invalidParameter(`ProvisionedThroughput must be specified for index: ${create.IndexName}`);
      if (billing === 'PAY_PER_REQUEST' && create.ProvisionedThroughput)
        throw invalidParameter(
          `ProvisionedThroughput should not be specified for index: ${create.IndexName} when BillingMode is PAY_PER_REQUEST`,
        );
      next.indexes.push({
        ...indexMeta(defs, create, 'global'),
        status: 'CREATING',
        statusUntil: now + BACKFILL_MS,
      });
    } else if (update.Delete) {
      const index = next.indexes.find((i) => i.name === update.Delete!.IndexName && i.kind === 'global');
      if (!index)
        throw resourceNotFound(`Requested resource not found: Index: ${update.Delete.IndexName} not found`);
      if (indexStatus(index, now) !== 'ACTIVE')
        throw resourceInUse(
          `Attempt to change a resource which is still in use: Index is being created or updated: ${index.name}`,
        );
      index.status = 'DELETING';
      index.statusUntil = now + UPDATE_MS;
    } else if (update.Update) {
      const index = next.indexes.find((i) => i.name === update.Update!.IndexName && i.kind === 'global');
      if (!index)
        throw resourceNotFound(`Requested resource not found: Index: ${update.Update.IndexName} not found`);
      const pt = update.Update.ProvisionedThroughput;
      if (pt) {
        if (billing === 'PAY_PER_REQUEST')
          throw invalidParameter(
            `ProvisionedThroughput should not be specified for index: ${index.name} when BillingMode is PAY_PER_REQUEST`,
          );
        checkCapacity(pt);
        index.throughput = changedThroughput(index.throughput ?? throughputOf(undefined), pt, now);
        index.status = 'UPDATING';
        index.statusUntil = now + UPDATE_MS;
      }
    }
  }
  // Keep only definitions some key still uses (new indexes may have brought their own).
  const used = new Set([
    meta.hash.name,
    meta.range?.name,
    ...next.indexes.flatMap((i) => [i.hash.name, i.range?.name]),
  ]);
  next.attributeDefinitions = defs
    .filter((d) => used.has(d.AttributeName))
    .map((d) => ({ name: d.AttributeName!, type: d.AttributeType as KeyAttribute['type'] }));
  if (input.StreamSpecification) {
    const spec = streamSpecification(input.StreamSpecification);
    if (spec.enabled && meta.stream.enabled)
      throw validation(`Table already has an enabled stream: TableName: ${meta.name}`);
    if (!spec.enabled && !meta.stream.enabled)
      throw validation(`Table already has no stream enabled: TableName: ${meta.name}`);
    next.stream = spec.enabled
      ? newStream(meta.arn, spec.viewType!, now)
      : { ...meta.stream, enabled: false };
    updating = true;
  }
  if (input.DeletionProtectionEnabled !== undefined)
    next.deletionProtection = input.DeletionProtectionEnabled;
  if (input.TableClass && input.TableClass !== meta.tableClass) {
    next.tableClass = input.TableClass as TableMeta['tableClass'];
    updating = true;
  }
  if (updating || updates.length > 0) {
    next.status = 'UPDATING';
    next.statusUntil = now + UPDATE_MS;
  }
  return next;
}

export async function updateTable(
  ctx: OperationContext,
  input: DDB.UpdateTableInput,
): Promise<DDB.UpdateTableOutput> {
  checkTableName(input.TableName);
  checkRequest(input);
  const catalog = catalogOf(ctx);
  const now = ctx.cloud.clock.now();
  const first = describedTable(ctx, input.TableName);
  const result = await ctx.cloud.store.write((tx) => {
    const meta = describedTable(ctx, input.TableName, tx);
    const status = tableStatus(meta, now);
    if (status !== 'ACTIVE')
      throw resourceInUse(
        `Attempt to change a resource which is still in use: Table is being ${status === 'CREATING' ? 'created' : 'updated'}: ${meta.name}`,
      );
    const next = applyUpdate(meta, input, now);
    for (const index of next.indexes) {
      const before = meta.indexes.find((i) => i.name === index.name);
      if (!before) {
        // A bigger table takes longer to backfill, as on AWS (here 1 ms of simulated time an item).
        const items = backfillIndex(tx, next, index);
        index.statusUntil = now + BACKFILL_MS + items;
      }
      if (index.status === 'DELETING' && before?.status !== 'DELETING')
        dropIndexEntries(tx, meta.id, index.name);
    }
    if (meta.stream.arn && meta.stream.enabled && !next.stream.enabled)
      disableStream(tx, meta.stream.arn, now);
    if (next.stream.enabled && next.stream.arn !== meta.stream.arn) recordStream(tx, next);
    saveMeta(tx, next);
    catalog.forget(meta.accountId, meta.region, meta.name);
    return next;
  });
  catalog.forget(first.accountId, first.region, first.name);
  const runtime = ctx.cloud.runtime<DynamoRuntime>('dynamodb');
  for (const at of [result.statusUntil, ...result.indexes.map((i) => i.statusUntil)])
    if (at !== undefined && at > now) runtime.statusChanged(result, at);
  return { TableDescription: describeTable(result, readCounts(ctx.cloud.store, result.id), now) };
}
