import { describe, expect, it } from 'vitest';
import { commandProvidedBy, isInstalled } from '../../../electron/core/os/packages/packages-module';
import { osLab } from './lab';
import { runner } from './timed';

const ubuntu = (lab: Awaited<ReturnType<typeof osLab>>) =>
  lab.cloud.catalogue.imagesIn('us-east-1').find((i) => i.key === 'ubuntu-24.04-x86_64')!.imageId;

describe('packages', () => {
  it('dnf installs httpd with its files; its commands exist only afterwards', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    const run = runner(lab, sh);
    const before = await run('httpd -v');
    expect(before.exitCode).toBe(127);
    expect(before.stderr).toBe('bash: httpd: command not found\n');
    expect((await run('git --version')).stderr).toBe('bash: git: command not found\n');
    expect((await run('tree /etc')).stderr).toBe('bash: tree: command not found\n');
    expect((await run('python3 --version')).stdout).toBe('Python 3.9.20\n');

    const refused = await run('dnf install -y httpd');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      'Error: This command has to be run with superuser privileges (under the root user on most systems).\n',
    );
    const r = await run('sudo dnf install -y httpd git tree');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Dependencies resolved\.\n=+\n Package +Arch +Version +Repository +Size\n/);
    expect(r.stdout).toMatch(/Installing:\n httpd +x86_64 +2\.4\.62-1\.amzn2023 +amazonlinux/);
    expect(r.stdout).toMatch(/Installing dependencies:\n/);
    expect(r.stdout).toMatch(/\nComplete!\n$/);
    expect((await run('sudo httpd -v')).stdout).toMatch(
      /^Server version: Apache\/2\.4\.62 \(Amazon Linux\)\n/,
    );
    expect((await run('which httpd git')).stdout).toBe('/usr/sbin/httpd\n/usr/bin/git\n');
    expect((await run('git --version')).stdout).toMatch(/^git version 2\.47\.1\n/);
    expect((await run('tree -L 1 /var/www')).stdout).toMatch(/html/);
    expect(
      (await run('grep -c DocumentRoot /etc/httpd/conf/httpd.conf; ls /usr/lib/systemd/system')).stdout,
    ).toBe('1\nhttpd.service\n');
    expect((await run('grep apache /etc/passwd | cut -d: -f1,3')).stdout).toBe('apache:48\n');
    expect((await run('rpm -q httpd nginx')).stdout).toBe(
      'httpd-2.4.62-1.amzn2023.x86_64\npackage nginx is not installed\n',
    );
    expect((await run('dnf list installed httpd')).stdout).toMatch(
      /^Installed Packages\nhttpd\.x86_64 +2\.4\.62-1\.amzn2023 +@amazonlinux\n$/,
    );
    expect((await run('sudo dnf install -y httpd')).stdout).toMatch(
      /Package httpd-2\.4\.62-1\.amzn2023\.x86_64 is already installed\.\n.*Nothing to do\.\nComplete!\n$/s,
    );
    const m = (await lab.cloud.os.instance(id))!;
    expect(await isInstalled(m, 'httpd')).toBe(true);
    expect(await isInstalled(m, 'stress')).toBe(false);
    expect(await commandProvidedBy(m, 'stress')).toEqual({
      package: 'stress',
      installed: false,
      path: '/usr/bin/stress',
    });
    expect((await commandProvidedBy(m, 'httpd'))?.installed).toBe(true);
  });

  it('fails like dnf for unknown packages, removes packages and lists and searches', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id, 'root');
    const run = runner(lab, sh);
    const r = await run('dnf install -y foo');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/No match for argument: foo\n$/);
    expect(r.stderr).toBe('Error: Unable to find a match: foo\n');
    expect((await run('yum install -y nodejs && node --version && npm -v')).stdout).toMatch(
      /v18\.20\.5\n10\.8\.2\n$/,
    );
    const rm = await run('dnf remove -y nodejs');
    expect(rm.stdout).toMatch(/Removing:\n nodejs .*Removing unused dependencies:\n/s);
    expect(rm.stdout).toMatch(/Removed:\n.*Complete!\n$/s);
    expect((await run('node --version')).exitCode).toBe(127);
    expect((await run('dnf info nginx')).stdout).toMatch(
      /Available Packages\nName {9}: nginx\nEpoch {8}: 1\nVersion {6}: 1\.26\.2\n/,
    );
    expect((await run('dnf search mariadb')).stdout).toMatch(
      /mariadb105-server\.x86_64 : The MariaDB server/,
    );
    expect((await run('apt install -y nginx')).stderr).toBe('bash: apt: command not found\n');
    expect((await run('dnf check-update; echo $?')).stdout).toMatch(
      /Last metadata expiration check: .*\n0\n$/,
    );
  });

  it('apt on Ubuntu installs nginx, which starts serving as the Debian package does', async () => {
    const lab = await osLab();
    const id = await lab.launch({ ImageId: ubuntu(lab) });
    const sh = await lab.shell(id);
    const run = runner(lab, sh);
    expect((await run('dnf install -y nginx')).stderr).toBe('bash: dnf: command not found\n');
    const denied = await run('apt install -y nginx');
    expect(denied.exitCode).toBe(100);
    expect(denied.stderr).toMatch(
      /^E: Could not open lock file \/var\/lib\/dpkg\/lock-frontend - open \(13: Permission denied\)\n/,
    );
    expect((await run('sudo apt-get update')).stdout).toMatch(
      /noble InRelease\n.*Reading package lists\.\.\. Done\n$/s,
    );
    const unknown = await run('sudo apt-get install -y foo');
    expect(unknown.exitCode).toBe(100);
    expect(unknown.stderr).toBe('E: Unable to locate package foo\n');
    const r = await run('sudo apt install -y nginx');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Reading package lists\.\.\. Done\nBuilding dependency tree\.\.\. Done\n/);
    expect(r.stdout).toMatch(/The following NEW packages will be installed:\n {2}nginx nginx-common\n/);
    expect(r.stdout).toMatch(
      /Setting up nginx \(1\.24\.0-2ubuntu7\.1\) \.\.\.\nCreated symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/nginx\.service → \/usr\/lib\/systemd\/system\/nginx\.service\.\n/,
    );
    expect((await run('nginx -v 2>&1; systemctl is-active nginx')).stdout).toBe(
      'nginx version: nginx/1.24.0 (Ubuntu)\nactive\n',
    );
    expect((await run('apt list --installed 2>/dev/null | grep nginx')).stdout).toBe(
      'nginx-common/noble-updates,now 1.24.0-2ubuntu7.1 amd64 [installed,automatic]\nnginx/noble-updates,now 1.24.0-2ubuntu7.1 amd64 [installed]\n',
    );
    expect((await run('dpkg -l nginx | tail -1')).stdout).toMatch(
      /^ii {2}nginx +1\.24\.0-2ubuntu7\.1 +amd64/,
    );
    expect((await run('git --version; htop --version >/dev/null; which htop')).stdout).toMatch(
      /^git version 2\.43\.0\n\/usr\/bin\/htop\n$/,
    );
    const m = (await lab.cloud.os.instance(id))!;
    const res = await m.ports.get('tcp/80')!.http!({
      method: 'GET',
      path: '/',
      headers: {},
      body: new Uint8Array(),
      remoteIp: '10.0.0.9',
      host: 'x',
    });
    expect(res.status).toBe(200);
    expect(res.headers.server).toBe('nginx/1.24.0 (Ubuntu)');
    expect(Buffer.from(res.body).toString()).toMatch(/Welcome to nginx!/);
    const gone = await run('sudo apt remove -y nginx');
    expect(gone.stdout).toMatch(/Removing nginx \(1\.24\.0-2ubuntu7\.1\) \.\.\.\n/);
    expect(m.ports.has('tcp/80')).toBe(false);
  });
});
