/**
 * The SSH gateway's port. It listens from start-up, so `ready` is true, but the SSH protocol
 * (ssh2 and the gateway on it) loads with the first connection: a lab nobody SSHes into never
 * pays for it. Sockets that arrive while it loads wait, paused, and are handed over.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { SshGateway, SshGatewayOptions } from './ssh-gateway';

export class SshListener {
  private gateway: Promise<SshGateway> | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly options: SshGatewayOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listen (port 0 picks a free port); rejects with EADDRINUSE and the like. */
  static async start(options: SshGatewayOptions): Promise<SshListener> {
    const server = createServer({ pauseOnConnect: true });
    const listener = new SshListener(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e: Error) => options.log?.(`ssh gateway: ${e.message}`));
    return listener;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.gateway ??= import('./ssh-gateway').then((m) =>
      m.SshGateway.create({ ...this.options, port: this.port }),
    );
    this.gateway.then(
      (gateway) => gateway.inject(socket),
      (e: unknown) => {
        this.options.log?.(`ssh gateway: ${(e as Error).message}`);
        socket.destroy();
      },
    );
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.gateway) await (await this.gateway.catch(() => null))?.close();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
