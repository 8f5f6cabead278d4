/**
 * dig, host and nslookup: questions to the VPC's resolver (AmazonProvidedDNS at the VPC's
 * base address plus two). Like the real tools they skip /etc/hosts.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { dateLine } from './cli-kit';
import { dnsServerOf } from './ec2-view';
import { networkOf } from './network';
import { isIpv4, type DnsAnswer } from './resolver';

const arpa = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;

async function query(
  m: Machine,
  name: string,
  reverse: boolean,
): Promise<{ answer: DnsAnswer | null; ptr: string | null }> {
  const r = networkOf(m.os).resolver(m);
  if (reverse) return { answer: null, ptr: r.reverse(name) };
  return {
    answer: isIpv4(name) ? { name, address: name, ttl: 0, from: 'literal' } : await r.dns(name),
    ptr: null,
  };
}

export const dig = (m: Machine): CustomCommand =>
  defineCommand('dig', async (args) => {
    const short = args.includes('+short');
    let reverse = false;
    let name: string | undefined;
    let type = 'A';
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-x') {
        reverse = true;
        name = args[++i];
      } else if (a.startsWith('+') || a.startsWith('@')) continue;
      else if (/^(A|AAAA|MX|NS|TXT|CNAME|SOA|PTR|ANY)$/i.test(a)) type = a.toUpperCase();
      else if (!a.startsWith('-')) name = a;
    }
    name ??= '.';
    const { answer, ptr } = await query(m, name, reverse);
    const qname = reverse ? `${arpa(name)}.` : `${name.replace(/\.$/, '')}.`;
    const qtype = reverse ? 'PTR' : type;
    const found = reverse ? ptr !== null : answer !== null && type === 'A';
    const records = !found
      ? []
      : reverse
        ? [`${qname}\t60\tIN\tPTR\t${ptr}.`]
        : [`${qname}\t${answer!.ttl || 60}\tIN\tA\t${answer!.address}`];
    if (short) return ok(found ? `${reverse ? `${ptr}.` : answer!.address}\n` : '');
    const server = dnsServerOf(m);
    const nx = !found && !(answer && type !== 'A');
    const id = (name.length * 7919 + m.cloud.clock.now()) % 65536;
    let out = `\n; <<>> DiG 9.18.33 <<>> ${args.join(' ')}\n;; global options: +cmd\n;; Got answer:\n`;
    out += `;; ->>HEADER<<- opcode: QUERY, status: ${nx ? 'NXDOMAIN' : 'NOERROR'}, id: ${id}\n`;
    out += `;; flags: qr rd ra; QUERY: 1, ANSWER: ${records.length}, AUTHORITY: 0, ADDITIONAL: 1\n\n`;
    out += ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n';
    out += `;; QUESTION SECTION:\n;${qname}\t\tIN\t${qtype}\n\n`;
    if (records.length) out += `;; ANSWER SECTION:\n${records.join('\n')}\n\n`;
    out += `;; Query time: 0 msec\n;; SERVER: ${server}#53(${server}) (UDP)\n;; WHEN: ${dateLine(m.cloud.clock.date())}\n;; MSG SIZE  rcvd: ${40 + qname.length + records.length * 16}\n\n`;
    return ok(out);
  });

export const host = (m: Machine): CustomCommand =>
  defineCommand('host', async (args) => {
    const name = args.filter((a) => !a.startsWith('-')).pop();
    if (!name)
      return fail(
        'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n',
      );
    const reverse = isIpv4(name);
    const { answer, ptr } = await query(m, name, reverse);
    if (reverse) {
      if (!ptr) return fail(`Host ${arpa(name)} not found: 3(NXDOMAIN)\n`);
      return ok(`${arpa(name)} domain name pointer ${ptr}.\n`);
    }
    if (!answer) return fail(`Host ${name} not found: 3(NXDOMAIN)\n`);
    return ok(`${name} has address ${answer.address}\n`);
  });

export const nslookup = (m: Machine): CustomCommand =>
  defineCommand('nslookup', async (args) => {
    const name = args.filter((a) => !a.startsWith('-')).shift();
    if (!name) return fail('nslookup: interactive mode is not available here; give a name to look up.\n');
    const server = dnsServerOf(m);
    const head = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
    const reverse = isIpv4(name);
    const { answer, ptr } = await query(m, name, reverse);
    if (reverse) {
      if (!ptr) return fail(`** server can't find ${arpa(name)}: NXDOMAIN\n`, 1, head);
      return ok(`${head}${arpa(name)}\tname = ${ptr}.\n\n`);
    }
    if (!answer) return fail(`** server can't find ${name}: NXDOMAIN\n`, 1, head);
    return ok(`${head}Non-authoritative answer:\nName:\t${answer.name}\nAddress: ${answer.address}\n\n`);
  });
