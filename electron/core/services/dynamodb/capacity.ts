/** ConsumedCapacity as AWS reports it for ReturnConsumedCapacity TOTAL or INDEXES. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import { validation } from './errors';
import type { TableMeta } from './table-meta';

export type CapacityMode = 'NONE' | 'TOTAL' | 'INDEXES';

export function capacityMode(value: string | undefined): CapacityMode {
  if (value === undefined) return 'NONE';
  if (value === 'NONE' || value === 'TOTAL' || value === 'INDEXES') return value;
  throw validation(
    `1 validation error detected: Value '${value}' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]`,
  );
}

/** Units spent on the table itself and on each index, for one table. */
export interface Spent {
  table: number;
  indexes: Map<string, { kind: 'local' | 'global'; units: number }>;
  read: boolean;
}

export function spent(read: boolean): Spent {
  return { table: 0, indexes: new Map(), read };
}

export function consumed(meta: TableMeta, used: Spent, mode: CapacityMode): DDB.ConsumedCapacity | undefined {
  if (mode === 'NONE') return undefined;
  let total = used.table;
  for (const i of used.indexes.values()) total += i.units;
  const out: DDB.ConsumedCapacity = { TableName: meta.name, CapacityUnits: total };
  if (used.read) out.ReadCapacityUnits = total;
  else out.WriteCapacityUnits = total;
  if (mode === 'INDEXES') {
    out.Table = used.read
      ? { CapacityUnits: used.table, ReadCapacityUnits: used.table }
      : { CapacityUnits: used.table, WriteCapacityUnits: used.table };
    for (const [name, i] of used.indexes) {
      const units: DDB.Capacity = used.read
        ? { CapacityUnits: i.units, ReadCapacityUnits: i.units }
        : { CapacityUnits: i.units, WriteCapacityUnits: i.units };
      if (i.kind === 'global') (out.GlobalSecondaryIndexes ??= {})[name] = units;
      else (out.LocalSecondaryIndexes ??= {})[name] = units;
    }
  }
  return out;
}
