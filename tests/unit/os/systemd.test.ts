import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../electron/core/os/machine';
import type { SimResponse } from '../../../electron/core/os/types';
import { workspaceDir } from '../ec2/lab';
import { osLab } from './lab';
import { runner } from './timed';

async function get(m: Machine, path: string, port = 80): Promise<SimResponse & { text: string }> {
  const binding = m.ports.get(`tcp/${port}`);
  if (!binding?.http) throw new Error(`nothing serves HTTP on port ${port}`);
  const res = await binding.http({
    method: 'GET',
    path,
    headers: { 'user-agent': 'curl/8.5.0' },
    body: new Uint8Array(),
    remoteIp: '203.0.113.7',
    host: m.identity.publicIp ?? m.identity.privateIp,
  });
  return { ...res, text: Buffer.from(res.body).toString() };
}

describe('systemd', () => {
  it('enable --now starts httpd, which serves the document root with Apache pages and logs', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    const run = runner(lab, sh);
    await run('sudo dnf install -y httpd');
    const m = (await lab.cloud.os.instance(id))!;
    expect((await run('systemctl is-active httpd; systemctl is-enabled httpd')).stdout).toBe(
      'inactive\ndisabled\n',
    );
    const denied = await run('systemctl start httpd');
    expect(denied.stderr).toMatch(/Failed to start httpd\.service: Access denied/);
    const en = await run('sudo systemctl enable --now httpd');
    expect(en.stdout).toBe(
      'Created symlink /etc/systemd/system/multi-user.target.wants/httpd.service → /usr/lib/systemd/system/httpd.service.\n',
    );
    expect((await run('readlink /etc/systemd/system/multi-user.target.wants/httpd.service')).stdout).toBe(
      '/usr/lib/systemd/system/httpd.service\n',
    );
    const st = await run('systemctl status httpd');
    expect(st.exitCode).toBe(0);
    expect(st.stdout).toMatch(
      /^● httpd\.service - The Apache HTTP Server\n {5}Loaded: loaded \(\/usr\/lib\/systemd\/system\/httpd\.service; enabled; preset: disabled\)\n {5}Active: active \(running\) since .*; \d+s ago\n/,
    );
    expect(st.stdout).toMatch(/Main PID: \d+ \(httpd\)/);
    expect(st.stdout).toMatch(/systemd\[1\]: Started httpd\.service - The Apache HTTP Server\.\n$/);
    expect([...m.processes.values()].filter((p) => p.unit === 'httpd.service')).toHaveLength(5);

    // No index.html yet: Amazon Linux's test page, with a 403 as welcome.conf does it.
    const welcome = await get(m, '/');
    expect(welcome.status).toBe(403);
    expect(welcome.text).toMatch(/It works!/);
    await run('echo "<h1>Hello from $(hostname)</h1>" | sudo tee /var/www/html/index.html >/dev/null');
    await run('echo "body{}" | sudo tee /var/www/html/site.css >/dev/null');
    const page = await get(m, '/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<h1>Hello from ip-/);
    expect(page.headers.server).toBe('Apache/2.4.62 (Amazon Linux)');
    expect(page.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect((await get(m, '/site.css')).headers['content-type']).toBe('text/css; charset=UTF-8');
    const missing = await get(m, '/nope.html');
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(
      /<title>404 Not Found<\/title>.*The requested URL was not found on this server\./s,
    );
    const log = await run('sudo cat /var/log/httpd/access_log');
    expect(log.stdout).toMatch(
      /^203\.0\.113\.7 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ HTTP\/1\.1" 403 \d+ "-" "curl\/8\.5\.0"\n/,
    );
    expect(log.stdout).toMatch(/"GET \/nope\.html HTTP\/1\.1" 404 \d+ "-" "curl\/8\.5\.0"\n$/);

    // nginx cannot have port 80 while httpd holds it.
    await run('sudo dnf install -y nginx');
    const clash = await run('sudo systemctl start nginx');
    expect(clash.exitCode).toBe(1);
    expect(clash.stderr).toMatch(
      /^Job for nginx\.service failed because the control process exited with error code\./,
    );
    expect((await run('sudo journalctl -u nginx -n 6')).stdout).toMatch(
      /bind\(\) to 0\.0\.0\.0:80 failed \(98: Address already in use\)/,
    );
    expect((await run('systemctl is-active nginx')).stdout).toBe('failed\n');
    await run('sudo systemctl stop httpd && sudo systemctl start nginx');
    expect(m.ports.get('tcp/80')?.program).toBe('nginx');
    expect((await get(m, '/')).headers.server).toBe('nginx/1.26.2');
    expect((await get(m, '/missing')).text).toMatch(/404 Not Found/);
    const units = await run('systemctl list-units --type=service');
    expect(units.stdout).toMatch(
      / {2}nginx\.service +loaded active +running The nginx HTTP and reverse proxy server\n/,
    );
    expect(units.stdout).not.toMatch(/httpd/);
    expect((await run('sudo service nginx stop; systemctl is-active nginx')).stdout).toBe('inactive\n');
    expect(m.ports.has('tcp/80')).toBe(false);
  });

  it('starts enabled units at boot after stop/start, and restores running units after an app restart', async () => {
    const dir = workspaceDir();
    const lab = await osLab({ dataDir: dir });
    const id = await lab.launch();
    const sh = await lab.shell(id, 'root');
    const run = runner(lab, sh);
    await run(
      'dnf install -y httpd nginx && systemctl enable httpd && sed -i "s/listen       80;/listen       8080;/; s/listen       \\[::\\]:80;/listen       [::]:8080;/" /etc/nginx/nginx.conf && systemctl start nginx',
    );
    let m = (await lab.cloud.os.instance(id))!;
    expect(m.ports.get('tcp/8080')?.program).toBe('nginx');
    expect(m.ports.has('tcp/80')).toBe(false);

    await lab.call('StopInstances', { InstanceIds: [id] });
    await lab.elapse(20_000);
    await lab.call('StartInstances', { InstanceIds: [id] });
    await lab.running(id);
    m = (await lab.cloud.os.instance(id))!;
    // Enabled httpd came up with the machine; nginx, started by hand, did not.
    expect(m.ports.get('tcp/80')?.program).toBe('httpd');
    expect(m.ports.has('tcp/8080')).toBe(false);
    const sh2 = await lab.shell(id, 'root');
    await runner(lab, sh2)('systemctl start nginx');
    expect(m.ports.has('tcp/8080')).toBe(true);
    await lab.close();

    // The app restarts while the instance keeps running: both units come back.
    const again = await osLab({ dataDir: dir });
    const m2 = (await again.cloud.os.instance(id))!;
    await again.cloud.os.settled();
    expect(m2.ports.get('tcp/80')?.program).toBe('httpd');
    expect(m2.ports.get('tcp/8080')?.program).toBe('nginx');
    const sh3 = await again.shell(id);
    expect((await runner(again, sh3)('systemctl is-active httpd nginx')).stdout).toBe('active\nactive\n');
    expect((await get(m2, '/', 8080)).text).toMatch(/Welcome to nginx!/);
  });

  it('runs a unit whose ExecStart is a script or python http.server, and reports missing executables', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id, 'root');
    const run = runner(lab, sh);
    const site = [
      '[Unit]',
      'Description=Static site',
      '[Service]',
      'WorkingDirectory=/srv/site',
      'ExecStart=/usr/bin/python3 -m http.server 8000',
      '[Install]',
      'WantedBy=multi-user.target',
    ].join('\\n');
    await run(`mkdir -p /srv/site && echo hi > /srv/site/hello.txt
printf '${site}\\n' > /etc/systemd/system/site.service
printf '#!/bin/bash\\necho "job ran as $(whoami)"\\n' > /usr/local/bin/job.sh
chmod +x /usr/local/bin/job.sh
printf '[Unit]\\nDescription=A job\\n[Service]\\nType=oneshot\\nExecStart=/usr/local/bin/job.sh\\n' > /etc/systemd/system/job.service
printf '[Unit]\\nDescription=Broken\\n[Service]\\nExecStart=/opt/app/run\\n' > /etc/systemd/system/broken.service
systemctl daemon-reload`);
    const m = (await lab.cloud.os.instance(id))!;
    await run('systemctl enable --now site');
    const res = await get(m, '/hello.txt', 8000);
    expect(res.text).toBe('hi\n');
    expect(res.headers.server).toMatch(/^SimpleHTTP\/0\.6 Python\/3\.9/);
    expect((await get(m, '/', 8000)).text).toMatch(/Directory listing for \//);
    expect((await run('systemctl start job; journalctl -u job')).stdout).toMatch(
      /job\[\d+\]: job ran as root\n.*Deactivated successfully\./s,
    );
    const broken = await run('systemctl start broken');
    expect(broken.exitCode).toBe(1);
    expect((await run('systemctl status broken')).stdout).toMatch(/status=203\/EXEC/);
    expect((await run('systemctl status nosuch')).stderr).toBe('Unit nosuch.service could not be found.\n');
  });
});
