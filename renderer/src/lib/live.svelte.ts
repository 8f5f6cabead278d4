/**
 * Data that keeps itself current: loads once, reloads when the cloud publishes an event for
 * one of its topics in the console's Region (an instance changed state), and can poll for what
 * only time changes. A loader may report partial data (the first page of a long list) so the
 * page renders before everything has arrived. Pages create one and dispose it on destroy.
 */
import { onEvent } from './api';
import { session } from './session.svelte';

export class Live<T> {
  data = $state<T | undefined>(undefined);
  error = $state<string | null>(null);
  loading = $state(true);
  /** The data shown is the first part of a first load; the rest is on its way. */
  partial = $state(false);
  private unsubscribe: () => void;
  private timer: ReturnType<typeof setInterval> | null = null;
  private queued = false;
  private inFlight: Promise<void> | null = null;
  private loadedOnce = false;

  constructor(
    private readonly load: (partial: (data: T) => void) => Promise<T>,
    topics: string[] = [],
    pollMs = 0,
  ) {
    this.unsubscribe = onEvent('cloud.event', (e) => {
      if (topics.some((t) => e.topic.startsWith(t)) && (!e.region || e.region === session.region))
        this.refresh();
    });
    if (pollMs > 0) this.timer = setInterval(() => this.refresh(), pollMs);
    this.refresh();
  }

  /** Reload; calls made while a load runs collapse into one more load. */
  refresh(): void {
    if (this.inFlight) {
      this.queued = true;
      return;
    }
    // A reload keeps showing the full previous list until the new one is complete.
    const partial = (d: T) => {
      if (this.loadedOnce) return;
      this.data = d;
      this.partial = true;
      this.loading = false;
    };
    this.inFlight = this.load(partial)
      .then((d) => {
        this.data = d;
        this.error = null;
        this.loadedOnce = true;
      })
      .catch((e: unknown) => {
        this.error = (e as Error).message;
      })
      .finally(() => {
        this.loading = false;
        this.partial = false;
        this.inFlight = null;
        if (this.queued) {
          this.queued = false;
          this.refresh();
        }
      });
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
  }
}
