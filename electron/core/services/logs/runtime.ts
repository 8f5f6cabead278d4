/**
 * CloudWatch Logs' per-cloud state: the retention sweeper. Every few simulated minutes it deletes
 * the events older than their group's retention (by event timestamp, as AWS does), a group at a
 * time through the (group_id, timestamp) index, so a sweep reads only what expired.
 */
import type { Cloud } from '../../cloud';
import type { ServiceRuntime } from '../../service';
import { DAY_MS } from './events';

/** How often, in simulated time, expired events are looked for. */
export const RETENTION_SWEEP_MS = 5 * 60_000;

export class LogsRuntime implements ServiceRuntime {
  private timer: number | null = null;
  private closed = false;
  private sweeping: Promise<number> = Promise.resolve(0);

  constructor(private readonly cloud: Cloud) {
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.cloud.clock.setTimeout(() => {
      this.timer = null;
      void this.sweep().finally(() => this.schedule());
    }, RETENTION_SWEEP_MS);
  }

  /** Deletes expired events now (after any sweep under way); resolves with how many went. */
  sweep(): Promise<number> {
    const run = this.sweeping.then(() => sweepRetention(this.cloud)).catch(() => 0); // the store closing: the next round retries
    this.sweeping = run;
    return run;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.cloud.clock.clearTimeout(this.timer);
  }
}

export async function sweepRetention(cloud: Cloud): Promise<number> {
  const now = cloud.clock.now();
  const groups = cloud.store.all<{
    id: number;
    account_id: string;
    region: string;
    name: string;
    retention_days: number;
  }>('SELECT id, account_id, region, name, retention_days FROM logs_groups WHERE retention_days IS NOT NULL');
  let total = 0;
  for (const g of groups) {
    const before = now - g.retention_days * DAY_MS;
    const due = cloud.store.get<{ n: number; b: number | null }>(
      'SELECT COUNT(*) AS n, SUM(length(CAST(message AS BLOB))) AS b FROM logs_events WHERE group_id = ? AND timestamp < ?',
      [g.id, before],
    );
    if (!due?.n) continue;
    await cloud.store.write((tx) => {
      tx.run('DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?', [g.id, before]);
      tx.run('UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) WHERE id = ?', [
        due.b ?? 0,
        g.id,
      ]);
    });
    total += due.n;
    cloud.events.publish({
      topic: 'logs.retention.deleted',
      account: g.account_id,
      region: g.region,
      at: cloud.clock.now(),
      data: { logGroupName: g.name, count: due.n },
    });
  }
  return total;
}
