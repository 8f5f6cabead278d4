/**
 * Data that keeps itself current: loads once, reloads when the cloud publishes an event for
 * one of its topics in the console's Region (an instance changed state), and polls slowly for
 * what only time changes (status checks passing). Pages create one and dispose it on destroy.
 */
import { onEvent } from './api';
import { session } from './session.svelte';

export class Live<T> {
  data = $state<T | undefined>(undefined);
  error = $state<string | null>(null);
  loading = $state(true);
  private unsubscribe: () => void;
  private timer: ReturnType<typeof setInterval> | null = null;
  private queued = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<T>,
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
    this.inFlight = this.load()
      .then((d) => {
        this.data = d;
        this.error = null;
      })
      .catch((e: unknown) => {
        this.error = (e as Error).message;
      })
      .finally(() => {
        this.loading = false;
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
