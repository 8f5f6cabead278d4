/**
 * nproc, free, df, uptime and lscpu: the machine's size as its instance type made it.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { ok } from '../commands/command-kit';
import { clockTime, dfHuman, freeHuman, loadText, upPretty, upSince } from './format';
import { specsOf } from './specs';
import { fsBytes, loadAverages, memoryOf, osBaselineBytes, rootVolumeGiB } from './usage';

export const nproc = (m: Machine): CustomCommand =>
  defineCommand('nproc', async () => ok(`${specsOf(m).vcpus}\n`));

export const free = (m: Machine): CustomCommand =>
  defineCommand('free', async (args) => {
    const mem = await memoryOf(m);
    const flags = args.join(' ');
    const unit = (kib: number) =>
      /-h|--human/.test(flags)
        ? freeHuman(kib)
        : /-g|--gibi/.test(flags)
          ? String(Math.floor(kib / 1024 ** 2))
          : /-m|--mebi/.test(flags)
            ? String(Math.floor(kib / 1024))
            : /-b|--bytes/.test(flags)
              ? String(kib * 1024)
              : String(kib);
    const row = (label: string, values: number[]) =>
      `${label.padEnd(7)}${values.map((v) => ` ${unit(v).padStart(11)}`).join('')}\n`;
    return ok(
      '               total        used        free      shared  buff/cache   available\n' +
        row('Mem:', [
          mem.totalKiB,
          mem.usedKiB,
          mem.freeKiB,
          mem.sharedKiB,
          mem.buffCacheKiB,
          mem.availableKiB,
        ]) +
        row('Swap:', [0, 0, 0]),
    );
  });

export const df = (m: Machine): CustomCommand =>
  defineCommand('df', async (args) => {
    const human = args.some((a) => /^-\w*h/.test(a) || a === '--human-readable');
    const spec = specsOf(m);
    const xfs = m.identity.image.os === 'amazon-linux';
    const sizeKiB = Math.round(rootVolumeGiB(m) * 1024 ** 2 * (xfs ? 0.991 : 0.947));
    const usedKiB = Math.round((osBaselineBytes(m) + (await fsBytes(m))) / 1024);
    const nitro = spec.cpu.hypervisor === 'KVM';
    const root = m.debianLike ? '/dev/root' : nitro ? '/dev/nvme0n1p1' : '/dev/xvda1';
    const shm = Math.round(spec.memTotalKiB / 2);
    const run = Math.round(spec.memTotalKiB / 5);
    const mounts: Array<[string, number, number, string]> = [
      ['devtmpfs', 4096, 0, '/dev'],
      ['tmpfs', shm, 0, '/dev/shm'],
      ['tmpfs', run, 2_940, '/run'],
      [root, sizeKiB, Math.min(usedKiB, sizeKiB), '/'],
      ...(m.debianLike
        ? ([
            ['tmpfs', 5120, 0, '/run/lock'],
            [`${nitro ? '/dev/nvme0n1p15' : '/dev/xvda15'}`, 106_832, 6_246, '/boot/efi'],
          ] as Array<[string, number, number, string]>)
        : ([
            ['tmpfs', shm, 0, '/tmp'],
            [nitro ? '/dev/nvme0n1p128' : '/dev/xvda128', 10_202, 1_310, '/boot/efi'],
          ] as Array<[string, number, number, string]>)),
      ['tmpfs', Math.round(spec.memTotalKiB / 10), 0, '/run/user/1000'],
    ];
    const rows = [
      human
        ? ['Filesystem', 'Size', 'Used', 'Avail', 'Use%', 'Mounted on']
        : ['Filesystem', '1K-blocks', 'Used', 'Available', 'Use%', 'Mounted on'],
    ];
    for (const [fs, size, used, at] of mounts) {
      const avail = size - used;
      const pct = used === 0 ? 0 : Math.ceil((used / size) * 100);
      const f = human ? dfHuman : String;
      rows.push([fs, f(size), f(used), f(avail), `${pct}%`, at]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return ok(
      rows
        .map((r) =>
          r.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : i === 5 ? c : c.padStart(widths[i]!))).join(' '),
        )
        .join('\n') + '\n',
    );
  });

export const uptime = (m: Machine): CustomCommand =>
  defineCommand('uptime', async (args) => {
    const now = m.cloud.clock.now();
    if (args.includes('-p') || args.includes('--pretty')) return ok(`${upPretty(now - m.bootedAt)}\n`);
    if (args.includes('-s') || args.includes('--since'))
      return ok(`${new Date(m.bootedAt).toISOString().slice(0, 19).replace('T', ' ')}\n`);
    return ok(` ${uptimeLine(m)}\n`);
  });

/** `09:12:01 up 5 min,  1 user,  load average: 0.00, 0.01, 0.00` */
export function uptimeLine(m: Machine): string {
  const now = m.cloud.clock.now();
  const users = m.sessions.size;
  return `${clockTime(now)} ${upSince(now - m.bootedAt)},  ${users} user${users === 1 ? '' : 's'},  load average: ${loadText(loadAverages(m))}`;
}

export const lscpu = (m: Machine): CustomCommand =>
  defineCommand('lscpu', async () => {
    const s = specsOf(m);
    const c = s.cpu;
    const cores = Math.max(1, s.vcpus / s.threadsPerCore);
    const list = s.vcpus === 1 ? '0' : `0-${s.vcpus - 1}`;
    const kv = (indent: number, key: string, value: string) =>
      `${' '.repeat(indent)}${`${key}:`.padEnd(24 - indent)}${value}\n`;
    let out = '';
    out += kv(0, 'Architecture', c.arm ? 'aarch64' : 'x86_64');
    out += kv(2, 'CPU op-mode(s)', c.arm ? '32-bit, 64-bit' : '32-bit, 64-bit');
    if (!c.arm) out += kv(2, 'Address sizes', '46 bits physical, 48 bits virtual');
    out += kv(2, 'Byte Order', 'Little Endian');
    out += kv(0, 'CPU(s)', String(s.vcpus));
    out += kv(2, 'On-line CPU(s) list', list);
    out += kv(0, 'Vendor ID', c.vendor);
    if (!c.arm) out += kv(2, 'BIOS Vendor ID', 'Amazon EC2');
    out += kv(2, 'Model name', c.modelName);
    if (!c.arm) {
      out += kv(4, 'CPU family', String(c.family));
      out += kv(4, 'Model', String(c.model));
    }
    out += kv(4, 'Thread(s) per core', String(s.threadsPerCore));
    out += kv(4, 'Core(s) per socket', String(cores));
    out += kv(4, 'Socket(s)', '1');
    out += kv(4, 'Stepping', c.arm ? 'r3p1' : String(c.stepping));
    out += kv(4, 'BogoMIPS', c.arm ? '243.75' : (c.mhz * 2).toFixed(2));
    if (!c.arm) {
      out += kv(0, 'Virtualization features', '');
      out += kv(2, 'Hypervisor vendor', c.hypervisor);
      out += kv(2, 'Virtualization type', 'full');
    }
    out += kv(0, 'Caches (sum of all)', '');
    out += kv(2, 'L1d', `${32 * cores} KiB (${cores} instance${cores === 1 ? '' : 's'})`);
    out += kv(2, 'L1i', `${32 * cores} KiB (${cores} instance${cores === 1 ? '' : 's'})`);
    out += kv(2, 'L2', `${c.arm ? 1 : 1} MiB (${cores} instance${cores === 1 ? '' : 's'})`);
    out += kv(2, 'L3', c.arm ? '32 MiB (1 instance)' : '35.8 MiB (1 instance)');
    out += kv(0, 'NUMA', '');
    out += kv(2, 'NUMA node(s)', '1');
    out += kv(2, 'NUMA node0 CPU(s)', list);
    return ok(out);
  });
