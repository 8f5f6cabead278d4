/**
 * One simulated machine's operating system while it is loaded: its file system, its shell
 * (one just-bash interpreter whose commands are bound to this machine), its login sessions,
 * the ports its programs listen on and the processes `ps` shows. OS modules (systemd,
 * cloud-init, the network commands) hang their per-machine state here with `moduleState()`.
 */
import { Bash, defineCommand, type CustomCommand } from 'just-bash';
import type { Cloud } from '../cloud';
import type { MachineFs } from './fs/machine-fs';
import { isDebianLike } from './image/os-flavours';
import type { OsRuntime } from './os-runtime';
import { ShellSession, STATE_COMMAND } from './shell/shell-session';
import { sessionOfTty, TTY_VAR } from './shell/tty';
import { Users, type ShellUser } from './shell/users';
import type { ExecOutcome, MachineIdentity, OsModule, PortBinding } from './types';

/** Longest a single command line may run (Ctrl-C stops it sooner). */
const LINE_LIMIT_MS = 6 * 3_600_000;

export interface ProcessEntry {
  pid: number;
  user: string;
  command: string;
  /** Simulated ms when it started. */
  started: number;
  unit?: string;
  /** Share of one vCPU it uses, 0–100. */
  cpu: number;
  /** Resident memory in KiB. */
  rssKiB: number;
}

export class Machine {
  readonly bash: Bash;
  readonly users: Users;
  readonly sessions = new Map<number, ShellSession>();
  readonly ports = new Map<string, PortBinding>();
  readonly processes = new Map<number, ProcessEntry>();
  /** Simulated ms when the OS last booted (uptime counts from here). */
  bootedAt: number;
  private readonly sessionStates = new Map<number, { cwd: string; status: number }>();
  private readonly moduleStates = new Map<string, unknown>();
  private nextPid = 1200;

  constructor(
    readonly os: OsRuntime,
    readonly identity: MachineIdentity,
    readonly fs: MachineFs,
    readonly modules: readonly OsModule[],
  ) {
    this.users = new Users(fs);
    // An instance booted when it turned running, whenever its OS is first looked at.
    this.bootedAt = identity.runningSince ?? os.cloud.clock.now();
    const commands: CustomCommand[] = [this.stateCommand()];
    for (const m of modules) for (const factory of m.commands ?? []) commands.push(factory(this));
    this.bash = new Bash({
      fs,
      cwd: '/',
      env: {},
      customCommands: commands,
      sleep: (ms) => new Promise((resolve) => this.cloud.clock.setTimeout(resolve, ms)),
      processInfo: { pid: 1, ppid: 0, uid: 1000, gid: 1000 },
      executionLimits: { maxExecutionTimeMs: LINE_LIMIT_MS, maxOutputSize: 16 * 1024 * 1024 },
    });
  }

  get cloud(): Cloud {
    return this.os.cloud;
  }

  get debianLike(): boolean {
    return isDebianLike({ os: this.identity.image.os } as Parameters<typeof isDebianLike>[0]);
  }

  get defaultUser(): string {
    return this.identity.image.defaultUser;
  }

  /** Per-machine state of an OS module, made on first use. */
  moduleState<T>(key: string, init: () => T): T {
    if (!this.moduleStates.has(key)) this.moduleStates.set(key, init());
    return this.moduleStates.get(key) as T;
  }

  /** The environment a login shell starts with. */
  loginEnv(user: ShellUser, extra: Record<string, string>): Record<string, string> {
    const path =
      user.uid === 0
        ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        : `${user.home}/.local/bin:${user.home}/bin:/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin`;
    return {
      HOME: user.home,
      USER: user.name,
      LOGNAME: user.name,
      SHELL: user.shell,
      PATH: path,
      HOSTNAME: this.identity.hostname,
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      HISTSIZE: '1000',
      PWD: user.home,
      AWS_DEFAULT_REGION: this.identity.region,
      ...extra,
    };
  }

  /** A login shell for `userName` (the AMI's default user unless said otherwise). */
  async openShell(userName = this.defaultUser, env: Record<string, string> = {}): Promise<ShellSession> {
    const user = await this.users.find(userName);
    if (!user) throw new Error(`no such user: ${userName}`);
    const session = new ShellSession(this, user, this.os.nextSessionId(), env);
    this.sessions.set(session.id, session);
    return session;
  }

  closeShell(session: ShellSession): void {
    session.close();
    this.sessions.delete(session.id);
  }

  /**
   * Run a script non-interactively (cloud-init, a unit's ExecStart, `aws` helpers) as a user,
   * writing its file changes to the store when it ends.
   */
  async exec(
    script: string,
    options: {
      user?: string;
      env?: Record<string, string>;
      cwd?: string;
      signal?: AbortSignal;
      stdin?: string;
    } = {},
  ): Promise<ExecOutcome> {
    const user = (await this.users.find(options.user ?? 'root')) ?? {
      name: 'root',
      uid: 0,
      gid: 0,
      home: '/root',
      shell: '/bin/bash',
    };
    const result = await this.bash.exec(script, {
      env: { ...this.loginEnv(user, {}), ...options.env },
      replaceEnv: true,
      cwd: options.cwd ?? user.home,
      rawScript: true,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
    await this.settle();
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  /** Make what commands changed durable. */
  async settle(): Promise<void> {
    if (this.fs.hasChanges) await this.fs.flush();
  }

  takeSessionState(id: number): { cwd: string; status: number } | null {
    const state = this.sessionStates.get(id) ?? null;
    this.sessionStates.delete(id);
    return state;
  }

  /** The last command of every session line: reports where the line left the shell. */
  private stateCommand(): CustomCommand {
    return defineCommand(STATE_COMMAND, async (args, ctx) => {
      const id = sessionOfTty(ctx.env.get(TTY_VAR));
      const status = Number(args[0] ?? 0) || 0;
      if (id !== null) this.sessionStates.set(id, { cwd: ctx.cwd, status });
      return { stdout: '', stderr: '', exitCode: status };
    });
  }

  // ---- processes and ports -------------------------------------------------------------------

  spawn(entry: Omit<ProcessEntry, 'pid' | 'started'> & { started?: number }): ProcessEntry {
    const pid = this.nextPid;
    this.nextPid += 1 + (pid % 7);
    const p: ProcessEntry = { ...entry, pid, started: entry.started ?? this.cloud.clock.now() };
    this.processes.set(pid, p);
    return p;
  }

  kill(pid: number): void {
    this.processes.delete(pid);
    for (const [key, binding] of this.ports) if (binding.pid === pid) this.ports.delete(key);
  }

  listen(binding: PortBinding): void {
    this.ports.set(`${binding.protocol}/${binding.port}`, binding);
  }

  unlisten(protocol: 'tcp' | 'udp', port: number): void {
    this.ports.delete(`${protocol}/${port}`);
  }

  /** Stop everything a unit started: its processes and its ports. */
  stopUnit(unit: string): void {
    for (const [pid, p] of this.processes) if (p.unit === unit) this.kill(pid);
    for (const [key, b] of this.ports) if (b.unit === unit) this.ports.delete(key);
  }

  // ---- boot and shutdown -----------------------------------------------------------------------

  async boot(info: { firstBoot: boolean; resumed: boolean }): Promise<void> {
    for (const m of this.modules) await m.boot?.(this, info);
    await this.settle();
  }

  async shutdown(reason: string): Promise<void> {
    for (const session of this.sessions.values()) session.close();
    this.os.notifySessionsClosed(this, reason);
    this.sessions.clear();
    for (const m of [...this.modules].reverse()) {
      try {
        await m.shutdown?.(this);
      } catch {
        // One module failing to stop does not keep the machine up.
      }
    }
    this.ports.clear();
    this.processes.clear();
    await this.settle().catch(() => undefined);
  }
}
