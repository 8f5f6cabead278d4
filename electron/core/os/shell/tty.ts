/**
 * A session's terminal, as sshd sets it: `SSH_TTY=/dev/pts/3`. The session's state command,
 * live output and nested logins read it to know which session a line belongs to. (Kept apart
 * from the shell so the terminal code loads without it.)
 */
export const TTY_VAR = 'SSH_TTY';
export const ttyOf = (id: number): string => `/dev/pts/${id}`;
export function sessionOfTty(tty: string | undefined): number | null {
  const m = /^\/dev\/pts\/(\d+)$/.exec(tty ?? '');
  return m ? Number(m[1]) : null;
}
