/**
 * dig, host and nslookup: questions to the VPC's resolver (AmazonProvidedDNS at the VPC's
 * base address plus two), which is the one resolver in `network/dns`. Like the real tools they
 * skip /etc/hosts; host and nslookup apply the search domain to a single label, dig does not.
 * The VPC resolver is recursive, so answers never carry the `aa` flag.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import { display } from '../../network/dns/names';
import { RR_TYPES, type DnsRecord, type DnsResult, type RRType } from '../../network/dns/types';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { dateLine } from './cli-kit';
import { dnsServerOf } from './ec2-view';
import { networkOf } from './network';
import { isIpv4 } from './resolver';

const arpa = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;

const TYPES: string[] = [...RR_TYPES, 'ANY'];

function typeOf(text: string | undefined): RRType | 'ANY' | null {
  const t = (text ?? '').toUpperCase();
  return TYPES.includes(t) ? (t as RRType | 'ANY') : null;
}

const line = (r: DnsRecord) => `${display(r.name)}\t${r.ttl}\tIN\t${r.type}\t${r.value}`;

/** Ask the resolver, applying the search domain to a single label (host, nslookup). */
async function ask(m: Machine, name: string, type: RRType | 'ANY', search: boolean) {
  const r = networkOf(m.os).resolver(m);
  let last: { name: string; result: DnsResult } | undefined;
  for (const candidate of r.candidates(name, search)) {
    const result = await r.query(candidate, type);
    last = { name: candidate, result };
    if (result.code === 'NOERROR' && result.answers.length) break;
  }
  return last!;
}

export const dig = (m: Machine): CustomCommand =>
  defineCommand('dig', async (args) => {
    const short = args.includes('+short');
    let reverse = false;
    let name: string | undefined;
    let type: RRType | 'ANY' = 'A';
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-x') {
        reverse = true;
        name = args[++i];
      } else if (a === '-t') type = typeOf(args[++i]) ?? type;
      else if (a.startsWith('+') || a.startsWith('@')) continue;
      else if (typeOf(a)) type = typeOf(a)!;
      else if (a.toUpperCase() === 'IN') continue;
      else if (!a.startsWith('-')) name = a;
    }
    name ??= '.';
    const server = dnsServerOf(m);
    let qname: string;
    let qtype: string;
    let result: DnsResult;
    if (reverse) {
      const ptr = isIpv4(name) ? networkOf(m.os).resolver(m).reverse(name) : null;
      qname = `${arpa(name)}.`;
      qtype = 'PTR';
      result = ptr
        ? {
            code: 'NOERROR',
            authoritative: false,
            answers: [{ name: qname, type: 'PTR', ttl: 60, value: `${ptr}.` }],
            authority: [],
          }
        : { code: 'NXDOMAIN', authoritative: false, answers: [], authority: [] };
    } else {
      qname = `${name.replace(/\.$/, '')}.`;
      qtype = type;
      result =
        isIpv4(name) && type === 'A'
          ? {
              code: 'NOERROR',
              authoritative: false,
              answers: [{ name: qname, type: 'A', ttl: 0, value: name }],
              authority: [],
            }
          : await networkOf(m.os).resolver(m).query(name, type);
    }
    if (short) return ok(result.answers.map((r) => `${r.value}\n`).join(''));
    const id = (name.length * 7919 + m.cloud.clock.now()) % 65536;
    const { answers, authority } = result;
    let out = `\n; <<>> DiG 9.18.33 <<>> ${args.join(' ')}\n;; global options: +cmd\n;; Got answer:\n`;
    out += `;; ->>HEADER<<- opcode: QUERY, status: ${result.code}, id: ${id}\n`;
    out += `;; flags: qr rd ra; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${authority.length}, ADDITIONAL: 1\n\n`;
    out += ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n';
    out += `;; QUESTION SECTION:\n;${qname}\t\tIN\t${qtype}\n\n`;
    if (answers.length) out += `;; ANSWER SECTION:\n${answers.map(line).join('\n')}\n\n`;
    if (authority.length) out += `;; AUTHORITY SECTION:\n${authority.map(line).join('\n')}\n\n`;
    const size = 40 + qname.length + [...answers, ...authority].reduce((n, r) => n + 12 + r.value.length, 0);
    out += `;; Query time: 0 msec\n;; SERVER: ${server}#53(${server}) (UDP)\n;; WHEN: ${dateLine(m.cloud.clock.date())}\n;; MSG SIZE  rcvd: ${size}\n\n`;
    return ok(out);
  });

const RCODE: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** How host and nslookup word a record. */
function hostLine(r: DnsRecord): string {
  const n = display(r.name).replace(/\.$/, '');
  switch (r.type) {
    case 'A':
      return `${n} has address ${r.value}`;
    case 'AAAA':
      return `${n} has IPv6 address ${r.value}`;
    case 'CNAME':
      return `${n} is an alias for ${r.value}`;
    case 'MX':
      return `${n} mail is handled by ${r.value}`;
    case 'TXT':
    case 'SPF':
      return `${n} descriptive text ${r.value}`;
    case 'NS':
      return `${n} name server ${r.value}`;
    default:
      return `${n} has ${r.type} record ${r.value}`;
  }
}

export const host = (m: Machine): CustomCommand =>
  defineCommand('host', async (args) => {
    let type: RRType | 'ANY' | null = null;
    const names: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-t') type = typeOf(args[++i]);
      else if (!a.startsWith('-')) names.push(a);
    }
    const name = names[0];
    if (!name)
      return fail(
        'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n',
      );
    if (isIpv4(name)) {
      const ptr = networkOf(m.os).resolver(m).reverse(name);
      if (!ptr) return fail(`Host ${arpa(name)} not found: 3(NXDOMAIN)\n`);
      return ok(`${arpa(name)} domain name pointer ${ptr}.\n`);
    }
    const types: Array<RRType | 'ANY'> = type ? [type] : ['A', 'AAAA', 'MX'];
    const lines: string[] = [];
    for (const t of types) {
      const { result } = await ask(m, name, t, true);
      if (result.code !== 'NOERROR')
        return fail(`Host ${name} not found: ${RCODE[result.code]}(${result.code})\n`);
      for (const r of result.answers) {
        const text = hostLine(r);
        if (!lines.includes(text)) lines.push(text);
      }
    }
    if (!lines.length && type) return fail(`${name} has no ${type} record\n`);
    return ok(lines.map((l) => `${l}\n`).join(''));
  });

export const nslookup = (m: Machine): CustomCommand =>
  defineCommand('nslookup', async (args) => {
    let type: RRType | 'ANY' = 'A';
    const names: string[] = [];
    for (const a of args) {
      const opt = /^-(?:type|query|q|t)=(\w+)$/i.exec(a);
      if (opt) type = typeOf(opt[1]) ?? type;
      else if (!a.startsWith('-')) names.push(a);
    }
    const name = names[0];
    if (!name) return fail('nslookup: interactive mode is not available here; give a name to look up.\n');
    const server = dnsServerOf(m);
    const head = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
    if (isIpv4(name)) {
      const ptr = networkOf(m.os).resolver(m).reverse(name);
      if (!ptr) return fail(`** server can't find ${arpa(name)}: NXDOMAIN\n`, 1, head);
      return ok(`${head}${arpa(name)}\tname = ${ptr}.\n\n`);
    }
    const asked = await ask(m, name, type, true);
    const { result } = asked;
    if (result.code !== 'NOERROR') return fail(`** server can't find ${name}: ${result.code}\n`, 1, head);
    if (!result.answers.length) return fail(`*** Can't find ${asked.name}: No answer\n`, 1, head);
    let out = `${head}Non-authoritative answer:\n`;
    for (const r of result.answers) {
      const n = display(r.name).replace(/\.$/, '');
      if (r.type === 'A' || r.type === 'AAAA') out += `Name:\t${n}\nAddress: ${r.value}\n`;
      else if (r.type === 'CNAME') out += `${n}\tcanonical name = ${r.value}\n`;
      else if (r.type === 'MX') out += `${n}\tmail exchanger = ${r.value}\n`;
      else if (r.type === 'TXT' || r.type === 'SPF') out += `${n}\ttext = ${r.value}\n`;
      else if (r.type === 'NS') out += `${n}\tnameserver = ${r.value}\n`;
      else out += `${n}\t${r.type.toLowerCase()} = ${r.value}\n`;
    }
    return ok(`${out}\n`);
  });
