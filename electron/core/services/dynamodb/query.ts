/**
 * Query and Scan: range reads on the store's key order, a batch of rows at a time, stopping at
 * Limit evaluated items or 1 MB read — never a load of the table. Global indexes return their
 * projection; local indexes and the table return whole items (then the projection expression).
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { OperationContext } from '../../service';
import type { AttributeValue, Item } from './attribute-value';
import { capacityMode, consumed, spent } from './capacity';
import { itemTable } from './catalog';
import { checkTableName, Constraints, TABLE_NAME_PATTERN } from './constraints';
import { invalidParameter, validation } from './errors';
import {
  checkExpressionParameters,
  legacyFilter,
  legacyKeyConditions,
  project,
  type Condition,
  type Operand,
  type ProjectionPath,
} from './expressions';
import { indexProjection } from './item-store';
import { readUnits } from './item-size';
import { contextOf, readProjection, tableKeySchema } from './items';
import { encodeKey, partitionHash, prefixUpperBound, segmentRange } from './key-codec';
import {
  walk,
  walkStored,
  type Fetch,
  type Page,
  type Row,
  type StoredPage,
  type StoredRow,
} from './read-page';
import { storedKey } from './stored-item';
import { indexStatus, liveIndexes, type IndexMeta, type KeySchema, type TableMeta } from './table-meta';
import { validateKey } from './validate-values';
import { withStoredItems } from './wire-items';

type Select = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

interface Source {
  meta: TableMeta;
  index?: IndexMeta;
  /** The key schema rows are ordered by. */
  schema: KeySchema;
}

function sourceOf(
  ctx: OperationContext,
  tableName: string | undefined,
  indexName: string | undefined,
  consistent: boolean,
): Source {
  const meta = itemTable(ctx, tableName);
  if (indexName === undefined) return { meta, schema: meta };
  const now = ctx.cloud.clock.now();
  const index = liveIndexes(meta, now).find((i) => i.name === indexName && i.status !== 'DELETING');
  if (!index) throw validation(`The table does not have the specified index: ${indexName}`);
  if (index.kind === 'global' && indexStatus(index, now) === 'CREATING')
    throw validation(`Cannot read from backfilling global secondary index: ${indexName}`);
  if (index.kind === 'global' && consistent)
    throw validation('Consistent reads are not supported on global secondary indexes');
  return { meta, index, schema: index };
}

function checkSelect(source: Source, select: string | undefined, hasProjection: boolean): Select {
  if (
    select !== undefined &&
    !['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'].includes(select)
  )
    throw validation(
      `1 validation error detected: Value '${select}' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]`,
    );
  if (hasProjection && select !== undefined && select !== 'SPECIFIC_ATTRIBUTES')
    throw validation(`Cannot specify the ProjectionExpression when choosing to get ${select}`);
  if (select === 'SPECIFIC_ATTRIBUTES' && !hasProjection)
    throw validation(
      'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
    );
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && !source.index)
    throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  if (
    select === 'ALL_ATTRIBUTES' &&
    source.index?.kind === 'global' &&
    source.index.projection.type !== 'ALL'
  )
    throw validation(
      `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${source.index.name} because its projection type is not ALL`,
    );
  return (
    (select as Select | undefined) ??
    (hasProjection ? 'SPECIFIC_ATTRIBUTES' : source.index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES')
  );
}

/** The key names of a LastEvaluatedKey / ExclusiveStartKey: the table's, plus the index's. */
function startKeySchema(source: Source) {
  const out = [...tableKeySchema(source.meta)];
  if (source.index) {
    for (const k of [source.index.hash, source.index.range])
      if (k && !out.some((o) => o.name === k.name)) out.push(k);
  }
  return out;
}

/** The cursor row of an ExclusiveStartKey. */
function startRow(source: Source, raw: Record<string, unknown> | undefined): Row | undefined {
  if (!raw) return undefined;
  const schema = startKeySchema(source);
  let key: Item;
  try {
    key = validateKey(raw, schema);
  } catch {
    throw validation(
      'The provided starting key is invalid: The provided key element does not match the schema',
    );
  }
  return rowOf(source, key);
}

/** The row key of an item (or a key) in what the read walks: the table, or an index. */
function rowOf(source: Source, key: Item): Row {
  const row: Row = { ...storedKey(source.meta, key), item: '', size: 0 };
  if (source.index) {
    const ikey = storedKey(source.index, key);
    row.ihash = ikey.hash;
    row.ipk = ikey.pk;
    row.isk = ikey.sk;
  }
  return row;
}

/**
 * Whether the page can be answered from the stored texts as they are: nothing filters or
 * projects the items, and what is returned is whole items (or nothing, for COUNT).
 */
function returnsStored(
  source: Source,
  select: Select,
  filter: Condition | undefined,
  projection: ProjectionPath[] | undefined,
): boolean {
  if (filter || projection) return false;
  const index = source.index;
  if (select === 'COUNT' || !index || index.projection.type === 'ALL') return true;
  // A local index reads whole items from the table; ALL_ATTRIBUTES returns them whole.
  return index.kind === 'local' && select === 'ALL_ATTRIBUTES';
}

/** The columns a walk reads: the stored-text walk needs no key columns. */
type Columns = 'keys' | 'stored';

/** Walk the page either way (see read-page.ts) and answer it. */
function readPage(
  source: Source,
  fetch: (after: Row | undefined, n: number, columns: Columns) => StoredRow[],
  input: { Limit?: number },
  start: Row | undefined,
  select: Select,
  filter: Condition | undefined,
  projection: ProjectionPath[] | undefined,
  mode: ReturnType<typeof capacityMode>,
  consistent: boolean,
) {
  const keySchema = startKeySchema(source);
  if (returnsStored(source, select, filter, projection)) {
    const page = walkStored(
      (after, n) => fetch(after, n, 'stored'),
      (item) => rowOf(source, item),
      start,
      input.Limit,
      select !== 'COUNT',
      keySchema,
    );
    return output(source, page, select, mode, consistent);
  }
  const index = source.index;
  const page = walk(
    ((after, n) => fetch(after, n, 'keys')) as Fetch<Row>,
    start,
    input.Limit,
    index?.kind === 'global' ? (item) => indexProjection(source.meta, index, item) : (item) => item,
    filter,
    shaper(source, select, projection),
    keySchema,
  );
  return output(source, page, select, mode, consistent);
}

function shaper(
  source: Source,
  select: Select,
  projection: ProjectionPath[] | undefined,
): (item: Item) => Item | undefined {
  if (select === 'COUNT') return () => undefined;
  if (projection) return (item) => project(item, projection);
  // A local index reads whole items from the table; what it returns by default is its projection.
  const index = source.index;
  if (index?.kind === 'local' && select === 'ALL_PROJECTED_ATTRIBUTES')
    return (item) => indexProjection(source.meta, index, item);
  return (item) => item;
}

function output(
  source: Source,
  page: Page | StoredPage,
  select: Select,
  mode: ReturnType<typeof capacityMode>,
  consistent: boolean,
) {
  const out: DDB.QueryOutput = { Count: page.count, ScannedCount: page.scanned };
  if (select !== 'COUNT') {
    // Stored texts go to the json codec as they are (wire-items.ts).
    if (page.stored) withStoredItems(out, 'Items', page.items);
    else out.Items = page.items as DDB.QueryOutput['Items'];
  }
  if (page.last) out.LastEvaluatedKey = page.last as DDB.QueryOutput['LastEvaluatedKey'];
  if (mode !== 'NONE') {
    const used = spent(true);
    const units = readUnits(page.bytes, consistent);
    if (source.index) used.indexes.set(source.index.name, { kind: source.index.kind, units });
    else used.table = units;
    out.ConsumedCapacity = consumed(source.meta, used, mode);
  }
  return out;
}

/** A read's filter: its FilterExpression, or the legacy QueryFilter / ScanFilter. */
function readFilter(
  expressions: ReturnType<typeof contextOf>,
  expression: string | undefined,
  legacy: unknown,
  operator: string | undefined,
  member: 'QueryFilter' | 'ScanFilter',
): Condition | undefined {
  if (expression !== undefined) return expressions.condition(expression, 'FilterExpression');
  return legacyFilter(legacy as Parameters<typeof legacyFilter>[0], operator, member);
}

/** The attribute names a condition reads at its top level. */
function conditionNames(cond: Condition, out = new Set<string>()): Set<string> {
  const operand = (o: Operand): void => {
    if (o.kind === 'path' && typeof o.path[0] === 'string') out.add(o.path[0]);
    else if (o.kind === 'size') operand(o.operand);
  };
  switch (cond.kind) {
    case 'compare':
      operand(cond.left);
      operand(cond.right);
      break;
    case 'between':
      [cond.operand, cond.low, cond.high].forEach(operand);
      break;
    case 'in':
      [cond.operand, ...cond.list].forEach(operand);
      break;
    case 'and':
    case 'or':
      conditionNames(cond.left, out);
      conditionNames(cond.right, out);
      break;
    case 'not':
      conditionNames(cond.condition, out);
      break;
    case 'attribute_exists':
    case 'attribute_not_exists':
      if (typeof cond.path[0] === 'string') out.add(cond.path[0]);
      break;
    case 'attribute_type':
      operand(cond.operand);
      break;
    case 'begins_with':
      operand(cond.operand);
      operand(cond.prefix);
      break;
    case 'contains':
      operand(cond.operand);
      operand(cond.needle);
      break;
  }
  return out;
}

/** A Query's filter cannot test the key it queries by (that is the key condition's job). */
function checkFilterKeys(filter: Condition, schema: KeySchema): void {
  const names = conditionNames(filter);
  for (const key of [schema.hash, schema.range])
    if (key && names.has(key.name))
      throw validation(
        `Filter Expression can only contain non-primary key attributes: Primary key attribute: ${key.name}`,
      );
}

function checkLimit(limit: number | undefined, c: Constraints): void {
  c.atLeast('limit', limit, 1);
}

/** The table columns of a walk: sql.js copies every blob it returns, so only what is used. */
function tableColumns(columns: Columns): string {
  return columns === 'stored' ? 'item, size' : 'hash, pk, sk, item, size';
}

/** Index entries joined to their base items: the head of every index read (Query and Scan). */
function indexRowsSql(index: IndexMeta, columns: Columns): string {
  // A global index's size is its projection's; a local index reads (and is charged) whole items.
  const size = index.kind === 'global' ? 'x.size' : 'i.size';
  const keys =
    columns === 'stored'
      ? ''
      : 'x.hash AS ihash, x.ipk AS ipk, x.isk AS isk, x.base_hash AS hash, x.pk AS pk, x.sk AS sk, ';
  return `SELECT ${keys}i.item AS item, ${size} AS size
    FROM ddb_index_items x JOIN ddb_items i
      ON i.table_id = x.table_id AND i.hash = x.base_hash AND i.pk = x.pk AND i.sk = x.sk
    WHERE x.table_id = ? AND x.index_name = ?`;
}

export function query(ctx: OperationContext, input: DDB.QueryInput): DDB.QueryOutput {
  checkTableName(input.TableName);
  const c = new Constraints();
  checkLimit(input.Limit, c);
  c.pattern('indexName', input.IndexName, TABLE_NAME_PATTERN).length('indexName', input.IndexName, 3, 255);
  c.check();
  const mode = capacityMode(input.ReturnConsumedCapacity);
  checkExpressionParameters(
    input,
    [
      'ProjectionExpression',
      'FilterExpression',
      'KeyConditionExpression',
      'ExpressionAttributeNames',
      'ExpressionAttributeValues',
    ],
    ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  );
  if (input.KeyConditionExpression === undefined && input.KeyConditions === undefined)
    throw validation(
      'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
    );
  const consistent = input.ConsistentRead === true;
  const source = sourceOf(ctx, input.TableName, input.IndexName, consistent);
  const expressions = contextOf(input);
  const keyNames = {
    partition: source.schema.hash.name,
    ...(source.schema.range ? { sort: source.schema.range.name } : {}),
  };
  const keyCondition =
    input.KeyConditionExpression !== undefined
      ? expressions.keyCondition(input.KeyConditionExpression, keyNames)
      : legacyKeyConditions(input.KeyConditions as Parameters<typeof legacyKeyConditions>[0], keyNames);
  const filter = readFilter(
    expressions,
    input.FilterExpression,
    input.QueryFilter,
    input.ConditionalOperator,
    'QueryFilter',
  );
  const projection = readProjection(input, expressions);
  expressions.assertAllUsed();
  if (filter) checkFilterKeys(filter, source.schema);
  const select = checkSelect(source, input.Select, projection !== undefined);
  const partitionValue = keyCondition.partition.value;
  if (!(source.schema.hash.type in partitionValue))
    throw validation(
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    );
  for (const v of keyCondition.sort?.values ?? [])
    if (!(source.schema.range!.type in v))
      throw validation(
        'One or more parameter values were invalid: Condition parameter type does not match schema type',
      );
  const pk = encodeKey(partitionValue);
  const hash = partitionHash(pk);
  const forward = input.ScanIndexForward !== false;
  const range = sortRange(keyCondition.sort);
  const start = startRow(source, input.ExclusiveStartKey as Record<string, unknown> | undefined);
  const db = ctx.cloud.store;
  const t = source.meta.id;
  const dir = forward ? 'ASC' : 'DESC';
  const cmp = forward ? '>' : '<';
  let fetch: (after: Row | undefined, n: number, columns: Columns) => StoredRow[];
  const rangeSql = (col: string, params: unknown[]) => {
    let sql = '';
    if (range.lo) {
      sql += ` AND ${col} ${range.loInclusive ? '>=' : '>'} ?`;
      params.push(range.lo);
    }
    if (range.hi) {
      sql += ` AND ${col} ${range.hiInclusive ? '<=' : '<'} ?`;
      params.push(range.hi);
    }
    return sql;
  };
  if (!source.index) {
    fetch = (after, n, columns) => {
      const params: unknown[] = [t, hash, pk];
      let sql = `SELECT ${tableColumns(columns)} FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ?`;
      sql += rangeSql('sk', params);
      if (after) {
        sql += ` AND sk ${cmp} ?`;
        params.push(after.sk);
      }
      sql += ` ORDER BY sk ${dir} LIMIT ?`;
      params.push(n);
      return db.all<Row>(sql, params as never);
    };
  } else {
    const index = source.index;
    fetch = (after, n, columns) => {
      const params: unknown[] = [t, index.name, hash, pk];
      let sql = `${indexRowsSql(index, columns)} AND x.hash = ? AND x.ipk = ?`;
      sql += rangeSql('x.isk', params);
      if (after) {
        sql += ` AND (x.isk, x.pk, x.sk) ${cmp} (?, ?, ?)`;
        params.push(after.isk!, after.pk, after.sk);
      }
      sql += ` ORDER BY x.isk ${dir}, x.pk ${dir}, x.sk ${dir} LIMIT ?`;
      params.push(n);
      return db.all<Row>(sql, params as never);
    };
  }
  return readPage(source, fetch, input, start, select, filter, projection, mode, consistent);
}

interface SortRange {
  lo?: Uint8Array;
  loInclusive?: boolean;
  hi?: Uint8Array;
  hiInclusive?: boolean;
}

function sortRange(sort: { op: string; values: AttributeValue[] } | undefined): SortRange {
  if (!sort) return {};
  const [a, b] = sort.values.map(encodeKey);
  switch (sort.op) {
    case '=':
      return { lo: a, loInclusive: true, hi: a, hiInclusive: true };
    case '<':
      return { hi: a, hiInclusive: false };
    case '<=':
      return { hi: a, hiInclusive: true };
    case '>':
      return { lo: a, loInclusive: false };
    case '>=':
      return { lo: a, loInclusive: true };
    case 'BETWEEN':
      if (Buffer.compare(a!, b!) > 0)
        throw validation(
          'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound',
        );
      return { lo: a, loInclusive: true, hi: b, hiInclusive: true };
    case 'begins_with': {
      const upper = prefixUpperBound(a!);
      return upper
        ? { lo: a, loInclusive: true, hi: upper, hiInclusive: false }
        : { lo: a, loInclusive: true };
    }
  }
  throw invalidParameter(`Unsupported key condition operator ${sort.op}`);
}

export function scan(ctx: OperationContext, input: DDB.ScanInput): DDB.ScanOutput {
  checkTableName(input.TableName);
  const c = new Constraints();
  checkLimit(input.Limit, c);
  c.pattern('indexName', input.IndexName, TABLE_NAME_PATTERN).length('indexName', input.IndexName, 3, 255);
  c.atLeast('segment', input.Segment, 0).atMost('segment', input.Segment, 999999);
  c.atLeast('totalSegments', input.TotalSegments, 1).atMost('totalSegments', input.TotalSegments, 1000000);
  c.check();
  const mode = capacityMode(input.ReturnConsumedCapacity);
  if ((input.Segment === undefined) !== (input.TotalSegments === undefined))
    throw validation(
      `The TotalSegments parameter is required but was not present in the request when parameter Segment is present`.replace(
        /TotalSegments(.*)Segment is/,
        input.Segment === undefined ? 'Segment$1TotalSegments is' : 'TotalSegments$1Segment is',
      ),
    );
  if (input.Segment !== undefined && input.Segment >= input.TotalSegments!)
    throw validation(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`,
    );
  checkExpressionParameters(
    input,
    ['ProjectionExpression', 'FilterExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
    ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
  );
  const consistent = input.ConsistentRead === true;
  const source = sourceOf(ctx, input.TableName, input.IndexName, consistent);
  const expressions = contextOf(input);
  const filter = readFilter(
    expressions,
    input.FilterExpression,
    input.ScanFilter,
    input.ConditionalOperator,
    'ScanFilter',
  );
  const projection = readProjection(input, expressions);
  expressions.assertAllUsed();
  const select = checkSelect(source, input.Select, projection !== undefined);
  const [lo, hi] =
    input.Segment !== undefined ? segmentRange(input.Segment, input.TotalSegments!) : [0, 2 ** 32];
  const start = startRow(source, input.ExclusiveStartKey as Record<string, unknown> | undefined);
  const db = ctx.cloud.store;
  const t = source.meta.id;
  let fetch: (after: Row | undefined, n: number, columns: Columns) => StoredRow[];
  if (!source.index) {
    fetch = (after, n, columns) =>
      after
        ? db.all<Row>(
            `SELECT ${tableColumns(columns)} FROM ddb_items WHERE table_id = ? AND hash < ? AND (hash, pk, sk) > (?, ?, ?)
             ORDER BY hash, pk, sk LIMIT ?`,
            [t, hi, after.hash, after.pk, after.sk, n],
          )
        : db.all<Row>(
            `SELECT ${tableColumns(columns)} FROM ddb_items WHERE table_id = ? AND hash >= ? AND hash < ?
             ORDER BY hash, pk, sk LIMIT ?`,
            [t, lo, hi, n],
          );
  } else {
    const index = source.index;
    const name = index.name;
    fetch = (after, n, columns) =>
      after
        ? db.all<Row>(
            `${indexRowsSql(index, columns)} AND x.hash < ? AND (x.hash, x.ipk, x.isk, x.pk, x.sk) > (?, ?, ?, ?, ?)
             ORDER BY x.hash, x.ipk, x.isk, x.pk, x.sk LIMIT ?`,
            [t, name, hi, after.ihash!, after.ipk!, after.isk!, after.pk, after.sk, n],
          )
        : db.all<Row>(
            `${indexRowsSql(index, columns)} AND x.hash >= ? AND x.hash < ? ORDER BY x.hash, x.ipk, x.isk, x.pk, x.sk LIMIT ?`,
            [t, name, lo, hi, n],
          );
  }
  return readPage(source, fetch, input, start, select, filter, projection, mode, consistent);
}
