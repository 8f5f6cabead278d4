/**
 * The journal: what systemd and the services it runs logged, kept as JSON lines in the
 * machine's /var/log/journal (persistent, as Amazon Linux and Ubuntu configure journald), and
 * printed the way journalctl and `systemctl status` show it.
 */
import type { Machine } from '../machine';

export const JOURNAL_FILE = '/var/log/journal/cloudlab/system.journal';

export interface JournalEntry {
  t: number;
  unit: string;
  /** The syslog identifier (`systemd`, `httpd`) and its pid. */
  id: string;
  pid: number;
  msg: string;
}

export async function journal(
  m: Machine,
  unit: string,
  id: string,
  pid: number,
  ...msgs: string[]
): Promise<void> {
  const t = m.cloud.clock.now();
  const lines = msgs
    .map((msg) => JSON.stringify({ t, unit, id, pid, msg } satisfies JournalEntry))
    .join('\n');
  if (lines) await m.fs.appendText(JOURNAL_FILE, `${lines}\n`);
}

export async function entries(m: Machine, unit?: string): Promise<JournalEntry[]> {
  const text = (await m.fs.readText(JOURNAL_FILE)) ?? '';
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (!unit || e.unit === unit) out.push(e);
    } catch {
      // A torn line (full disk) is skipped, as journalctl skips corrupt entries.
    }
  }
  return out;
}

/** `Dec 17 10:00:00` in UTC, journalctl's short format. */
export function shortTime(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2, '0')} ${d.toISOString().slice(11, 19)}`;
}

export function format(m: Machine, e: JournalEntry): string {
  return `${shortTime(e.t)} ${m.identity.hostname} ${e.id}[${e.pid}]: ${e.msg}\n`;
}
