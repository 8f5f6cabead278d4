/**
 * The DNS server on `--dns-port`: UDP and TCP on the same port number, answering as Route 53's
 * name servers do (see `answer.ts`), with answers from the one resolver (injected as `resolve`,
 * so tests can give their own).
 *
 * - UDP: one datagram, one answer; anything that is not a query is dropped.
 * - TCP (RFC 7766): each message behind a two-byte length; several queries per connection, each
 *   answered as soon as it resolves (pipelined queries may be answered out of order, as the RFC
 *   allows); a connection idle for `tcpIdleMs` (10 s) is closed, and so is one that sends a
 *   message that is not a query.
 *
 * The sockets listen from start-up; the message handling (and dns-packet) loads with the first
 * message, so a lab nobody queries never pays for it.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { answerQuery, DnsResolve } from './answer';

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port (the same number for UDP and TCP). */
  port: number;
  resolve: DnsResolve;
  /** Close a TCP connection after this long without a message (default 10 s). */
  tcpIdleMs?: number;
  log?: (message: string) => void;
}

export const TCP_IDLE_MS = 10_000;
/** Answers being worked on per TCP connection; past it, reading waits. */
const TCP_MAX_IN_FLIGHT = 64;

export class DnsServer {
  private readonly connections = new Set<Socket>();
  private closed = false;
  private answerer: Promise<typeof answerQuery> | null = null;

  private constructor(
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    private readonly options: DnsServerOptions,
  ) {
    udp.on('message', (message, remote) => this.datagram(message, remote));
    udp.on('error', (e) => options.log?.(`dns server (udp): ${e.message}`));
    tcp.on('connection', (socket) => this.connection(socket));
    tcp.on('error', (e) => options.log?.(`dns server (tcp): ${e.message}`));
  }

  /**
   * Bind UDP and TCP; rejects with EADDRINUSE (or EACCES) when the port cannot be had. With
   * port 0 the UDP port is picked first and TCP takes the same number, trying again if it is
   * taken for TCP.
   */
  static async start(options: DnsServerOptions): Promise<DnsServer> {
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4' });
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(options.port, options.host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      const port = udp.address().port;
      const tcp = createServer();
      try {
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, options.host, () => {
            tcp.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        udp.close();
        if (options.port === 0 && (e as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 20)
          continue;
        throw e;
      }
      return new DnsServer(udp, tcp, options);
    }
  }

  get port(): number {
    return this.udp.address().port;
  }

  /** `answerQuery`, loaded on first use. */
  private answer(...args: Parameters<typeof answerQuery>): ReturnType<typeof answerQuery> {
    this.answerer ??= import('./answer').then((m) => m.answerQuery);
    return this.answerer.then((answerQuery) => answerQuery(...args));
  }

  private datagram(message: Buffer, remote: RemoteInfo): void {
    this.answer(message, {
      transport: 'udp',
      remoteAddress: remote.address,
      resolve: this.options.resolve,
      log: this.options.log,
    }).then(
      (answer) => {
        if (answer && !this.closed)
          this.udp.send(answer, remote.port, remote.address, (e) => {
            if (e) this.options.log?.(`dns server (udp): ${e.message}`);
          });
      },
      (e: unknown) => this.options.log?.(`dns server (udp): ${(e as Error).stack ?? String(e)}`),
    );
  }

  private connection(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    socket.setTimeout(this.options.tcpIdleMs ?? TCP_IDLE_MS, () => socket.destroy());
    const remoteAddress = socket.remoteAddress ?? '127.0.0.1';
    let pending: Buffer = Buffer.alloc(0);
    let inFlight = 0;
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        inFlight++;
        if (inFlight >= TCP_MAX_IN_FLIGHT) socket.pause();
        this.answer(message, {
          transport: 'tcp',
          remoteAddress,
          resolve: this.options.resolve,
          log: this.options.log,
        })
          .then(
            (answer) => {
              if (!answer) {
                socket.destroy();
                return;
              }
              if (socket.destroyed) return;
              const prefix = Buffer.alloc(2);
              prefix.writeUInt16BE(answer.length);
              socket.write(Buffer.concat([prefix, answer]));
            },
            (e: unknown) => {
              this.options.log?.(`dns server (tcp): ${(e as Error).stack ?? String(e)}`);
              socket.destroy();
            },
          )
          .finally(() => {
            inFlight--;
            if (inFlight < TCP_MAX_IN_FLIGHT && socket.isPaused() && !socket.destroyed) socket.resume();
          });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const tcpClosed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await tcpClosed;
  }
}
