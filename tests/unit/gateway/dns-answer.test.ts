/**
 * The DNS server's message handling (`answerQuery`), with an injected resolver: every record
 * type on the wire, the header's flags, NXDOMAIN and NODATA with the SOA, EDNS0 and the 512-byte
 * limit, ANY, unknown types, and malformed input.
 */
import { decode, encode, type DecodedPacket, type Packet, type RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { answerQuery, type DnsResolve } from '../../../electron/gateway/dns/answer';
import { characterStrings, toAnswer, wireName } from '../../../electron/gateway/dns/records';
import { asked, fakeResolve } from './dns-fake-resolver';

type Decoded = DecodedPacket & { rcode: string; opcode: string };

function query(
  name: string,
  type: RecordType | string,
  extra: Partial<Packet> & { edns?: number } = {},
): Buffer {
  const { edns, ...rest } = extra;
  return encode({
    type: 'query',
    id: 0x1234,
    flags: 0x0100, // RD
    questions: [{ name, type: type as RecordType, class: 'IN' }],
    ...(edns
      ? {
          additionals: [
            {
              name: '.',
              type: 'OPT',
              udpPayloadSize: edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
        }
      : {}),
    ...rest,
  });
}

async function ask(
  message: Buffer,
  transport: 'udp' | 'tcp' = 'udp',
  resolve: DnsResolve = fakeResolve,
): Promise<{ bytes: Buffer; packet: Decoded }> {
  const bytes = await answerQuery(message, { transport, remoteAddress: '::ffff:198.51.100.7', resolve });
  expect(bytes).not.toBeNull();
  return { bytes: bytes!, packet: decode(bytes!) as Decoded };
}

const data = (p: Decoded) => p.answers?.map((a) => ('data' in a ? a.data : null));
const text = (d: unknown) => (d as Buffer[]).map((b) => b.toString());

describe('DNS answers: the header', () => {
  it('keeps the id, echoes the question as sent (case included), sets QR and AA, copies RD, never RA', async () => {
    const { packet, bytes } = await ask(query('WwW.ExAmple.COM', 'A'));
    expect(packet).toMatchObject({
      id: 0x1234,
      type: 'response',
      opcode: 'QUERY',
      rcode: 'NOERROR',
      flag_qr: true,
      flag_aa: true,
      flag_tc: false,
      flag_rd: true,
      flag_ra: false,
    });
    expect(packet.questions).toEqual([{ name: 'WwW.ExAmple.COM', type: 'A', class: 'IN' }]);
    // The owner name comes back in the question's spelling.
    expect(packet.answers).toEqual([
      { name: 'WwW.ExAmple.COM', type: 'A', class: 'IN', ttl: 60, flush: false, data: '192.0.2.10' },
      { name: 'WwW.ExAmple.COM', type: 'A', class: 'IN', ttl: 60, flush: false, data: '192.0.2.11' },
    ]);
    expect(bytes.includes(Buffer.from('WwW'))).toBe(true);
    // The resolver hears the name as asked, and who asked (the internet, IPv4-mapped unwrapped).
    expect(asked.at(-1)).toEqual({
      question: { name: 'WwW.ExAmple.COM', type: 'A' },
      client: { kind: 'internet', ip: '198.51.100.7' },
    });
  });

  it('leaves RD clear when the query has it clear, and copies CD', async () => {
    const { packet } = await ask(query('www.example.com', 'A', { flags: 0x0010 }));
    expect(packet.flag_rd).toBe(false);
    expect(packet.flag_cd).toBe(true);
    expect(packet.flag_ra).toBe(false);
  });
});

describe('DNS answers: every record type Route 53 serves', () => {
  it('A and AAAA', async () => {
    expect(data((await ask(query('www.example.com', 'A'))).packet)).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(data((await ask(query('www.example.com', 'AAAA'))).packet)).toEqual(['2001:db8::10']);
  });

  it('CNAME: the chain first, then the target records; asked for CNAME, only the CNAME', async () => {
    const { packet } = await ask(query('chain.example.com', 'A'));
    expect(
      packet.answers?.map((a) => [a.name, a.type, 'ttl' in a ? a.ttl : 0, 'data' in a ? a.data : null]),
    ).toEqual([
      ['chain.example.com', 'CNAME', 30, 'alias.example.com'],
      ['alias.example.com', 'CNAME', 120, 'www.example.com'],
      ['www.example.com', 'A', 60, '192.0.2.10'],
      ['www.example.com', 'A', 60, '192.0.2.11'],
    ]);
    const only = await ask(query('alias.example.com', 'CNAME'));
    expect(data(only.packet)).toEqual(['www.example.com']);
    // Its target's addresses ride in the additional section, as Route 53 adds them.
    expect(only.packet.additionals?.map((a) => [a.name, a.type, 'data' in a ? a.data : null])).toEqual([
      ['www.example.com', 'A', '192.0.2.10'],
      ['www.example.com', 'A', '192.0.2.11'],
      ['www.example.com', 'AAAA', '2001:db8::10'],
    ]);
  });

  it('MX with the exchanges’ addresses in the additional section', async () => {
    const { packet } = await ask(query('example.com', 'MX'));
    expect(data(packet)).toEqual([
      { preference: 10, exchange: 'mail.example.com' },
      { preference: 20, exchange: 'mail2.example.com' },
    ]);
    expect(packet.additionals?.map((a) => [a.name, a.type, 'data' in a ? a.data : null])).toEqual([
      ['mail.example.com', 'A', '192.0.2.25'],
    ]);
  });

  it('TXT with several strings and escapes, and SPF', async () => {
    const txt = await ask(query('example.com', 'TXT'));
    expect(data(txt.packet)!.map(text)).toEqual([
      ['v=spf1 include:amazonses.com -all'],
      ['two', 'strings with "quotes" and \\'],
    ]);
    const spf = await ask(query('example.com', 'SPF'));
    expect(spf.packet.answers?.[0]?.type).toBe('SPF');
    // dns-packet has no SPF decoder: the RDATA is TXT's character-strings.
    expect(data(spf.packet)).toEqual([Buffer.from('\x0bv=spf1 -all')]);
  });

  it('NS and SOA', async () => {
    expect(data((await ask(query('example.com', 'NS'))).packet)).toEqual([
      'ns-2048.awsdns-64.net',
      'ns-0.awsdns-00.com',
    ]);
    const soa = await ask(query('example.com', 'SOA'));
    expect(soa.packet.answers).toEqual([
      {
        name: 'example.com',
        type: 'SOA',
        class: 'IN',
        ttl: 900,
        flush: false,
        data: {
          mname: 'ns-2048.awsdns-64.net',
          rname: 'awsdns-hostmaster.amazon.com',
          serial: 1,
          refresh: 7200,
          retry: 900,
          expire: 1209600,
          minimum: 86400,
        },
      },
    ]);
  });

  it('SRV, CAA, PTR, NAPTR and DS', async () => {
    const srv = await ask(query('_sip._tcp.example.com', 'SRV'));
    expect(data(srv.packet)).toEqual([{ priority: 1, weight: 10, port: 5060, target: 'sip.example.com' }]);
    expect(srv.packet.additionals?.map((a) => 'data' in a && a.data)).toEqual(['192.0.2.60']);
    expect(data((await ask(query('example.com', 'CAA'))).packet)).toEqual([
      { flags: 0, tag: 'issue', value: 'amazon.com', issuerCritical: false },
      { flags: 128, tag: 'iodef', value: 'mailto:security@example.com', issuerCritical: true },
    ]);
    expect(data((await ask(query('10.2.0.192.in-addr.example.com', 'PTR'))).packet)).toEqual([
      'www.example.com',
    ]);
    expect(data((await ask(query('sip.example.com', 'NAPTR'))).packet)).toEqual([
      {
        order: 100,
        preference: 50,
        flags: 's',
        services: 'SIP+D2U',
        regexp: '',
        replacement: '_sip._udp.example.com',
      },
    ]);
    expect(data((await ask(query('sec.example.com', 'DS'))).packet)).toEqual([
      {
        keyTag: 60485,
        algorithm: 5,
        digestType: 1,
        digest: Buffer.from('2BB183AF5F22588179A53B0A98631FAD1A292118', 'hex'),
      },
    ]);
  });

  it('a wildcard answers with the name asked', async () => {
    const { packet } = await ask(query('Anything.wild.example.com', 'A'));
    expect(packet.answers?.map((a) => [a.name, 'data' in a && a.data])).toEqual([
      ['Anything.wild.example.com', '192.0.2.99'],
    ]);
  });
});

describe('DNS answers: negative answers and codes', () => {
  it('NXDOMAIN with the zone’s SOA in the authority section, authoritative', async () => {
    const { packet } = await ask(query('nope.example.com', 'A'));
    expect(packet).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    expect(packet.authorities).toEqual([
      expect.objectContaining({
        name: 'example.com',
        type: 'SOA',
        ttl: 900,
        data: expect.objectContaining({ minimum: 86400 }),
      }),
    ]);
  });

  it('NODATA: NOERROR, no answers, the SOA in the authority section', async () => {
    const { packet } = await ask(query('www.example.com', 'MX'));
    expect(packet).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(packet.authorities?.map((a) => a.type)).toEqual(['SOA']);
  });

  it('REFUSED for names outside the lab’s zones, and for classes other than IN', async () => {
    const out = await ask(query('www.example.org', 'A'));
    expect(out.packet).toMatchObject({ rcode: 'REFUSED', flag_aa: false, answers: [], authorities: [] });
    const chaos = await ask(
      encode({ type: 'query', id: 9, questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }),
    );
    expect(chaos.packet).toMatchObject({ id: 9, rcode: 'REFUSED' });
    expect(chaos.packet.questions).toEqual([{ name: 'version.bind', type: 'TXT', class: 'CH' }]);
  });

  it('SERVFAIL when the resolver fails', async () => {
    const { packet } = await ask(query('throw.example.com', 'A'));
    expect(packet).toMatchObject({ rcode: 'SERVFAIL', flag_aa: false, answers: [] });
  });

  it('NOTIMP for opcodes other than QUERY (NOTIFY, UPDATE), the question echoed', async () => {
    const notify = query('example.com', 'SOA', { flags: 4 << 11 });
    const { packet } = await ask(notify);
    expect(packet).toMatchObject({ opcode: 'NOTIFY', rcode: 'NOTIMP', answers: [] });
    expect(packet.questions).toEqual([{ name: 'example.com', type: 'SOA', class: 'IN' }]);
    expect((await ask(query('example.com', 'SOA', { flags: 5 << 11 }))).packet).toMatchObject({
      opcode: 'UPDATE',
      rcode: 'NOTIMP',
    });
  });

  it('REFUSED for zone transfers', async () => {
    expect((await ask(query('example.com', 'AXFR'), 'tcp')).packet).toMatchObject({
      rcode: 'REFUSED',
      answers: [],
    });
  });
});

describe('DNS answers: ANY and types Route 53 does not serve', () => {
  it('ANY gets one synthesised HINFO "RFC8482" (RFC 8482 §4.2), or the CNAME, or NXDOMAIN', async () => {
    const { packet } = await ask(query('www.example.com', 'ANY'));
    expect(packet).toMatchObject({ rcode: 'NOERROR', flag_aa: true });
    expect(packet.answers).toEqual([
      {
        name: 'www.example.com',
        type: 'HINFO',
        class: 'IN',
        ttl: 3600,
        flush: false,
        data: { cpu: 'RFC8482', os: '' },
      },
    ]);
    expect(data((await ask(query('alias.example.com', 'ANY'))).packet)).toEqual(['www.example.com']);
    expect((await ask(query('nope.example.com', 'ANY'))).packet).toMatchObject({
      rcode: 'NXDOMAIN',
      answers: [],
    });
  });

  it('an unserved type (HTTPS, HINFO) is NODATA with the SOA where the name exists, NXDOMAIN where not', async () => {
    const https = await ask(query('www.example.com', 'UNKNOWN_65'));
    expect(https.packet).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(https.packet.questions).toEqual([{ name: 'www.example.com', type: 'UNKNOWN_65', class: 'IN' }]);
    expect(https.packet.authorities?.map((a) => [a.name, a.type, 'ttl' in a && a.ttl])).toEqual([
      ['example.com', 'SOA', 900],
    ]);
    // At the apex the SOA comes from the answer: negative TTL min(TTL, MINIMUM).
    const apex = await ask(query('example.com', 'HINFO'));
    expect(apex.packet.authorities?.map((a) => [a.type, 'ttl' in a && a.ttl])).toEqual([['SOA', 900]]);
    expect((await ask(query('nope.example.com', 'UNKNOWN_65'))).packet).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(data((await ask(query('alias.example.com', 'UNKNOWN_65'))).packet)).toEqual(['www.example.com']);
  });
});

describe('DNS answers: size, EDNS0 and truncation', () => {
  it('over UDP without EDNS0 an answer past 512 bytes is truncated: TC set, no records', async () => {
    const full = await ask(query('big.example.com', 'TXT'), 'tcp');
    expect(full.bytes.length).toBeGreaterThan(512);
    expect(full.packet.answers).toHaveLength(12);
    expect(full.packet.flag_tc).toBe(false);

    const { packet, bytes } = await ask(query('big.example.com', 'TXT'));
    expect(bytes.length).toBeLessThanOrEqual(512);
    expect(packet).toMatchObject({
      flag_tc: true,
      flag_aa: true,
      rcode: 'NOERROR',
      answers: [],
      authorities: [],
    });
    expect(packet.questions).toEqual([{ name: 'big.example.com', type: 'TXT', class: 'IN' }]);
  });

  it('with EDNS0 the client’s size is honoured (at most 4096) and an OPT record comes back', async () => {
    const big = await ask(query('big.example.com', 'TXT', { edns: 1232 }));
    expect(big.packet.flag_tc).toBe(false);
    expect(big.packet.answers).toHaveLength(12);
    const opt = big.packet.additionals?.find((a) => a.type === 'OPT');
    expect(opt).toMatchObject({ name: '.', udpPayloadSize: 4096, ednsVersion: 0, flag_do: false });
    // A size under 512 counts as 512; a small one truncates.
    const small = await ask(query('big.example.com', 'TXT', { edns: 600 }));
    expect(small.packet.flag_tc).toBe(true);
    expect(small.bytes.length).toBeLessThanOrEqual(600);
    expect((await ask(query('www.example.com', 'A', { edns: 100 }))).packet.flag_tc).toBe(false);
    // No OPT in the query: none in the answer.
    expect((await ask(query('www.example.com', 'A'))).packet.additionals).toEqual([]);
  });

  it('drops the additional section before truncating', async () => {
    const many: DnsResolve = async (q) =>
      q.type === 'MX'
        ? {
            code: 'NOERROR',
            authoritative: true,
            answers: Array.from({ length: 8 }, (_, i) => ({
              name: 'example.com.',
              type: 'MX' as const,
              ttl: 300,
              value: `${i} mail${i}.example.com`,
            })),
            authority: [],
          }
        : {
            code: 'NOERROR',
            authoritative: true,
            answers: [{ name: q.name, type: 'AAAA' as const, ttl: 300, value: '2001:db8::1' }].filter(
              () => q.type === 'AAAA',
            ),
            authority: [],
          };
    const { packet, bytes } = await ask(query('example.com', 'MX'), 'udp', many);
    expect(bytes.length).toBeLessThanOrEqual(512);
    expect(packet.flag_tc).toBe(false);
    expect(packet.answers).toHaveLength(8);
    expect(packet.additionals).toEqual([]);
    const tcp = await ask(query('example.com', 'MX'), 'tcp', many);
    expect(tcp.packet.additionals).toHaveLength(8);
  });

  it('answers BADVERS to EDNS versions above 0', async () => {
    const q = encode({
      type: 'query',
      id: 5,
      questions: [{ name: 'www.example.com', type: 'A' }],
      additionals: [
        {
          name: '.',
          type: 'OPT',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 1,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    const { packet } = await ask(q);
    expect(packet.rcode).toBe('NOERROR'); // the low four bits of BADVERS (16)
    expect(packet.answers).toEqual([]);
    expect(packet.additionals?.[0]).toMatchObject({ type: 'OPT', extendedRcode: 1, ednsVersion: 0 });
  });
});

describe('DNS answers: malformed input', () => {
  const opts = { transport: 'udp' as const, remoteAddress: '127.0.0.1', resolve: fakeResolve };

  it('drops what is not a query: too short, or a response', async () => {
    expect(await answerQuery(Buffer.alloc(0), opts)).toBeNull();
    expect(await answerQuery(Buffer.from('hello'), opts)).toBeNull();
    const response = encode({ type: 'response', id: 1, questions: [{ name: 'example.com', type: 'A' }] });
    expect(await answerQuery(response, opts)).toBeNull();
  });

  it('FORMERR with the id for a question that cannot be read, or is not exactly one', async () => {
    const cut = query('www.example.com', 'A').subarray(0, 20);
    const a = decode((await answerQuery(cut, opts))!) as Decoded;
    expect(a).toMatchObject({ id: 0x1234, rcode: 'FORMERR', questions: [] });
    const none = encode({ type: 'query', id: 2, questions: [] });
    expect(decode((await answerQuery(none, opts))!)).toMatchObject({ id: 2, rcode: 'FORMERR' });
    const two = encode({
      type: 'query',
      id: 3,
      questions: [
        { name: 'a.example.com', type: 'A' },
        { name: 'b.example.com', type: 'A' },
      ],
    });
    expect(decode((await answerQuery(two, opts))!)).toMatchObject({ id: 3, rcode: 'FORMERR', questions: [] });
    // A compression pointer in the question.
    const pointer = Buffer.concat([query('x', 'A').subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    expect(decode((await answerQuery(pointer, opts))!)).toMatchObject({ rcode: 'FORMERR' });
    // A broken additional section after a good question: FORMERR, question echoed.
    const good = query('www.example.com', 'A');
    const broken = Buffer.concat([good, Buffer.from([0x00, 0x00, 0x29])]);
    broken.writeUInt16BE(1, 10);
    const b = decode((await answerQuery(broken, opts))!) as Decoded;
    expect(b).toMatchObject({ rcode: 'FORMERR' });
    expect(b.questions).toEqual([{ name: 'www.example.com', type: 'A', class: 'IN' }]);
  });

  it('survives random bytes', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.from(Array.from({ length: 12 + (i % 60) }, rand));
      if (i % 2) buf.writeUInt16BE(buf.readUInt16BE(2) & 0x7fff, 2);
      const out = await answerQuery(buf, opts);
      if (out) expect(() => decode(out)).not.toThrow();
    }
  });
});

describe('DNS records: Route 53 text to the wire', () => {
  it('unescapes names and parses character-strings', () => {
    expect(wireName('\\052.example.com.')).toBe('*.example.com');
    expect(wireName('.')).toBe('.');
    expect(characterStrings('"a b" "c\\"d" e \\101').map(String)).toEqual(['a b', 'c"d', 'e', 'A']);
    expect(characterStrings('""').map(String)).toEqual(['']);
    const long = characterStrings(`"${'y'.repeat(300)}"`);
    expect(long.map((b) => b.length)).toEqual([255, 45]);
    expect(characterStrings('"caf\\303\\251"')[0]!.toString('utf8')).toBe('café');
  });

  it('refuses values it cannot encode, naming the record', () => {
    expect(() => toAnswer({ name: 'x.', type: 'MX', ttl: 1, value: 'mail.example.com' })).toThrow(
      /MX record "mail.example.com"/,
    );
    expect(() => toAnswer({ name: 'x.', type: 'A', ttl: 1, value: 'nope' })).toThrow(/not an IPv4/);
  });
});
