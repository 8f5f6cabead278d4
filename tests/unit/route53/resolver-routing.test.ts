/** Routing policies and health checks in the one resolver, and TestDNSAnswer. */
import type * as R53 from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type { DnsClient } from '../../../electron/core/network/dns/types';
import { resolverLab } from './resolver-lab';

const from = (region: string): DnsClient => ({ kind: 'internet', ip: '198.51.100.7', region });

/** A health check that is always unhealthy (disabled counts healthy; inverted flips it). */
async function downCheck(lab: Awaited<ReturnType<typeof resolverLab>>): Promise<string> {
  const out = await lab.r53<R53.CreateHealthCheckResponse>('CreateHealthCheck', {
    CallerReference: `down-${Math.random()}`,
    HealthCheckConfig: { Type: 'HTTP', IPAddress: '192.0.2.99', Port: 80, Disabled: true, Inverted: true },
  });
  return out.HealthCheck!.Id!;
}

describe('routing policies', () => {
  it('weighted: draws by weight, zero weights only when all are zero', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      { ...lab.a('w.example.com', '192.0.2.1'), SetIdentifier: 'one', Weight: 1 },
      { ...lab.a('w.example.com', '192.0.2.2'), SetIdentifier: 'zero', Weight: 0 },
      { ...lab.a('z.example.com', '192.0.2.3'), SetIdentifier: 'a', Weight: 0 },
      { ...lab.a('z.example.com', '192.0.2.4'), SetIdentifier: 'b', Weight: 0 },
      { ...lab.a('s.example.com', '192.0.2.5'), SetIdentifier: 'a', Weight: 3 },
      { ...lab.a('s.example.com', '192.0.2.6'), SetIdentifier: 'b', Weight: 1 },
    );
    const seen = new Set<string>();
    const zeros = new Set<string>();
    const split: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      for (const v of await lab.values('w.example.com')) seen.add(v);
      for (const v of await lab.values('z.example.com')) zeros.add(v);
      const [v] = await lab.values('s.example.com');
      split[v!] = (split[v!] ?? 0) + 1;
    }
    expect([...seen]).toEqual(['192.0.2.1']);
    expect([...zeros].sort()).toEqual(['192.0.2.3', '192.0.2.4']);
    expect(split['192.0.2.5']!).toBeGreaterThan(split['192.0.2.6']! * 1.8);
  });

  it('latency: the set in the Region nearest the asker', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      { ...lab.a('l.example.com', '192.0.2.1'), SetIdentifier: 'use1', Region: 'us-east-1' },
      { ...lab.a('l.example.com', '192.0.2.2'), SetIdentifier: 'euw1', Region: 'eu-west-1' },
      { ...lab.a('l.example.com', '192.0.2.3'), SetIdentifier: 'apne1', Region: 'ap-northeast-1' },
    );
    expect(await lab.values('l.example.com', 'A', from('us-east-2'))).toEqual(['192.0.2.1']);
    expect(await lab.values('l.example.com', 'A', from('eu-central-1'))).toEqual(['192.0.2.2']);
    expect(await lab.values('l.example.com', 'A', from('ap-northeast-2'))).toEqual(['192.0.2.3']);
    const vpcId = await lab.vpc('10.40.0.0/16', 'eu-west-1');
    expect(await lab.values('l.example.com', 'A', lab.inVpc(vpcId, 'eu-west-1'))).toEqual(['192.0.2.2']);
  });

  it('failover: the primary while healthy, else the secondary; alias with EvaluateTargetHealth', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    const down = await downCheck(lab);
    await lab.records(
      z,
      { ...lab.a('f.example.com', '192.0.2.1'), SetIdentifier: 'p', Failover: 'PRIMARY' },
      { ...lab.a('f.example.com', '192.0.2.2'), SetIdentifier: 's', Failover: 'SECONDARY' },
      {
        ...lab.a('g.example.com', '192.0.2.1'),
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        HealthCheckId: down,
      },
      { ...lab.a('g.example.com', '192.0.2.2'), SetIdentifier: 's', Failover: 'SECONDARY' },
      { ...lab.a('target.example.com', '192.0.2.7'), HealthCheckId: down },
      {
        Name: 'h.example.com',
        Type: 'A',
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        AliasTarget: { HostedZoneId: z, DNSName: 'target.example.com', EvaluateTargetHealth: true },
      },
      { ...lab.a('h.example.com', '192.0.2.8'), SetIdentifier: 's', Failover: 'SECONDARY' },
    );
    expect(await lab.values('f.example.com')).toEqual(['192.0.2.1']);
    expect(await lab.values('g.example.com')).toEqual(['192.0.2.2']);
    expect(await lab.values('h.example.com')).toEqual(['192.0.2.8']);
    // Simple records answer even with an unhealthy check (nothing else could).
    expect(await lab.values('target.example.com')).toEqual(['192.0.2.7']);
  });

  it('geolocation: country, then continent, then the default; no match is NODATA', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      { ...lab.a('g.example.com', '192.0.2.1'), SetIdentifier: 'de', GeoLocation: { CountryCode: 'DE' } },
      { ...lab.a('g.example.com', '192.0.2.2'), SetIdentifier: 'eu', GeoLocation: { ContinentCode: 'EU' } },
      { ...lab.a('g.example.com', '192.0.2.3'), SetIdentifier: 'any', GeoLocation: { CountryCode: '*' } },
      { ...lab.a('n.example.com', '192.0.2.4'), SetIdentifier: 'jp', GeoLocation: { CountryCode: 'JP' } },
      {
        ...lab.a('v.example.com', '192.0.2.5'),
        SetIdentifier: 'va',
        GeoLocation: { CountryCode: 'US', SubdivisionCode: 'VA' },
      },
      { ...lab.a('v.example.com', '192.0.2.6'), SetIdentifier: 'us', GeoLocation: { CountryCode: 'US' } },
    );
    expect(await lab.values('g.example.com', 'A', from('eu-central-1'))).toEqual(['192.0.2.1']);
    expect(await lab.values('g.example.com', 'A', from('eu-west-1'))).toEqual(['192.0.2.2']);
    expect(await lab.values('g.example.com', 'A', from('us-east-1'))).toEqual(['192.0.2.3']);
    expect(
      await lab.values('g.example.com', 'A', { kind: 'internet', ip: '1.1.1.1', country: 'FR' }),
    ).toEqual(['192.0.2.2']);
    expect(await lab.ask('n.example.com', 'A', from('us-east-1'))).toMatchObject({
      code: 'NOERROR',
      answers: [],
    });
    expect(await lab.values('v.example.com', 'A', from('us-east-1'))).toEqual(['192.0.2.5']);
    expect(await lab.values('v.example.com', 'A', from('us-west-2'))).toEqual(['192.0.2.6']);
  });

  it('multivalue: up to eight healthy records in random order', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    const down = await downCheck(lab);
    const sets = Array.from({ length: 10 }, (_, i) => ({
      ...lab.a('m.example.com', `192.0.2.${i + 1}`),
      SetIdentifier: `m${i}`,
      MultiValueAnswer: true,
      ...(i === 0 ? { HealthCheckId: down } : {}),
    }));
    await lab.records(z, ...sets);
    const orders = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const v = await lab.values('m.example.com');
      expect(v).toHaveLength(8);
      expect(v).not.toContain('192.0.2.1');
      orders.add(v.join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('TestDNSAnswer', () => {
  it('answers as the zone name servers do', async () => {
    const lab = await resolverLab();
    const z = await lab.zone('example.com');
    await lab.records(
      z,
      lab.a('www.example.com', '192.0.2.10'),
      { Name: 'web.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'www.example.com' }] },
      { ...lab.a('l.example.com', '192.0.2.1'), SetIdentifier: 'use1', Region: 'us-east-1' },
      { ...lab.a('l.example.com', '192.0.2.2'), SetIdentifier: 'apne1', Region: 'ap-northeast-1' },
    );
    const zone = await lab.r53<R53.GetHostedZoneResponse>('GetHostedZone', { Id: z });
    const test = (input: Partial<R53.TestDNSAnswerRequest>) =>
      lab.r53<R53.TestDNSAnswerResponse>('TestDNSAnswer', { HostedZoneId: z, RecordType: 'A', ...input });
    expect(await test({ RecordName: 'www.example.com' })).toEqual({
      Nameserver: zone.DelegationSet!.NameServers![0],
      RecordName: 'www.example.com',
      RecordType: 'A',
      RecordData: ['192.0.2.10'],
      ResponseCode: 'NOERROR',
      Protocol: 'UDP',
    });
    expect((await test({ RecordName: 'web.example.com' })).RecordData).toEqual([
      'www.example.com.',
      '192.0.2.10',
    ]);
    expect(await test({ RecordName: 'nope.example.com' })).toMatchObject({
      RecordData: [],
      ResponseCode: 'NXDOMAIN',
    });
    expect((await test({ RecordName: 'www.example.com', RecordType: 'MX' })).ResponseCode).toBe('NOERROR');
    expect((await test({ RecordName: 'l.example.com' })).RecordData).toEqual(['192.0.2.1']);
    const err = await lab
      .r53('TestDNSAnswer', { HostedZoneId: 'ZNOSUCHZONE', RecordName: 'a.b', RecordType: 'A' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NoSuchHostedZone' });
  });
});
