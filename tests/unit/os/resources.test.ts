import type { HypervisorView } from '../../../electron/contract/console-api';
import { describe, expect, it } from 'vitest';
import { cpuMetricsOf } from '../../../electron/core/infra/cpu-metrics';
import { osLab } from './lab';
import { runner } from './timed';

describe('machine resources', () => {
  it('reflect the instance type', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect((await sh.run('nproc')).stdout).toBe('2\n');
    const free = await sh.run('free -m');
    expect(free.stdout).toMatch(/^ {15}total {8}used {8}free {6}shared {2}buff\/cache {3}available\n/);
    const total = Number(/^Mem:\s+(\d+)/m.exec(free.stdout)![1]);
    expect(total).toBeGreaterThan(900);
    expect(total).toBeLessThan(1024);
    expect((await sh.run('free -h')).stdout).toMatch(/^Mem:\s+9\d\dMi/m);
    const lscpu = (await sh.run('lscpu')).stdout;
    expect(lscpu).toMatch(/^CPU\(s\): +2$/m);
    expect(lscpu).toMatch(/Model name: +Intel\(R\) Xeon\(R\) Platinum 8259CL CPU @ 2\.50GHz/);
    expect(lscpu).toMatch(/Hypervisor vendor: +KVM/);
    expect(lscpu).toMatch(/Thread\(s\) per core: +2/);
    expect((await sh.run('grep -c ^processor /proc/cpuinfo')).stdout).toBe('2\n');
    expect((await sh.run('head -1 /proc/meminfo')).stdout).toMatch(/^MemTotal: +\d+ kB\n$/);
    const df = (await sh.run('df -h /')).stdout;
    expect(df).toMatch(/^\/dev\/nvme0n1p1 +8\.0G +1\.\dG +6\.\dG +\d+% \/$/m);
    expect((await sh.run('uptime')).stdout).toMatch(
      /^ \d\d:\d\d:\d\d up \d+ min, {2}1 user, {2}load average: \d\.\d\d, \d\.\d\d, \d\.\d\d\n$/,
    );
    expect((await sh.run('ps aux')).stdout).toMatch(
      /^USER {9}PID %CPU %MEM {4}VSZ {3}RSS TTY {6}STAT START {3}TIME COMMAND\n/,
    );
    expect((await sh.run('ps -ef')).stdout).toContain('/usr/lib/systemd/systemd');
    expect((await sh.run('ps')).stdout).toMatch(/bash\n[\s\S]*ps\n$/);
    expect((await sh.run('top -b -n 1')).stdout).toMatch(
      /^top - .* load average: [\s\S]*\nMiB Mem : +\d+\.\d total/,
    );
  });

  it('a bigger type is bigger', async () => {
    const lab = await osLab();
    const id = await lab.launch({ InstanceType: 'm5.xlarge' });
    const sh = await lab.shell(id);
    expect((await sh.run('nproc')).stdout).toBe('4\n');
    const total = Number(/^Mem:\s+(\d+)/m.exec((await sh.run('free -g')).stdout)![1]);
    expect(total).toBeGreaterThanOrEqual(14);
  });

  it('stress needs its package, then loads the CPU the hypervisor records', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect((await sh.run('stress --cpu 2 --timeout 60s')).stderr).toBe('bash: stress: command not found\n');
    const install = await runner(lab, sh)('sudo dnf install -y stress');
    expect(install.exitCode).toBe(0);
    const started = lab.cloud.clock.now();
    const running = sh.run('stress --cpu 2 --timeout 60s');
    await new Promise((r) => setTimeout(r, 20));
    const m = (await lab.cloud.os.instance(id))!;
    const other = await m.openShell();
    expect((await other.run('top -b -n 1 | head -3 | tail -1')).stdout).toMatch(
      /^%Cpu\(s\): *\d+\.\d us,.* 0\.0 id,/,
    );
    // The console's hypervisor view shows it on the VM while it runs.
    const vmCpu = async () => {
      const view = (await lab.handlers['lab.hypervisor']({ region: 'us-east-1' })) as HypervisorView;
      return view.zones
        .flatMap((z) => z.hosts)
        .flatMap((h) => h.vms)
        .find((v) => v.instanceId === id)?.cpuPercent;
    };
    expect(await vmCpu()).toBe(100);
    await lab.elapse(60_000);
    const r = await running;
    expect(r.stdout).toMatch(
      /^stress: info: \[\d+\] dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd\nstress: info: \[\d+\] successful run completed in 60s\n$/,
    );
    const metrics = cpuMetricsOf(lab.cloud.hypervisor);
    expect(metrics.average(id, started, started + 60_000)).toBe(100);
    expect(await vmCpu()).toBeLessThan(1);
    expect(metrics.at(id, lab.cloud.clock.now())).toBeLessThan(1);
    const load = (await other.run('uptime')).stdout;
    expect(Number(/load average: ([\d.]+)/.exec(load)![1])).toBeGreaterThan(1.5);
  });
});
