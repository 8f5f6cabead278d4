/**
 * The DNS server's sockets, with an injected resolver: UDP and TCP on one port, truncation and
 * the retry over TCP, several (pipelined, split) queries per TCP connection, the idle timeout,
 * malformed input, a busy port — and the real `dig`, when it is installed, for every type.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { decode, encode, type DecodedPacket, type RecordType } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../../../electron/gateway/dns/dns-server';
import { fakeResolve } from './dns-fake-resolver';

type Decoded = DecodedPacket & { rcode: string };
const run = promisify(execFile);

let server: DnsServer;
const logs: string[] = [];
beforeAll(async () => {
  server = await DnsServer.start({
    host: '127.0.0.1',
    port: 0,
    resolve: fakeResolve,
    tcpIdleMs: 1000,
    log: (m) => logs.push(m),
  });
});
afterAll(() => server.close());

const query = (name: string, type: RecordType | string, id = 7) =>
  encode({ type: 'query', id, flags: 0x0100, questions: [{ name, type: type as RecordType }] });

function udp(message: Buffer, timeoutMs = 2000): Promise<Decoded | null> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.once('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(decode(m) as Decoded);
    });
    socket.send(message, server.port, '127.0.0.1', (e) => e && reject(e));
  });
}

const frame = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);

/** A TCP connection that collects framed answers. */
async function tcp(): Promise<{
  socket: Socket;
  answers: Decoded[];
  next: (n: number) => Promise<Decoded[]>;
  closed: Promise<void>;
}> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const answers: Decoded[] = [];
  let buf = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      answers.push(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))) as Decoded);
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const next = async (n: number) => {
    while (answers.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return answers.splice(0, n);
  };
  return { socket, answers, next, closed };
}

describe('DNS server: UDP and TCP on one port', () => {
  it('answers over UDP', async () => {
    const a = await udp(query('www.example.com', 'A', 42));
    expect(a).toMatchObject({ id: 42, rcode: 'NOERROR', flag_aa: true, flag_ra: false });
    expect(a!.answers?.map((x) => 'data' in x && x.data)).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('truncates a big answer over UDP, and the retry over TCP gets it all', async () => {
    const truncated = await udp(query('big.example.com', 'TXT'));
    expect(truncated).toMatchObject({ flag_tc: true, answers: [] });
    const c = await tcp();
    c.socket.write(frame(query('big.example.com', 'TXT')));
    const [full] = await c.next(1);
    expect(full).toMatchObject({ flag_tc: false, rcode: 'NOERROR' });
    expect(full!.answers).toHaveLength(12);
    c.socket.destroy();
  });

  it('takes several queries per TCP connection, pipelined and split across writes', async () => {
    const c = await tcp();
    const three = Buffer.concat([
      frame(query('www.example.com', 'A', 1)),
      frame(query('nope.example.com', 'A', 2)),
      frame(query('example.com', 'MX', 3)),
    ]);
    c.socket.write(three);
    const got = await c.next(3);
    expect(got.map((a) => [a.id, a.rcode]).sort()).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
      [3, 'NOERROR'],
    ]);
    // One byte at a time.
    const one = frame(query('alias.example.com', 'CNAME', 4));
    for (const byte of one) {
      c.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await c.next(1))[0]).toMatchObject({ id: 4, rcode: 'NOERROR' });
    c.socket.destroy();
  });

  it('closes an idle TCP connection', async () => {
    const c = await tcp();
    const t0 = Date.now();
    await c.closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('closes a TCP connection that sends something that is not a query, and keeps serving', async () => {
    const c = await tcp();
    c.socket.write(frame(Buffer.from('bad')));
    await c.closed;
    const response = encode({ type: 'response', id: 1, questions: [{ name: 'example.com', type: 'A' }] });
    const d = await tcp();
    d.socket.write(frame(response));
    await d.closed;
    expect(await udp(query('www.example.com', 'A'))).toMatchObject({ rcode: 'NOERROR' });
  });

  it('drops malformed datagrams without answering or crashing', async () => {
    expect(await udp(Buffer.from([1, 2, 3]), 300)).toBeNull();
    const response = encode({ type: 'response', id: 1, questions: [{ name: 'example.com', type: 'A' }] });
    expect(await udp(response, 300)).toBeNull();
    expect(await udp(query('www.example.com', 'A'))).toMatchObject({ rcode: 'NOERROR' });
  });

  it('rejects a busy port with EADDRINUSE', async () => {
    await expect(
      DnsServer.start({ host: '127.0.0.1', port: server.port, resolve: fakeResolve }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

const hasDig = await run('sh', ['-c', 'command -v dig']).then(
  () => true,
  () => false,
);

describe.skipIf(!hasDig)('DNS server: the real dig', () => {
  const dig = async (...args: string[]) =>
    (await run('dig', ['@127.0.0.1', '-p', String(server.port), '+time=2', '+tries=1', ...args])).stdout;

  it('reads every record type', async () => {
    const short = async (name: string, type: string) => (await dig('+short', name, type)).trim().split('\n');
    expect(await short('www.example.com', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await short('www.example.com', 'AAAA')).toEqual(['2001:db8::10']);
    expect(await short('chain.example.com', 'A')).toEqual([
      'alias.example.com.',
      'www.example.com.',
      '192.0.2.10',
      '192.0.2.11',
    ]);
    expect(await short('example.com', 'MX')).toEqual(['10 mail.example.com.', '20 mail2.example.com.']);
    expect(await short('example.com', 'TXT')).toEqual([
      '"v=spf1 include:amazonses.com -all"',
      '"two" "strings with \\"quotes\\" and \\\\"',
    ]);
    expect(await short('example.com', 'SPF')).toEqual(['"v=spf1 -all"']);
    expect(await short('example.com', 'NS')).toEqual(['ns-2048.awsdns-64.net.', 'ns-0.awsdns-00.com.']);
    expect(await short('example.com', 'SOA')).toEqual([
      'ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400',
    ]);
    expect(await short('_sip._tcp.example.com', 'SRV')).toEqual(['1 10 5060 sip.example.com.']);
    expect(await short('example.com', 'CAA')).toEqual([
      '0 issue "amazon.com"',
      '128 iodef "mailto:security@example.com"',
    ]);
    expect(await short('10.2.0.192.in-addr.example.com', 'PTR')).toEqual(['www.example.com.']);
    expect(await short('sip.example.com', 'NAPTR')).toEqual([
      '100 50 "s" "SIP+D2U" "" _sip._udp.example.com.',
    ]);
    expect(await short('sec.example.com', 'DS')).toEqual([
      '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
    ]);
  });

  it('shows an authoritative answer, NXDOMAIN with the SOA, and retries a truncated answer over TCP', async () => {
    const www = await dig('www.example.com');
    expect(www).toMatch(/status: NOERROR/);
    expect(www).toMatch(/flags: qr aa rd;/);
    expect(www).toMatch(/www\.example\.com\.\s+60\s+IN\s+A\s+192\.0\.2\.10/);
    const nx = await dig('nope.example.com');
    expect(nx).toMatch(/status: NXDOMAIN/);
    expect(nx).toMatch(/;; AUTHORITY SECTION:\nexample\.com\.\s+900\s+IN\s+SOA\s+ns-2048\.awsdns-64\.net\./);
    const big = await dig('+noedns', 'big.example.com', 'TXT');
    expect(big).toMatch(/Truncated, retrying in TCP mode/);
    expect(big).toMatch(/ANSWER: 12,/);
    const tcpOnly = await dig('+tcp', 'www.example.com');
    expect(tcpOnly).toMatch(/\(TCP\)/);
    expect(tcpOnly).toMatch(/ANSWER: 2,/);
    const any = await dig('www.example.com', 'ANY');
    expect(any).toMatch(/IN\s+HINFO\s+"RFC8482" ""/);
  });
});
