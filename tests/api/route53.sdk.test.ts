/**
 * Amazon Route 53 through the AWS SDK for JavaScript v3 against `cloudlab serve`: hosted zones
 * (public and private, CallerReference idempotency, delegation sets, the apex SOA and NS sets,
 * listing by ID and by name, comments, VPC associations, deletion), record batches with Route 53's
 * checks and InvalidChangeBatch messages, alias targets, routing policies, ListResourceRecordSets'
 * order and pagination, GetChange turning INSYNC on the simulated clock, and tags.
 */
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AssociateVPCWithHostedZoneCommand,
  ListHostedZonesByVPCCommand,
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  DisassociateVPCFromHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  UpdateHostedZoneCommentCommand,
  waitUntilResourceRecordSetsChanged,
  type Change,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { credentials, labCall, serveLab } from '../support/serve';

const served = serveLab();
let r53: Route53Client;
let ec2: EC2Client;
let seq = 0;

function ref(): string {
  return `ref-${Date.now()}-${++seq}`;
}

async function zone(name: string): Promise<string> {
  const out = await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: ref() }));
  return out.HostedZone!.Id!.replace('/hostedzone/', '');
}

function rs(
  name: string,
  type: ResourceRecordSet['Type'],
  values: string[],
  extra: Partial<ResourceRecordSet> = {},
) {
  return { Name: name, Type: type, TTL: 300, ResourceRecords: values.map((Value) => ({ Value })), ...extra };
}

async function change(zoneId: string, ...changes: Change[]) {
  return r53.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
  );
}

const create = (set: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: set });
const del = (set: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: set });
async function problem(zoneId: string, ...changes: Change[]): Promise<string> {
  return (await failure(change(zoneId, ...changes))).message;
}

const upsert = (set: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: set });

async function records(zoneId: string) {
  return (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets!;
}

beforeAll(() => {
  const { endpoint } = served();
  r53 = new Route53Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

describe('hosted zones', () => {
  it('creates a public zone with four name servers, SOA and NS records, and a pending change', async () => {
    const out = await r53.send(
      new CreateHostedZoneCommand({
        Name: 'Example.COM',
        CallerReference: 'create-1',
        HostedZoneConfig: { Comment: 'lab zone' },
      }),
    );
    const id = out.HostedZone!.Id!;
    expect(id).toMatch(/^\/hostedzone\/Z[0-9A-Z]{20}$/);
    expect(out.Location).toBe(`https://route53.amazonaws.com/2013-04-01${id}`);
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.HostedZone).toMatchObject({
      Name: 'example.com.',
      CallerReference: 'create-1',
      Config: { Comment: 'lab zone', PrivateZone: false },
      ResourceRecordSetCount: 2,
    });
    expect(out.ChangeInfo).toMatchObject({ Status: 'PENDING' });
    expect(out.ChangeInfo!.Id).toMatch(/^\/change\/C[0-9A-Z]+$/);
    const ns = out.DelegationSet!.NameServers!;
    expect(ns).toHaveLength(4);
    expect(ns[0]).toMatch(/^ns-([0-9]|[1-9]\d|[1-4]\d\d|50\d|51[01])\.awsdns-\d\d\.com$/);
    expect(ns[1]).toMatch(/^ns-\d+\.awsdns-\d\d\.net$/);
    expect(ns[2]).toMatch(/^ns-\d+\.awsdns-\d\d\.org$/);
    expect(ns[3]).toMatch(/^ns-\d+\.awsdns-\d\d\.co\.uk$/);

    const sets = await records(id);
    expect(sets).toEqual([
      { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: ns.map((n) => ({ Value: `${n}.` })) },
      {
        Name: 'example.com.',
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [{ Value: `${ns[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
      },
    ]);

    const got = await r53.send(new GetHostedZoneCommand({ Id: id }));
    expect(got.HostedZone).toEqual(out.HostedZone);
    expect(got.DelegationSet!.NameServers).toEqual(ns);
    expect(got.VPCs).toBeUndefined();
  });

  it('answers HostedZoneAlreadyExists (409) for a reused CallerReference', async () => {
    await r53.send(new CreateHostedZoneCommand({ Name: 'idem.example', CallerReference: 'same-ref' }));
    expect(
      await failure(
        r53.send(new CreateHostedZoneCommand({ Name: 'idem.example', CallerReference: 'same-ref' })),
      ),
    ).toMatchObject({
      name: 'HostedZoneAlreadyExists',
      status: 409,
      message: 'A hosted zone has already been created with the specified caller reference.',
    });
  });

  it('answers NoSuchHostedZone (404) for an unknown ID', async () => {
    expect(await failure(r53.send(new GetHostedZoneCommand({ Id: 'Z0000000000000000000X' })))).toEqual(
      expect.objectContaining({
        name: 'NoSuchHostedZone',
        status: 404,
        message: 'No hosted zone found with ID: Z0000000000000000000X',
      }),
    );
  });

  it('creates private zones in existing VPCs and manages their associations', async () => {
    const vpc1 = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const vpc2 = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
    expect(
      await failure(
        r53.send(
          new CreateHostedZoneCommand({
            Name: 'internal.lab',
            CallerReference: ref(),
            VPC: { VPCRegion: 'us-east-1', VPCId: 'vpc-0123456789abcdef0' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidVPCId', status: 400 });
    const out = await r53.send(
      new CreateHostedZoneCommand({
        Name: 'internal.lab',
        CallerReference: ref(),
        VPC: { VPCRegion: 'us-east-1', VPCId: vpc1 },
        HostedZoneConfig: { PrivateZone: true },
      }),
    );
    expect(out.HostedZone!.Config!.PrivateZone).toBe(true);
    expect(out.VPC).toEqual({ VPCRegion: 'us-east-1', VPCId: vpc1 });
    const id = out.HostedZone!.Id!;
    const soa = (await records(id)).find((r) => r.Type === 'SOA')!;
    expect(soa.ResourceRecords![0]!.Value).toBe(
      'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400',
    );

    await r53.send(
      new AssociateVPCWithHostedZoneCommand({
        HostedZoneId: id,
        VPC: { VPCRegion: 'us-east-1', VPCId: vpc2 },
      }),
    );
    let got = await r53.send(new GetHostedZoneCommand({ Id: id }));
    expect(got.VPCs).toEqual([
      { VPCRegion: 'us-east-1', VPCId: vpc1 },
      { VPCRegion: 'us-east-1', VPCId: vpc2 },
    ]);
    expect(got.DelegationSet).toBeUndefined();
    const dis = await r53.send(
      new DisassociateVPCFromHostedZoneCommand({
        HostedZoneId: id,
        VPC: { VPCRegion: 'us-east-1', VPCId: vpc1 },
      }),
    );
    expect(dis.ChangeInfo!.Status).toBe('PENDING');
    got = await r53.send(new GetHostedZoneCommand({ Id: id }));
    expect(got.VPCs).toEqual([{ VPCRegion: 'us-east-1', VPCId: vpc2 }]);
    // ListHostedZonesByVPC: the VPC's zones, paged, with bare IDs and the owner.
    const second = await r53.send(
      new CreateHostedZoneCommand({
        Name: 'second.lab',
        CallerReference: ref(),
        VPC: { VPCRegion: 'us-east-1', VPCId: vpc2 },
      }),
    );
    const page1 = await r53.send(
      new ListHostedZonesByVPCCommand({ VPCId: vpc2, VPCRegion: 'us-east-1', MaxItems: 1 }),
    );
    expect(page1.HostedZoneSummaries).toEqual([
      {
        HostedZoneId: id.replace('/hostedzone/', ''),
        Name: 'internal.lab.',
        Owner: { OwningAccount: expect.stringMatching(/^\d{12}$/) },
      },
    ]);
    expect(page1.MaxItems).toBe(1);
    const page2 = await r53.send(
      new ListHostedZonesByVPCCommand({ VPCId: vpc2, VPCRegion: 'us-east-1', NextToken: page1.NextToken }),
    );
    expect(page2.HostedZoneSummaries!.map((z) => z.HostedZoneId)).toEqual([
      second.HostedZone!.Id!.replace('/hostedzone/', ''),
    ]);
    expect(page2.NextToken).toBeUndefined();
    const none = await r53.send(new ListHostedZonesByVPCCommand({ VPCId: vpc1, VPCRegion: 'us-east-1' }));
    expect(none.HostedZoneSummaries).toEqual([]);
    expect(
      await failure(
        r53.send(new ListHostedZonesByVPCCommand({ VPCId: vpc2, VPCRegion: 'us-east-1', NextToken: 'nope' })),
      ),
    ).toMatchObject({ name: 'InvalidPaginationToken', status: 400 });
    await r53.send(new DeleteHostedZoneCommand({ Id: second.HostedZone!.Id! }));
    expect(
      await failure(
        r53.send(
          new DisassociateVPCFromHostedZoneCommand({
            HostedZoneId: id,
            VPC: { VPCRegion: 'us-east-1', VPCId: vpc2 },
          }),
        ),
      ),
    ).toMatchObject({ name: 'LastVPCAssociation', status: 400 });

    const pub = await zone('public-assoc.lab');
    expect(
      await failure(
        r53.send(
          new AssociateVPCWithHostedZoneCommand({
            HostedZoneId: pub,
            VPC: { VPCRegion: 'us-east-1', VPCId: vpc1 },
          }),
        ),
      ),
    ).toMatchObject({ name: 'PublicZoneVPCAssociation' });
  });

  it('lists zones in pages, by name in reversed-label order, and counts them', async () => {
    const names = ['b.order.test', 'order.test', 'a.order.test', 'z.order.test'];
    for (const n of names) await zone(n);
    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await r53.send(new ListHostedZonesCommand({ MaxItems: 2, Marker: marker }));
      expect(page.HostedZones!.length).toBeLessThanOrEqual(2);
      all.push(...page.HostedZones!.map((z) => z.Name!));
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);
    expect(all).toEqual(expect.arrayContaining(names.map((n) => `${n}.`)));
    const count = (await r53.send(new GetHostedZoneCountCommand({}))).HostedZoneCount!;
    expect(count).toBe(all.length);

    const first = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'order.test', MaxItems: 2 }));
    expect(first.HostedZones!.map((z) => z.Name)).toEqual(['order.test.', 'a.order.test.']);
    expect(first.IsTruncated).toBe(true);
    expect(first.NextDNSName).toBe('b.order.test.');
    const second = await r53.send(
      new ListHostedZonesByNameCommand({
        DNSName: first.NextDNSName,
        HostedZoneId: first.NextHostedZoneId,
        MaxItems: 2,
      }),
    );
    expect(second.HostedZones!.map((z) => z.Name)).toEqual(['b.order.test.', 'z.order.test.']);
  });

  it('updates the comment', async () => {
    const id = await zone('comment.test');
    const out = await r53.send(new UpdateHostedZoneCommentCommand({ Id: id, Comment: 'new words' }));
    expect(out.HostedZone!.Config).toEqual({ Comment: 'new words', PrivateZone: false });
    expect((await r53.send(new GetHostedZoneCommand({ Id: id }))).HostedZone!.Config!.Comment).toBe(
      'new words',
    );
  });

  it('refuses to delete a zone with records of its own, then deletes it', async () => {
    const id = await zone('delete-me.test');
    const a = rs('www.delete-me.test', 'A', ['192.0.2.10']);
    await change(id, create(a));
    expect(await failure(r53.send(new DeleteHostedZoneCommand({ Id: id })))).toMatchObject({
      name: 'HostedZoneNotEmpty',
      status: 400,
      message: 'The hosted zone contains resource records that are not SOA or NS records.',
    });
    await change(id, del(a));
    const out = await r53.send(new DeleteHostedZoneCommand({ Id: id }));
    expect(out.ChangeInfo!.Status).toBe('PENDING');
    expect(await failure(r53.send(new DeleteHostedZoneCommand({ Id: id })))).toMatchObject({
      name: 'NoSuchHostedZone',
      status: 404,
    });
  });
});

describe('record changes', () => {
  let id: string;
  beforeAll(async () => {
    id = await zone('records.test');
  });

  it('creates record sets of every type and lists them in Route 53 order', async () => {
    await change(
      id,
      create(rs('www.records.test', 'A', ['192.0.2.1', '192.0.2.2'])),
      create(rs('www.records.test', 'AAAA', ['2001:db8::1'])),
      create(rs('records.test', 'MX', ['10 mail.records.test.', '20 mail2.records.test.'])),
      create(rs('records.test', 'TXT', ['"v=spf1 -all"', '"two" "strings"'])),
      create(rs('_sip._tcp.records.test', 'SRV', ['1 10 5060 sip.records.test.'])),
      create(rs('records.test', 'CAA', ['0 issue "amazon.com"'])),
      create(rs('blog.records.test', 'CNAME', ['www.records.test'])),
      create(rs('*.records.test', 'A', ['192.0.2.99'])),
      create(rs('1.2.0.192.records.test', 'PTR', ['www.records.test.'])),
      create(rs('sub.records.test', 'NS', ['ns1.elsewhere.example.'])),
    );
    const sets = await records(id);
    expect(sets.map((s) => `${s.Name} ${s.Type}`)).toEqual([
      'records.test. CAA',
      'records.test. MX',
      'records.test. NS',
      'records.test. SOA',
      'records.test. TXT',
      '\\052.records.test. A',
      '1.2.0.192.records.test. PTR',
      '_sip._tcp.records.test. SRV',
      'blog.records.test. CNAME',
      'sub.records.test. NS',
      'www.records.test. A',
      'www.records.test. AAAA',
    ]);
    expect(sets.find((s) => s.Type === 'AAAA')).toEqual(rs('www.records.test.', 'AAAA', ['2001:db8::1']));
  });

  it('pages ListResourceRecordSets by name, type and identifier', async () => {
    const seen: string[] = [];
    let start: {
      StartRecordName?: string;
      StartRecordType?: ResourceRecordSet['Type'];
      StartRecordIdentifier?: string;
    } = {};
    for (;;) {
      const page = await r53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: id, MaxItems: 3, ...start }),
      );
      expect(page.MaxItems).toBe(3);
      seen.push(...page.ResourceRecordSets!.map((s) => `${s.Name} ${s.Type}`));
      if (!page.IsTruncated) break;
      start = {
        StartRecordName: page.NextRecordName,
        StartRecordType: page.NextRecordType,
        StartRecordIdentifier: page.NextRecordIdentifier,
      };
    }
    expect(seen).toEqual((await records(id)).map((s) => `${s.Name} ${s.Type}`));
    const from = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: id,
        StartRecordName: 'www.records.test',
        StartRecordType: 'AAAA',
      }),
    );
    expect(from.ResourceRecordSets!.map((s) => s.Type)).toEqual(['AAAA']);
  });

  it('answers InvalidChangeBatch with Route 53 messages, all problems together, changing nothing', async () => {
    const before = await records(id);
    const e = await failure(
      change(
        id,
        create(rs('new.records.test', 'A', ['192.0.2.50'])),
        create(rs('www.records.test', 'A', ['192.0.2.1'])),
        del(rs('gone.records.test', 'A', ['192.0.2.1'])),
        del(rs('www.records.test', 'AAAA', ['2001:db8::2'])),
        create(rs('www.example.org', 'A', ['192.0.2.1'])),
      ),
    );
    expect(e).toMatchObject({ name: 'InvalidChangeBatch', status: 400 });
    expect(e.message).toBe(
      "[Tried to create resource record set [name='www.records.test.', type='A'] but it already exists, " +
        "Tried to delete resource record set [name='gone.records.test.', type='A'] but it was not found, " +
        "Tried to delete resource record set [name='www.records.test.', type='AAAA'] but the values provided do not match the current values, " +
        'RRSet with DNS name www.example.org. is not permitted in zone records.test.]',
    );
    expect(await records(id)).toEqual(before);
  });

  it('keeps CNAMEs alone at their name and away from the apex', async () => {
    expect(await problem(id, create(rs('records.test', 'CNAME', ['x.example.'])))).toBe(
      '[RRSet of type CNAME with DNS name records.test. is not permitted at apex in zone records.test.]',
    );
    expect(await problem(id, create(rs('www.records.test', 'CNAME', ['x.example.'])))).toBe(
      '[RRSet of type CNAME with DNS name www.records.test. is not permitted as it conflicts with other records with the same DNS name in zone records.test.]',
    );
    expect(await problem(id, create(rs('blog.records.test', 'TXT', ['"x"'])))).toBe(
      '[RRSet of type TXT with DNS name blog.records.test. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone records.test.]',
    );
    // CNAMEs (and aliases inside the zone) may not lead back to themselves.
    expect(
      await problem(
        id,
        create(rs('ping.records.test', 'CNAME', ['pong.records.test'])),
        create(rs('pong.records.test', 'CNAME', ['ping.records.test.'])),
      ),
    ).toBe(
      '[RRSet of type CNAME with DNS name ping.records.test. is not permitted as it creates a CNAME or alias loop in the zone., ' +
        'RRSet of type CNAME with DNS name pong.records.test. is not permitted as it creates a CNAME or alias loop in the zone.]',
    );
  });

  it('checks values per type', async () => {
    expect(await problem(id, create(rs('bad.records.test', 'A', ['192.0.2'])))).toBe(
      "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '192.0.2'']",
    );
    expect(await problem(id, create(rs('bad.records.test', 'TXT', ['unquoted'])))).toContain(
      'InvalidCharacterString (Value should be enclosed in quotation marks)',
    );
    expect(await problem(id, create(rs('bad.records.test', 'TXT', [`"${'x'.repeat(256)}"`])))).toContain(
      'CharacterStringTooLong (Value is too long)',
    );
    expect((await failure(change(id, create(rs('bad.records.test', 'AAAA', ['192.0.2.1']))))).name).toBe(
      'InvalidChangeBatch',
    );
    expect(
      await failure(change(id, create(rs('bad.records.test', 'A', ['192.0.2.1'], { TTL: -5 })))),
    ).toMatchObject({ name: 'InvalidInput', status: 400 });
  });

  it('keeps the apex SOA and NS', async () => {
    const [ns, soa] = (await records(id)).filter(
      (s) => s.Name === 'records.test.' && (s.Type === 'NS' || s.Type === 'SOA'),
    );
    expect(await problem(id, del(soa!))).toBe('[A HostedZone must contain exactly one SOA record.]');
    expect(await problem(id, del(ns!))).toBe(
      '[A HostedZone must contain at least one NS record for the zone itself.]',
    );
    // The SOA can be edited with UPSERT.
    const edited = { ...soa!, TTL: 600 };
    await change(id, upsert(edited));
    expect((await records(id)).find((s) => s.Type === 'SOA')).toEqual(edited);
  });

  it('replaces with UPSERT and deletes exact matches, in one atomic batch', async () => {
    await change(id, upsert(rs('up.records.test', 'A', ['192.0.2.7'])));
    await change(id, upsert(rs('up.records.test', 'A', ['192.0.2.8'], { TTL: 60 })));
    expect((await records(id)).find((s) => s.Name === 'up.records.test.')).toEqual(
      rs('up.records.test.', 'A', ['192.0.2.8'], { TTL: 60 }),
    );
    // A CNAME replaces the A record in one batch: delete first, then create.
    await change(
      id,
      del(rs('up.records.test', 'A', ['192.0.2.8'], { TTL: 60 })),
      create(rs('up.records.test', 'CNAME', ['www.records.test'])),
    );
    expect((await records(id)).filter((s) => s.Name === 'up.records.test.').map((s) => s.Type)).toEqual([
      'CNAME',
    ]);
  });

  it('checks alias targets in the zone and S3 website endpoints', async () => {
    const target = (DNSName: string, HostedZoneId = id) => ({
      HostedZoneId,
      DNSName,
      EvaluateTargetHealth: false,
    });
    await change(
      id,
      create({ Name: 'alias.records.test', Type: 'A', AliasTarget: target('www.records.test') }),
    );
    expect(
      await problem(
        id,
        create({ Name: 'alias2.records.test', Type: 'A', AliasTarget: target('nope.records.test') }),
      ),
    ).toBe(
      `[Tried to create an alias that targets nope.records.test., type A in zone ${id}, but that target was not found]`,
    );
    expect(
      await problem(
        id,
        create({ Name: 'alias3.records.test', Type: 'A', AliasTarget: target('www.example.org') }),
      ),
    ).toBe(
      `[Tried to create an alias that targets www.example.org., type A in zone ${id}, but the alias target name does not lie within the target zone]`,
    );
    await change(
      id,
      create({
        Name: 'site.records.test',
        Type: 'A',
        AliasTarget: target('s3-website-us-east-1.amazonaws.com', 'Z3AQBSTGFYJSTF'),
      }),
    );
    const e = await failure(
      change(
        id,
        create({
          Name: 'site2.records.test',
          Type: 'A',
          AliasTarget: target('s3-website-us-east-1.amazonaws.com', 'Z1BKCTXD74EZPE'),
        }),
      ),
    );
    expect(e.message).toContain('but the alias target name does not lie within the target zone');
    // EC2 public DNS names are not alias targets on AWS (no hosted zone holds them): a CNAME is the way.
    const ec2Name = 'ec2-192-0-2-44.compute-1.amazonaws.com';
    expect(
      await problem(
        id,
        create({ Name: 'vm.records.test', Type: 'A', AliasTarget: target(ec2Name, 'Z3AQBSTGFYJSTF') }),
      ),
    ).toBe(
      `[Tried to create an alias that targets ${ec2Name}., type A in zone Z3AQBSTGFYJSTF, but the alias target name does not lie within the target zone, ` +
        `Tried to create an alias that targets ${ec2Name}., type A in zone Z3AQBSTGFYJSTF, but that target was not found]`,
    );
    await change(id, create(rs('vm.records.test', 'CNAME', [ec2Name])));
    const listed = (await records(id)).find((s) => s.Name === 'site.records.test.')!;
    expect(listed.AliasTarget).toEqual({
      HostedZoneId: 'Z3AQBSTGFYJSTF',
      DNSName: 's3-website-us-east-1.amazonaws.com.',
      EvaluateTargetHealth: false,
    });
  });

  it('applies routing policy rules', async () => {
    const w = (setId: string, weight: number, ip: string) =>
      rs('lb.records.test', 'A', [ip], { SetIdentifier: setId, Weight: weight });
    await change(id, create(w('one', 10, '192.0.2.1')), create(w('two', 20, '192.0.2.2')));
    const sets = (await records(id)).filter((s) => s.Name === 'lb.records.test.');
    expect(sets.map((s) => [s.SetIdentifier, s.Weight])).toEqual([
      ['one', 10],
      ['two', 20],
    ]);
    expect(await problem(id, create(w('one', 5, '192.0.2.9')))).toBe(
      "[Tried to create resource record set [name='lb.records.test.', type='A', set-identifier='one'] but it already exists]",
    );
    expect(await problem(id, create(rs('lb.records.test', 'A', ['192.0.2.3'])))).toBe(
      '[RRSet with DNS name lb.records.test., type A cannot be created as other RRSets exist with the same name and type.]',
    );
    await change(id, create(rs('plain.records.test', 'A', ['192.0.2.3'])));
    expect(
      await problem(
        id,
        create(rs('plain.records.test', 'A', ['192.0.2.4'], { SetIdentifier: 'w', Weight: 1 })),
      ),
    ).toBe(
      '[RRSet with DNS name plain.records.test., type A, SetIdentifier w cannot be created as a non-weighted set exists with the same name and type.]',
    );
    await change(
      id,
      create(rs('geo.records.test', 'A', ['192.0.2.5'], { SetIdentifier: 'eu', Region: 'eu-west-1' })),
      create(rs('geo.records.test', 'A', ['192.0.2.6'], { SetIdentifier: 'us', Region: 'us-east-1' })),
    );
    expect(
      await problem(
        id,
        create(rs('geo.records.test', 'A', ['192.0.2.7'], { SetIdentifier: 'x', Weight: 1 })),
      ),
    ).toContain('cannot be created as a non-weighted set exists with the same name and type.');
    expect(
      await failure(
        change(
          id,
          create(
            rs('fo.records.test', 'A', ['192.0.2.8'], {
              SetIdentifier: 'primary',
              Failover: 'PRIMARY',
              HealthCheckId: '11111111-2222-4333-8444-555555555555',
            }),
          ),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchHealthCheck', status: 404 });
    await change(
      id,
      create(rs('mv.records.test', 'A', ['192.0.2.10'], { SetIdentifier: 'a', MultiValueAnswer: true })),
      create(rs('mv.records.test', 'A', ['192.0.2.11'], { SetIdentifier: 'b', MultiValueAnswer: true })),
    );
    expect((await records(id)).filter((s) => s.Name === 'mv.records.test.')).toHaveLength(2);
  });
});

describe('changes', () => {
  it('are PENDING until tens of seconds of simulated time have passed, then INSYNC', async () => {
    const id = await zone('changes.test');
    const out = await change(id, create(rs('a.changes.test', 'A', ['192.0.2.1'])));
    const changeId = out.ChangeInfo!.Id!;
    expect(out.ChangeInfo!.Status).toBe('PENDING');
    const pending = await r53.send(new GetChangeCommand({ Id: changeId }));
    expect(pending.ChangeInfo).toMatchObject({ Id: changeId, Status: 'PENDING' });
    expect(pending.ChangeInfo!.SubmittedAt).toEqual(out.ChangeInfo!.SubmittedAt);
    await labCall(served().endpoint, 'lab.clock', { advanceMs: 60_000 });
    expect((await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo!.Status).toBe('INSYNC');
    expect(await failure(r53.send(new GetChangeCommand({ Id: 'CNOSUCHCHANGE' })))).toMatchObject({
      name: 'NoSuchChange',
      status: 404,
    });
  });

  it('let waitUntilResourceRecordSetsChanged return once the change is INSYNC', async () => {
    const id = await zone('waiter.test');
    const out = await change(id, create(rs('a.waiter.test', 'A', ['192.0.2.1'])));
    const advance = setTimeout(
      () => void labCall(served().endpoint, 'lab.clock', { advanceMs: 60_000 }),
      500,
    );
    const result = await waitUntilResourceRecordSetsChanged(
      { client: r53, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { Id: out.ChangeInfo!.Id! },
    );
    clearTimeout(advance);
    expect(result.state).toBe('SUCCESS');
  });
});

describe('tags', () => {
  it('adds, lists and removes tags of hosted zones', async () => {
    const id = await zone('tags.test');
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: id,
        AddTags: [
          { Key: 'env', Value: 'lab' },
          { Key: 'team', Value: 'dns' },
        ],
      }),
    );
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: id,
        AddTags: [{ Key: 'env', Value: 'prod' }],
        RemoveTagKeys: ['team'],
      }),
    );
    const one = await r53.send(
      new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: id }),
    );
    expect(one.ResourceTagSet).toEqual({
      ResourceType: 'hostedzone',
      ResourceId: id,
      Tags: [{ Key: 'env', Value: 'prod' }],
    });
    const other = await zone('tags2.test');
    const many = await r53.send(
      new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: [id, other] }),
    );
    expect(many.ResourceTagSets).toEqual([
      { ResourceType: 'hostedzone', ResourceId: id, Tags: [{ Key: 'env', Value: 'prod' }] },
      { ResourceType: 'hostedzone', ResourceId: other, Tags: [] },
    ]);
    expect(
      await failure(
        r53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: 'ZNOPE' })),
      ),
    ).toMatchObject({ name: 'NoSuchHostedZone', status: 404 });
    expect(
      await failure(
        r53.send(
          new ListTagsForResourceCommand({
            ResourceType: 'healthcheck',
            ResourceId: '11111111-2222-4333-8444-555555555555',
          }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchHealthCheck', status: 404 });
  });
});
