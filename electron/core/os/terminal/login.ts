/**
 * What a login prints before the first prompt, as sshd does: the message of the day, then
 * "Last login: Tue Nov 26 10:02:11 2024 from 203.0.113.10" (the previous login of that user,
 * kept in /var/log/lastlog). Also the wall message a shutdown broadcasts to every terminal.
 */
import type { Machine } from '../machine';

const LASTLOG = '/var/log/lastlog';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** C's ctime() in UTC, as lastlog shows it: "Tue Nov  5 10:02:11 2024". */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

/**
 * Record a login of `user` and return the line for the previous one, if any. The file keeps
 * one line per user: "user<TAB>ms<TAB>from".
 */
export async function recordLogin(machine: Machine, user: string, from: string | undefined): Promise<string> {
  let previous = '';
  let text = '';
  try {
    text = (await machine.fs.readText(LASTLOG)) ?? '';
  } catch {
    text = '';
  }
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [name, at, origin] = line.split('\t');
    if (name !== user) {
      kept.push(line);
      continue;
    }
    const when = Number(at);
    if (Number.isFinite(when))
      previous = `Last login: ${ctime(when)} ${origin ? `from ${origin}` : 'on pts/0'}\n`;
  }
  kept.push(`${user}\t${machine.cloud.clock.now()}\t${from ?? ''}`);
  try {
    await machine.fs.writeText(LASTLOG, `${kept.join('\n')}\n`, 0o664);
  } catch {
    // A full disk does not stop a login.
  }
  return previous;
}

/** What `shutdown` broadcasts to the terminals (wall), with the reason the machine gives. */
export function broadcast(machine: Machine, reason: string): string {
  const d = new Date(machine.cloud.clock.now());
  const when = `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
  return `\nBroadcast message from root@${machine.identity.hostname} (${when}):\n\n${reason}\n\n`;
}
