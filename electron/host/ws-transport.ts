/**
 * The web console's transport: a WebSocket at /_cloudlab/ws carrying the same channels as the
 * Electron preload. Client → server: {id, channel, args}; server → client: {id, envelope} for
 * answers and {event, payload} for pushed cloud events.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type * as Ws from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ConsoleChannel } from '../contract/console-api';
import { decodeWire, encodeWire } from '../contract/json-wire';
import type { EventBus } from '../core/kernel/events';
import { dispatchConsole, type ConsoleHandlers } from './console-api';

export const WS_PATH = '/_cloudlab/ws';
const MAX_MESSAGE = 16 * 1024 * 1024;

export class ConsoleSocketServer {
  private wss: WebSocketServer | null = null;

  constructor(
    private readonly handlers: ConsoleHandlers,
    private readonly events: EventBus,
  ) {}

  /** The socket server, made when the first console connects (ws stays out of start-up). */
  private server(): WebSocketServer {
    if (!this.wss) {
      const { WebSocketServer: Server } = createRequire(import.meta.url)('ws') as typeof Ws;
      this.wss = new Server({ noServer: true, maxPayload: MAX_MESSAGE });
      this.wss.on('connection', (socket) => this.attach(socket));
    }
    return this.wss;
  }

  /** Hand an HTTP upgrade on WS_PATH to the socket server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const wss = this.server();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  private attach(socket: WebSocket): void {
    const unsubscribe = this.events.subscribe((event) => {
      if (socket.readyState === socket.OPEN)
        socket.send(encodeWire({ event: 'cloud.event', payload: event }));
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
    socket.on('message', (data) => {
      void this.answer(socket, data.toString());
    });
  }

  private async answer(socket: WebSocket, text: string): Promise<void> {
    let message: { id?: unknown; channel?: unknown; args?: unknown };
    try {
      message = decodeWire(text) as typeof message;
    } catch {
      return; // not JSON: nothing to answer to
    }
    if (typeof message?.id !== 'number' || typeof message.channel !== 'string') return;
    const envelope = await dispatchConsole(
      this.handlers,
      message.channel as ConsoleChannel,
      (message.args ?? null) as never,
    );
    if (socket.readyState === socket.OPEN) socket.send(encodeWire({ id: message.id, envelope }));
  }

  close(): void {
    if (!this.wss) return;
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
