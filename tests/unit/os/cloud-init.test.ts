import { describe, expect, it } from 'vitest';
import { cloudInitDone } from '../../../electron/core/os/cloud-init/cloud-init-module';
import type { Machine } from '../../../electron/core/os/machine';
import { osLab } from './lab';
import { runner, timed } from './timed';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function page(m: Machine, path = '/'): Promise<{ status: number; text: string }> {
  const res = await m.ports.get('tcp/80')!.http!({
    method: 'GET',
    path,
    headers: {},
    body: new Uint8Array(),
    remoteIp: '198.51.100.4',
    host: 'example',
  });
  return { status: res.status, text: Buffer.from(res.body).toString() };
}

describe('cloud-init', () => {
  it('runs a user data script that installs and starts httpd; output reaches the log and the console', async () => {
    const lab = await osLab();
    const script = `#!/bin/bash
dnf install -y httpd
systemctl enable --now httpd
echo "<h1>Hello from $(hostname -f)</h1>" > /var/www/html/index.html
echo user data finished
`;
    const id = await lab.launch({ UserData: b64(script) });
    const m = (await lab.cloud.os.instance(id))!;
    await timed(lab, cloudInitDone(m));
    const sh = await lab.shell(id);
    const run = runner(lab, sh);
    expect((await page(m)).text).toMatch(/^<h1>Hello from ip-/);
    const out = (await run('cat /var/log/cloud-init-output.log')).stdout;
    expect(out).toMatch(
      /^Cloud-init v\. 22\.2\.2 running 'init' at .*\nCloud-init v\. 22\.2\.2 running 'modules:config' at .*\nCloud-init v\. 22\.2\.2 running 'modules:final' at \w{3}, \d\d \w{3} \d{4} [\d:]+ \+0000\. Up [\d.]+ seconds\.\n/,
    );
    expect(out).toMatch(/Installing:\n httpd /);
    expect(out).toMatch(/Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/httpd\.service/);
    expect(out).toMatch(
      /user data finished\nCloud-init v\. 22\.2\.2 finished at .*\. Datasource DataSourceEc2\. {2}Up [\d.]+ seconds\n$/,
    );
    expect((await run('test -f /var/lib/cloud/instance/boot-finished && cloud-init status')).stdout).toBe(
      'status: done\n',
    );
    const console = await lab.call<{ Output: string }>('GetConsoleOutput', { InstanceId: id });
    const text = Buffer.from(console.Output, 'base64').toString();
    expect(text).toMatch(/cloud-init\[1511\]: Complete!\n/);
    expect(text).toMatch(
      /cloud-init\[1511\]: user data finished\ncloud-init\[1511\]: Cloud-init v\. 22\.2\.2 finished at /,
    );
    expect(text).toMatch(/login:$/);

    // User data runs once: a stop/start does not run it again.
    await lab.call('StopInstances', { InstanceIds: [id] });
    await lab.elapse(20_000);
    await lab.call('StartInstances', { InstanceIds: [id] });
    await lab.running(id);
    const again = (await lab.cloud.os.instance(id))!;
    await cloudInitDone(again);
    expect(
      (
        await lab
          .shell(id)
          .then((s) => runner(lab, s)('grep -c "running .modules:final" /var/log/cloud-init-output.log'))
      ).stdout,
    ).toBe('1\n');
    expect((await page(again)).status).toBe(200);
  });

  it('applies #cloud-config: packages, write_files and runcmd, on Ubuntu with apt', async () => {
    const lab = await osLab();
    const imageId = lab.cloud.catalogue
      .imagesIn('us-east-1')
      .find((i) => i.key === 'ubuntu-24.04-x86_64')!.imageId;
    const config = `#cloud-config
package_update: true
packages:
  - nginx
  - tree
write_files:
  - path: /var/www/html/index.html
    content: |
      <h1>Configured by cloud-init</h1>
    permissions: '0644'
  - path: /etc/motd.d/lab
    encoding: b64
    content: ${b64('Welcome to the lab\n')}
  - path: /var/www/html/index.html
    content: "<p>appended</p>\\n"
    append: true
    defer: true
runcmd:
  - echo "runcmd as $(whoami)" > /tmp/runcmd.txt
  - [ systemctl, restart, nginx ]
users:
  - default
`;
    const id = await lab.launch({ ImageId: imageId, UserData: b64(config) });
    const m = (await lab.cloud.os.instance(id))!;
    await timed(lab, cloudInitDone(m));
    const run = runner(lab, await lab.shell(id));
    expect(
      (await run('cat /tmp/runcmd.txt /etc/motd.d/lab; stat -c %a /var/www/html/index.html')).stdout,
    ).toBe('runcmd as root\nWelcome to the lab\n644\n');
    expect((await run('tree -L 1 /srv >/dev/null && which tree; systemctl is-active nginx')).stdout).toBe(
      '/usr/bin/tree\nactive\n',
    );
    expect((await page(m)).text).toBe('<h1>Configured by cloud-init</h1>\n<p>appended</p>\n');
    const out = (await run('cat /var/log/cloud-init-output.log')).stdout;
    expect(out).toMatch(/Cloud-init v\. 24\.3\.1-0ubuntu0~24\.04\.2 running 'modules:final'/);
    expect(out).toMatch(/Reading package lists\.\.\. Done\n/);
    expect(out).toMatch(/Setting up nginx /);
    expect((await run('cloud-init status --long')).stdout).toMatch(/^status: done\n/);
  });

  it('reports failures: a failing script, an interpreter it cannot run, and broken YAML', async () => {
    const lab = await osLab();
    const failing = await lab.launch({ UserData: b64('#!/bin/sh\necho trying\nexit 3\n') });
    const m = (await lab.cloud.os.instance(failing))!;
    await timed(lab, cloudInitDone(m));
    const run = runner(lab, await lab.shell(failing));
    const status = await run('cloud-init status');
    expect(status.stdout).toBe('status: error\n');
    expect(status.exitCode).toBe(1);
    expect((await run('cat /var/log/cloud-init-output.log')).stdout).toMatch(
      /trying\n.*util\.py\[WARNING\]: Failed running \/var\/lib\/cloud\/instance\/scripts\/part-001 \[3\]\n/,
    );

    const py = await lab.launch({ UserData: b64('#!/usr/bin/env python3\nprint("hi")\n') });
    const m2 = (await lab.cloud.os.instance(py))!;
    await timed(lab, cloudInitDone(m2));
    expect((await m2.fs.readText('/var/log/cloud-init-output.log')) ?? '').toMatch(
      /\/usr\/bin\/env python3: the interpreter is not available in Cloud Lab/,
    );

    const yaml = await lab.launch({ UserData: b64('#cloud-config\npackages: [httpd\n') });
    const m3 = (await lab.cloud.os.instance(yaml))!;
    await timed(lab, cloudInitDone(m3));
    expect((await m3.fs.readText('/var/log/cloud-init-output.log')) ?? '').toMatch(
      /Failed loading yaml blob/,
    );
  });
});
