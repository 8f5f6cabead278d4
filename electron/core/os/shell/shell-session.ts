/**
 * A login shell on a machine: what a terminal or an SSH channel talks to. just-bash runs each
 * command line in fresh shell state, so the session carries bash's state across lines itself:
 * the environment (which also holds aliases), the working directory, the functions defined so
 * far (kept as their source and defined again before each line) and the history, which is
 * appended to ~/.bash_history as bash does.
 */
import { parse } from 'just-bash';
import { ttyOf, TTY_VAR } from './tty';
import type { Machine } from '../machine';
import type { ExecOutcome } from '../types';
import type { ShellUser } from './users';

/** The variable a line's last command leaves its status in, read back by the session. */
export const STATE_COMMAND = '__cloudlab_session_state';
/** Set by `sudo -i` / `su -`: the session becomes this user. */
export const SWITCH_USER_VAR = 'CLOUDLAB_SWITCH_USER';

export interface RunResult extends ExecOutcome {
  /** The line ended the shell (`exit`, `logout`). */
  exited: boolean;
}

export class ShellSession {
  env: Record<string, string>;
  cwd: string;
  private readonly functions = new Map<string, string>();
  private readonly previousUsers: Array<{ user: ShellUser; env: Record<string, string>; cwd: string }> = [];
  private running: AbortController | null = null;
  private ended = false;

  constructor(
    readonly machine: Machine,
    public user: ShellUser,
    readonly id: number,
    extraEnv: Record<string, string> = {},
  ) {
    this.env = machine.loginEnv(user, extraEnv);
    this.cwd = user.home;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** The session ended (closed by its terminal, or its machine went down). */
  get closed(): boolean {
    return this.ended;
  }

  /** `[ec2-user@ip-172-31-5-9 ~]$ ` on Amazon Linux, `ubuntu@ip-172-31-5-9:~$ ` on Debian-likes. */
  prompt(): string {
    const home = this.user.home;
    const here =
      this.cwd === home
        ? '~'
        : this.cwd.startsWith(`${home}/`)
          ? `~${this.cwd.slice(home.length)}`
          : this.cwd;
    const sigil = this.user.uid === 0 ? '#' : '$';
    const host = this.machine.identity.hostname;
    if (this.machine.debianLike) return `${this.user.name}@${host}:${here}${sigil} `;
    const base = here === '~' ? '~' : here === '/' ? '/' : here.slice(here.lastIndexOf('/') + 1);
    return `[${this.user.name}@${host} ${base}]${sigil} `;
  }

  /** True when the text so far is an unfinished command (open quote, `do` without `done`, `\`). */
  needsMore(text: string): boolean {
    if (/(^|[^\\])\\$/.test(text)) return true;
    const heredoc = /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(text);
    if (heredoc) {
      const lines = text.split('\n');
      const start = lines.findIndex((l) => l.includes(heredoc[0]));
      if (!lines.slice(start + 1).some((l) => l.replace(/^\t+/, '') === heredoc[1])) return true;
    }
    try {
      parse(text);
      return false;
    } catch (e) {
      return /EOF|end of (input|file)/i.test((e as Error).message);
    }
  }

  /** Stop the running command (Ctrl-C). */
  interrupt(): void {
    this.running?.abort();
  }

  /**
   * Run one command line as the user typed it. With `tty`, stdout and stderr are one stream in
   * the order they were written, as a terminal shows them; without, they stay apart (ssh exec).
   */
  async run(text: string, options: { stdin?: string; tty?: boolean } = {}): Promise<RunResult> {
    if (this.ended) return { stdout: '', stderr: '', exitCode: 1, exited: true };
    const trimmed = text.trim();
    if (trimmed) await this.remember(text);
    if (!trimmed) return { stdout: '', stderr: '', exitCode: 0, exited: false };
    // Functions the line defines: kept as source, defined again before every later line.
    let statements: Array<{
      sourceText?: string;
      pipelines: Array<{ commands: Array<{ type: string; name?: unknown }> }>;
    }>;
    try {
      statements = parse(text).statements as unknown as typeof statements;
    } catch (e) {
      const message = (e as Error).message.replace(/^Parse error at \d+:\d+: /, '');
      return { stdout: '', stderr: `-bash: syntax error: ${message}\n`, exitCode: 2, exited: false };
    }
    for (const s of statements) {
      const only = s.pipelines.length === 1 ? s.pipelines[0]!.commands : [];
      if (
        only.length === 1 &&
        only[0]!.type === 'FunctionDef' &&
        typeof only[0]!.name === 'string' &&
        s.sourceText
      )
        this.functions.set(only[0]!.name, s.sourceText);
    }
    const unset = /\bunset\s+-f\s+([\w\s-]+)/.exec(text);
    if (unset) for (const name of unset[1]!.split(/\s+/)) this.functions.delete(name);

    const script = [
      'shopt -s expand_aliases',
      // One stream for a terminal: `exec 2>&1` keeps the order (a group's 2>&1 would not).
      ...(options.tty ? ['exec 2>&1'] : []),
      ...this.functions.values(),
      text,
      `${STATE_COMMAND} $?`,
    ].join('\n');
    const controller = new AbortController();
    this.running = controller;
    let state: { cwd: string; status: number } | null = null;
    try {
      const result = await this.machine.bash.exec(script, {
        env: { ...this.env, [TTY_VAR]: ttyOf(this.id) },
        replaceEnv: true,
        cwd: this.cwd,
        rawScript: true,
        signal: controller.signal,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      });
      state = this.machine.takeSessionState(this.id);
      const env = { ...result.env };
      delete env['?'];
      if (state) {
        this.cwd = state.cwd;
        const switchTo = env[SWITCH_USER_VAR];
        delete env[SWITCH_USER_VAR];
        this.env = { ...env, PWD: state.cwd };
        if (switchTo) await this.switchUser(switchTo);
      }
      const aborted = controller.signal.aborted;
      await this.machine.settle();
      return {
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: aborted ? 130 : state ? state.status : result.exitCode,
        // The state command did not run: the line left the shell (exit), unless Ctrl-C stopped it.
        exited: !state && !aborted && this.leaveUser(),
      };
    } finally {
      this.running = null;
    }
  }

  /** `sudo -i`, `su -`: a nested login shell as another user; `exit` comes back. */
  private async switchUser(name: string): Promise<void> {
    const user = await this.machine.users.find(name);
    if (!user) return;
    this.previousUsers.push({ user: this.user, env: this.env, cwd: this.cwd });
    this.user = user;
    this.env = this.machine.loginEnv(user, {});
    this.cwd = user.home;
  }

  /** `exit` in a nested shell returns to the previous user; in the login shell it ends the session. */
  private leaveUser(): boolean {
    const previous = this.previousUsers.pop();
    if (!previous) return true;
    this.user = previous.user;
    this.env = previous.env;
    this.cwd = previous.cwd;
    return false;
  }

  private async remember(text: string): Promise<void> {
    const file = `${this.user.home}/.bash_history`;
    try {
      await this.machine.fs.appendText(file, `${text.replace(/\n+$/, '')}\n`);
    } catch {
      // A full disk does not stop the shell; bash carries on without history too.
    }
  }

  /** Lines of ~/.bash_history, oldest first (for ↑ in the line editor). */
  async history(): Promise<string[]> {
    const text = await this.machine.fs.readText(`${this.user.home}/.bash_history`);
    return text ? text.split('\n').filter(Boolean) : [];
  }

  close(): void {
    this.ended = true;
    this.interrupt();
  }
}

export type { ExecOutcome };
