import { describe, expect, it } from 'vitest';
import { workspaceDir } from '../ec2/lab';
import { DISK_QUOTA_SETTING } from '../../../electron/core/os/os-runtime';
import { osLab } from './lab';

describe('instance shell', () => {
  it('keeps cwd, variables, functions and aliases between lines, with the Amazon Linux prompt', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect(sh.prompt()).toMatch(/^\[ec2-user@ip-172-31-\d+-\d+ ~\]\$ $/);
    expect((await sh.run('cd /etc && X=5 && export Y=6')).exitCode).toBe(0);
    expect(sh.prompt()).toMatch(/ etc\]\$ $/);
    await sh.run('greet() { echo "hello $1"; }');
    await sh.run("alias ll='ls -l'");
    const r = await sh.run('pwd; echo $X $Y; greet world; ll -d /etc | cut -c1');
    expect(r.stdout).toBe('/etc\n5 6\nhello world\nd\n');
    const loop = await sh.run('for i in 1 2 3; do echo $i; done | tr "\\n" " "; cat <<EOF\nhere $USER\nEOF');
    expect(loop.stdout).toBe('1 2 3 here ec2-user\n');
    expect((await sh.run('false || echo fallback')).stdout).toBe('fallback\n');
    expect((await sh.run('exit')).exited).toBe(true);
  });

  it('sudo -i makes a root shell and exit comes back', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect((await sh.run('sudo whoami')).stdout).toBe('root\n');
    await sh.run('sudo -i');
    expect(sh.prompt()).toMatch(/^\[root@ip-[\d-]+ ~\]# $/);
    expect((await sh.run('whoami; pwd')).stdout).toBe('root\n/root\n');
    expect((await sh.run('exit')).exited).toBe(false);
    expect((await sh.run('whoami')).stdout).toBe('ec2-user\n');
  });

  it('seeds the file system from the AMI and keeps changes across a restart of the app', async () => {
    const dir = workspaceDir();
    const lab = await osLab({ dataDir: dir });
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect((await sh.run('cat /etc/os-release | head -1')).stdout).toBe('NAME="Amazon Linux"\n');
    expect(
      (await sh.run('test -d /tmp && test -d /var/log && cd && pwd && cat /etc/hostname')).stdout,
    ).toMatch(/^\/home\/ec2-user\nip-[\d-]+\.ec2\.internal\n$/);
    await sh.run('echo "written before" > ~/notes.txt; mkdir -p ~/proj/src; rm /etc/motd');
    await lab.close();

    const again = await osLab({ dataDir: dir });
    const sh2 = await again.shell(id);
    const r = await sh2.run('cat ~/notes.txt; ls ~/proj; ls /etc/motd');
    expect(r.stdout).toBe('written before\nsrc\n');
    expect(r.stderr).toMatch(/No such file/);
    expect((await sh2.run('history 3 | head -1')).stdout).toMatch(
      /^ {4}3 {2}echo "written before".*rm \/etc\/motd\n$/,
    );
  });

  it('keeps files across stop and start, and deletes them on terminate', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    await (await lab.shell(id)).run('echo kept > /home/ec2-user/a.txt');
    await lab.call('StopInstances', { InstanceIds: [id] });
    await lab.elapse(20_000);
    expect(await lab.cloud.os.instance(id)).toBeUndefined();
    await lab.call('StartInstances', { InstanceIds: [id] });
    await lab.running(id);
    expect((await (await lab.shell(id)).run('cat ~/a.txt')).stdout).toBe('kept\n');
    await lab.call('TerminateInstances', { InstanceIds: [id] });
    await lab.elapse(20_000);
    await lab.cloud.os.settled();
    const rows = lab.cloud.store.all('SELECT path FROM os_files WHERE machine = ?', [id]);
    expect(rows).toEqual([]);
  });

  it('has a disk quota: a runaway write fails and the machine goes on', async () => {
    const lab = await osLab();
    await lab.cloud.settings.set(DISK_QUOTA_SETTING, 4 * 1024 * 1024);
    const id = await lab.launch();
    const sh = await lab.shell(id);
    await sh.run('printf "%01024d" 0 > /tmp/k');
    const r = await sh.run(
      'for i in $(seq 1 14); do cat /tmp/k /tmp/k > /tmp/k2 && mv /tmp/k2 /tmp/k || break; done',
    );
    expect(r.stderr).toMatch(/ENOSPC|No space left/);
    expect((await sh.run('rm -f /tmp/k /tmp/k2; echo still here > /tmp/ok; cat /tmp/ok')).stdout).toBe(
      'still here\n',
    );
  });

  it('lists files with their owners, as ls -l does on Linux', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    await sh.run('touch ~/mine.txt && mkdir ~/dir');
    const home = (await sh.run('ls -la ~')).stdout;
    expect(home).toMatch(/^-rw-r--r-- +\d+ ec2-user ec2-user +0 .* mine\.txt$/m);
    expect(home).toMatch(/^d[-rwx]{9} +\d+ ec2-user ec2-user +4096 .* dir$/m);
    expect((await sh.run('ls -l /etc/os-release')).stdout).toMatch(/ root root .*\/etc\/os-release\n$/);
  });

  it('shuts the instance down from inside: sudo poweroff stops it, reboot needs root', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    expect((await sh.run('reboot')).stderr).toMatch(/Interactive authentication required/);
    const r = await sh.run('sudo poweroff');
    expect(r.stderr).toMatch(/The system will power off now!/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await lab.instance(id)).State!.Name).toBe('stopping');
  });

  it('keeps time on the simulated clock: date and file times', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    const now = Math.floor(lab.cloud.clock.now() / 1000);
    const seconds = Number((await sh.run('date +%s')).stdout);
    expect(Math.abs(seconds - now)).toBeLessThanOrEqual(1);
    await sh.run('touch ~/stamped');
    const mtime = Number((await sh.run('date -r ~/stamped +%s')).stdout);
    expect(Math.abs(mtime - now)).toBeLessThanOrEqual(1);
    const dots = (await sh.run('ls -la ~ | head -3')).stdout;
    expect(dots).toMatch(/^drwx------ +\d+ ec2-user ec2-user +4096 \w{3} [ \d]\d [\d:]{5} \.$/m);
  });
});
