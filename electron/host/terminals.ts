/**
 * The console's terminals: each `terminal.open` logs in to a machine (a running instance, as
 * EC2 Instance Connect does, or the account's CloudShell-style workstation) and runs the same
 * line discipline as the SSH gateway. A session belongs to the console connection that opened
 * it: only that connection hears its output and may type into it, and it ends when the
 * connection closes (the browser tab or the desktop window goes away).
 */
import { randomUUID } from 'node:crypto';
import type { ArgsOf, TerminalOpen, TerminalOpened } from '../contract/console-api';
import type { Cloud } from '../core/cloud';
import { AwsError } from '../core/kernel/errors';
import type { Machine } from '../core/os/machine';
import type { ShellSession } from '../core/os/shell/shell-session';
import { TerminalSession } from '../core/os/terminal/terminal-session';
import type { Ec2Runtime } from '../core/services/ec2/runtime';
import type { ConsoleConnection } from './console-api';

/** Sessions one console connection may hold at once. */
const MAX_SESSIONS_PER_CONNECTION = 24;
const MAX_SIZE = 1000;
/** Where console logins come from, for "Last login: … from" (the console runs on this computer). */
const CONSOLE_ADDRESS = '127.0.0.1';

interface Entry {
  id: string;
  connection: ConsoleConnection;
  machine: Machine;
  shell: ShellSession;
  terminal: TerminalSession;
  forget: () => void;
}

export class TerminalManager {
  private readonly sessions = new Map<string, Entry>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly cloud: Cloud) {}

  async open(args: TerminalOpen, connection: ConsoleConnection | null): Promise<TerminalOpened> {
    const conn = this.requireConnection(connection);
    const target = args?.target;
    const cols = size(args?.cols, 'cols');
    const rows = size(args?.rows, 'rows');
    if (!target || (target.kind !== 'instance' && target.kind !== 'workstation'))
      throw new AwsError('ValidationException', "target must be {kind: 'instance' | 'workstation', …}.");
    const region = this.cloud.catalogue.region(target.region ?? '');
    if (!region) throw new AwsError('ValidationException', `Unknown region ${String(target.region)}.`);
    let open = 0;
    for (const e of this.sessions.values()) if (e.connection === conn) open++;
    if (open >= MAX_SESSIONS_PER_CONNECTION)
      throw new AwsError(
        'LimitExceededException',
        `This console already has ${open} terminals open. Close one before opening another.`,
      );

    const account = this.cloud.accounts.consolePrincipal().accountId;
    let machine: Machine;
    let shell: ShellSession;
    let title: string;
    let motd: string | null = null;
    if (target.kind === 'workstation') {
      machine = await this.cloud.os.workstation(account, region.code);
      shell = await machine.openShell(machine.defaultUser, {
        AWS_REGION: region.code,
        AWS_DEFAULT_REGION: region.code,
      });
      title = `CloudShell (${region.code})`;
    } else {
      const instanceId = String(target.instanceId ?? '');
      const found = this.cloud.os.findInstance(instanceId);
      if (
        !found ||
        found.scope.account !== account ||
        found.scope.region !== region.code ||
        found.record.state === 'terminated'
      )
        throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
      const state = found.record.state;
      const loaded = state === 'running' ? await this.cloud.os.instance(instanceId) : undefined;
      if (!loaded)
        throw new AwsError(
          'IncorrectInstanceState',
          `Instance ${instanceId} is not running (its state is ${state}). Start it before connecting.`,
        );
      machine = loaded;
      const userName = args.user?.trim() || machine.defaultUser;
      if (!(await machine.users.find(userName)))
        throw new AwsError(
          'InvalidParameterValue',
          `There is no user ${userName} on ${instanceId}. Its AMI's default user is ${machine.defaultUser}.`,
        );
      motd = await machine.fs.readText('/etc/motd').catch(() => null);
      shell = await machine.openShell(userName);
      const name = this.instanceName(found.scope, instanceId);
      title = name ? `${instanceId} (${name})` : instanceId;
    }

    const id = randomUUID();
    // An instance login prints its motd and "Last login: … from" the console's computer.
    const terminal = new TerminalSession(shell, {
      cols,
      rows,
      ...(target.kind === 'instance' ? { motd: motd ?? '', from: CONSOLE_ADDRESS } : {}),
    });
    const entry: Entry = {
      id,
      connection: conn,
      machine,
      shell,
      terminal,
      forget: conn.onClose(() => this.end(entry)),
    };
    this.sessions.set(id, entry);
    this.watchMachines();
    terminal.onData((data) => {
      if (this.sessions.get(id) === entry) conn.emit('terminal.output', { sessionId: id, data });
    });
    terminal.onExit((code) => {
      if (this.sessions.get(id) !== entry) return;
      this.end(entry);
      conn.emit('terminal.exit', { sessionId: id, code });
    });
    // Start once the answer is on its way, so the login banner follows the session ID.
    setImmediate(() => {
      if (this.sessions.get(id) !== entry) return;
      terminal.start().catch((e: unknown) => {
        if (this.sessions.get(id) !== entry) return;
        this.end(entry);
        conn.emit('terminal.exit', {
          sessionId: id,
          code: 1,
          reason: `Login failed: ${(e as Error).message}`,
        });
      });
    });
    return { sessionId: id, title };
  }

  /** The keystroke path: no answer is awaited, so it does as little as it can. */
  input(args: ArgsOf<'terminal.input'>, connection: ConsoleConnection | null): null {
    const entry = this.owned(args?.sessionId, connection);
    if (typeof args.data !== 'string') throw new AwsError('ValidationException', 'data must be a string.');
    entry.terminal.write(args.data);
    return null;
  }

  resize(args: ArgsOf<'terminal.resize'>, connection: ConsoleConnection | null): null {
    const entry = this.owned(args?.sessionId, connection);
    entry.terminal.resize(size(args.cols, 'cols'), size(args.rows, 'rows'));
    return null;
  }

  close(args: ArgsOf<'terminal.close'>, connection: ConsoleConnection | null): null {
    const entry = this.sessions.get(String(args?.sessionId));
    // Closing a session that already ended is not an error: the tab just goes away.
    if (entry && entry.connection === this.requireConnection(connection)) this.end(entry);
    return null;
  }

  /** How many sessions are open (tests, diagnostics). */
  get size(): number {
    return this.sessions.size;
  }

  private end(entry: Entry): void {
    if (this.sessions.get(entry.id) !== entry) return;
    this.sessions.delete(entry.id);
    entry.forget();
    try {
      entry.terminal.close();
    } finally {
      entry.machine.closeShell(entry.shell);
    }
    if (this.sessions.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = null;
    }
  }

  /** When a machine goes down, its terminals end with the reason (the terminal prints it). */
  private watchMachines(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.cloud.os.onSessionsClosed((machine, reason) => {
      for (const entry of [...this.sessions.values()]) {
        if (entry.machine !== machine) continue;
        entry.terminal.hangup(reason); // prints the shutdown broadcast, as wall does
        this.end(entry);
        const host = machine.identity.kind === 'instance' ? machine.identity.id : 'CloudShell';
        entry.connection.emit('terminal.exit', {
          sessionId: entry.id,
          code: 255,
          reason: `Connection to ${host} closed by remote host.`,
        });
      }
    });
  }

  private owned(sessionId: unknown, connection: ConsoleConnection | null): Entry {
    const conn = this.requireConnection(connection);
    const entry = this.sessions.get(String(sessionId));
    if (!entry || entry.connection !== conn)
      throw new AwsError('InvalidSessionId', `The terminal session ${String(sessionId)} is not open.`, {
        status: 404,
      });
    return entry;
  }

  private requireConnection(connection: ConsoleConnection | null): ConsoleConnection {
    if (!connection || connection.closed)
      throw new AwsError(
        'UnsupportedOperation',
        'Terminals need a live console connection: open them from the console (WebSocket or desktop app).',
      );
    return connection;
  }

  private instanceName(scope: { account: string; region: string }, instanceId: string): string | null {
    const res = this.cloud.runtime<Ec2Runtime>('ec2').resources;
    return (
      res
        .tagsOf(scope, 'instance')
        .get(instanceId)
        ?.find((t) => t.Key === 'Name')?.Value ?? null
    );
  }
}

function size(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2 || value > MAX_SIZE)
    throw new AwsError('ValidationException', `${name} must be a whole number from 2 to ${MAX_SIZE}.`);
  return value;
}
