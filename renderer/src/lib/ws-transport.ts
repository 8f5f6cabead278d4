/**
 * The web console's transport: the console channels over a WebSocket to `cloudlab serve`,
 * reconnecting with backoff when the server restarts. Calls made while disconnected wait for
 * the connection instead of failing.
 */
import type {
  ArgsOf,
  ConsoleChannel,
  ConsoleEvents,
  ConsoleTransport,
  Envelope,
  ResultOf,
} from '../../../electron/contract/console-api';
import { decodeWire, encodeWire } from '../../../electron/contract/json-wire';

type Listener = (payload: unknown) => void;

export class WebSocketTransport implements ConsoleTransport {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  private queue: string[] = [];
  private listeners = new Map<string, Set<Listener>>();
  private backoff = 250;
  private connected = false;

  constructor(private readonly url: string) {
    this.connect();
  }

  invoke<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>> {
    const id = this.nextId++;
    const message = encodeWire({ id, channel, args });
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (e: Envelope<unknown>) => void);
      if (this.connected && this.socket) this.socket.send(message);
      else this.queue.push(message);
    });
  }

  send<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): void {
    // Keystrokes typed while the connection is down are dropped, as a dead SSH link drops them.
    if (this.connected && this.socket) this.socket.send(encodeWire({ channel, args }));
  }

  on<E extends keyof ConsoleEvents>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  private emit(event: string, payload: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.connected = true;
      this.backoff = 250;
      this.emit('transport.status', { connected: true });
      for (const m of this.queue.splice(0)) socket.send(m);
    };
    socket.onmessage = (msg) => {
      const data = decodeWire(String(msg.data)) as {
        id?: number;
        envelope?: Envelope<unknown>;
        event?: string;
        payload?: unknown;
      };
      if (typeof data.id === 'number' && data.envelope) {
        this.pending.get(data.id)?.(data.envelope);
        this.pending.delete(data.id);
      } else if (data.event) {
        this.emit(data.event, data.payload);
      }
    };
    socket.onclose = () => {
      const wasConnected = this.connected;
      this.connected = false;
      if (wasConnected) this.emit('transport.status', { connected: false });
      // Answers to calls in flight are lost with the connection: fail them clearly.
      for (const [id, resolve] of this.pending) {
        if (!this.queue.length) {
          resolve({
            ok: false,
            error: { code: 'ConnectionLost', message: 'The connection to Cloud Lab was lost.', status: 503 },
          });
          this.pending.delete(id);
        }
      }
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 5000);
    };
  }
}
