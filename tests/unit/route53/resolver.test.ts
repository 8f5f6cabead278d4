/** The one resolver: zones, names, wildcards, CNAMEs, aliases, delegations and EC2's names. */
import { describe, expect, it } from 'vitest';
import { websiteAddress } from '../../../electron/core/network/dns/aws-endpoints';
import { IMDS_IP } from '../../../electron/core/network/dns/ec2-names';
import { INTERNET, resolverLab } from './resolver-lab';

describe('the resolver in a public zone', () => {
  it('answers names, the apex SOA and NS, NXDOMAIN and NODATA with the SOA in authority', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      lab.a('www.example.com', '192.0.2.10', '192.0.2.11'),
      lab.a('a.b.example.com', '192.0.2.20'),
    );

    const www = await lab.ask('WWW.Example.com');
    expect(www).toMatchObject({ code: 'NOERROR', authoritative: true, authority: [] });
    expect(www.answers).toEqual([
      { name: 'www.example.com.', type: 'A', ttl: 300, value: '192.0.2.10' },
      { name: 'www.example.com.', type: 'A', ttl: 300, value: '192.0.2.11' },
    ]);

    const soa = await lab.ask('example.com', 'SOA');
    expect(soa.answers[0]!.value).toMatch(
      /^ns-\d+\.awsdns-\d+\.\S+\. awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400$/,
    );
    expect((await lab.values('example.com', 'NS')).length).toBe(4);

    const nx = await lab.ask('nothing.example.com');
    expect(nx).toMatchObject({ code: 'NXDOMAIN', authoritative: true, answers: [] });
    expect(nx.authority).toEqual([expect.objectContaining({ name: 'example.com.', type: 'SOA', ttl: 900 })]);

    const nodata = await lab.ask('www.example.com', 'AAAA');
    expect(nodata).toMatchObject({ code: 'NOERROR', answers: [] });
    expect(nodata.authority[0]!.type).toBe('SOA');
    // An empty non-terminal exists: NODATA, not NXDOMAIN.
    expect(await lab.ask('b.example.com')).toMatchObject({ code: 'NOERROR', answers: [] });
  });

  it('matches wildcards as DNS does', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      lab.a('*.example.com', '192.0.2.1'),
      lab.a('www.example.com', '192.0.2.2'),
      lab.a('host.sub.example.com', '192.0.2.3'),
    );
    expect((await lab.ask('anything.example.com')).answers).toEqual([
      { name: 'anything.example.com.', type: 'A', ttl: 300, value: '192.0.2.1' },
    ]);
    expect(await lab.values('deep.er.example.com')).toEqual(['192.0.2.1']);
    expect(await lab.values('www.example.com')).toEqual(['192.0.2.2']);
    // A name that exists with other types is not covered by the wildcard.
    expect(await lab.ask('www.example.com', 'TXT')).toMatchObject({ code: 'NOERROR', answers: [] });
    // Below an existing name the closest encloser has no wildcard: NXDOMAIN.
    expect((await lab.ask('x.sub.example.com')).code).toBe('NXDOMAIN');
    // The wildcard does not cover the apex.
    expect((await lab.ask('example.com')).answers).toEqual([]);
  });

  it('chases CNAMEs within and across zones, with the chain in the answer', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    const other = await lab.zone('example.org');
    await lab.records(
      z,
      lab.a('www.example.com', '192.0.2.10'),
      { Name: 'web.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'www.example.com' }] },
      { Name: 'far.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'site.example.org' }] },
      { Name: 'out.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'elsewhere.test' }] },
      {
        Name: 'loop1.example.com',
        Type: 'CNAME',
        TTL: 60,
        ResourceRecords: [{ Value: 'loop2.example.org' }],
      },
    );
    // Route 53 refuses a loop inside one zone; across zones it cannot see one.
    await lab.records(other, lab.a('site.example.org', '198.51.100.1'), {
      Name: 'loop2.example.org',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: 'loop1.example.com' }],
    });

    const web = await lab.ask('web.example.com');
    expect(web.answers).toEqual([
      { name: 'web.example.com.', type: 'CNAME', ttl: 60, value: 'www.example.com.' },
      { name: 'www.example.com.', type: 'A', ttl: 300, value: '192.0.2.10' },
    ]);
    expect(await lab.values('web.example.com', 'CNAME')).toEqual(['www.example.com.']);
    expect(await lab.values('far.example.com')).toEqual(['site.example.org.', '198.51.100.1']);
    // Out of every zone: an authoritative server answers with the CNAME alone ...
    expect(await lab.ask('out.example.com')).toMatchObject({ code: 'NOERROR', answers: [{ type: 'CNAME' }] });
    // ... a VPC's resolver finds the target does not exist.
    const vpcId = await lab.vpc();
    expect(await lab.ask('out.example.com', 'A', lab.inVpc(vpcId))).toMatchObject({
      code: 'NXDOMAIN',
      answers: [{ type: 'CNAME' }],
    });
    expect((await lab.ask('loop1.example.com', 'A', lab.inVpc(vpcId))).code).toBe('SERVFAIL');
  });

  it('answers aliases with their target records and TTL', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      { ...lab.a('www.example.com', '192.0.2.10'), TTL: 42 },
      {
        Name: 'example.com',
        Type: 'A',
        AliasTarget: { HostedZoneId: z, DNSName: 'www.example.com', EvaluateTargetHealth: false },
      },
    );
    expect((await lab.ask('example.com')).answers).toEqual([
      { name: 'example.com.', type: 'A', ttl: 42, value: '192.0.2.10' },
    ]);

    const site = await lab.zone('mysite.example');
    await lab.records(site, {
      Name: 'mysite.example',
      Type: 'A',
      AliasTarget: {
        HostedZoneId: 'Z3AQBSTGFYJSTF',
        DNSName: 's3-website-us-east-1.amazonaws.com',
        EvaluateTargetHealth: false,
      },
    });
    expect(await lab.values('mysite.example')).toEqual([
      websiteAddress(lab.cloud, 'us-east-1', 'mysite.example'),
    ]);
  });

  it('refers delegated subdomains and refuses names in no zone', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(z, {
      Name: 'sub.example.com',
      Type: 'NS',
      TTL: 172800,
      ResourceRecords: [{ Value: 'ns1.elsewhere.test' }, { Value: 'ns2.elsewhere.test' }],
    });
    const referral = await lab.ask('host.sub.example.com');
    expect(referral).toMatchObject({ code: 'NOERROR', authoritative: false, answers: [] });
    expect(referral.authority.map((r) => r.value)).toEqual(['ns1.elsewhere.test.', 'ns2.elsewhere.test.']);
    expect(await lab.ask('www.nowhere.test')).toMatchObject({ code: 'REFUSED', authoritative: false });
    const vpcId = await lab.vpc();
    expect((await lab.ask('www.nowhere.test', 'A', lab.inVpc(vpcId))).code).toBe('NXDOMAIN');
  });
});

describe('private zones and EC2 names', () => {
  it('answers a private zone only inside its VPCs, before a public zone of the same name', async () => {
    const lab = await resolverLab();
    const mine = await lab.vpc('10.20.0.0/16');
    const other = await lab.vpc('10.30.0.0/16');
    const priv = await lab.zone('corp.example', { VPCRegion: 'us-east-1', VPCId: mine });
    const pub = await lab.zone('corp.example');
    await lab.records(priv, lab.a('db.corp.example', '10.20.1.5'));
    await lab.records(pub, lab.a('www.corp.example', '192.0.2.80'));

    expect(await lab.values('db.corp.example', 'A', lab.inVpc(mine))).toEqual(['10.20.1.5']);
    // Missing in the private zone is NXDOMAIN: no fall back to the public zone.
    expect((await lab.ask('www.corp.example', 'A', lab.inVpc(mine))).code).toBe('NXDOMAIN');
    expect((await lab.ask('db.corp.example', 'A', lab.inVpc(other))).code).toBe('NXDOMAIN');
    expect(await lab.values('www.corp.example', 'A', lab.inVpc(other))).toEqual(['192.0.2.80']);
    expect((await lab.ask('db.corp.example')).code).toBe('NXDOMAIN');
  });

  it("answers EC2's names by Region, split horizon and asker", async () => {
    const lab = await resolverLab();
    const vpcId = await lab.vpc();
    const client = lab.inVpc(vpcId);
    expect(await lab.values('ip-10-20-0-5.ec2.internal', 'A', client)).toEqual(['10.20.0.5']);
    expect((await lab.ask('ip-10-20-0-5.eu-west-1.compute.internal', 'A', client)).code).toBe('NXDOMAIN');
    expect((await lab.ask('ip-10-20-0-5.ec2.internal')).code).toBe('REFUSED');
    expect(await lab.values('ec2-3-4-5-6.compute-1.amazonaws.com')).toEqual(['3.4.5.6']);
    expect(await lab.values('ec2-3-4-5-6.eu-west-1.compute.amazonaws.com', 'A', client)).toEqual(['3.4.5.6']);
    expect(await lab.ask('ec2-3-4-5-6.compute-1.amazonaws.com', 'AAAA')).toMatchObject({
      code: 'NOERROR',
      answers: [],
    });
    expect(await lab.values('instance-data', 'A', client)).toEqual([IMDS_IP]);
    expect(await lab.values('instance-data.ec2.internal', 'A', client)).toEqual([IMDS_IP]);
    expect((await lab.ask('instance-data.ec2.internal', 'A', INTERNET)).code).toBe('REFUSED');
  });
});
