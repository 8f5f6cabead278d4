/**
 * Changes: every operation that changes DNS (a new zone, a record batch, a deleted zone, a VPC
 * association) answers a ChangeInfo that is PENDING until Route 53 has propagated it to all its
 * name servers. Here that takes INSYNC_AFTER_MS of simulated time; GetChange compares with the
 * simulated clock, so `lab.clock {advanceMs}` or a fast clock turns it INSYNC.
 */
import type { ChangeInfo, GetChangeRequest, GetChangeResponse } from '@aws-sdk/client-route-53';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { noSuchChange } from './errors';
import { bareChangeId } from './names';

/** Simulated time until a change is INSYNC (AWS: usually well within a minute). */
export const INSYNC_AFTER_MS = 30_000;

interface ChangeRow {
  id: string;
  submitted: number;
  insync_at: number;
  comment: string | null;
}

/** Records a change submitted now and answers its ChangeInfo (PENDING). */
export function recordChange(tx: Tx, ctx: OperationContext, comment?: string): ChangeInfo {
  const id = `C${ctx.cloud.ids.upper(tx, 'r53-change', 20)}`;
  const now = ctx.cloud.clock.now();
  tx.run('INSERT INTO r53_changes (id, submitted, insync_at, comment) VALUES (?, ?, ?, ?)', [
    id,
    now,
    now + INSYNC_AFTER_MS,
    comment ?? null,
  ]);
  return changeInfo({ id, submitted: now, insync_at: now + INSYNC_AFTER_MS, comment: comment ?? null }, now);
}

function changeInfo(row: ChangeRow, now: number): ChangeInfo {
  return {
    Id: `/change/${row.id}`,
    Status: now >= row.insync_at ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(row.submitted),
    ...(row.comment !== null ? { Comment: row.comment } : {}),
  };
}

export function getChange(ctx: OperationContext, input: GetChangeRequest): GetChangeResponse {
  const id = bareChangeId(input.Id ?? '');
  const row = ctx.cloud.store.get<ChangeRow>('SELECT * FROM r53_changes WHERE id = ?', [id]);
  if (!row) throw noSuchChange(id);
  return { ChangeInfo: changeInfo(row, ctx.cloud.clock.now()) };
}
