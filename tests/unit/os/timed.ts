/**
 * Running shell lines whose commands take simulated time (package downloads, `sleep`) in a
 * lab whose clock is paused: while the line runs, the clock advances a second whenever the
 * line is waiting (nothing left to do but timers), so simulated time passes as it would.
 */
import type { ShellSession } from '../../../electron/core/os/shell/shell-session';

const idle = () => new Promise<void>((resolve) => setTimeout(resolve, 2));

export async function timed<T>(lab: { elapse(ms: number): Promise<void> }, work: Promise<T>): Promise<T> {
  let done = false;
  const watched = work.finally(() => {
    done = true;
  });
  for (let i = 0; i < 3600 && !done; i++) {
    await idle();
    if (!done) await lab.elapse(1000);
  }
  return watched;
}

export function runner(lab: { elapse(ms: number): Promise<void> }, sh: ShellSession) {
  return (line: string) => timed(lab, sh.run(line));
}
