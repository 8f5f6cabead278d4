/** A table as DescribeTable (and CreateTable, UpdateTable, DeleteTable) shows it. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { Store, Tx } from '../../kernel/store';
import {
  indexStatus,
  keySchemaElements,
  liveIndexes,
  tableStatus,
  type IndexMeta,
  type TableMeta,
  type TableStatus,
  type Throughput,
} from './table-meta';

type Reader = Pick<Store, 'all'> | Pick<Tx, 'all'>;

export interface Counts {
  items: number;
  bytes: number;
}

/** Items and bytes of the table ('') and of each index. */
export function readCounts(db: Reader, tableId: number): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const row of db.all<{ index_name: string; items: number; bytes: number }>(
    'SELECT index_name, items, bytes FROM ddb_counts WHERE table_id = ?',
    [tableId],
  ))
    out.set(row.index_name, { items: row.items, bytes: row.bytes });
  return out;
}

function throughput(t: Throughput | undefined): DDB.ProvisionedThroughputDescription {
  const out: DDB.ProvisionedThroughputDescription = {
    NumberOfDecreasesToday: t?.decreasesToday ?? 0,
    ReadCapacityUnits: t?.read ?? 0,
    WriteCapacityUnits: t?.write ?? 0,
  };
  if (t?.lastIncrease) out.LastIncreaseDateTime = new Date(t.lastIncrease);
  if (t?.lastDecrease) out.LastDecreaseDateTime = new Date(t.lastDecrease);
  return out;
}

function projection(index: IndexMeta): DDB.Projection {
  return index.projection.nonKey
    ? { ProjectionType: index.projection.type, NonKeyAttributes: index.projection.nonKey }
    : { ProjectionType: index.projection.type };
}

export function describeTable(
  meta: TableMeta,
  counts: Map<string, Counts>,
  now: number,
  status: TableStatus = tableStatus(meta, now),
): DDB.TableDescription {
  const table = counts.get('') ?? { items: 0, bytes: 0 };
  const out: DDB.TableDescription = {
    AttributeDefinitions: meta.attributeDefinitions.map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    TableName: meta.name,
    KeySchema: keySchemaElements(meta),
    TableStatus: status,
    CreationDateTime: new Date(meta.createdAt),
    ProvisionedThroughput: throughput(meta.billingMode === 'PROVISIONED' ? meta.throughput : undefined),
    TableSizeBytes: table.bytes,
    ItemCount: table.items,
    TableArn: meta.arn,
    TableId: meta.tableId,
    DeletionProtectionEnabled: meta.deletionProtection,
  };
  if (meta.billingMode === 'PAY_PER_REQUEST' || meta.billingModeChangedAt !== undefined) {
    out.BillingModeSummary = {
      BillingMode: meta.billingMode,
      LastUpdateToPayPerRequestDateTime: new Date(meta.billingModeChangedAt ?? meta.createdAt),
    };
  }
  if (meta.tableClass !== 'STANDARD') out.TableClassSummary = { TableClass: meta.tableClass };
  const indexes = liveIndexes(meta, now);
  const locals = indexes.filter((i) => i.kind === 'local');
  const globals = indexes.filter((i) => i.kind === 'global');
  const indexCounts = (i: IndexMeta) => counts.get(i.name) ?? { items: 0, bytes: 0 };
  if (locals.length > 0)
    out.LocalSecondaryIndexes = locals.map((i) => ({
      IndexName: i.name,
      KeySchema: keySchemaElements(i),
      Projection: projection(i),
      IndexSizeBytes: indexCounts(i).bytes,
      ItemCount: indexCounts(i).items,
      IndexArn: `${meta.arn}/index/${i.name}`,
    }));
  if (globals.length > 0)
    out.GlobalSecondaryIndexes = globals.map((i) => {
      const state = indexStatus(i, now);
      const description: DDB.GlobalSecondaryIndexDescription = {
        IndexName: i.name,
        KeySchema: keySchemaElements(i),
        Projection: projection(i),
        IndexStatus: state,
        ProvisionedThroughput: throughput(meta.billingMode === 'PROVISIONED' ? i.throughput : undefined),
        IndexSizeBytes: indexCounts(i).bytes,
        ItemCount: indexCounts(i).items,
        IndexArn: `${meta.arn}/index/${i.name}`,
      };
      if (state === 'CREATING') description.Backfilling = true;
      return description;
    });
  if (meta.stream.enabled) {
    out.StreamSpecification = { StreamEnabled: true, StreamViewType: meta.stream.viewType! };
  }
  if (meta.stream.arn) {
    out.LatestStreamLabel = meta.stream.label!;
    out.LatestStreamArn = meta.stream.arn;
  }
  return out;
}
