/**
 * The composition root: opens the cloud on a workspace, puts the AWS gateway, the health
 * endpoint, the web console and its WebSocket on one HTTP listener, and returns a handle to
 * close it all. Both `cloudlab serve` and the desktop app start here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabInfo } from '../contract/console-api';
import { Cloud } from '../core/cloud';
import { readCode } from '../core/services/lambda/code';
import { CODE_PATH, verifyCodeLocation } from '../core/services/lambda/code-location';
import { parseFunctionUrlHost } from '../core/services/lambda/function-urls';
import { serveFunctionUrl, type IamIdentity } from '../core/services/lambda/url-invoke';
import { parseQueryString, type GatewayRequest } from '../gateway/http';
import { checkPayloadHash, checkTime, parseAuth, payloadHash, verifySignature } from '../gateway/sigv4';
import { Gateway, writeResponse } from '../gateway/gateway';
import { SshListener } from '../gateway/ssh/ssh-listener';
import { DnsServer } from '../gateway/dns/dns-server';
import { resolveDns } from '../core/network/dns/resolver';
import type { ConsoleChannel } from '../contract/console-api';
import { parseWebsiteHost } from '../contract/s3-website';
import { createConsoleHandlers, dispatchConsole, type ConsoleHandlers } from './console-api';
import { serveConsoleFile } from './static-files';
import { ConsoleSocketServer, WS_PATH } from './ws-transport';

export interface ListenOptions {
  host: string;
  port: number;
  /** Desktop app: when the port is taken, say so and take a free one instead of failing. */
  fallbackToFreePort?: boolean;
}

export interface HostOptions {
  dataDir: string | null;
  resourcesDir: string;
  rendererDir: string | null;
  seed?: string | null;
  recover?: boolean;
  /** fdatasync before every acknowledgement instead of within 100 ms (`--fsync`). */
  fsync?: boolean;
  /**
   * null: no HTTP listener (the desktop app with listeners turned off). A function is asked
   * once the workspace is open (the desktop app keeps its listener settings there).
   */
  listen: ListenOptions | null | ((cloud: Cloud) => ListenOptions | null);
  /**
   * The SSH gateway's port (0: a free one), on the listener's host; it starts only with the
   * HTTP listener. A busy port falls back to a free one, with a note.
   */
  sshPort?: number | null;
  /**
   * The DNS server's port (0: a free one), UDP and TCP, on the listener's host; it starts only
   * with the HTTP listener. A busy port falls back to a free one, with a note.
   */
  dnsPort?: number | null;
  shell: 'desktop' | 'web';
  version: string;
  log?: (message: string) => void;
}

export interface CloudHost {
  cloud: Cloud;
  gateway: Gateway;
  handlers: ConsoleHandlers;
  endpoint: string | null;
  consoleUrl: string | null;
  /** Set when the requested port was busy and another was taken. */
  portNote: string | null;
  /** The SSH gateway's port, when it listens. */
  sshPort: number | null;
  /** `ssh://127.0.0.1:4522`, when the SSH gateway listens. */
  sshUrl: string | null;
  /** The DNS server's port (UDP and TCP), when it listens. */
  dnsPort: number | null;
  /** `127.0.0.1:4553` (the listener's host and the DNS port), when the DNS server listens. */
  dnsAddress: string | null;
  info(): LabInfo;
  close(): Promise<void>;
}

export const HEALTH_PATH = '/_cloudlab/health';
export const API_PREFIX = '/_cloudlab/api/';

export async function createCloud(options: HostOptions): Promise<CloudHost> {
  const cloud = await Cloud.open({
    dataDir: options.dataDir,
    resourcesDir: options.resourcesDir,
    seed: options.seed,
    recover: options.recover,
    ...(options.fsync ? { sync: 'always' as const } : {}),
  });
  const gateway = new Gateway({ cloud, resourcesDir: options.resourcesDir, log: options.log });
  const listenOptions = typeof options.listen === 'function' ? options.listen(cloud) : options.listen;
  let endpoint: string | null = null;
  let port: number | null = null;
  let portNote: string | null = null;
  let ssh: SshListener | null = null;
  let sshNote: string | null = null;
  let dns: DnsServer | null = null;
  let dnsNote: string | null = null;

  const info = (): LabInfo => ({
    version: options.version,
    shell: options.shell,
    accountId: cloud.accounts.consolePrincipal().accountId,
    endpoint,
    consoleUrl: endpoint ? `${endpoint}/_cloudlab/` : null,
    listeners: {
      host: listenOptions?.host ?? '127.0.0.1',
      port,
      sshPort: ssh?.port ?? null,
      dnsPort: dns?.port ?? null,
      pending: [],
    },
    workspace: options.dataDir,
    deterministic: cloud.ids.deterministic,
    seed: cloud.workspace.seed,
    services: cloud.health().services,
    notes: [
      ...cloud.store.notes,
      ...(portNote ? [portNote] : []),
      ...(sshNote ? [sshNote] : []),
      ...(dnsNote ? [dnsNote] : []),
    ],
  });
  const handlers = createConsoleHandlers(cloud, info, {
    editable: options.shell === 'desktop',
    running: () => ({
      enabled: listenOptions !== null,
      host: listenOptions?.host ?? '127.0.0.1',
      port: port ?? 0,
    }),
  });
  const sockets = new ConsoleSocketServer(handlers, cloud.events);
  let server: Server | null = null;

  if (listenOptions) {
    server = createServer({ keepAliveTimeout: 60_000, headersTimeout: 65_000 }, (req, res) => {
      route(req, res).catch((e: unknown) => {
        options.log?.(`request failed: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (pathOf(req.url) === WS_PATH && sameOrigin(req)) sockets.upgrade(req, socket, head);
      else socket.destroy();
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    const address = await listen(server, listenOptions).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' && listenOptions.fallbackToFreePort) {
        portNote = `Port ${listenOptions.port} is in use, so the AWS endpoint uses another port.`;
        return listen(server!, { ...listenOptions, port: 0 });
      }
      await cloud.close();
      throw e;
    });
    port = address.port;
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    endpoint = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    cloud.endpoint = endpoint;

    if (options.sshPort != null) {
      const start = (sshPort: number) =>
        SshListener.start({ cloud, host: listenOptions.host, port: sshPort, log: options.log });
      try {
        ssh = await start(options.sshPort).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EADDRINUSE') throw e;
          sshNote = `Port ${options.sshPort} is in use, so the SSH gateway uses another port.`;
          return start(0);
        });
      } catch (e) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await cloud.close();
        throw e;
      }
    }

    if (options.dnsPort != null) {
      const requested = options.dnsPort;
      const start = (dnsPort: number) =>
        DnsServer.start({
          host: listenOptions.host,
          port: dnsPort,
          resolve: (question, client) => resolveDns(cloud, question, client),
          log: options.log,
        });
      try {
        dns = await start(requested).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'EADDRINUSE')
            dnsNote = `Port ${requested} is in use, so the DNS server uses another port.`;
          else if (e.code === 'EACCES')
            dnsNote = `Port ${requested} needs privileges this process lacks, so the DNS server uses another port.`;
          else throw e;
          return start(0);
        });
      } catch (e) {
        await ssh?.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await cloud.close();
        throw e;
      }
    }
  }
  const reachHost =
    listenOptions && !['0.0.0.0', '::'].includes(listenOptions.host)
      ? listenOptions.host.includes(':')
        ? `[${listenOptions.host}]`
        : listenOptions.host
      : '127.0.0.1';

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Lambda function URLs (<id>.lambda-url.<region>.on.aws, any port): the whole path is the function's.
    if (parseFunctionUrlHost(req.headers.host)) {
      await serveLambdaUrl(req, res);
      return;
    }
    const path = pathOf(req.url);
    if (path === '/_cloudlab') {
      res.writeHead(301, { location: '/_cloudlab/' }).end();
      return;
    }
    if (path === HEALTH_PATH) {
      const body = JSON.stringify(cloud.health());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (path.startsWith(CODE_PATH)) {
      await serveLambdaCode(req, res, path);
      return;
    }
    if (path.startsWith(API_PREFIX)) {
      await serveApi(req, res, path.slice(API_PREFIX.length));
      return;
    }
    if (path.startsWith('/_cloudlab/')) {
      serveConsoleFile(options.rendererDir, path.slice('/_cloudlab/'.length), res);
      return;
    }
    if (isBrowserVisit(req, path)) {
      res.writeHead(302, { location: '/_cloudlab/' }).end();
      return;
    }
    await gateway.handle(req, res).catch((e: unknown) => {
      options.log?.(`gateway failure: ${(e as Error).stack ?? String(e)}`);
      writeResponse(res, { status: 500, headers: {}, body: undefined });
    });
  }

  /** A request to a Lambda function URL, answered as Lambda does (`url-invoke.ts`). */
  async function serveLambdaUrl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const out = await serveFunctionUrl(cloud, req.headers.host ?? '', {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: new Uint8Array(body),
      identity: signerOf(req, body),
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
    });
    res.writeHead(out.status, { ...out.headers, 'content-length': String(out.body.length) });
    res.end(req.method === 'HEAD' ? undefined : out.body);
  }

  /**
   * Who signed a function URL request (SigV4 for the `lambda` service, checked with the
   * gateway's code: time, payload hash, key and signature), or null when it is unsigned or
   * does not verify.
   */
  function signerOf(req: IncomingMessage, body: Buffer): IamIdentity | null {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const signed: GatewayRequest = {
      method: req.method ?? 'GET',
      path,
      routePath: path,
      rawQuery,
      query: parseQueryString(rawQuery),
      headers,
      rawHeaders: req.rawHeaders,
      body,
    };
    const auth = parseAuth(signed);
    if (auth.kind !== 'header' && auth.kind !== 'query') return null;
    if (auth.credential.service !== 'lambda' || checkTime(auth, Date.now()) !== 'ok') return null;
    const key = cloud.accounts.accessKey(auth.credential.accessKeyId);
    if (!key || key.status !== 'Active') return null;
    const hash = payloadHash(signed, auth, 'lambda');
    if (checkPayloadHash(signed, hash) !== 'ok' || !verifySignature(signed, auth, key.secretAccessKey, hash))
      return null;
    return {
      accessKey: key.accessKeyId,
      accountId: key.principal.accountId,
      callerId: key.principal.userId,
      userArn: key.principal.arn,
      userId: key.principal.userId,
    };
  }

  /** GetFunction's Code.Location: the deployment package, for ten minutes after GetFunction. */
  async function serveLambdaCode(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const sha = req.method === 'GET' ? verifyCodeLocation(cloud, path, query) : null;
    if (!sha) {
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired or the signature is not valid</Message></Error>',
        );
      return;
    }
    // A package no version uses any more is gone, as an old presigned URL's object would be.
    const zip = await readCode(cloud, sha).catch(() => null);
    if (!zip) {
      res
        .writeHead(404, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
        );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) }).end(zip);
  }

  /**
   * The console channels over plain HTTP, for scripts, labs and tests:
   * POST /_cloudlab/api/lab.hosts.fail {"zone":"us-east-1a"} → {"ok":true,"result":…}
   */
  async function serveApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    };
    if (req.method !== 'POST' && req.method !== 'GET')
      return reply(405, {
        ok: false,
        error: {
          code: 'MethodNotAllowed',
          message: 'Use POST (or GET for channels without arguments).',
          status: 405,
        },
      });
    if (!sameOrigin(req))
      return reply(403, {
        ok: false,
        error: { code: 'AccessDenied', message: 'Cross-origin requests are not allowed.', status: 403 },
      });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024)
        return reply(413, {
          ok: false,
          error: { code: 'RequestEntityTooLarge', message: 'Too large.', status: 413 },
        });
      chunks.push(chunk as Buffer);
    }
    let args: unknown = null;
    if (chunks.length > 0) {
      try {
        args = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, {
          ok: false,
          error: { code: 'SerializationException', message: 'The body is not valid JSON.', status: 400 },
        });
      }
    }
    const envelope = await dispatchConsole(handlers, channel as ConsoleChannel, args as never);
    reply(envelope.ok ? 200 : envelope.error.status, envelope);
  }

  return {
    cloud,
    gateway,
    handlers,
    get endpoint() {
      return endpoint;
    },
    get consoleUrl() {
      return endpoint ? `${endpoint}/_cloudlab/` : null;
    },
    portNote,
    sshPort: ssh?.port ?? null,
    sshUrl: ssh ? `ssh://${reachHost}:${ssh.port}` : null,
    dnsPort: dns?.port ?? null,
    dnsAddress: dns ? `${reachHost}:${dns.port}` : null,
    info,
    async close() {
      sockets.close();
      await ssh?.close();
      await dns?.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await cloud.close();
    },
  };
}

function listen(server: Server, options: ListenOptions): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.search(/[?#]/);
  return q < 0 ? u : u.slice(0, q);
}

/** A person opening the endpoint in a browser gets the console, not an S3 error. */
function isBrowserVisit(req: IncomingMessage, path: string): boolean {
  return (
    req.method === 'GET' &&
    path === '/' &&
    !parseWebsiteHost(req.headers.host) && // a website endpoint's own index page
    !req.headers.authorization &&
    !(req.url ?? '').includes('X-Amz-') &&
    (req.headers.accept ?? '').includes('text/html')
  );
}

/** Only pages served by this host may open the console socket (no cross-site control). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
