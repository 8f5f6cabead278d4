/**
 * How a command hands its terminal to another login: `ssh HOST` without a command opens a
 * shell on the target, and the terminal the `ssh` line was typed in switches to it once the
 * line ends (as the ssh client takes over the tty). `exit` there comes back.
 *
 * Terminals mark the shells they drive; a command asks `hasTerminal(session)` before it offers
 * an interactive login (without one, ssh says "Pseudo-terminal will not be allocated").
 */
import type { ShellSession } from '../shell/shell-session';

export interface NestedLogin {
  /** The shell on the target machine; the terminal closes it when the login ends. */
  shell: ShellSession;
  /** As the user typed it: "Connection to HOST closed." names it. */
  host: string;
  /** Printed at login, as sshd prints /etc/motd. */
  motd?: string;
  /** The address the login comes from (the "Last login: … from X" line). */
  from?: string;
}

const requests = new WeakMap<ShellSession, NestedLogin>();
const attached = new WeakSet<ShellSession>();

/** A terminal drives this shell (its lines come from a person at a keyboard). */
export function attachTerminal(session: ShellSession): void {
  attached.add(session);
}

export function detachTerminal(session: ShellSession): void {
  attached.delete(session);
  const pending = requests.get(session);
  if (pending) {
    requests.delete(session);
    pending.shell.machine.closeShell(pending.shell);
  }
}

export function hasTerminal(session: ShellSession | undefined): boolean {
  return !!session && attached.has(session);
}

/** Ask the terminal of `from` to switch to `login` when the current line ends. */
export function requestNestedLogin(from: ShellSession, login: NestedLogin): void {
  const previous = requests.get(from);
  if (previous) previous.shell.machine.closeShell(previous.shell);
  requests.set(from, login);
}

export function takeNestedLogin(from: ShellSession): NestedLogin | undefined {
  const login = requests.get(from);
  requests.delete(from);
  return login;
}
