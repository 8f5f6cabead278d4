/**
 * top and htop print one screen and return: there is no live terminal refresh here, so
 * `top` behaves as `top -b -n 1` cut to a screen, and htop draws its meters once.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { isInstalled } from '../packages/packages-module';
import { TTY_VAR } from '../shell/tty';
import { upSince, clockTime, loadText } from './format';
import { cpuSeconds, processTable, type Proc } from './process-table';
import { specsOf } from './specs';
import { cpuPercent, loadAverages, memoryOf } from './usage';

const timePlus = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;

function ordered(procs: Proc[]): Proc[] {
  return [...procs].sort((a, b) => b.cpu - a.cpu || a.pid - b.pid);
}

export const top = (m: Machine): CustomCommand =>
  defineCommand('top', async (args, ctx) => {
    const batch = args.some((a) => /^-\w*b/.test(a));
    const procs = processTable(m, {
      command: 'top',
      tty: ctx.env.get(TTY_VAR),
      user: ctx.env.get('USER') ?? 'root',
    });
    const now = m.cloud.clock.now();
    const mem = await memoryOf(m);
    const cpu = cpuPercent(m);
    const us = cpu * 0.92;
    const sy = cpu - us;
    const running = procs.filter((p) => p.stat.startsWith('R')).length;
    const users = m.sessions.size;
    const mib = (k: number) => (k / 1024).toFixed(1).padStart(9);
    let out = `top - ${clockTime(now)} ${upSince(now - m.bootedAt)},  ${users} user${users === 1 ? '' : 's'},  load average: ${loadText(loadAverages(m))}\n`;
    out += `Tasks: ${String(procs.length).padStart(3)} total, ${String(running).padStart(3)} running, ${String(procs.length - running).padStart(3)} sleeping,   0 stopped,   0 zombie\n`;
    out += `%Cpu(s):${us.toFixed(1).padStart(5)} us,${sy.toFixed(1).padStart(5)} sy,  0.0 ni,${(100 - cpu).toFixed(1).padStart(5)} id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st\n`;
    out += `MiB Mem : ${mib(mem.totalKiB)} total, ${mib(mem.freeKiB)} free, ${mib(mem.usedKiB)} used, ${mib(mem.buffCacheKiB)} buff/cache\n`;
    out += `MiB Swap: ${mib(0)} total, ${mib(0)} free, ${mib(0)} used. ${mib(mem.availableKiB)} avail Mem\n\n`;
    out += '    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n';
    const list = ordered(procs).slice(0, batch ? undefined : 17);
    for (const p of list) {
      const name = p.command.startsWith('[')
        ? p.command.slice(1, -1)
        : p.command.split(' ')[0]!.split('/').pop()!.replace(/^-/, '');
      const state = p.stat[0] === 'I' ? 'I' : p.stat[0]!;
      out += `${String(p.pid).padStart(7)} ${p.user.slice(0, 8).padEnd(8)}  20   0 ${String(p.vszKiB).padStart(7)} ${String(p.rssKiB).padStart(6)} ${String(Math.round(p.rssKiB * 0.6)).padStart(6)} ${state} ${p.cpu.toFixed(1).padStart(5)} ${((p.rssKiB / mem.totalKiB) * 100).toFixed(1).padStart(5)} ${timePlus(cpuSeconds(p, now)).padStart(9)} ${name}\n`;
    }
    return ok(out);
  });

export const htop = (m: Machine): CustomCommand =>
  defineCommand('htop', async (_args, ctx) => {
    if (!(await isInstalled(m, 'htop'))) return fail('bash: htop: command not found\n', 127);
    const s = specsOf(m);
    const procs = processTable(m, {
      command: 'htop',
      tty: ctx.env.get(TTY_VAR),
      user: ctx.env.get('USER') ?? 'root',
    });
    const mem = await memoryOf(m);
    const now = m.cloud.clock.now();
    const cpu = cpuPercent(m);
    const bar = (pct: number, width = 30) => {
      const filled = Math.round((Math.min(100, pct) / 100) * width);
      return '|'.repeat(filled).padEnd(width);
    };
    let out = '';
    for (let i = 0; i < s.vcpus && i < 16; i++) {
      const busy = Math.min(100, cpu * (1 + (i % 2 ? -0.05 : 0.05)));
      out += `  ${String(i).padStart(2)}[${bar(busy)}${busy.toFixed(1).padStart(5)}%]\n`;
    }
    const used = mem.usedKiB / 1024;
    out += `  Mem[${bar((mem.usedKiB / mem.totalKiB) * 100)}${`${used.toFixed(0)}M/${(mem.totalKiB / 1024).toFixed(0)}M`.padStart(12)}]\n`;
    out += `  Swp[${bar(0)}${'0K/0K'.padStart(12)}]\n`;
    out += `  Tasks: ${procs.length}, 0 thr; ${procs.filter((p) => p.stat.startsWith('R')).length} running\n`;
    out += `  Load average: ${loadAverages(m)
      .map((l) => l.toFixed(2))
      .join(' ')}\n`;
    const up = Math.floor((now - m.bootedAt) / 1000);
    out += `  Uptime: ${String(Math.floor(up / 3600)).padStart(2, '0')}:${String(Math.floor((up % 3600) / 60)).padStart(2, '0')}:${String(up % 60).padStart(2, '0')}\n\n`;
    out += '    PID USER       PRI  NI  VIRT   RES   SHR S  CPU% MEM%   TIME+  Command\n';
    for (const p of ordered(procs).slice(0, 15)) {
      out += `${String(p.pid).padStart(7)} ${p.user.slice(0, 9).padEnd(9)}   20   0 ${`${Math.round(p.vszKiB / 1024)}M`.padStart(5)} ${`${Math.round(p.rssKiB / 1024)}M`.padStart(5)} ${`${Math.round((p.rssKiB * 0.6) / 1024)}M`.padStart(5)} ${p.stat[0]} ${p.cpu.toFixed(1).padStart(5)} ${((p.rssKiB / mem.totalKiB) * 100).toFixed(1).padStart(4)} ${timePlus(cpuSeconds(p, now)).padStart(7)}  ${p.command}\n`;
    }
    out += 'F1Help  F2Setup F3SearchF4FilterF5Tree  F6SortByF7Nice -F8Nice +F9Kill  F10Quit\n';
    return ok(out);
  });
