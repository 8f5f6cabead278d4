/**
 * Name resolution inside the cloud, as an instance's stub resolver sees it: /etc/hosts first
 * (glibc's "files dns"), the machine's own name, then the VPC's AmazonProvidedDNS — the one
 * resolver in `network/dns`, asked as `{kind: 'vpc'}` from an instance and as
 * `{kind: 'internet'}` from the workstation. It answers Route 53's hosted zones (private zones
 * in their VPCs only), EC2's names (private names within their Region, public names everywhere,
 * split horizon in the instance's own VPC, `instance-data`), S3 website endpoints and function
 * URLs. There is no internet beyond the cloud, so any other name does not resolve.
 */
import { LEARNER_IP } from '../../../contract/learner';
import { IMDS_IP, isIpv4, searchDomain } from '../../network/dns/ec2-names';
import { resolveDns } from '../../network/dns/resolver';
import { awsReverseName } from '../../network/dns/reverse';
import type { DnsClient, DnsResult, RRType } from '../../network/dns/types';
import type { Machine } from '../machine';
import { instanceOf } from './ec2-view';

export { IMDS_IP, isIpv4 };

export interface DnsAnswer {
  /** The name as asked (after the search domain was applied). */
  name: string;
  address: string;
  /** Seconds, as dig shows them. */
  ttl: number;
  /** Where the answer came from: `hosts` is /etc/hosts, the rest are DNS. */
  from: 'literal' | 'hosts' | 'dns';
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/** Who the machine is to the resolver: its VPC for an instance, the internet for the workstation. */
export function dnsClientOf(machine: Machine): DnsClient {
  const { identity } = machine;
  const found = identity.kind === 'instance' ? instanceOf(machine) : undefined;
  if (found)
    return {
      kind: 'vpc',
      account: identity.account,
      region: identity.region,
      vpcId: found.record.vpcId,
      ip: identity.privateIp,
    };
  return { kind: 'internet', ip: LEARNER_IP, region: identity.region };
}

export class Resolver {
  constructor(private readonly machine: Machine) {}

  /** What `getaddrinfo` gives: /etc/hosts, then DNS with the search domain. */
  async lookup(name: string): Promise<DnsAnswer | null> {
    const host = name.replace(/\.$/, '').toLowerCase();
    if (isIpv4(host)) return { name: host, address: host, ttl: 0, from: 'literal' };
    const fromHosts = await this.hostsFile(host);
    if (fromHosts) return fromHosts;
    if (host === 'localhost') return { name: host, address: '127.0.0.1', ttl: 0, from: 'hosts' };
    return this.dns(host, true);
  }

  /** The names to ask for a name: with the search domain first for a single label. */
  candidates(name: string, search: boolean): string[] {
    const host = name.replace(/\.$/, '').toLowerCase();
    return search && !host.includes('.') && !name.endsWith('.')
      ? [`${host}.${searchDomain(this.machine.identity.region)}`, host]
      : [host];
  }

  /** A question to the VPC's resolver, as dig asks it (no /etc/hosts). */
  query(name: string, type: RRType | 'ANY'): Promise<DnsResult> {
    const { identity } = this.machine;
    const host = name.replace(/\.$/, '').toLowerCase();
    // The machine's own names are answered locally (glibc's myhostname; the workstation's too).
    if (type === 'A' && (host === identity.privateDnsName || host === identity.hostname))
      return Promise.resolve({
        code: 'NOERROR',
        authoritative: false,
        answers: [{ name: `${host}.`, type: 'A', ttl: 60, value: identity.privateIp }],
        authority: [],
      });
    return resolveDns(this.machine.cloud, { name: host, type }, dnsClientOf(this.machine));
  }

  /** What a DNS query for an address answers (dig, host, nslookup skip /etc/hosts). */
  async dns(name: string, search = false): Promise<DnsAnswer | null> {
    for (const candidate of this.candidates(name, search)) {
      const result = await this.query(candidate, 'A');
      const a = result.answers.find((r) => r.type === 'A');
      if (a) return { name: candidate, address: a.value, ttl: a.ttl, from: 'dns' };
    }
    return null;
  }

  /** The PTR answer for an address: the machine's own, then AWS's (EC2, S3 website, function URL fleets). */
  reverse(ip: string): string | null {
    if (isLoopback(ip)) return 'localhost';
    const { identity } = this.machine;
    if (ip === identity.privateIp) return identity.privateDnsName;
    return awsReverseName(this.machine.cloud, ip, dnsClientOf(this.machine));
  }

  private async hostsFile(host: string): Promise<DnsAnswer | null> {
    const text = (await this.machine.fs.readText('/etc/hosts')) ?? '';
    for (const line of text.split('\n')) {
      const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (address && isIpv4(address) && names.some((n) => n.toLowerCase() === host))
        return { name: host, address, ttl: 0, from: 'hosts' };
    }
    return null;
  }
}
