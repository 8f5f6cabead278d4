/**
 * Route 53 in process: zonesForName (public zones for internet clients; a VPC's private zones
 * first), recordSetsAt/zoneRecords as the resolver reads them, IDs with their `/hostedzone/` and
 * `/change/` prefixes, the delegation set's shape, the `route53.records.changed` event, and
 * GetChange on the simulated clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import { INSYNC_AFTER_MS } from '../../../electron/core/services/route53/changes';
import { delegationFor, zonesForName } from '../../../electron/core/services/route53/hosted-zones';
import { recordSetsAt, zoneRecords } from '../../../electron/core/services/route53/records-store';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeEach(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES, seed: 'route53' });
  cloud.clock.pause();
});
afterEach(() => cloud.close());

function call<T = Record<string, unknown>>(service: string, operation: string, input: unknown): Promise<T> {
  return cloud.invoke({
    service,
    operation,
    input,
    region: 'us-east-1',
    principal: cloud.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;
}

async function vpc(cidr: string): Promise<string> {
  return (await call<{ Vpc: { VpcId: string } }>('ec2', 'CreateVpc', { CidrBlock: cidr })).Vpc.VpcId;
}

async function zone(name: string, vpcId?: string): Promise<string> {
  const out = await call<{ HostedZone: { Id: string } }>('route53', 'CreateHostedZone', {
    Name: name,
    CallerReference: `${name}-${vpcId ?? 'public'}`,
    ...(vpcId ? { VPC: { VPCRegion: 'us-east-1', VPCId: vpcId } } : {}),
  });
  return out.HostedZone.Id.replace('/hostedzone/', '');
}

describe('zonesForName', () => {
  it('answers public zones, most specific first, for internet clients', async () => {
    const apex = await zone('example.com');
    const sub = await zone('sub.example.com');
    await zone('example.org');
    const ids = (name: string) =>
      zonesForName(cloud.store, null, name, { kind: 'internet' }).map((z) => z.id);
    expect(ids('www.sub.example.com')).toEqual([sub, apex]);
    expect(ids('WWW.Example.com.')).toEqual([apex]);
    expect(ids('example.net')).toEqual([]);
  });

  it('puts a VPC private zones before public ones, and hides them from others', async () => {
    const vpcA = await vpc('10.10.0.0/16');
    const vpcB = await vpc('10.20.0.0/16');
    const pub = await zone('example.com');
    const privA = await zone('example.com', vpcA);
    const privDeep = await zone('int.example.com', vpcA);
    const ids = (client: Parameters<typeof zonesForName>[3]) =>
      zonesForName(cloud.store, null, 'db.int.example.com', client).map((z) => z.id);
    expect(ids({ kind: 'vpc', region: 'us-east-1', vpcId: vpcA })).toEqual([privDeep, privA, pub]);
    expect(ids({ kind: 'vpc', region: 'us-east-1', vpcId: vpcB })).toEqual([pub]);
    expect(ids({ kind: 'internet' })).toEqual([pub]);
    const account = cloud.accounts.consolePrincipal().accountId;
    expect(zonesForName(cloud.store, account, 'example.com', { kind: 'internet' })).toHaveLength(1);
    expect(zonesForName(cloud.store, '000000000000', 'example.com', { kind: 'internet' })).toEqual([]);
  });
});

describe('record sets as the resolver reads them', () => {
  it('recordSetsAt answers every type at a name; zoneRecords the whole zone in order', async () => {
    const id = await zone('lab.test');
    const events: CloudEvent[] = [];
    cloud.events.subscribe((e) => events.push(e));
    await call('route53', 'ChangeResourceRecordSets', {
      HostedZoneId: `/hostedzone/${id}`,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.lab.test',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.lab.test',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: [{ Value: '"x"' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: '*.lab.test',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.2' }],
            },
          },
        ],
      },
    });
    expect(events.filter((e) => e.topic === 'route53.records.changed').map((e) => e.data)).toEqual([
      { zoneId: id },
    ]);
    const at = recordSetsAt(cloud.store, id, 'www.lab.test.');
    expect(at.map((r) => [r.name, r.type, r.setIdentifier])).toEqual([
      ['www.lab.test.', 'A', ''],
      ['www.lab.test.', 'TXT', ''],
    ]);
    expect(at[0]!.record).toEqual({
      Name: 'www.lab.test.',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.1' }],
    });
    expect(recordSetsAt(cloud.store, id, '\\052.lab.test.')).toHaveLength(1);
    expect(zoneRecords(cloud.store, id).map((r) => `${r.name} ${r.type}`)).toEqual([
      'lab.test. NS',
      'lab.test. SOA',
      '\\052.lab.test. A',
      'www.lab.test. A',
      'www.lab.test. TXT',
    ]);
  });
});

describe('zones and changes', () => {
  it('accepts zone and change IDs with or without their prefixes', async () => {
    const id = await zone('ids.test');
    const a = await call<{ HostedZone: { Id: string } }>('route53', 'GetHostedZone', { Id: id });
    const b = await call<{ HostedZone: { Id: string } }>('route53', 'GetHostedZone', {
      Id: `/hostedzone/${id}`,
    });
    expect(a).toEqual(b);
    const out = await call<{ ChangeInfo: { Id: string } }>('route53', 'UpdateHostedZoneComment', { Id: id });
    expect(out).toBeDefined();
  });

  it('turns a change INSYNC after INSYNC_AFTER_MS of simulated time', async () => {
    const created = await call<{ ChangeInfo: { Id: string; Status: string } }>(
      'route53',
      'CreateHostedZone',
      {
        Name: 'clock.test',
        CallerReference: 'clock',
      },
    );
    expect(created.ChangeInfo.Status).toBe('PENDING');
    const bare = created.ChangeInfo.Id.replace('/change/', '');
    cloud.clock.advance(INSYNC_AFTER_MS - 1);
    expect(
      (await call<{ ChangeInfo: { Status: string } }>('route53', 'GetChange', { Id: bare })).ChangeInfo
        .Status,
    ).toBe('PENDING');
    cloud.clock.advance(1);
    expect(
      (await call<{ ChangeInfo: { Status: string } }>('route53', 'GetChange', { Id: created.ChangeInfo.Id }))
        .ChangeInfo.Status,
    ).toBe('INSYNC');
  });

  it('forms delegation sets as Route 53 does, the same for the same zone', () => {
    const ns = delegationFor('Z0123456789ABCDEFGHIJ');
    expect(ns).toEqual(delegationFor('Z0123456789ABCDEFGHIJ'));
    const n = ns.map((s) => Number(/^ns-(\d+)\./.exec(s)![1]));
    expect(ns.map((s) => s.replace(/^ns-\d+\.awsdns-\d\d\./, ''))).toEqual(['com', 'net', 'org', 'co.uk']);
    expect(n[0]).toBeLessThan(512);
    expect(n[1]! >= 512 && n[1]! < 1024).toBe(true);
    expect(n[2]! >= 1024 && n[2]! < 1536).toBe(true);
    expect(n[3]! >= 1536 && n[3]! < 2048).toBe(true);
    expect(delegationFor('Z999')).not.toEqual(ns);
  });
});
