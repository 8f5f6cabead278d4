/**
 * A resolver for the DNS server's unit tests: one zone, example.com, holding a record of every
 * type Route 53 serves, answering as the real resolver does (CNAME chasing inside the zone,
 * NXDOMAIN and NODATA with the SOA, REFUSED outside the zone) — so the server's encoding and
 * transport can be tested without Route 53's API.
 */
import type { DnsClient, DnsQuestion, DnsRecord, DnsResult } from '../../../electron/core/network/dns/types';

export const SOA_VALUE = 'ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';

const rec = (name: string, type: DnsRecord['type'], value: string, ttl = 300): DnsRecord => ({
  name,
  type,
  value,
  ttl,
});

export const RECORDS: DnsRecord[] = [
  rec('example.com.', 'SOA', SOA_VALUE, 900),
  rec('example.com.', 'NS', 'ns-2048.awsdns-64.net.', 172800),
  rec('example.com.', 'NS', 'ns-0.awsdns-00.com.', 172800),
  rec('example.com.', 'MX', '10 mail.example.com'),
  rec('example.com.', 'MX', '20 mail2.example.com.'),
  rec('example.com.', 'CAA', '0 issue "amazon.com"'),
  rec('example.com.', 'CAA', '128 iodef "mailto:security@example.com"'),
  rec('example.com.', 'TXT', '"v=spf1 include:amazonses.com -all"'),
  rec('example.com.', 'TXT', '"two" "strings with \\"quotes\\" and \\\\"'),
  rec('example.com.', 'SPF', '"v=spf1 -all"'),
  rec('www.example.com.', 'A', '192.0.2.10', 60),
  rec('www.example.com.', 'A', '192.0.2.11', 60),
  rec('www.example.com.', 'AAAA', '2001:db8::10', 60),
  rec('alias.example.com.', 'CNAME', 'www.example.com', 120),
  rec('chain.example.com.', 'CNAME', 'alias.example.com.', 30),
  rec('mail.example.com.', 'A', '192.0.2.25'),
  rec('_sip._tcp.example.com.', 'SRV', '1 10 5060 sip.example.com'),
  rec('sip.example.com.', 'A', '192.0.2.60'),
  rec('sip.example.com.', 'NAPTR', '100 50 "s" "SIP+D2U" "" _sip._udp.example.com.'),
  rec('10.2.0.192.in-addr.example.com.', 'PTR', 'www.example.com'),
  rec('\\052.wild.example.com.', 'A', '192.0.2.99'),
  rec('sec.example.com.', 'DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'),
  // Enough text to pass 512 bytes, but not 4096.
  ...Array.from({ length: 12 }, (_, i) =>
    rec('big.example.com.', 'TXT', `"${String(i).padStart(2, '0')}${'x'.repeat(60)}"`),
  ),
];

const SOA = RECORDS[0]!;

/** What was asked, for tests that check the client and the question passed through. */
export const asked: { question: DnsQuestion; client: DnsClient }[] = [];

export async function fakeResolve(question: DnsQuestion, client: DnsClient): Promise<DnsResult> {
  asked.push({ question, client });
  let name = question.name.toLowerCase().replace(/\.?$/, '.');
  if (name === 'throw.example.com.') throw new Error('the resolver failed');
  if (name !== 'example.com.' && !name.endsWith('.example.com.'))
    return { code: 'REFUSED', authoritative: false, answers: [], authority: [] };
  const answers: DnsRecord[] = [];
  for (let hops = 0; hops < 8; hops++) {
    const at = RECORDS.filter(
      (r) =>
        r.name === name ||
        (r.name === `\\052.${name.replace(/^[^.]+\./, '')}` && !RECORDS.some((x) => x.name === name)),
    );
    const shaped = at.map((r) => ({ ...r, name }));
    const wanted = shaped.filter((r) => r.type === question.type);
    if (wanted.length > 0 || question.type === 'CNAME')
      return { code: 'NOERROR', authoritative: true, answers: [...answers, ...wanted], authority: [] };
    const cname = shaped.find((r) => r.type === 'CNAME');
    if (cname) {
      answers.push(cname);
      name = cname.value.toLowerCase().replace(/\.?$/, '.');
      continue;
    }
    const negative = { ...SOA, ttl: 900 };
    const exists = shaped.length > 0 || RECORDS.some((r) => r.name.endsWith(`.${name}`));
    return {
      code: exists || answers.length ? 'NOERROR' : 'NXDOMAIN',
      authoritative: true,
      answers,
      authority: [negative],
    };
  }
  return { code: 'SERVFAIL', authoritative: false, answers: [], authority: [] };
}
