/**
 * Finding tables: by name (or ARN) in the caller's account and Region, with their definitions
 * cached per open cloud — every item operation needs the key schema, and parsing the JSON
 * definition per request would cost more than the item write itself.
 */
import type { Store, Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { resourceNotFound, tableNotFound, validation } from './errors';
import type { DynamoRuntime } from './runtime';
import { tableStatus, type TableMeta } from './table-meta';

type Reader = Pick<Store, 'get'> | Pick<Tx, 'get'>;

export class TableCatalog {
  private readonly cache = new Map<string, TableMeta | null>();

  /** The table, or undefined. Cached; `forget` after any change to a definition. */
  find(db: Reader, accountId: string, region: string, name: string): TableMeta | undefined {
    const key = `${accountId}\0${region}\0${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = db.get<{ meta: string }>(
      'SELECT meta FROM ddb_tables WHERE account_id = ? AND region = ? AND name = ?',
      [accountId, region, name],
    );
    const meta = row ? (JSON.parse(row.meta) as TableMeta) : undefined;
    this.cache.set(key, meta ?? null);
    return meta;
  }

  /** Drop what is cached of a table (its definition changed or it was deleted). */
  forget(accountId: string, region: string, name: string): void {
    this.cache.delete(`${accountId}\0${region}\0${name}`);
  }

  clear(): void {
    this.cache.clear();
  }
}

/** Writes a table's definition (the caller forgets the cached one once the write is done). */
export function saveMeta(tx: Tx, meta: TableMeta): void {
  tx.run('UPDATE ddb_tables SET meta = ? WHERE id = ?', [JSON.stringify(meta), meta.id]);
}

/** A table ARN's parts (ValidationException for anything else). */
export function parseTableArn(value: string): { region: string; accountId: string; name: string } {
  const m = /^arn:aws:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/.exec(value);
  if (!m) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${value}`);
  return { region: m[1]!, accountId: m[2]!, name: m[3]! };
}

/**
 * A TableName parameter: a name, or a table ARN (DynamoDB accepts both) of the caller's
 * account and Region.
 */
export function tableNameOf(ctx: OperationContext, nameOrArn: string | undefined): string {
  const value = nameOrArn ?? '';
  if (!value.startsWith('arn:')) return value;
  const arn = parseTableArn(value);
  if (arn.region !== ctx.region.code || arn.accountId !== ctx.principal.accountId) throw resourceNotFound();
  return arn.name;
}

/** The caller's table for an operation that describes or changes it. */
export function describedTable(ctx: OperationContext, nameOrArn: string | undefined, db?: Reader): TableMeta {
  const name = tableNameOf(ctx, nameOrArn);
  const meta = catalogOf(ctx).find(db ?? ctx.cloud.store, ctx.principal.accountId, ctx.region.code, name);
  if (!meta) throw tableNotFound(name);
  return meta;
}

/**
 * The table an item operation reads or writes: it must exist and not be CREATING (AWS answers a
 * plain "Requested resource not found" for both).
 */
export function itemTable(ctx: OperationContext, nameOrArn: string | undefined, db?: Reader): TableMeta {
  const name = tableNameOf(ctx, nameOrArn);
  const meta = catalogOf(ctx).find(db ?? ctx.cloud.store, ctx.principal.accountId, ctx.region.code, name);
  if (!meta || tableStatus(meta, ctx.cloud.clock.now()) === 'CREATING') throw resourceNotFound();
  return meta;
}

export function catalogOf(ctx: OperationContext): TableCatalog {
  return ctx.cloud.runtime<DynamoRuntime>('dynamodb').catalog;
}
