/**
 * Output that cannot wait for the command to end. just-bash hands a command's output over
 * when the command finishes; a program that runs until Ctrl-C (`ping` without -c,
 * `python3 -m http.server`) would show nothing while it runs. Such a program, when a terminal
 * drives its shell, writes straight to that terminal instead.
 */
import type { Machine } from '../machine';
import type { ShellSession } from '../shell/shell-session';
import { sessionOfTty, TTY_VAR } from '../shell/tty';

export type LiveWriter = (text: string) => void;

const writers = new WeakMap<ShellSession, LiveWriter>();

/** The terminal running a line on `session` takes live output while the line runs. */
export function setLiveWriter(session: ShellSession, writer: LiveWriter | null): void {
  if (writer) writers.set(session, writer);
  else writers.delete(session);
}

/** The terminal a command's shell is attached to (from its SSH_TTY), if a person is watching. */
export function liveWriter(machine: Machine, env: Map<string, string>): LiveWriter | null {
  const id = sessionOfTty(env.get(TTY_VAR));
  const session = id === null ? undefined : machine.sessions.get(id);
  return (session && writers.get(session)) ?? null;
}
