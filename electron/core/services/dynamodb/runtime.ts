/**
 * DynamoDB's per-cloud state: the table definition cache, consoles told when a status change
 * falls due on the simulated clock, and the Time to Live sweeper.
 */
import type { Cloud } from '../../cloud';
import type { ServiceRuntime } from '../../service';
import { TableCatalog } from './catalog';
import type { TableMeta } from './table-meta';
import { sweepExpired, SWEEP_MS, trimStreams } from './ttl';

export class DynamoRuntime implements ServiceRuntime {
  readonly catalog = new TableCatalog();
  private readonly timers = new Set<number>();
  private sweepTimer: number | null = null;
  private closed = false;
  private sweeping = false;

  constructor(private readonly cloud: Cloud) {
    this.scheduleSweep();
  }

  /** A table's or index's status changes by itself at `at`: tell open consoles then. */
  statusChanged(meta: TableMeta, at: number): void {
    const clock = this.cloud.clock;
    const id = clock.setTimeout(
      () => {
        this.timers.delete(id);
        this.cloud.events.publish({
          topic: 'dynamodb.table.status',
          account: meta.accountId,
          region: meta.region,
          at: clock.now(),
          data: { TableName: meta.name },
        });
      },
      Math.max(0, at - clock.now()),
    );
    this.timers.add(id);
  }

  private scheduleSweep(): void {
    if (this.closed) return;
    this.sweepTimer = this.cloud.clock.setTimeout(() => void this.sweep(), SWEEP_MS);
  }

  /** Sweeps until nothing expired is left, then waits for the next round. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let total = 0;
    try {
      for (;;) {
        const n = await sweepExpired(this.cloud, this.catalog);
        total += n;
        if (n === 0 || this.closed) break;
      }
      await trimStreams(this.cloud);
      if (total > 0)
        this.cloud.events.publish({
          topic: 'dynamodb.ttl.deleted',
          at: this.cloud.clock.now(),
          data: { count: total },
        });
    } catch {
      // A failed sweep (the store closing) is retried on the next round.
    } finally {
      this.sweeping = false;
      this.scheduleSweep();
    }
    return total;
  }

  close(): void {
    this.closed = true;
    for (const id of this.timers) this.cloud.clock.clearTimeout(id);
    if (this.sweepTimer !== null) this.cloud.clock.clearTimeout(this.sweepTimer);
  }
}
