/**
 * ss and netstat: the sockets programs listen on (machine.ports). Process names and PIDs show
 * only to root, as on Linux.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { ok } from '../commands/command-kit';
import type { PortBinding } from '../types';
import { columns } from './cli-kit';

function listening(m: Machine, args: string[]): PortBinding[] {
  const flags = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
  const tcp = flags.includes('t') || !flags.includes('u');
  const udp = flags.includes('u');
  return [...m.ports.values()]
    .filter((p) => (p.protocol === 'tcp' ? tcp : udp))
    .sort((a, b) => a.port - b.port);
}

const isRoot = (env: Map<string, string>) => (env.get('USER') ?? 'root') === 'root';

export const ss = (m: Machine): CustomCommand =>
  defineCommand('ss', async (args, ctx) => {
    const flags = args.join('');
    const numeric = flags.includes('n');
    const withProcess = flags.includes('p') && isRoot(ctx.env);
    const rows = [['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process']];
    const service = (port: number) => (numeric ? String(port) : (SERVICES[port] ?? String(port)));
    for (const p of listening(m, args)) {
      const state = p.protocol === 'tcp' ? 'LISTEN' : 'UNCONN';
      const proc = withProcess ? `users:(("${p.program}",pid=${p.pid},fd=3))` : '';
      rows.push([
        state,
        '0',
        p.protocol === 'tcp' ? '4096' : '0',
        `${p.address}:${service(p.port)}`,
        '0.0.0.0:*',
        proc,
      ]);
      if (p.address === '0.0.0.0' && p.protocol === 'tcp')
        rows.push([state, '0', '4096', `[::]:${service(p.port)}`, '[::]:*', proc.replace('fd=3', 'fd=4')]);
    }
    if (flags.includes('l') || flags.includes('a')) return ok(columns(rows, [0, 5], 1));
    return ok('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n');
  });

export const netstat = (m: Machine): CustomCommand =>
  defineCommand('netstat', async (args, ctx) => {
    const flags = args.join('');
    const root = isRoot(ctx.env);
    let out = '';
    if (flags.includes('p') && !root)
      out +=
        '(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n';
    out += 'Active Internet connections (only servers)\n';
    out +=
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n';
    for (const p of listening(m, args)) {
      const local = `${p.address}:${flags.includes('n') ? p.port : (SERVICES[p.port] ?? p.port)}`;
      const prog = flags.includes('p') ? (root ? `${p.pid}/${p.program}` : '-') : '';
      out += `${p.protocol.padEnd(5)}${'0'.padStart(7)}${'0'.padStart(7)} ${local.padEnd(23)} ${'0.0.0.0:*'.padEnd(23)} ${(p.protocol === 'tcp' ? 'LISTEN' : '').padEnd(11)} ${prog}\n`;
      if (p.address === '0.0.0.0' && p.protocol === 'tcp')
        out += `tcp6${'0'.padStart(8)}${'0'.padStart(7)} ${`:::${p.port}`.padEnd(23)} ${':::*'.padEnd(23)} ${'LISTEN'.padEnd(11)} ${prog}\n`;
    }
    return ok(out);
  });

const SERVICES: Record<number, string> = {
  22: 'ssh',
  80: 'http',
  443: 'https',
  3306: 'mysql',
  5432: 'postgresql',
  8080: 'http-alt',
};
