/**
 * The process table `ps` and `top` show: the base system every AMI boots (systemd, journald,
 * udevd, chronyd …), the processes OS modules started (machine.processes), one bash per open
 * session, and the command that is looking.
 */
import type { Machine } from '../machine';
import { sessionOfTty } from '../shell/tty';

export interface Proc {
  pid: number;
  ppid: number;
  user: string;
  command: string;
  tty: string;
  stat: string;
  started: number;
  /** Share of one vCPU, 0–100. */
  cpu: number;
  rssKiB: number;
  vszKiB: number;
}

const BASE: Array<Omit<Proc, 'started' | 'stat' | 'tty' | 'ppid'> & { ppid?: number }> = [
  {
    pid: 1,
    user: 'root',
    command: '/usr/lib/systemd/systemd --switched-root --system --deserialize=32',
    cpu: 0,
    rssKiB: 16_392,
    vszKiB: 105_708,
    ppid: 0,
  },
  { pid: 2, user: 'root', command: '[kthreadd]', cpu: 0, rssKiB: 0, vszKiB: 0, ppid: 0 },
  { pid: 3, user: 'root', command: '[rcu_gp]', cpu: 0, rssKiB: 0, vszKiB: 0, ppid: 2 },
  { pid: 12, user: 'root', command: '[ksoftirqd/0]', cpu: 0, rssKiB: 0, vszKiB: 0, ppid: 2 },
  { pid: 13, user: 'root', command: '[rcu_preempt]', cpu: 0, rssKiB: 0, vszKiB: 0, ppid: 2 },
  { pid: 14, user: 'root', command: '[migration/0]', cpu: 0, rssKiB: 0, vszKiB: 0, ppid: 2 },
  {
    pid: 1003,
    user: 'root',
    command: '/usr/lib/systemd/systemd-journald',
    cpu: 0,
    rssKiB: 14_080,
    vszKiB: 33_412,
  },
  {
    pid: 1047,
    user: 'root',
    command: '/usr/lib/systemd/systemd-udevd',
    cpu: 0,
    rssKiB: 11_776,
    vszKiB: 33_160,
  },
  {
    pid: 1101,
    user: 'systemd-resolve',
    command: '/usr/lib/systemd/systemd-resolved',
    cpu: 0,
    rssKiB: 12_544,
    vszKiB: 21_616,
  },
  {
    pid: 1113,
    user: 'root',
    command: '/usr/lib/systemd/systemd-networkd',
    cpu: 0,
    rssKiB: 9_088,
    vszKiB: 17_300,
  },
  { pid: 1130, user: 'chrony', command: '/usr/sbin/chronyd -F 2', cpu: 0, rssKiB: 3_584, vszKiB: 84_928 },
  {
    pid: 1142,
    user: 'root',
    command: '/usr/lib/systemd/systemd-logind',
    cpu: 0,
    rssKiB: 9_856,
    vszKiB: 17_652,
  },
  {
    pid: 1160,
    user: 'root',
    command: '/sbin/agetty -o -p -- \\u --noclear - linux',
    cpu: 0,
    rssKiB: 2_048,
    vszKiB: 221_668,
  },
];

const basename = (cmd: string) =>
  cmd
    .replace(/^\[|\]$/g, '')
    .split(' ')[0]!
    .split('/')
    .pop()!;

export function shellPid(sessionId: number): number {
  return 2_000 + sessionId * 37;
}

/** Every process, with the command running `ps`/`top` itself as the newest. */
export function processTable(
  m: Machine,
  self: { command: string; tty: string | undefined; user: string },
): Proc[] {
  const boot = m.bootedAt;
  const started = new Set([...m.processes.values()].map((p) => basename(p.command)));
  const procs: Proc[] = BASE.filter((b) => b.pid < 100 || !started.has(basename(b.command))).map((b) => ({
    ...b,
    ppid: b.ppid ?? 1,
    tty: b.command.includes('agetty') ? 'ttyS0' : '?',
    stat: b.pid === 1 ? 'Ss' : b.command.startsWith('[') ? 'I<' : 'Ss',
    started: boot,
  }));
  for (const p of m.processes.values()) {
    procs.push({
      pid: p.pid,
      ppid: 1,
      user: p.user,
      command: p.command,
      tty: '?',
      stat: p.cpu > 50 ? 'R' : 'Ss',
      started: p.started,
      cpu: p.cpu,
      rssKiB: p.rssKiB,
      vszKiB: Math.max(p.rssKiB * 3, 8_000),
    });
  }
  const mine = sessionOfTty(self.tty);
  let top = 0;
  for (const s of m.sessions.values()) {
    const pid = shellPid(s.id);
    top = Math.max(top, pid);
    procs.push({
      pid,
      ppid: pid - 3,
      user: s.user.name,
      command: '-bash',
      tty: `pts/${s.id - 1}`,
      stat: s.id === mine ? 'Ss' : 'Ss+',
      started: boot,
      cpu: 0,
      rssKiB: 5_120,
      vszKiB: 222_444,
    });
  }
  const ownPid = Math.max(top, ...procs.map((p) => p.pid)) + 11;
  procs.push({
    pid: ownPid,
    ppid: mine !== null ? shellPid(mine) : 1,
    user: self.user,
    command: self.command,
    tty: mine !== null ? `pts/${mine - 1}` : '?',
    stat: 'R+',
    started: m.cloud.clock.now(),
    cpu: 0,
    rssKiB: 3_840,
    vszKiB: 224_604,
  });
  return procs.sort((a, b) => a.pid - b.pid);
}

/** CPU time a process has used, in seconds. */
export function cpuSeconds(p: Proc, now: number): number {
  const base = p.command.includes('systemd --switched') ? 1.2 : p.command.includes('journald') ? 0.4 : 0.02;
  return base + ((now - p.started) / 1000) * (p.cpu / 100);
}

/** `HH:MM` when started today, else `Mon DD`, as ps's START column. */
export function startColumn(at: number, now: number): string {
  const d = new Date(at);
  if (now - at < 24 * 3_600_000) return d.toISOString().slice(11, 16);
  return `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })}${String(d.getUTCDate()).padStart(2, '0')}`;
}
