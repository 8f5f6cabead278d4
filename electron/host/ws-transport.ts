/**
 * The web console's transport: a WebSocket at /_cloudlab/ws carrying the same channels as the
 * Electron preload. Client → server: {id, channel, args}, or {channel, args} without an id for
 * fire-and-forget calls (keystrokes); server → client: {id, envelope} for answers and
 * {event, payload} for pushed events (cloud events, and this socket's own terminal output).
 * Each socket is one console connection: its terminal sessions end when it closes.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type * as Ws from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ConsoleChannel } from '../contract/console-api';
import { decodeWire, encodeWire } from '../contract/json-wire';
import type { EventBus } from '../core/kernel/events';
import { ConsoleConnection, dispatchConsole, type ConsoleHandlers } from './console-api';

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
    const connection = new ConsoleConnection((event, payload) => {
      if (socket.readyState === socket.OPEN) socket.send(encodeWire({ event, payload }));
    });
    const unsubscribe = this.events.subscribe((event) => {
      if (socket.readyState === socket.OPEN)
        socket.send(encodeWire({ event: 'cloud.event', payload: event }));
    });
    const closed = () => {
      unsubscribe();
      connection.close();
    };
    socket.on('close', closed);
    socket.on('error', closed);
    socket.on('message', (data) => {
      void this.answer(socket, connection, data.toString());
    });
  }

  private async answer(socket: WebSocket, connection: ConsoleConnection, text: string): Promise<void> {
    let message: { id?: unknown; channel?: unknown; args?: unknown };
    try {
      message = decodeWire(text) as typeof message;
    } catch {
      return; // not JSON: nothing to answer to
    }
    if (typeof message?.channel !== 'string') return;
    const context = { connection };
    const args = (message.args ?? null) as never;
    if (message.id === undefined) {
      // Fire-and-forget (keystrokes): nobody waits for the answer.
      void dispatchConsole(this.handlers, message.channel as ConsoleChannel, args, context);
      return;
    }
    if (typeof message.id !== 'number') return;
    const envelope = await dispatchConsole(this.handlers, message.channel as ConsoleChannel, args, context);
    if (socket.readyState === socket.OPEN) socket.send(encodeWire({ id: message.id, envelope }));
  }

  close(): void {
    if (!this.wss) return;
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
