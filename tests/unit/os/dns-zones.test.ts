/** An instance's dig, host, nslookup and curl ask the one resolver: hosted zones by name. */
import type * as R53 from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { osLab } from './lab';
import { addresses, serveHttp } from './net-helpers';
import { serviceCaller } from '../../support/internal-call';

async function r53Lab() {
  const lab = await osLab();
  const r53 = serviceCaller(() => lab.cloud, 'route53');
  let refs = 0;
  const zone = async (Name: string, vpc?: { VPCRegion: string; VPCId: string }) =>
    (
      await r53<R53.CreateHostedZoneResponse>('CreateHostedZone', {
        Name,
        CallerReference: `r${++refs}`,
        ...(vpc ? { VPC: vpc, HostedZoneConfig: { PrivateZone: true } } : {}),
      })
    ).HostedZone!.Id!;
  const upsert = (HostedZoneId: string, ...sets: R53.ResourceRecordSet[]) =>
    r53('ChangeResourceRecordSets', {
      HostedZoneId,
      ChangeBatch: { Changes: sets.map((ResourceRecordSet) => ({ Action: 'UPSERT', ResourceRecordSet })) },
    });
  return { ...lab, r53, zone, upsert };
}

describe('hosted zones in an instance shell', () => {
  it('dig, host and nslookup answer from a public zone, with CNAMEs, NXDOMAIN and NODATA', async () => {
    const lab = await r53Lab();
    const a = await lab.launch();
    const z = await lab.zone('example.com');
    await lab.upsert(
      z,
      { Name: 'www.example.com', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.10' }] },
      { Name: 'web.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'www.example.com' }] },
      { Name: 'example.com', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 mail.example.com' }] },
      { Name: 'example.com', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] },
    );
    const sh = await lab.shell(a);

    const dig = await sh.run('dig www.example.com');
    expect(dig.stdout).toContain('status: NOERROR');
    expect(dig.stdout).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1');
    expect(dig.stdout).toContain(';; ANSWER SECTION:\nwww.example.com.\t300\tIN\tA\t192.0.2.10\n');
    expect((await sh.run('dig +short www.example.com')).stdout).toBe('192.0.2.10\n');
    expect((await sh.run('dig +short web.example.com')).stdout).toBe('www.example.com.\n192.0.2.10\n');
    expect((await sh.run('dig +short example.com MX')).stdout).toBe('10 mail.example.com.\n');
    expect((await sh.run('dig -t txt example.com +short')).stdout).toBe('"v=spf1 -all"\n');

    const nx = await sh.run('dig nothing.example.com');
    expect(nx.stdout).toContain('status: NXDOMAIN');
    expect(nx.stdout).toMatch(
      /;; AUTHORITY SECTION:\nexample\.com\.\t900\tIN\tSOA\tns-\d+\.awsdns-\d+\.\S+\. awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400\n/,
    );
    const nodata = await sh.run('dig www.example.com AAAA');
    expect(nodata.stdout).toContain('status: NOERROR');
    expect(nodata.stdout).toContain('ANSWER: 0, AUTHORITY: 1');

    expect((await sh.run('host web.example.com')).stdout).toBe(
      'web.example.com is an alias for www.example.com.\nwww.example.com has address 192.0.2.10\n',
    );
    expect((await sh.run('host nothing.example.com')).stderr).toBe(
      'Host nothing.example.com not found: 3(NXDOMAIN)\n',
    );
    const ns = await sh.run('nslookup web.example.com');
    expect(ns.stdout).toContain(
      'Non-authoritative answer:\nweb.example.com\tcanonical name = www.example.com.\nName:\twww.example.com\nAddress: 192.0.2.10\n',
    );
    expect((await sh.run('nslookup nothing.example.com')).stderr).toContain(
      "** server can't find nothing.example.com: NXDOMAIN",
    );
    expect((await sh.run('nslookup -type=mx example.com')).stdout).toContain(
      'example.com\tmail exchanger = 10 mail.example.com.',
    );
  });

  it('curl reaches an instance by a name in a zone; a private zone resolves only in its VPC', async () => {
    const lab = await r53Lab();
    const a = await lab.launch();
    const b = await lab.launch();
    await serveHttp(lab, b, 'hello by name');
    const to = await addresses(lab, b);
    const vpcId = (await lab.instance(a)).VpcId!;
    const pub = await lab.zone('example.com');
    const priv = await lab.zone('corp.internal', { VPCRegion: 'us-east-1', VPCId: vpcId });
    await lab.upsert(pub, {
      Name: 'app.example.com',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: to.privateIp }],
    });
    await lab.upsert(priv, {
      Name: 'db.corp.internal',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: to.privateDns }],
    });

    const sh = await lab.shell(a);
    expect((await sh.run('curl -s http://app.example.com/')).stdout).toBe('hello by name');
    expect((await sh.run('dig +short db.corp.internal')).stdout).toBe(`${to.privateDns}.\n${to.privateIp}\n`);
    expect((await sh.run('curl -s http://db.corp.internal/')).stdout).toBe('hello by name');

    // Another VPC does not see the private zone; the workstation neither.
    const other = (await lab.call<{ Vpc: { VpcId: string } }>('CreateVpc', { CidrBlock: '10.50.0.0/16' })).Vpc
      .VpcId;
    const subnet = (
      await lab.call<{ Subnet: { SubnetId: string } }>('CreateSubnet', {
        VpcId: other,
        CidrBlock: '10.50.1.0/24',
      })
    ).Subnet.SubnetId;
    const c = await lab.launch({ SubnetId: subnet });
    const elsewhere = await lab.shell(c);
    expect((await elsewhere.run('dig db.corp.internal')).stdout).toContain('status: NXDOMAIN');
    expect((await elsewhere.run('dig +short app.example.com')).stdout).toBe(`${to.privateIp}\n`);
    const ws = await (
      await lab.cloud.os.workstation(lab.cloud.accounts.consolePrincipal().accountId, 'us-east-1')
    ).openShell();
    expect((await ws.run('dig +short db.corp.internal')).stdout).toBe('');
    expect((await ws.run('dig +short app.example.com')).stdout).toBe(`${to.privateIp}\n`);
  });
});
