/**
 * TransactWriteItems and TransactGetItems: all or nothing. The writes run in one store
 * transaction; when any condition fails, nothing is written and the answer lists a reason per
 * action. A ClientRequestToken makes a retry within 10 minutes the same call.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { AwsError, isAwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { capacityMode, consumed, spent, type Spent } from './capacity';
import { itemTable } from './catalog';
import { Constraints } from './constraints';
import { validation } from './errors';
import { expressionContext, project } from './expressions';
import { readItem } from './item-store';
import { readUnits } from './item-size';
import { checkCondition, runWrite, type PlannedWrite } from './item-write';
import { contextOf, planDelete, planPut, planUpdate, readProjection, tableKeySchema } from './items';
import { itemId, storedKey } from './stored-item';
import type { TableMeta } from './table-meta';
import { validateKey } from './validate-values';

type Raw = Record<string, unknown>;
const TOKEN_MS = 10 * 60 * 1000;

function checkCount(list: unknown[] | undefined, member: string): void {
  const c = new Constraints();
  c.notNull(member, list).length(member, list, 1, 100);
  c.check();
}

function plan(ctx: OperationContext, action: DDB.TransactWriteItem): PlannedWrite {
  const kinds = [action.ConditionCheck, action.Put, action.Delete, action.Update].filter(Boolean).length;
  if (kinds !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
  const part = (action.ConditionCheck ?? action.Put ?? action.Delete ?? action.Update)!;
  const expressions = contextOf(part as Parameters<typeof contextOf>[0]);
  let w: PlannedWrite;
  if (action.Put) w = planPut(ctx, action.Put, expressions);
  else if (action.Delete) w = planDelete(ctx, action.Delete, expressions);
  else if (action.Update) w = planUpdate(ctx, action.Update, expressions);
  else {
    const check = action.ConditionCheck!;
    const base = planDelete(
      ctx,
      { ...check, ConditionExpression: check.ConditionExpression } as Raw,
      expressions,
    );
    w = {
      kind: 'ConditionCheck',
      meta: base.meta,
      key: base.key,
      ...(base.condition ? { condition: base.condition } : {}),
      returnOldOnFailure: base.returnOldOnFailure ?? false,
    };
    if (!check.ConditionExpression)
      throw validation('The ConditionExpression of a ConditionCheck must be specified');
  }
  expressions.assertAllUsed();
  return w;
}

function requestHash(input: DDB.TransactWriteItemsInput): string {
  const {
    ClientRequestToken: _t,
    ReturnConsumedCapacity: _c,
    ReturnItemCollectionMetrics: _m,
    ...rest
  } = input;
  return createHash('sha256')
    .update(
      JSON.stringify(rest, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
      ),
    )
    .digest('hex');
}

/** Is this a retry of an earlier call with the same token? (A different request is an error.) */
function seenToken(tx: Tx, account: string, token: string, hash: string, now: number): boolean {
  tx.run('DELETE FROM ddb_idempotency WHERE expires_at <= ?', [now]);
  const row = tx.get<{ request_hash: string }>(
    'SELECT request_hash FROM ddb_idempotency WHERE account_id = ? AND token = ?',
    [account, token],
  );
  if (!row) return false;
  if (row.request_hash !== hash)
    throw new AwsError(
      'IdempotentParameterMismatchException',
      'The request uses the same client token as a previous, but non-identical request.',
    );
  return true;
}

function canceled(reasons: DDB.CancellationReason[]): AwsError {
  const error = new AwsError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
  );
  error.extra = { CancellationReasons: reasons };
  return error;
}

function totalCapacity(
  results: { meta: TableMeta; capacity: Spent }[],
  mode: ReturnType<typeof capacityMode>,
  factor: number,
) {
  if (mode === 'NONE') return undefined;
  const byTable = new Map<TableMeta, Spent>();
  for (const r of results) {
    const used = byTable.get(r.meta) ?? spent(r.capacity.read);
    // A transactional read or write costs twice its plain counterpart.
    used.table += r.capacity.table * factor;
    for (const [n, v] of r.capacity.indexes) {
      const prev = used.indexes.get(n);
      used.indexes.set(n, { kind: v.kind, units: (prev?.units ?? 0) + v.units * factor });
    }
    byTable.set(r.meta, used);
  }
  return [...byTable].map(([meta, used]) => consumed(meta, used, mode)!);
}

export async function transactWriteItems(
  ctx: OperationContext,
  input: DDB.TransactWriteItemsInput,
): Promise<DDB.TransactWriteItemsOutput> {
  checkCount(input.TransactItems, 'transactItems');
  const c = new Constraints();
  c.length('clientRequestToken', input.ClientRequestToken, 1, 36);
  c.check();
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const writes = input.TransactItems!.map((action) => plan(ctx, action));
  const ids = new Set<string>();
  for (const w of writes) {
    const id = itemId(w.meta.id, w.key);
    if (ids.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    ids.add(id);
  }
  const now = ctx.cloud.clock.now();
  const token = input.ClientRequestToken;
  const hash = token ? requestHash(input) : '';
  const account = ctx.principal.accountId;
  const results = await ctx.cloud.store.write((tx) => {
    if (token && seenToken(tx, account, token, hash, now))
      return writes.map((w) => ({ meta: w.meta, capacity: spent(false) }));
    // Every condition is checked before anything is written, so the reasons cover all actions.
    const reasons: DDB.CancellationReason[] = writes.map((w) => {
      const old = readItem(tx, w.meta.id, w.key);
      try {
        checkCondition(w, old);
        return { Code: 'None' };
      } catch (e) {
        if (!isAwsError(e)) throw e;
        const reason: DDB.CancellationReason = { Code: 'ConditionalCheckFailed', Message: e.message };
        if (e.extra?.Item) reason.Item = e.extra.Item as DDB.CancellationReason['Item'];
        return reason;
      }
    });
    if (reasons.some((r) => r.Code !== 'None')) throw canceled(reasons);
    const out: { meta: TableMeta; capacity: Spent }[] = [];
    const failures: DDB.CancellationReason[] = writes.map(() => ({ Code: 'None' }));
    let failed = false;
    writes.forEach((w, i) => {
      try {
        out.push({ meta: w.meta, capacity: runWrite(tx, w, now).capacity });
      } catch (e) {
        if (!isAwsError(e) || e.code !== 'ValidationException') throw e;
        failures[i] = { Code: 'ValidationError', Message: e.message };
        failed = true;
      }
    });
    // A write that turned out invalid (an update's operand of the wrong type, an item too
    // large) cancels the transaction; throwing rolls back what was written before it.
    if (failed) throw canceled(failures);
    if (token)
      tx.run(
        'INSERT OR REPLACE INTO ddb_idempotency (account_id, token, request_hash, expires_at) VALUES (?, ?, ?, ?)',
        [account, token, hash, now + TOKEN_MS],
      );
    return out;
  });
  const out: DDB.TransactWriteItemsOutput = {};
  const cc = totalCapacity(results, mode, 2);
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

export function transactGetItems(
  ctx: OperationContext,
  input: DDB.TransactGetItemsInput,
): DDB.TransactGetItemsOutput {
  checkCount(input.TransactItems, 'transactItems');
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const reads = input.TransactItems!.map((action) => {
    const get = action.Get;
    if (!get)
      throw validation(
        "1 validation error detected: Value null at 'transactItems.1.member.get' failed to satisfy constraint: Member must not be null",
      );
    const expressions = expressionContext({ names: get.ExpressionAttributeNames });
    const projection = readProjection(get, expressions);
    expressions.assertAllUsed();
    const meta = itemTable(ctx, get.TableName);
    const key = validateKey((get.Key ?? {}) as Raw, tableKeySchema(meta));
    return { meta, key: storedKey(meta, key), projection };
  });
  const ids = new Set<string>();
  for (const r of reads) {
    const id = itemId(r.meta.id, r.key);
    if (ids.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    ids.add(id);
  }
  const results: { meta: TableMeta; capacity: Spent }[] = [];
  const responses: DDB.ItemResponse[] = reads.map((r) => {
    const found = readItem(ctx.cloud.store, r.meta.id, r.key);
    const used = spent(true);
    used.table = readUnits(found?.size ?? 0, true);
    results.push({ meta: r.meta, capacity: used });
    if (!found) return {};
    return {
      Item: (r.projection ? project(found.item, r.projection) : found.item) as DDB.ItemResponse['Item'],
    };
  });
  const out: DDB.TransactGetItemsOutput = { Responses: responses };
  const cc = totalCapacity(results, mode, 2);
  if (cc) out.ConsumedCapacity = cc;
  return out;
}
