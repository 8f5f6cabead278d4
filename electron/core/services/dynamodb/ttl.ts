/**
 * Time to Live: UpdateTimeToLive / DescribeTimeToLive, and the sweeper that deletes expired
 * items as simulated time passes. Expiry times are indexed (ddb_ttl), so a sweep reads only
 * what has expired. Deletions are made by the service: their stream records say so.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { Cloud } from '../../cloud';
import type { OperationContext } from '../../service';
import { catalogOf, describedTable, saveMeta, type TableCatalog } from './catalog';
import { checkTableName, Constraints } from './constraints';
import { validation } from './errors';
import { readItem, rebuildExpiries, writeItem } from './item-store';
import { TTL_IDENTITY } from './stream-records';
import type { TableMeta } from './table-meta';

export async function updateTimeToLive(
  ctx: OperationContext,
  input: DDB.UpdateTimeToLiveInput,
): Promise<DDB.UpdateTimeToLiveOutput> {
  checkTableName(input.TableName);
  const spec = input.TimeToLiveSpecification;
  const c = new Constraints();
  c.notNull('timeToLiveSpecification', spec);
  c.notNull('timeToLiveSpecification.enabled', spec?.Enabled);
  c.notNull('timeToLiveSpecification.attributeName', spec?.AttributeName);
  c.length('timeToLiveSpecification.attributeName', spec?.AttributeName, 1, 255);
  c.check();
  const catalog = catalogOf(ctx);
  const first = describedTable(ctx, input.TableName);
  await ctx.cloud.store.write((tx) => {
    const meta = describedTable(ctx, input.TableName, tx);
    const current = meta.ttl;
    if (spec!.Enabled && current?.enabled) throw validation('TimeToLive is already enabled');
    if (!spec!.Enabled && !current?.enabled) throw validation('TimeToLive is already disabled');
    if (!spec!.Enabled && current && current.attribute !== spec!.AttributeName)
      throw validation(
        `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attribute}`,
      );
    const next: TableMeta = { ...meta, ttl: { attribute: spec!.AttributeName!, enabled: spec!.Enabled! } };
    saveMeta(tx, next);
    rebuildExpiries(tx, next);
    catalog.forget(meta.accountId, meta.region, meta.name);
  });
  catalog.forget(first.accountId, first.region, first.name);
  return { TimeToLiveSpecification: { Enabled: spec!.Enabled!, AttributeName: spec!.AttributeName! } };
}

export function describeTimeToLive(
  ctx: OperationContext,
  input: DDB.DescribeTimeToLiveInput,
): DDB.DescribeTimeToLiveOutput {
  checkTableName(input.TableName);
  const meta = describedTable(ctx, input.TableName);
  if (!meta.ttl?.enabled) return { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } };
  return { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: meta.ttl.attribute } };
}

/** How often, in simulated time, expired items are looked for. */
export const SWEEP_MS = 60_000;
const SWEEP_BATCH = 500;

/** Streams keep their records for 24 hours, and a disabled stream disappears 24 hours later. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function trimStreams(cloud: Cloud): Promise<void> {
  const before = cloud.clock.now() - STREAM_RETENTION_MS;
  // Records are numbered in time order, so the oldest is the first: no scan to find out.
  const oldest = cloud.store.get<{ at: number }>('SELECT at FROM ddb_stream_records ORDER BY seq LIMIT 1');
  const gone = cloud.store.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM ddb_streams WHERE disabled_at IS NOT NULL AND disabled_at < ?',
    [before],
  );
  if (!(oldest && oldest.at < before) && !gone?.n) return;
  await cloud.store.write((tx) => {
    tx.run('DELETE FROM ddb_stream_records WHERE at < ?', [before]);
    tx.run('DELETE FROM ddb_streams WHERE disabled_at IS NOT NULL AND disabled_at < ?', [before]);
  });
}

/** Delete up to a batch of expired items; returns how many went. */
export async function sweepExpired(cloud: Cloud, catalog: TableCatalog): Promise<number> {
  const nowSeconds = Math.floor(cloud.clock.now() / 1000);
  const due = cloud.store.all<{ table_id: number; hash: number; pk: Uint8Array; sk: Uint8Array }>(
    'SELECT table_id, hash, pk, sk FROM ddb_ttl WHERE expires < ? ORDER BY expires LIMIT ?',
    [nowSeconds, SWEEP_BATCH],
  );
  if (due.length === 0) return 0;
  const now = cloud.clock.now();
  let deleted = 0;
  await cloud.store.write((tx) => {
    const tables = new Map<number, TableMeta | undefined>();
    for (const row of due) {
      if (!tables.has(row.table_id)) {
        const r = tx.get<{ account_id: string; region: string; name: string }>(
          'SELECT account_id, region, name FROM ddb_tables WHERE id = ?',
          [row.table_id],
        );
        tables.set(row.table_id, r ? catalog.find(tx, r.account_id, r.region, r.name) : undefined);
      }
      const meta = tables.get(row.table_id);
      if (!meta) continue;
      const key = { hash: row.hash, pk: row.pk, sk: row.sk };
      const old = readItem(tx, meta.id, key);
      if (!old) continue;
      writeItem(tx, meta, key, old, undefined, { now, identity: TTL_IDENTITY });
      deleted++;
    }
  });
  return deleted;
}
