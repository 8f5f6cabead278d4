/**
 * Route 53's text form of a record (what ResourceRecords carry: `10 mail.example.com`,
 * `"v=spf1 -all"`, the SOA's seven fields …) turned into dns-packet's data shapes, so the DNS
 * server can put the resolver's answers on the wire. Names keep Route 53's escapes until here:
 * `\052` (octal, as Route 53 writes them) becomes `*`.
 */
import type { Answer, CaaData } from 'dns-packet';
import type { DnsRecord, RRType } from '../../core/network/dns/types';

/** A value that cannot be put on the wire (the API validates values, so this is a lab bug). */
export class RecordDataError extends Error {
  constructor(type: RRType, value: string, why: string) {
    super(`cannot encode ${type} record ${JSON.stringify(value)}: ${why}`);
    this.name = 'RecordDataError';
  }
}

/** `www.example.com.` with Route 53's octal escapes (`\052` for `*`) → `www.example.com`. */
export function wireName(name: string): string {
  const unescaped = name.includes('\\')
    ? name.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)))
    : name;
  return unescaped === '.' ? '.' : unescaped.replace(/\.$/, '');
}

/**
 * The character-strings of a TXT or SPF value: `"a" "b"` → [a, b], with `\"`, `\\` and octal
 * `\ddd` escapes; an unquoted word is one string. Strings past 255 bytes are split, as a
 * character-string cannot be longer.
 */
export function characterStrings(value: string): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const bytes: number[] = [];
    const quoted = c === '"';
    if (quoted) i++;
    while (i < value.length) {
      const ch = value[i]!;
      if (quoted ? ch === '"' : ch === ' ' || ch === '\t') break;
      if (ch === '\\' && i + 1 < value.length) {
        const oct = /^[0-7]{3}/.exec(value.slice(i + 1, i + 4));
        if (oct) {
          bytes.push(parseInt(oct[0], 8) & 0xff);
          i += 4;
        } else {
          bytes.push(...Buffer.from(value[i + 1]!, 'utf8'));
          i += 2;
        }
        continue;
      }
      const cp = value.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(s, 'utf8'));
      i += s.length;
    }
    if (quoted) i++; // the closing quote
    const buf = Buffer.from(bytes);
    if (buf.length === 0) out.push(buf);
    for (let at = 0; at < buf.length; at += 255) out.push(buf.subarray(at, at + 255));
  }
  return out;
}

/** Split on blanks outside double quotes; quotes are kept on the token. */
function tokens(value: string): string[] {
  const out: string[] = [];
  const re = /"(?:[^"\\]|\\.)*"|\S+/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[0]);
  return out;
}

/** A quoted token's text (`"E2U+sip"` → `E2U+sip`), escapes resolved. */
function unquote(token: string): string {
  return characterStrings(token)[0]?.toString('utf8') ?? '';
}

function int(type: RRType, value: string, text: string | undefined, max: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > max)
    throw new RecordDataError(type, value, `"${text ?? ''}" is not a number from 0 to ${max}`);
  return Number(text);
}

/** The record's data in dns-packet's shape, for `type`. */
function data(record: DnsRecord): unknown {
  const { type, value } = record;
  const v = value.trim();
  const parts = tokens(v);
  switch (type) {
    case 'A':
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) throw new RecordDataError(type, value, 'not an IPv4 address');
      return v;
    case 'AAAA':
      if (!v.includes(':')) throw new RecordDataError(type, value, 'not an IPv6 address');
      return v;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return wireName(v);
    case 'MX':
      return { preference: int(type, value, parts[0], 0xffff), exchange: wireName(need(record, parts, 1)) };
    case 'TXT':
    case 'SPF':
      return characterStrings(v);
    case 'SOA':
      return {
        mname: wireName(need(record, parts, 0)),
        rname: wireName(need(record, parts, 1)),
        serial: int(type, value, parts[2], 0xffffffff),
        refresh: int(type, value, parts[3], 0xffffffff),
        retry: int(type, value, parts[4], 0xffffffff),
        expire: int(type, value, parts[5], 0xffffffff),
        minimum: int(type, value, parts[6], 0xffffffff),
      };
    case 'SRV':
      return {
        priority: int(type, value, parts[0], 0xffff),
        weight: int(type, value, parts[1], 0xffff),
        port: int(type, value, parts[2], 0xffff),
        target: wireName(need(record, parts, 3)),
      };
    case 'CAA':
      return {
        flags: int(type, value, parts[0], 0xff),
        tag: need(record, parts, 1) as CaaData['tag'],
        value: unquote(need(record, parts, 2)),
      } satisfies CaaData;
    case 'NAPTR':
      return {
        order: int(type, value, parts[0], 0xffff),
        preference: int(type, value, parts[1], 0xffff),
        flags: unquote(need(record, parts, 2)),
        services: unquote(need(record, parts, 3)),
        regexp: unquote(need(record, parts, 4)),
        replacement: wireName(need(record, parts, 5)),
      };
    case 'DS': {
      const digest = parts.slice(3).join('');
      if (!/^([0-9a-fA-F]{2})+$/.test(digest))
        throw new RecordDataError(type, value, 'the digest is not hex');
      return {
        keyTag: int(type, value, parts[0], 0xffff),
        algorithm: int(type, value, parts[1], 0xff),
        digestType: int(type, value, parts[2], 0xff),
        digest: Buffer.from(digest, 'hex'),
      };
    }
  }
}

function need(record: DnsRecord, parts: string[], i: number): string {
  const part = parts[i];
  if (part === undefined) throw new RecordDataError(record.type, record.value, `field ${i + 1} is missing`);
  return part;
}

/**
 * One answer record for dns-packet. `owner` replaces the record's name (the question's own
 * spelling, so a query's letter case comes back as it was sent).
 */
export function toAnswer(record: DnsRecord, owner?: string): Answer {
  const answer = {
    name: owner ?? wireName(record.name),
    type: record.type,
    class: 'IN',
    ttl: record.ttl,
    data: data(record),
  };
  if (record.type === 'SPF') {
    // dns-packet has no SPF encoder: SPF's RDATA is TXT's, written as raw bytes.
    const strings = answer.data as Buffer[];
    answer.data = Buffer.concat(strings.flatMap((s) => [Buffer.from([s.length]), s]));
  }
  return answer as Answer;
}
