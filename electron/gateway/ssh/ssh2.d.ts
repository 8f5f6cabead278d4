/**
 * The part of the `ssh2` package (v1, CommonJS, no bundled types) the SSH gateway and its tests
 * use.
 */
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex, Writable } from 'node:stream';
  import type { Socket } from 'node:net';

  export interface ParsedKey {
    type: string;
    comment: string;
    verify(data: Buffer, signature: Buffer, hashAlgo?: string): boolean | Error;
    getPublicSSH(): Buffer;
  }

  export const utils: {
    parseKey(data: Buffer | string, passphrase?: string): ParsedKey | ParsedKey[] | Error;
  };

  export interface AuthContextBase {
    username: string;
    service: string;
    method: string;
    accept(): void;
    reject(methodsLeft?: string[], isPartial?: boolean): void;
  }
  export interface PublicKeyAuthContext extends AuthContextBase {
    method: 'publickey';
    key: { algo: string; data: Buffer };
    signature?: Buffer;
    blob?: Buffer;
    hashAlgo?: string;
  }
  export type AuthContext = AuthContextBase | PublicKeyAuthContext;

  export interface PseudoTtyInfo {
    cols: number;
    rows: number;
    width: number;
    height: number;
    term: string;
  }
  export interface WindowChangeInfo {
    cols: number;
    rows: number;
    width: number;
    height: number;
  }
  export interface ExecInfo {
    command: string;
  }
  export interface SetEnvInfo {
    key: string;
    val: string;
  }

  export interface ServerChannel extends Duplex {
    stderr: Writable;
    exit(status: number): void;
    exit(signal: string, coreDumped?: boolean, message?: string): void;
    close(): void;
  }

  type Accept<T = void> = () => T;
  type Reject = () => void;

  export interface Session extends EventEmitter {
    on(
      event: 'pty',
      listener: (accept: Accept | undefined, reject: Reject | undefined, info: PseudoTtyInfo) => void,
    ): this;
    on(
      event: 'window-change',
      listener: (accept: Accept | undefined, reject: Reject | undefined, info: WindowChangeInfo) => void,
    ): this;
    on(
      event: 'env',
      listener: (accept: Accept | undefined, reject: Reject | undefined, info: SetEnvInfo) => void,
    ): this;
    on(event: 'shell', listener: (accept: Accept<ServerChannel>, reject: Reject) => void): this;
    on(
      event: 'exec',
      listener: (accept: Accept<ServerChannel>, reject: Reject, info: ExecInfo) => void,
    ): this;
    on(
      event: 'subsystem',
      listener: (accept: Accept<ServerChannel>, reject: Reject, info: { name: string }) => void,
    ): this;
    on(event: string, listener: (...args: never[]) => void): this;
  }

  export interface Connection extends EventEmitter {
    on(event: 'authentication', listener: (ctx: AuthContext) => void): this;
    on(event: 'ready', listener: () => void): this;
    on(event: 'session', listener: (accept: Accept<Session>, reject: Reject) => void): this;
    on(event: 'close' | 'end', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: string, listener: (...args: never[]) => void): this;
    end(): this;
  }

  export interface ClientInfo {
    ip: string;
    port: number;
    header: { identRaw: string };
  }

  export interface ServerConfig {
    hostKeys: Array<Buffer | string>;
    ident?: string;
    banner?: string;
  }

  export class Server extends EventEmitter {
    constructor(config: ServerConfig, listener?: (client: Connection, info: ClientInfo) => void);
    listen(port: number, host: string, callback?: () => void): this;
    address(): { port: number; address: string } | string | null;
    close(callback?: (err?: Error) => void): this;
    /** Serve a socket accepted elsewhere (a listener that loads ssh2 on first use). */
    injectSocket(socket: Socket): void;
  }

  export interface ClientChannel extends Duplex {
    stderr: Duplex;
    setWindow(rows: number, cols: number, height: number, width: number): void;
    signal(name: string): void;
  }

  export interface ConnectConfig {
    host: string;
    port: number;
    username: string;
    privateKey?: Buffer | string;
    readyTimeout?: number;
    tryKeyboard?: boolean;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    shell(
      window: { term?: string; cols?: number; rows?: number; width?: number; height?: number },
      callback: (err: Error | undefined, channel: ClientChannel) => void,
    ): this;
    exec(command: string, callback: (err: Error | undefined, channel: ClientChannel) => void): this;
    end(): this;
  }

  const ssh2: { Server: typeof Server; Client: typeof Client; utils: typeof utils };
  export default ssh2;
}
