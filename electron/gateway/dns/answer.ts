/**
 * One DNS message in, one out: what the DNS server on `--dns-port` does with a query, over UDP
 * or TCP alike, as an authoritative server (Route 53's name servers) does.
 *
 * - The header: the ID kept, QR and the opcode set, AA when the resolver answered from a zone
 *   it is authoritative for, RD and CD copied, RA never set (no recursion offered).
 * - The question is echoed byte for byte, so its letter case comes back as sent (0x20
 *   randomisation), and answer records owned by the question's name are spelled as it was.
 * - RCODEs: NOERROR, NXDOMAIN and REFUSED from the resolver; SERVFAIL when it fails; FORMERR
 *   for a question that cannot be read or is not exactly one; NOTIMP for any opcode but QUERY;
 *   REFUSED for a class other than IN (or ANY) and for zone transfers; BADVERS for EDNS > 0.
 * - Sections: answers (the CNAME chain first), authority (the zone's SOA for NXDOMAIN and
 *   NODATA), and, as Route 53 does, A/AAAA records for the targets of MX, NS, SRV and CNAME
 *   answers in the additional section when the lab knows them.
 * - Size: over UDP 512 bytes, or with EDNS0 the client's advertised size (at most 4096, as
 *   Route 53 allows); past it the additional records go first, then the authority of a positive
 *   answer, then everything with TC set, so the client asks again over TCP.
 * - QTYPE ANY (RFC 8482 §4.2): a name with a CNAME answers its CNAME, any other existing name
 *   one synthesised `HINFO "RFC8482" ""`; NXDOMAIN as for any type.
 * - A type Route 53 does not serve (HTTPS, SVCB, HINFO …): NODATA with the zone's SOA if the
 *   name exists, else NXDOMAIN.
 *
 * A message that is not a query (under 12 bytes, or QR set) gets no answer: the caller drops it
 * (UDP) or closes the connection (TCP).
 */
import { decode, encode, type Answer, type DecodedPacket, type OptAnswer } from 'dns-packet';
import {
  RR_TYPES,
  type DnsClient,
  type DnsQuestion,
  type DnsRecord,
  type DnsResult,
  type RRType,
} from '../../core/network/dns/types';
import { toAnswer, wireName } from './records';

export type DnsResolve = (question: DnsQuestion, client: DnsClient) => Promise<DnsResult>;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** The classic UDP limit (RFC 1035), used without EDNS0. */
export const UDP_LIMIT = 512;
/** The most Route 53 sends over UDP with EDNS0, and the size this server advertises. */
export const EDNS_MAX = 4096;
/** TTL of the synthesised HINFO for ANY (RFC 8482 leaves it to the implementer). */
export const ANY_HINFO_TTL = 3600;

const QR = 0x8000;
const AA = 0x0400;
const TC = 0x0200;
const RD = 0x0100;
const CD = 0x0010;

/** The types the resolver serves (Route 53's record types). */
const SERVED = new Set<RRType>(RR_TYPES);
/** Answers whose target's addresses go in the additional section. */
const TARGETED = new Set<RRType>(['MX', 'NS', 'SRV', 'CNAME']);
const MAX_ADDITIONAL_TARGETS = 8;

export interface AnswerOptions {
  transport: 'udp' | 'tcp';
  /** The asker's address, as the socket saw it. */
  remoteAddress: string;
  resolve: DnsResolve;
  log?: (message: string) => void;
}

interface QuestionBytes {
  /** The question section as received (name, type, class). */
  raw: Buffer;
  type: number;
  klass: number;
}

interface Sections {
  rcode: number;
  aa: boolean;
  answers: Answer[];
  authorities: Answer[];
  /** Optional records (targets' addresses): dropped first when the answer is too big. */
  extra: Answer[];
}

/** The answer to `query`, or null when it is not a query at all (drop it / close). */
export async function answerQuery(query: Buffer, options: AnswerOptions): Promise<Buffer | null> {
  if (query.length < 12) return null;
  const flags = query.readUInt16BE(2);
  if (flags & QR) return null; // a response: never answer one (no reflection loops)
  const id = query.readUInt16BE(0);
  const opcode = (flags >> 11) & 0xf;
  const qdcount = query.readUInt16BE(4);
  const question = qdcount === 1 ? scanQuestion(query) : null;
  const header = (opcode << 11) | (flags & (RD | CD));
  const empty = (rcode: number): Sections => ({ rcode, aa: false, answers: [], authorities: [], extra: [] });

  if (opcode !== 0) return build(id, header, question?.raw ?? null, empty(RCODE.NOTIMP), null, Infinity);
  if (!question) return build(id, header, null, empty(RCODE.FORMERR), null, Infinity);

  let packet: DecodedPacket;
  try {
    packet = decode(query);
  } catch {
    return build(id, header, question.raw, empty(RCODE.FORMERR), null, Infinity);
  }
  const opts = (packet.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  if (opts.length > 1) return build(id, header, question.raw, empty(RCODE.FORMERR), null, Infinity);
  const opt = opts[0] ?? null;
  const limit =
    options.transport === 'tcp'
      ? 0xffff
      : opt
        ? Math.min(EDNS_MAX, Math.max(UDP_LIMIT, opt.udpPayloadSize))
        : UDP_LIMIT;
  if (opt && opt.ednsVersion > 0) {
    // BADVERS (16): the upper eight bits of the extended RCODE ride in the OPT record.
    return build(id, header, question.raw, empty(0), { extendedRcode: 16 >> 4 }, limit);
  }

  const name = packet.questions?.[0]?.name ?? '.';
  let sections: Sections;
  if (question.klass !== 1 && question.klass !== 255) sections = empty(RCODE.REFUSED);
  else {
    try {
      sections = await answerQuestion(name, question.type, packet.questions?.[0]?.type ?? '', options);
    } catch (e) {
      options.log?.(
        `dns server: ${name} ${packet.questions?.[0]?.type ?? question.type}: ${(e as Error).message}`,
      );
      sections = empty(RCODE.SERVFAIL);
    }
  }
  try {
    return build(id, header, question.raw, sections, opt ? {} : null, limit);
  } catch (e) {
    // A record the wire cannot carry (the API validates values, so this is a lab bug): say so.
    options.log?.(`dns server: ${name}: ${(e as Error).message}`);
    return build(id, header, question.raw, empty(RCODE.SERVFAIL), opt ? {} : null, limit);
  }
}

/**
 * The question section's bytes, read by hand: a name of plain labels (a compression pointer
 * cannot point anywhere useful in a query's first name), at most 255 bytes, then type and class.
 */
function scanQuestion(query: Buffer): QuestionBytes | null {
  let at = 12;
  for (;;) {
    if (at >= query.length) return null;
    const len = query[at]!;
    if (len === 0) break;
    if (len & 0xc0) return null;
    at += len + 1;
    if (at - 12 > 255) return null;
  }
  at++;
  if (at + 4 > query.length) return null;
  return { raw: query.subarray(12, at + 4), type: query.readUInt16BE(at), klass: query.readUInt16BE(at + 2) };
}

/** The response's bytes, made to fit `limit`. */
function build(
  id: number,
  header: number,
  question: Buffer | null,
  s: Sections,
  opt: { extendedRcode?: number } | null,
  limit: number,
): Buffer {
  const flags = header | (s.aa ? AA : 0) | (s.rcode & 0xf);
  const additionals: Answer[] = opt
    ? [
        {
          name: '.',
          type: 'OPT',
          udpPayloadSize: EDNS_MAX,
          extendedRcode: opt.extendedRcode ?? 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const encodeWith = (f: number, answers: Answer[], authorities: Answer[], extra: Answer[]): Buffer => {
    const body = encode({
      type: 'response',
      id,
      flags: f,
      questions: [],
      answers,
      authorities,
      additionals: [...extra, ...additionals],
    });
    if (!question) return body;
    body.writeUInt16BE(1, 4);
    return Buffer.concat([body.subarray(0, 12), question, body.subarray(12)]);
  };
  let out = encodeWith(flags, s.answers, s.authorities, s.extra);
  if (out.length <= limit) return out;
  out = encodeWith(flags, s.answers, s.authorities, []);
  if (out.length <= limit) return out;
  if (s.answers.length > 0 && s.rcode === RCODE.NOERROR) {
    out = encodeWith(flags, s.answers, [], []);
    if (out.length <= limit) return out;
  }
  return encodeWith(flags | TC, [], [], []);
}

const clientOf = (remoteAddress: string): DnsClient => ({
  kind: 'internet',
  ip: remoteAddress.replace(/^::ffff:/, ''),
});

/** The sections for one question of class IN. */
async function answerQuestion(
  name: string,
  qtype: number,
  typeName: string,
  options: AnswerOptions,
): Promise<Sections> {
  const client = clientOf(options.remoteAddress);
  const owner = name === '.' ? '.' : name.replace(/\.$/, '');
  const ownerKey = owner.toLowerCase();
  const convert = (records: DnsRecord[]): Answer[] =>
    records.map((r) => toAnswer(r, wireName(r.name).toLowerCase() === ownerKey ? owner : undefined));

  if (qtype === 252 || qtype === 251) {
    // AXFR / IXFR: Route 53 does not transfer zones.
    return { rcode: RCODE.REFUSED, aa: false, answers: [], authorities: [], extra: [] };
  }
  if (SERVED.has(typeName as RRType)) {
    const result = await options.resolve({ name, type: typeName as RRType }, client);
    const extra = await additional(result, client, options.resolve);
    return {
      rcode: RCODE[result.code],
      aa: result.authoritative,
      answers: convert(result.answers),
      authorities: convert(result.authority),
      extra: convert(extra),
    };
  }

  // ANY and the types Route 53 does not serve: does the name exist, is it a CNAME? Asking for
  // its SOA tells: NXDOMAIN or REFUSED as such, a CNAME chain, the apex's SOA, or NODATA with it.
  const probe = await options.resolve({ name, type: 'SOA' }, client);
  const base = { rcode: RCODE[probe.code], aa: probe.authoritative, extra: [] };
  if (probe.code !== 'NOERROR')
    return { ...base, answers: convert(probe.answers), authorities: convert(probe.authority) };
  const cnames = probe.answers.filter((r) => r.type === 'CNAME' && r.name.toLowerCase() === `${ownerKey}.`);
  if (cnames.length > 0) return { ...base, answers: convert(cnames), authorities: [] };
  if (qtype === 255) {
    const hinfo: Answer = {
      name: owner,
      type: 'HINFO',
      class: 'IN',
      ttl: ANY_HINFO_TTL,
      data: { cpu: 'RFC8482', os: '' },
    };
    return { ...base, answers: [hinfo], authorities: [] };
  }
  const apex = probe.answers.find((r) => r.type === 'SOA');
  const soa = probe.authority.filter((r) => r.type === 'SOA');
  if (soa.length === 0 && apex) {
    // The name is the apex: NODATA's SOA is negative-cached for min(TTL, MINIMUM) (RFC 2308).
    const minimum = Number(apex.value.trim().split(/\s+/)[6]);
    soa.push({ ...apex, ttl: Number.isFinite(minimum) ? Math.min(apex.ttl, minimum) : apex.ttl });
  }
  return { ...base, answers: [], authorities: convert(soa) };
}

/**
 * Route 53's additional-section processing: A and AAAA records for the targets of MX, NS, SRV
 * and CNAME answers, when the lab answers for them authoritatively.
 */
async function additional(result: DnsResult, client: DnsClient, resolve: DnsResolve): Promise<DnsRecord[]> {
  if (result.code !== 'NOERROR' || !result.authoritative) return [];
  const have = new Set(
    result.answers.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.name.toLowerCase()),
  );
  const targets = new Set<string>();
  for (const r of result.answers) {
    if (!TARGETED.has(r.type)) continue;
    const parts = r.value.trim().split(/\s+/);
    const target = (r.type === 'MX' ? parts[1] : r.type === 'SRV' ? parts[3] : parts[0])?.toLowerCase();
    if (!target || target === '.') continue;
    const fq = target.endsWith('.') ? target : `${target}.`;
    if (!have.has(fq)) targets.add(fq);
  }
  const out: DnsRecord[] = [];
  for (const target of [...targets].slice(0, MAX_ADDITIONAL_TARGETS)) {
    for (const type of ['A', 'AAAA'] as const) {
      const r = await resolve({ name: target, type }, client).catch(() => null);
      if (r?.code === 'NOERROR' && r.authoritative)
        out.push(...r.answers.filter((a) => a.type === type && a.name.toLowerCase() === target));
    }
  }
  return out;
}
