/**
 * ps (procps-ng): `ps` (this terminal), `ps aux` (BSD style), `ps -ef` / `ps -e` (System V).
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { TTY_VAR } from '../shell/tty';
import { cpuSeconds, processTable, startColumn, type Proc } from './process-table';
import { specsOf } from './specs';

const hms = (s: number) => {
  const t = Math.floor(s);
  return `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};
const ms = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export const ps = (m: Machine): CustomCommand =>
  defineCommand('ps', async (args, ctx) => {
    const tty = ctx.env.get(TTY_VAR);
    const line = ['ps', ...args].join(' ');
    const procs = processTable(m, { command: line, tty, user: ctx.env.get('USER') ?? 'root' });
    const now = m.cloud.clock.now();
    const flags = args.join(' ');
    const bsd = args.some((a) => /^[a-z]+$/.test(a) && /[aux]/.test(a)) || /^-aux$/.test(flags);
    const all = bsd ? /a/.test(flags) && /x/.test(flags) : /(^|\s)-\w*[eA]/.test(flags);
    const full = !bsd && /(^|\s)-\w*f/.test(flags);
    if (args.some((a) => a === '--help')) return ok('\nUsage:\n ps [options]\n');
    if (args.some((a) => /^-[^efAaux]/.test(a) && !/^--/.test(a)))
      return fail(
        `error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`,
      );
    const mineTty = procs.find((p) => p.stat === 'R+')!.tty;
    const shown: Proc[] = all ? procs : procs.filter((p) => p.tty === mineTty && p.tty !== '?');
    const totalKiB = specsOf(m).memTotalKiB;
    if (bsd) {
      let out = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
      for (const p of shown) {
        const cpu = p.cpu > 0 ? p.cpu : 0;
        out += `${p.user.slice(0, 8).padEnd(8)} ${String(p.pid).padStart(7)} ${cpu.toFixed(1).padStart(4)} ${((p.rssKiB / totalKiB) * 100).toFixed(1).padStart(4)} ${String(p.vszKiB).padStart(6)} ${String(p.rssKiB).padStart(5)} ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} ${startColumn(p.started, now).padStart(5)} ${ms(cpuSeconds(p, now)).padStart(6)} ${p.command}\n`;
      }
      return ok(out);
    }
    if (full) {
      let out = 'UID          PID    PPID  C STIME TTY          TIME CMD\n';
      for (const p of shown)
        out += `${p.user.slice(0, 8).padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)} ${String(Math.round(p.cpu)).padStart(2)} ${startColumn(p.started, now)} ${p.tty.padEnd(8)} ${hms(cpuSeconds(p, now))} ${p.command}\n`;
      return ok(out);
    }
    let out = '    PID TTY          TIME CMD\n';
    for (const p of shown) {
      const name = p.command.startsWith('[')
        ? p.command.slice(1, -1)
        : p.command.split(' ')[0]!.split('/').pop()!.replace(/^-/, '');
      out += `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${hms(cpuSeconds(p, now))} ${name.slice(0, 15)}\n`;
    }
    return ok(out);
  });
