/**
 * The simulated clock as the console shows it: read from the cloud, then extrapolated locally
 * every second (speed × elapsed) so the display ticks without polling.
 */
import type { ClockChange, ClockInfo } from '../../../electron/contract/console-api';
import { lab, onEvent } from './api';

export class ConsoleClock {
  info = $state<ClockInfo | null>(null);
  now = $state(0);
  private fetchedAt = 0;

  constructor() {
    setInterval(() => this.tick(), 1000);
    onEvent('cloud.event', (e) => {
      if (e.topic === 'clock.changed') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    this.accept(await lab('lab.clock', null));
  }

  async change(change: ClockChange): Promise<void> {
    this.accept(await lab('lab.clock', change));
  }

  private accept(info: ClockInfo): void {
    this.info = info;
    this.fetchedAt = Date.now();
    this.now = info.now;
  }

  private tick(): void {
    if (!this.info) return;
    this.now = this.info.paused
      ? this.info.now
      : this.info.now + (Date.now() - this.fetchedAt) * this.info.speed;
  }
}

export const clock = new ConsoleClock();
