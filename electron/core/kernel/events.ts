/**
 * The event bus: services publish state changes here and the console adapters push them to
 * every open console, so pages update without refresh.
 */
export interface CloudEvent {
  /** Dotted name, e.g. "clock.changed", "settings.changed", "ec2.instance.state". */
  topic: string;
  account?: string;
  region?: string;
  /** Simulated epoch milliseconds. */
  at: number;
  data?: unknown;
}

export type EventListener = (event: CloudEvent) => void;

export class EventBus {
  private listeners = new Set<EventListener>();

  publish(event: CloudEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
