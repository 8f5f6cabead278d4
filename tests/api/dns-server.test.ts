/**
 * The DNS server of `cloudlab serve --dns-port 0`, as the internet's resolvers and a learner's
 * `dig` reach it: an EC2 instance's public name, a public hosted zone's records (A, CNAME, MX,
 * TXT) over UDP and TCP, NXDOMAIN and NODATA with the zone's SOA, REFUSED for names the lab is
 * not authoritative for (private zones included). Node's dgram/net with dns-packet, and the real
 * `dig` when it is installed (Debian's `dnsutils`).
 */
import * as EC2 from '@aws-sdk/client-ec2';
import * as R53 from '@aws-sdk/client-route-53';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { decode, encode, type DecodedPacket, type RecordType } from 'dns-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { al2023Ami, waitState } from '../support/ssh';
import { credentials, labCall, serve, serveLab } from '../support/serve';

type Decoded = DecodedPacket & { rcode: string };
const run = promisify(execFile);
const lab = serveLab(['--dns-port', '0']);
let port = 0;
let ec2: EC2.EC2Client;
let r53: R53.Route53Client;

beforeAll(async () => {
  const m = /· DNS udp\/tcp 127\.0\.0\.1:(\d+) ·/.exec(lab().stdout());
  if (!m) throw new Error(`no DNS server in the ready line: ${lab().stdout()}`);
  port = Number(m[1]);
  ec2 = new EC2.EC2Client({ endpoint: lab().endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  r53 = new R53.Route53Client({ endpoint: lab().endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab().endpoint, 'lab.clock', { speed: 200 });
});

let nextId = 1;
const query = (name: string, type: RecordType) =>
  encode({ type: 'query', id: nextId++, flags: 0x0100, questions: [{ name, type }] });

function overUdp(name: string, type: RecordType = 'A'): Promise<Decoded> {
  const socket = createSocket('udp4');
  const message = query(name, type);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP answer for ${name} ${type}`));
    }, 5000);
    socket.once('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(decode(m) as Decoded);
    });
    socket.send(message, port, '127.0.0.1', (e) => e && reject(e));
  });
}

/** Several questions on one TCP connection, answered in any order. */
async function overTcp(questions: [string, RecordType][]): Promise<Decoded[]> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const framed = questions.map(([name, type]) => {
    const m = query(name, type);
    return Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
  });
  socket.write(Buffer.concat(framed));
  const answers: Decoded[] = [];
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        answers.push(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))) as Decoded);
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (answers.length === questions.length) resolve();
    });
  });
  socket.destroy();
  return answers.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

const values = (p: Decoded) => (p.answers ?? []).map((a) => ('data' in a ? a.data : null));

const hasDig = await run('sh', ['-c', 'command -v dig']).then(
  () => true,
  () => false,
);
const dig = async (...args: string[]) =>
  (await run('dig', ['@127.0.0.1', '-p', String(port), '+time=3', '+tries=1', ...args])).stdout;

describe('cloudlab serve --dns-port', () => {
  it('names the DNS port in the ready line and in lab.info, with nothing pending', async () => {
    const info = (await labCall(lab().endpoint, 'lab.info', null)) as {
      listeners: { dnsPort: number | null; pending: string[] };
    };
    expect(info.listeners.dnsPort).toBe(port);
    expect(info.listeners.pending).toEqual([]);
    expect(lab().stderr()).not.toMatch(/not started yet/);
  });

  it('takes another port, with a note, when the DNS port is busy', async () => {
    const second = await serve(['--dns-port', String(port)]);
    try {
      expect(second.stderr()).toContain(
        `cloudlab: Port ${port} is in use, so the DNS server uses another port.`,
      );
      const m = /· DNS udp\/tcp 127\.0\.0\.1:(\d+) ·/.exec(second.stdout());
      expect(Number(m?.[1])).not.toBe(port);
      const info = (await labCall(second.endpoint, 'lab.info', null)) as { listeners: { dnsPort: number } };
      expect(info.listeners.dnsPort).toBe(Number(m?.[1]));
    } finally {
      await second.stop();
      second.cleanup();
    }
  });

  it('answers an EC2 instance’s public name with its public address, authoritatively', async () => {
    const ami = await al2023Ami(ec2);
    const launched = await ec2.send(
      new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
    );
    const instance = await waitState(ec2, launched.Instances![0]!.InstanceId!, 'running');
    const name = instance.PublicDnsName!;
    const ip = instance.PublicIpAddress!;
    expect(name).toMatch(/^ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com$/);

    const udp = await overUdp(name);
    expect(udp).toMatchObject({ rcode: 'NOERROR', flag_aa: true, flag_ra: false });
    expect(udp.answers).toEqual([
      expect.objectContaining({ name, type: 'A', ttl: expect.any(Number), data: ip }),
    ]);
    const [tcp] = await overTcp([[name.toUpperCase(), 'A']]);
    expect(tcp!.questions![0]!.name).toBe(name.toUpperCase());
    expect(values(tcp!)).toEqual([ip]);

    if (hasDig) expect((await dig('+short', name)).trim()).toBe(ip);

    // The reverse lookup of the public address names the instance, as EC2's reverse DNS does.
    const arpa = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
    const ptr = await overUdp(arpa, 'PTR');
    expect(ptr).toMatchObject({ rcode: 'NOERROR', flag_aa: true });
    expect(ptr.answers).toEqual([expect.objectContaining({ name: arpa, type: 'PTR', data: name })]);
    // A private address is not the internet's to look up.
    const privateArpa = `${instance.PrivateIpAddress!.split('.').reverse().join('.')}.in-addr.arpa`;
    expect((await overUdp(privateArpa, 'PTR')).rcode).toBe('REFUSED');
    if (hasDig) expect((await dig('+short', '-x', ip)).trim()).toBe(`${name}.`);
  });

  it('answers a public hosted zone’s records: A, CNAME, MX, TXT, NXDOMAIN and NODATA with the SOA', async () => {
    const zone = await r53.send(
      new R53.CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `dns-${Date.now()}` }),
    );
    const zoneId = zone.HostedZone!.Id!;
    const set = (Name: string, Type: R53.RRType, TTL: number, ...values: string[]): R53.Change => ({
      Action: 'CREATE',
      ResourceRecordSet: { Name, Type, TTL, ResourceRecords: values.map((Value) => ({ Value })) },
    });
    await r53.send(
      new R53.ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            set('www.example.com', 'A', 300, '192.0.2.10', '192.0.2.11'),
            set('blog.example.com', 'CNAME', 120, 'www.example.com'),
            set('example.com', 'MX', 3600, '10 mail.example.com', '20 www.example.com'),
            set('example.com', 'TXT', 60, '"v=spf1 -all"', '"part one" "part two"'),
          ],
        },
      }),
    );

    const www = await overUdp('www.example.com');
    expect(www).toMatchObject({ rcode: 'NOERROR', flag_aa: true, flag_ra: false, flag_rd: true });
    expect(values(www).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(www.answers!.map((a) => 'ttl' in a && a.ttl)).toEqual([300, 300]);

    const blog = await overUdp('Blog.Example.com');
    expect(blog.answers!.map((a) => [a.name, a.type])).toEqual([
      ['Blog.Example.com', 'CNAME'],
      ['www.example.com', 'A'],
      ['www.example.com', 'A'],
    ]);

    const [mx, txt, nx, nodata] = await overTcp([
      ['example.com', 'MX'],
      ['example.com', 'TXT'],
      ['nope.example.com', 'A'],
      ['www.example.com', 'AAAA'],
    ]);
    expect(values(mx!)).toEqual([
      { preference: 10, exchange: 'mail.example.com' },
      { preference: 20, exchange: 'www.example.com' },
    ]);
    expect(values(txt!).map((d) => (d as Buffer[]).map(String))).toEqual([
      ['v=spf1 -all'],
      ['part one', 'part two'],
    ]);
    expect(nx).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    expect(nx!.authorities!.map((a) => [a.name, a.type])).toEqual([['example.com', 'SOA']]);
    expect(nodata).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(nodata!.authorities!.map((a) => a.type)).toEqual(['SOA']);

    // The SOA and NS records Route 53 made with the zone.
    const soa = await overUdp('example.com', 'SOA');
    expect(soa.answers![0]).toMatchObject({ type: 'SOA', data: { rname: 'awsdns-hostmaster.amazon.com' } });
    const ns = await overUdp('example.com', 'NS');
    expect(values(ns).sort()).toEqual(
      [...zone.DelegationSet!.NameServers!].map((n) => n.replace(/\.$/, '')).sort(),
    );

    // Names the lab is not authoritative for.
    expect(await overUdp('www.example.org')).toMatchObject({ rcode: 'REFUSED', flag_aa: false, answers: [] });
  });

  it('does not answer a private hosted zone to the internet', async () => {
    const vpc = (
      await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))
    ).Vpcs![0]!;
    const zone = await r53.send(
      new R53.CreateHostedZoneCommand({
        Name: 'corp.internal',
        CallerReference: `private-${Date.now()}`,
        HostedZoneConfig: { PrivateZone: true },
        VPC: { VPCRegion: 'us-east-1', VPCId: vpc.VpcId },
      }),
    );
    await r53.send(
      new R53.ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'db.corp.internal',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '10.0.0.5' }],
              },
            },
          ],
        },
      }),
    );
    const answer = await overUdp('db.corp.internal');
    expect(answer.answers).toEqual([]);
    expect(answer.rcode).toBe('REFUSED');
  });

  it.skipIf(!hasDig)(
    'is what dig shows: UDP, +tcp, NXDOMAIN with the SOA in the authority section',
    async () => {
      expect((await dig('+short', 'www.example.com')).trim().split('\n').sort()).toEqual([
        '192.0.2.10',
        '192.0.2.11',
      ]);
      expect((await dig('+short', 'blog.example.com')).trim().split('\n')).toEqual([
        'www.example.com.',
        ...(await dig('+short', 'www.example.com')).trim().split('\n'),
      ]);
      expect((await dig('+short', 'example.com', 'MX')).trim().split('\n')).toEqual([
        '10 mail.example.com.',
        '20 www.example.com.',
      ]);
      expect((await dig('+short', 'example.com', 'TXT')).trim().split('\n')).toEqual([
        '"v=spf1 -all"',
        '"part one" "part two"',
      ]);

      const full = await dig('www.example.com');
      expect(full).toMatch(/status: NOERROR/);
      expect(full).toMatch(/flags: qr aa rd;/);
      expect(full).toMatch(/www\.example\.com\.\s+300\s+IN\s+A\s+192\.0\.2\.1[01]/);
      expect(full).toMatch(/\(UDP\)/);

      const tcp = await dig('+tcp', 'www.example.com');
      expect(tcp).toMatch(/status: NOERROR/);
      expect(tcp).toMatch(/\(TCP\)/);

      const nx = await dig('nope.example.com');
      expect(nx).toMatch(/status: NXDOMAIN/);
      expect(nx).toMatch(/flags: qr aa rd;/);
      expect(nx).toMatch(
        /;; AUTHORITY SECTION:\nexample\.com\.\s+\d+\s+IN\s+SOA\s+ns-\d+\.awsdns-\d+\.\S+ awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400/,
      );
    },
  );
});
