/**
 * stress (the `stress` package): CPU and memory hogs for a simulated duration. Its workers
 * are real entries in the process table, so top, ps, uptime's load and the hypervisor's CPU
 * metrics (what CloudWatch's CPUUtilization will draw) all see the load while it runs.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { isInstalled } from '../packages/packages-module';
import { reportCpu } from './usage';

const USAGE = `\`stress' imposes certain types of compute stress on your system

Usage: stress [OPTION [ARG]] ...
 -?, --help         show this help statement
     --version      show version statement
 -v, --verbose      be verbose
 -q, --quiet        be quiet
 -n, --dry-run      show what would have been done
 -t, --timeout N    timeout after N seconds
     --backoff N    wait factor of N microseconds before work starts
 -c, --cpu N        spawn N workers spinning on sqrt()
 -i, --io N         spawn N workers spinning on sync()
 -m, --vm N         spawn N workers spinning on malloc()/free()
     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)
 -d, --hdd N        spawn N workers spinning on write()/unlink()

Example: stress --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s

Note: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).
`;

function seconds(text: string): number {
  const m = /^(\d+)([smhdy]?)$/.exec(text);
  if (!m) return NaN;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, y: 31_536_000 }[m[2] as '' | 's'] ?? 1;
  return Number(m[1]) * unit;
}

function bytes(text: string): number {
  const m = /^(\d+)([BKMG]?)$/i.exec(text);
  if (!m) return NaN;
  const unit = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase() as 'B'] ?? 1;
  return Number(m[1]) * unit;
}

export const stress = (m: Machine): CustomCommand =>
  defineCommand('stress', async (args, ctx) => {
    if (!(await isInstalled(m, 'stress'))) return fail('bash: stress: command not found\n', 127);
    if (args.length === 0 || args.includes('--help') || args.includes('-?')) return ok(USAGE);
    if (args.includes('--version')) return ok('stress 1.0.4\n');
    const hogs = { cpu: 0, io: 0, vm: 0, hdd: 0 };
    let timeout: number | null = null;
    let vmBytes = 256 * 1024 ** 2;
    let quiet = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const value = () => args[++i] ?? '';
      if (a === '-c' || a === '--cpu') hogs.cpu = Number(value());
      else if (a === '-i' || a === '--io') hogs.io = Number(value());
      else if (a === '-m' || a === '--vm') hogs.vm = Number(value());
      else if (a === '-d' || a === '--hdd') hogs.hdd = Number(value());
      else if (a === '-t' || a === '--timeout') timeout = seconds(value());
      else if (a === '--vm-bytes') vmBytes = bytes(value());
      else if (a === '-q' || a === '--quiet') quiet = true;
      else if (a === '--backoff' || a === '--vm-stride' || a === '--vm-hang' || a === '--hdd-bytes') value();
      else if (a === '-v' || a === '--verbose' || a === '--vm-keep') continue;
      else return fail(`stress: FAIL: [${m.processes.size + 2000}] (244) unrecognized option: ${a}\n`);
    }
    const head = m.spawn({
      user: ctx.env.get('USER') ?? 'root',
      command: ['stress', ...args].join(' '),
      cpu: 0,
      rssKiB: 1_024,
    });
    const info = (text: string) => (quiet ? '' : `stress: info: [${head.pid}] ${text}\n`);
    if (
      Object.values(hogs).some((n) => !Number.isInteger(n) || n < 0) ||
      Number.isNaN(timeout ?? 0) ||
      Number.isNaN(vmBytes)
    ) {
      m.kill(head.pid);
      return fail(`stress: FAIL: [${head.pid}] (255) invalid number in option\n`);
    }
    const workers = [
      ...Array.from({ length: hogs.cpu }, () => ({ cpu: 100, rssKiB: 96 })),
      ...Array.from({ length: hogs.io }, () => ({ cpu: 8, rssKiB: 96 })),
      ...Array.from({ length: hogs.vm }, () => ({ cpu: 100, rssKiB: Math.round(vmBytes / 1024) })),
      ...Array.from({ length: hogs.hdd }, () => ({ cpu: 25, rssKiB: 96 })),
    ].map((w) => m.spawn({ user: head.user, command: ['stress', ...args].join(' '), ...w }));
    reportCpu(m);
    const started = m.cloud.clock.now();
    let out = info(`dispatching hogs: ${hogs.cpu} cpu, ${hogs.io} io, ${hogs.vm} vm, ${hogs.hdd} hdd`);
    await new Promise<void>((resolve) => {
      const finish = () => {
        if (timer) m.cloud.clock.clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = timeout !== null ? m.cloud.clock.setTimeout(finish, timeout * 1000) : 0;
      if (ctx.signal?.aborted) finish();
      ctx.signal?.addEventListener('abort', finish);
    });
    for (const w of workers) m.kill(w.pid);
    m.kill(head.pid);
    reportCpu(m);
    if (ctx.signal?.aborted) return { stdout: out, stderr: '', exitCode: 130 };
    out += info(`successful run completed in ${Math.round((m.cloud.clock.now() - started) / 1000)}s`);
    return ok(out);
  });
