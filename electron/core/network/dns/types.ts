/**
 * The one DNS resolver's vocabulary. Every asker — an instance's `dig`, `curl` and `getaddrinfo`,
 * the console's Test record tool (TestDNSAnswer), the health checkers, the DNS server on `--dns-port` — puts a question and
 * says who asks (a VPC, for private hosted zones and split-horizon EC2 names, or the internet),
 * and gets the answer a real server would give: records, the authority section, and a code.
 */

/** Record types Route 53 serves (the DNS server answers these; ANY is a question only). */
export const RR_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'TXT',
  'NS',
  'SOA',
  'SRV',
  'CAA',
  'PTR',
  'SPF',
  'NAPTR',
  'DS',
] as const;
export type RRType = (typeof RR_TYPES)[number];

export interface DnsQuestion {
  /** Any case, with or without the trailing dot. */
  name: string;
  type: RRType | 'ANY';
}

/** Who asks: decides private zones, split-horizon names, latency and geolocation routing. */
export type DnsClient =
  | {
      kind: 'vpc';
      account: string;
      region: string;
      vpcId: string;
      /** The asking machine's address (multivalue and weighted draws may use it). */
      ip: string;
    }
  | {
      kind: 'internet';
      ip: string;
      /** The Region nearest the asker, for latency routing (the workstation: the console's Region). */
      region?: string;
      /** ISO country code for geolocation routing, when known. */
      country?: string;
      continent?: string;
    };

/** One answer record. `value` is the record's data in Route 53's text form (as ResourceRecords carry it). */
export interface DnsRecord {
  /** Fully qualified, lower case, with the trailing dot. */
  name: string;
  type: RRType;
  ttl: number;
  /** A: `192.0.2.1`; MX: `10 mail.example.com`; TXT: `"v=spf1 -all"`; SOA: the seven fields … */
  value: string;
}

export type DnsCode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

export interface DnsResult {
  code: DnsCode;
  /** Set when a hosted zone (or EC2's own zone) answered: the AA bit. */
  authoritative: boolean;
  /** The answer section, CNAME chain first, in the order a server sends it. */
  answers: DnsRecord[];
  /** The authority section: the zone's SOA for NXDOMAIN and NODATA, its NS for a referral. */
  authority: DnsRecord[];
}
