import { describe, expect, it } from 'vitest';
import { networkOf } from '../../../electron/core/os/net/network';
import { osLab } from './lab';
import { addresses, launchIn, permission, serveHttp } from './net-helpers';

const zoneA = { Placement: { AvailabilityZone: 'us-east-1a' } };

describe('simulated network', () => {
  it('carries HTTP between instances by private IP, private name and public address', async () => {
    const lab = await osLab();
    const a = await lab.launch(zoneA);
    const b = await lab.launch(zoneA);
    await serveHttp(lab, b, 'hello from b');
    const to = await addresses(lab, b);
    const sh = await lab.shell(a);

    expect((await sh.run(`curl -s http://${to.privateIp}/`)).stdout).toBe('hello from b');
    expect((await sh.run(`curl -s ${to.privateDns}`)).stdout).toBe('hello from b');
    expect((await sh.run(`curl -s -o /dev/null -w '%{http_code}' ${to.privateIp}`)).stdout).toBe('200');
    const head = await sh.run(`curl -sI http://${to.privateIp}/`);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/html\r\n/);

    // The default group lets members in privately, not over the public address.
    const blocked = await sh.run(`curl -sS -m 5 http://${to.publicIp}/`);
    expect(blocked.exitCode).toBe(28);
    expect(blocked.stderr).toBe('curl: (28) Connection timed out after 5001 milliseconds\n');

    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: to.groupId,
      IpPermissions: [permission('tcp', 80)],
    });
    expect((await sh.run(`curl -s http://${to.publicIp}/`)).stdout).toBe('hello from b');
    expect((await sh.run(`curl -s http://${to.publicDns}/`)).stdout).toBe('hello from b');

    await lab.call('RevokeSecurityGroupIngress', {
      GroupId: to.groupId,
      IpPermissions: [permission('tcp', 80)],
    });
    const again = await sh.run(`curl -sS http://${to.publicIp}/`);
    expect(again.stderr).toBe(
      `curl: (28) Failed to connect to ${to.publicIp} port 80 after 130000 ms: Connection timed out\n`,
    );
  });

  it('refuses when nothing listens, fails to resolve unknown names and has no internet', async () => {
    const lab = await osLab();
    const a = await lab.launch();
    const b = await lab.launch();
    const to = await addresses(lab, b);
    const sh = await lab.shell(a);
    const refused = await sh.run(`curl http://${to.privateIp}:8080/`);
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^curl: \\(7\\) Failed to connect to ${to.privateIp} port 8080 after \\d+ ms: Couldn't connect to server\\n$`,
      ),
    );
    const unknown = await sh.run('curl -sS http://example.com/');
    expect(unknown.stderr).toBe('curl: (6) Could not resolve host: example.com\n');
    expect((await sh.run('curl -s http://example.com/')).stderr).toBe('');
    const outside = await sh.run('curl -sS --connect-timeout 3 http://8.8.8.8/');
    expect(outside.stderr).toBe(
      'curl: (28) Failed to connect to 8.8.8.8 port 80 after 3001 ms: Timeout was reached\n',
    );
    // sshd listens from the first boot; ss shows it.
    expect((await sh.run('sudo ss -tlnp')).stdout).toMatch(
      /LISTEN .*0\.0\.0\.0:22 .*users:\(\("sshd",pid=\d+,fd=3\)\)/,
    );
    const wget = await sh.run(`cd /tmp && wget ${to.privateIp}:22/`);
    expect(wget.exitCode).toBe(4);
  });

  it('wget saves a page; the network API answers requests and errors', async () => {
    const lab = await osLab();
    const a = await lab.launch();
    const b = await lab.launch();
    await serveHttp(lab, b, '<h1>page</h1>');
    const to = await addresses(lab, b);
    const sh = await lab.shell(a);
    const r = await sh.run(`wget http://${to.privateIp}/`);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Saving to: ‘index.html’');
    expect((await sh.run('cat index.html')).stdout).toBe('<h1>page</h1>');
    expect((await sh.run(`wget -qO- http://${to.privateIp}/`)).stdout).toBe('<h1>page</h1>');

    const m = (await lab.cloud.os.instance(a))!;
    const net = networkOf(m.os);
    const res = await net.request(m, `http://${to.privateIp}/`);
    expect('status' in res && res.status).toBe(200);
    expect(await net.request(m, 'http://nowhere.invalid/')).toMatchObject({ kind: 'resolve' });
    expect(await net.request(m, `http://${to.privateIp}:81/`)).toMatchObject({ kind: 'refused' });
  });

  it('pings with AZ-scale latency inside a zone and continental latency across Regions', async () => {
    const lab = await osLab();
    const a = await lab.launch(zoneA);
    const b = await lab.launch(zoneA);
    const far = await launchIn(lab, 'eu-west-1');
    const near = await addresses(lab, b);
    const away = await addresses(lab, far, 'eu-west-1');
    const sh = await lab.shell(a);

    const local = await sh.run(`ping -c 3 ${near.privateIp}`);
    expect(local.stdout).toMatch(
      new RegExp(
        `^PING ${near.privateIp} \\(${near.privateIp}\\) 56\\(84\\) bytes of data\\.\\n64 bytes from ${near.privateIp}: icmp_seq=1 ttl=64 time=0\\.\\d{3} ms\\n`,
      ),
    );
    expect(local.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
    const avgLocal = Number(/rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//.exec(local.stdout)![1]);
    expect(avgLocal).toBeLessThan(0.4);

    // ICMP obeys security groups: the far group does not allow it yet.
    const silent = await sh.run(`ping -c 2 ${away.publicIp}`);
    expect(silent.exitCode).toBe(1);
    expect(silent.stdout).toContain('2 packets transmitted, 0 received, 100% packet loss');
    await lab.call(
      'AuthorizeSecurityGroupIngress',
      { GroupId: away.groupId, IpPermissions: [permission('icmp', -1)] },
      'eu-west-1',
    );
    const remote = await sh.run(`ping -c 2 ${away.publicIp}`);
    const avgRemote = Number(/rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//.exec(remote.stdout)![1]);
    expect(avgRemote).toBeGreaterThan(50);
    expect(avgRemote).toBeLessThan(120);
    expect((await sh.run('ping -c 1 nosuchhost')).stderr).toBe(
      'ping: nosuchhost: Name or service not known\n',
    );
  });

  it('answers DNS tools and shows the interface and routes', async () => {
    const lab = await osLab();
    const a = await lab.launch();
    const b = await lab.launch();
    const to = await addresses(lab, b);
    const sh = await lab.shell(a);
    expect((await sh.run(`dig +short ${to.privateDns}`)).stdout).toBe(`${to.privateIp}\n`);
    const dig = await sh.run(`dig ${to.privateDns}`);
    expect(dig.stdout).toContain(';; ANSWER SECTION:\n');
    expect(dig.stdout).toContain(`${to.privateDns}.\t60\tIN\tA\t${to.privateIp}`);
    expect(dig.stdout).toMatch(/;; SERVER: 172\.31\.0\.2#53\(172\.31\.0\.2\) \(UDP\)/);
    expect((await sh.run('dig nothing.example')).stdout).toContain('status: NXDOMAIN');
    expect((await sh.run(`host ${to.privateDns}`)).stdout).toBe(
      `${to.privateDns} has address ${to.privateIp}\n`,
    );
    expect((await sh.run(`nslookup ${to.privateDns}`)).stdout).toContain(`Address: ${to.privateIp}`);
    // From inside the VPC a public name points at the private address.
    expect((await sh.run(`dig +short ${to.publicDns}`)).stdout).toBe(`${to.privateIp}\n`);
    const me = await addresses(lab, a);
    expect((await sh.run('ip addr')).stdout).toMatch(
      new RegExp(`2: ens5: .* mtu 9001 [\\s\\S]*inet ${me.privateIp.replace(/\./g, '\\.')}/20 `),
    );
    expect((await sh.run('ip route')).stdout).toMatch(/^default via 172\.31\.\d+\.1 dev ens5 proto dhcp/);
    expect((await sh.run('hostname -I')).stdout).toBe(`${me.privateIp} \n`);
    expect((await sh.run('hostname -f')).stdout).toBe(`${me.privateDns}\n`);
    expect((await sh.run('ifconfig')).stdout).toMatch(
      /^ens5: flags=4163<UP,BROADCAST,RUNNING,MULTICAST> {2}mtu 9001\n\s+inet /,
    );
  });
});
